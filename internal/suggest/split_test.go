package suggest

import (
	"testing"

	"github.com/paulmach/orb"
)

func TestSplitGraph(t *testing.T) {
	for _, c := range []struct {
		name       string
		nx, ny, k  int
		households func(i, j int) int64
	}{
		{"4×4 of 40 households into 2", 4, 4, 2, uniform40},
		{"6×4 of 40 households into 2", 6, 4, 2, uniform40},
		{"5×5 uneven into 3", 5, 5, 3, func(i, j int) int64 { return int64(30 + 9*((i*3+j*5)%7)) }},
		{"8×5 into 4 (too many atoms to search exhaustively)", 8, 5, 4, func(i, j int) int64 { return int64(25 + (i+j)%3*10) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := mustBuild(t, latticeGround(t, c.nx, c.ny, 10, 1, oneGrid, c.households))
			parts, err := SplitGraph(g, gridBand, c.k, 3)
			if err != nil {
				t.Fatal(err)
			}
			if len(parts) == 0 {
				t.Fatal("no partition")
			}
			best := parts[0]
			if best.cost().gap > costEps {
				t.Errorf("best partition leaves a band gap of %v: %+v", best.cost().gap, best.parts)
			}
			if !connectedParts(g, best.Label, c.k) {
				t.Errorf("a part is in pieces: %v", best.Label)
			}
			for i := 1; i < len(parts); i++ {
				if canonical(parts[i].Label, c.k) == canonical(best.Label, c.k) {
					t.Errorf("alternative %d repeats the best", i)
				}
			}
		})
	}
}

func TestSplitGraphPrefersStreets(t *testing.T) {
	// 4×2 cells of 80 and 81 households: cutting the rows apart or the
	// columns down the middle both give 322 | 322, within 300–350; the
	// second is half as long and runs along the street at x = 20.
	ground := latticeGround(t, 4, 2, 10, 1, oneGrid, func(i, _ int) int64 { return 80 + int64(i%2) })
	ground.Streets = []orb.LineString{{{20, -1}, {20, 21}}}
	g := mustBuild(t, ground)
	parts, err := SplitGraph(g, domain2(), 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	for a, at := range g.Atoms {
		if left := at.Centre[0] < 20; (parts[0].Label[a] == parts[0].Label[0]) != left {
			t.Fatalf("cut does not follow the street at x = 20: %v", parts[0].Label)
		}
	}
}

func TestBisectionsAreExhaustive(t *testing.T) {
	// A snake of 1×9 cells where only one cut gives two parts within
	// 100–120 households: after the fifth cell (5 × 22 = 110 | 4 × 27 = 108).
	g := mustBuild(t, latticeGround(t, 9, 1, 10, 1, oneGrid, func(i, _ int) int64 {
		if i < 5 {
			return 22
		}
		return 27
	}))
	got := bisections(g, bandOf100(), 1)
	if len(got) != 1 {
		t.Fatalf("%d bisections", len(got))
	}
	for a := range g.Atoms {
		if (got[0][a] == got[0][0]) != (g.Atoms[a].Centre[0] < 50) {
			t.Fatalf("best bisection %v, want the first five cells apart", got[0])
		}
	}
}
