package geo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

// wavyTiling returns n×n cells of size 100 whose shared boundaries wiggle
// (amplitude amp, one vertex every 5 units), identical in both neighbours,
// inside a straight outer square with collinear vertices.
func wavyTiling(n int, amp float64) []orb.MultiPolygon {
	// line returns the boundary from lattice node (i,j) to the next one,
	// horizontally or vertically; the wiggle depends only on the line.
	line := func(i, j int, horizontal bool) []orb.Point {
		var pts []orb.Point
		for k := 0; k <= 20; k++ {
			t := float64(k) * 5
			off := 0.0
			if k > 0 && k < 20 {
				off = amp * math.Sin(float64(k)*1.7+float64(i*7+j*3))
			}
			if horizontal {
				if j == 0 || j == n {
					off = 0
				}
				pts = append(pts, orb.Point{float64(i)*100 + t, float64(j)*100 + off})
			} else {
				if i == 0 || i == n {
					off = 0
				}
				pts = append(pts, orb.Point{float64(i)*100 + off, float64(j)*100 + t})
			}
		}
		return pts
	}
	rev := func(p []orb.Point) []orb.Point {
		out := make([]orb.Point, len(p))
		for i := range p {
			out[i] = p[len(p)-1-i]
		}
		return out
	}
	var polys []orb.MultiPolygon
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			var r orb.Ring
			r = append(r, line(i, j, true)...)            // south, west to east
			r = append(r, line(i+1, j, false)[1:]...)     // east, south to north
			r = append(r, rev(line(i, j+1, true))[1:]...) // north, east to west
			r = append(r, rev(line(i, j, false))[1:]...)  // west, north to south
			polys = append(polys, orb.MultiPolygon{{r}})
		}
	}
	return polys
}

func countVertices(ps []orb.MultiPolygon) int {
	n := 0
	for _, mp := range ps {
		for _, p := range mp {
			for _, r := range p {
				n += len(r)
			}
		}
	}
	return n
}

// checkTiling verifies that the polygons still tile: every edge inside the
// square is matched by its reverse in another polygon, rings keep their
// orientation, the areas add up to the square's (side > 0) and no two
// edges cross.
func checkTiling(t *testing.T, ps []orb.MultiPolygon, side float64) {
	t.Helper()
	type edge struct{ a, b orb.Point }
	owner := map[edge]int{}
	total := 0.0
	var segs []topoSegment
	for i, mp := range ps {
		for _, p := range mp {
			for k, r := range p {
				a := SignedArea(r)
				if k == 0 && a <= 0 || k > 0 && a >= 0 {
					t.Fatalf("polygon %d ring %d turned inside out (area %g)", i, k, a)
				}
				total += a
				for e := 0; e+1 < len(r); e++ {
					owner[edge{r[e], r[e+1]}] = i
					segs = append(segs, topoSegment{r[e], r[e+1], i, true})
				}
			}
		}
	}
	// Edges without a reverse are the outline of the union: they must form
	// one closed loop. A crack would add a loop of its own.
	next := map[orb.Point]orb.Point{}
	for e := range owner {
		if _, ok := owner[edge{e.b, e.a}]; !ok {
			if _, dup := next[e.a]; dup {
				t.Fatalf("two outline edges leave %v", e.a)
			}
			next[e.a] = e.b
		}
	}
	loops := 0
	for len(next) > 0 {
		loops++
		var p orb.Point
		for p = range next {
			break
		}
		for {
			q, ok := next[p]
			if !ok {
				break
			}
			delete(next, p)
			p = q
		}
	}
	if loops != 1 {
		t.Fatalf("the outline is %d loops, want 1: a crack or a hole opened", loops)
	}
	if side > 0 && math.Abs(total-side*side) > 1e-6 {
		t.Errorf("areas add up to %g, want %g", total, side*side)
	}
	for i := range segs {
		for j := i + 1; j < len(segs); j++ {
			s, u := segs[i], segs[j]
			if s.a == u.b && s.b == u.a {
				continue // the two sides of one shared edge
			}
			if topoConflict(s, u) {
				t.Fatalf("edges %v and %v cross or fold: an overlap", s, u)
			}
		}
	}
}

func TestSimplifyShared(t *testing.T) {
	for _, tc := range []struct {
		name      string
		n         int
		amp, tol  float64
		maxRatio  float64 // simplified vertices / original, at most
		unchanged bool
	}{
		{"small wiggles vanish", 4, 0.5, 2, 0.3, false},
		{"wiggles larger than the tolerance stay", 3, 5, 1, 1, false},
		{"zero tolerance keeps everything", 3, 2, 0, 1, true},
		{"a huge tolerance still leaves a tiling", 5, 2, 1000, 0.3, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := wavyTiling(tc.n, tc.amp)
			out := SimplifyShared(in, tc.tol)
			checkTiling(t, in, float64(tc.n)*100)
			side := float64(tc.n) * 100
			if tc.tol > 50 {
				side = -1 // the outline's corners go too; only the tiling is checked
			}
			checkTiling(t, out, side)
			ratio := float64(countVertices(out)) / float64(countVertices(in))
			if ratio > tc.maxRatio {
				t.Errorf("kept %.0f%% of the vertices, want at most %.0f%%", ratio*100, tc.maxRatio*100)
			}
			if tc.unchanged && countVertices(out) != countVertices(in) {
				t.Errorf("zero tolerance dropped vertices: %d of %d", countVertices(out), countVertices(in))
			}
		})
	}
}

// Two arcs between the same two junctions (a lens between two squares)
// must not both collapse onto the chord.
func TestSimplifySharedKeepsLens(t *testing.T) {
	// A square split by a curved line into two; the west part has a lens
	// cut out of its east side that is a third polygon.
	lens := orb.Ring{{50, 40}, {52, 50}, {50, 60}, {48, 50}, {50, 40}}
	west := orb.Ring{{0, 0}, {50, 0}, {50, 40}, {48, 50}, {50, 60}, {50, 100}, {0, 100}, {0, 0}}
	east := orb.Ring{{50, 0}, {100, 0}, {100, 100}, {50, 100}, {50, 60}, {52, 50}, {50, 40}, {50, 0}}
	in := []orb.MultiPolygon{{{west}}, {{east}}, {{lens}}}
	out := SimplifyShared(in, 10)
	checkTiling(t, out, 100)
	if a := SignedArea(out[2][0][0]); a <= 0 {
		t.Errorf("the lens collapsed: area %g", a)
	}
}

func TestSimplifySharedIsland(t *testing.T) {
	// A wobbly island inside a square: the island and the square's hole are
	// one closed arc and must stay identical.
	var island orb.Ring
	for k := 0; k < 40; k++ {
		a := float64(k) / 40 * 2 * math.Pi
		r := 20 + 0.3*math.Sin(7*a)
		island = append(island, orb.Point{50 + r*math.Cos(a), 50 + r*math.Sin(a)})
	}
	island = append(island, island[0])
	hole := make(orb.Ring, len(island))
	for i := range island {
		hole[i] = island[len(island)-1-i]
	}
	outer := orb.Ring{{0, 0}, {100, 0}, {100, 100}, {0, 100}, {0, 0}}
	out := SimplifyShared([]orb.MultiPolygon{{{outer, hole}}, {{island}}}, 1)
	checkTiling(t, out, 100)
	if n := len(out[1][0][0]); n >= len(island) || n < 4 {
		t.Errorf("island kept %d of %d points", n, len(island))
	}
}
