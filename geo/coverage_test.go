package geo

import (
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

func box(x0, y0, x1, y1 float64) orb.MultiPolygon {
	return orb.MultiPolygon{{square(x0, y0, x1, y1)}}
}

// poly builds a one-part multipolygon from a closed list of points.
func poly(pts ...orb.Point) orb.MultiPolygon {
	return orb.MultiPolygon{{append(orb.Ring(pts), pts[0])}}
}

// jitter moves every coordinate by a deterministic amount up to d, as
// rounding or a projection round trip would; equal points stay equal.
func jitter(mp orb.MultiPolygon, d float64) orb.MultiPolygon {
	out := orb.Clone(mp).(orb.MultiPolygon)
	for _, p := range out {
		for _, r := range p {
			for i, q := range r {
				r[i] = orb.Point{q[0] + d*math.Sin(q[0]*7.1+q[1]*3.3), q[1] + d*math.Cos(q[0]*2.9-q[1]*5.7)}
			}
		}
	}
	return out
}

func TestCheckTiling(t *testing.T) {
	parent := box(0, 0, 10, 10)
	// The right half is split in two; the left half and the parent lack the
	// vertices at (5,5), (5,0) and (5,10): T-junctions on one side only.
	left, rightLow, rightHigh := box(0, 0, 5, 10), box(5, 0, 10, 5), box(5, 5, 10, 10)
	cases := []struct {
		name   string
		t      Tiling
		snap   float64
		owners [][]int // per defect; nil for a clean tiling
		bounds []orb.Bound
	}{
		{"clean with T-junctions", Tiling{parent, []orb.MultiPolygon{left, rightLow, rightHigh}}, 0, nil, nil},
		{"clean, T-junction noise forgiven", Tiling{jitter(parent, 1e-9), []orb.MultiPolygon{
			jitter(left, 1e-9), jitter(rightLow, 1e-9), jitter(rightHigh, 1e-9)}}, 0.02, nil, nil},
		{"rounding-sized noise forgiven", Tiling{jitter(parent, 0.007), []orb.MultiPolygon{
			jitter(left, 0.007), jitter(rightLow, 0.007), jitter(rightHigh, 0.007)}}, 0.02, nil, nil},
		{"orientation does not matter", Tiling{orb.MultiPolygon{{square(0, 0, 10, 10).Clone()}}, []orb.MultiPolygon{
			reversed(left), rightLow, reversed(rightHigh)}}, 0, nil, nil},
		{"gap where a tile is missing", Tiling{parent, []orb.MultiPolygon{left, rightLow}}, 0.02,
			[][]int{{ParentOwner, 0, 1}}, []orb.Bound{{Min: orb.Point{5, 5}, Max: orb.Point{10, 10}}}},
		{"overlap", Tiling{parent, []orb.MultiPolygon{box(0, 0, 6, 10), rightLow, rightHigh}}, 0.02,
			[][]int{{0, 1, 2}}, []orb.Bound{{Min: orb.Point{5, 0}, Max: orb.Point{6, 10}}}},
		{"spill over the parent", Tiling{parent, []orb.MultiPolygon{left, rightLow, box(5, 5, 10, 12)}}, 0.02,
			[][]int{{ParentOwner, 2}}, []orb.Bound{{Min: orb.Point{5, 10}, Max: orb.Point{10, 12}}}},
		{"unfilled hole", Tiling{parent, []orb.MultiPolygon{left, rightLow,
			{{square(5, 5, 10, 10), reversed(box(6, 6, 7, 7))[0][0]}}}}, 0.02,
			[][]int{{2}}, []orb.Bound{{Min: orb.Point{6, 6}, Max: orb.Point{7, 7}}}},
		{"moved vertex within the noise", Tiling{parent, []orb.MultiPolygon{left, rightLow,
			poly(orb.Point{5, 5}, orb.Point{10, 5}, orb.Point{10, 10}, orb.Point{7.5, 10.01}, orb.Point{5, 10})}}, 0.02, nil, nil},
		{"moved vertex beyond the noise", Tiling{parent, []orb.MultiPolygon{left, rightLow,
			poly(orb.Point{5, 5}, orb.Point{10, 5}, orb.Point{10, 10}, orb.Point{7.5, 9.9}, orb.Point{5, 10})}}, 0.02,
			[][]int{{ParentOwner, 2}}, []orb.Bound{{Min: orb.Point{5, 9.9}, Max: orb.Point{10, 10}}}},
		// Which copy of a doubled segment stays unmatched is arbitrary: the
		// first one. The overlay then finds both tiles over the place.
		{"the same tile twice", Tiling{parent, []orb.MultiPolygon{left, rightLow, rightHigh, rightHigh}}, 0.02,
			[][]int{{2}}, []orb.Bound{{Min: orb.Point{5, 5}, Max: orb.Point{10, 10}}}},
		{"no parent: the outline is unmatched", Tiling{nil, []orb.MultiPolygon{left, rightLow, rightHigh}}, 0,
			[][]int{{0, 1, 2}}, []orb.Bound{{Min: orb.Point{0, 0}, Max: orb.Point{10, 10}}}},
		{"island inside a gap is one defect", Tiling{parent, []orb.MultiPolygon{left, rightLow, box(7, 7, 8, 8)}}, 0.02,
			[][]int{{ParentOwner, 0, 1, 2}}, []orb.Bound{{Min: orb.Point{5, 5}, Max: orb.Point{10, 10}}}},
		{"two separate defects", Tiling{box(0, 0, 30, 10), []orb.MultiPolygon{box(0, 0, 9, 10), box(10, 0, 19, 10), box(20, 0, 30, 10)}}, 0.02,
			[][]int{{ParentOwner, 0, 1}, {ParentOwner, 1, 2}}, []orb.Bound{{Min: orb.Point{9, 0}, Max: orb.Point{10, 10}}, {Min: orb.Point{19, 0}, Max: orb.Point{20, 10}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := CheckTiling(c.t, TilingOptions{Snap: c.snap, Margin: 0.1})
			if len(got) != len(c.owners) {
				t.Fatalf("%d defects, want %d: %+v", len(got), len(c.owners), got)
			}
			slices.SortFunc(got, func(a, b Defect) int { return cmpFloat(a.Bound.Min[0], b.Bound.Min[0]) })
			for i, d := range got {
				if !slices.Equal(d.Owners, c.owners[i]) {
					t.Errorf("defect %d: owners %v, want %v", i, d.Owners, c.owners[i])
				}
				if !near(d.Bound.Min, c.bounds[i].Min, 0.02) || !near(d.Bound.Max, c.bounds[i].Max, 0.02) {
					t.Errorf("defect %d: bound %v, want %v", i, d.Bound, c.bounds[i])
				}
			}
		})
	}
}

func near(a, b orb.Point, d float64) bool {
	return math.Abs(a[0]-b[0]) <= d && math.Abs(a[1]-b[1]) <= d
}

func reversed(mp orb.MultiPolygon) orb.MultiPolygon {
	out := orb.Clone(mp).(orb.MultiPolygon)
	for _, p := range out {
		for _, r := range p {
			r.Reverse()
		}
	}
	return out
}

// A real tiling has thousands of shared edges; the check is one pass over
// them, and T-junction noise costs nothing when there is none.
func TestCheckTilingLattice(t *testing.T) {
	const n = 40
	var tiles []orb.MultiPolygon
	for i := range n {
		for j := range n {
			tiles = append(tiles, jitter(box(float64(i), float64(j), float64(i+1), float64(j+1)), 1e-10))
		}
	}
	parent := jitter(box(0, 0, n, n), 1e-10)
	if d := CheckTiling(Tiling{parent, tiles}, TilingOptions{Snap: 0.001}); len(d) != 0 {
		t.Fatalf("clean lattice: %d defects", len(d))
	}
	tiles[5*n+7] = box(5.2, 7, 6, 8) // a 0.2-wide gap
	d := CheckTiling(Tiling{parent, tiles}, TilingOptions{Snap: 0.001})
	// The gap is bounded by the shrunk tile and its west, south and north neighbours.
	if want := []int{4*n + 7, 5*n + 6, 5*n + 7, 5*n + 8}; len(d) != 1 || !slices.Equal(d[0].Owners, want) {
		t.Fatalf("one gap bounded by tiles %v expected, got %+v", want, d)
	}
}

func TestOverlapsAndCovers(t *testing.T) {
	a := box(0, 0, 10, 10)
	cases := []struct {
		name     string
		b        orb.MultiPolygon
		overlaps bool
		aCoversB bool
	}{
		{"touching", box(10, 0, 20, 10), false, false},
		{"touching with noise", jitter(box(10, 0, 20, 10), 0.001), false, false},
		{"sharing a corner", box(10, 10, 20, 20), false, false},
		{"overlapping", box(8, 2, 20, 8), true, false},
		{"identical", box(0, 0, 10, 10), true, true},
		{"inside, sharing edges", box(0, 0, 5, 10), true, true},
		{"inside, noisy edges", jitter(box(0, 0, 5, 10), 0.001), true, true},
		{"strictly inside", box(2, 2, 3, 3), true, true},
		{"containing", box(-1, -1, 11, 11), true, false},
		{"crossing bars", box(-5, 4, 15, 6), true, false},
		{"spilling a metre", box(5, 5, 11, 10), true, false},
		{"spilling within the noise", poly(orb.Point{5, 5}, orb.Point{10, 5}, orb.Point{10.001, 7}, orb.Point{10, 10}, orb.Point{5, 10}), true, true},
		{"far away", box(50, 50, 60, 60), false, false},
	}
	for _, c := range cases {
		if got := Overlaps(a, c.b, 0.01); got != c.overlaps {
			t.Errorf("%s: Overlaps = %v, want %v", c.name, got, c.overlaps)
		}
		if got := Overlaps(c.b, a, 0.01); got != c.overlaps {
			t.Errorf("%s: Overlaps reversed = %v, want %v", c.name, got, c.overlaps)
		}
		if got := Covers(a, c.b, 0.01); got != c.aCoversB {
			t.Errorf("%s: Covers = %v, want %v", c.name, got, c.aCoversB)
		}
	}
	holed := orb.MultiPolygon{{square(0, 0, 10, 10), reversed(box(4, 4, 6, 6))[0][0]}}
	if Covers(holed, box(3, 3, 7, 7), 0.01) {
		t.Error("a polygon covering a hole of the outer one is not covered")
	}
	if !Covers(holed, box(0, 0, 3, 3), 0.01) {
		t.Error("a polygon beside the hole is covered")
	}
	if Overlaps(holed, box(4.5, 4.5, 5.5, 5.5), 0.01) {
		t.Error("a polygon inside the hole does not overlap")
	}
}

func TestInteriorPoint(t *testing.T) {
	cases := []orb.MultiPolygon{
		box(0, 0, 10, 10),
		poly(orb.Point{0, 0}, orb.Point{10, 0}, orb.Point{10, 1}, orb.Point{1, 1}, orb.Point{1, 10}, orb.Point{0, 10}), // an L
		{{square(0, 0, 10, 10), reversed(box(1, 1, 9, 9))[0][0]}},                                                      // a frame
		{box(0, 0, 1, 1)[0], box(5, 5, 15, 15)[0]},                                                                     // two parts
	}
	for i, mp := range cases {
		p, ok := InteriorPoint(mp)
		if !ok || newPolyIndex(mp).locate(p, 1e-9) != inside {
			t.Errorf("case %d: %v (%v) is not inside", i, p, ok)
		}
	}
	if _, ok := InteriorPoint(orb.MultiPolygon{{{{0, 0}, {1, 1}, {2, 2}, {0, 0}}}}); ok {
		t.Error("a polygon without area has no interior point")
	}
}

func TestWidth(t *testing.T) {
	cases := []struct {
		name      string
		mp        orb.MultiPolygon
		want, tol float64
	}{
		{"square", box(0, 0, 10, 10), 10, 0.05},
		{"long thin sliver", box(0, 0, 1000, 0.3), 0.3, 0.01},
		{"diagonal sliver", poly(orb.Point{0, 0}, orb.Point{700, 700}, orb.Point{700, 700.4}, orb.Point{0, 0.4}), 0.28, 0.02},
		{"body with a hairline tail", orb.MultiPolygon{{append(square(0, 0, 5, 5)[:4:4], orb.Point{0, 5}, orb.Point{0, 2.501}, orb.Point{-200, 2.501}, orb.Point{-200, 2.5}, orb.Point{0, 2.5}, orb.Point{0, 0})}}, 5, 0.05},
		{"degenerate needle", poly(orb.Point{468869.79363, 3841976.385461423}, orb.Point{468870.83363, 3841976.385461423}, orb.Point{468870.83363, 3841976.3854614226}), 0, 1e-6},
		{"nothing", nil, 0, 0},
	}
	for _, c := range cases {
		if got := Width(c.mp, 0.005); math.Abs(got-c.want) > c.tol {
			t.Errorf("%s: width %v, want %v ± %v", c.name, got, c.want, c.tol)
		}
	}
}
