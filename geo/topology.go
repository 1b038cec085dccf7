package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// SimplifyShared simplifies polygons that share boundaries — a tiling of
// grids — so that they still share them: every stretch of boundary between
// two junctions (an arc) is simplified once, by Douglas-Peucker with the
// given tolerance, and both neighbours take the same result. Junctions
// (points where three or more boundary lines meet) never move, so
// neighbouring polygons neither crack apart nor overlap.
//
// Boundaries are shared when they run through the very same vertices (as
// an exact tiling has them). Where two simplified arcs would cross, or a
// ring would collapse below a triangle, the arcs concerned are simplified
// again with half the tolerance, down to keeping every vertex, so the
// result is never topoLess valid than the input. Coordinates are planar.
func SimplifyShared(polys []orb.MultiPolygon, tolerance float64) []orb.MultiPolygon {
	t := newTopoGraph(polys)
	for i := range t.arcs {
		t.arcs[i].tol = tolerance
		t.arcs[i].simplify()
	}
	// Each round refines only the arcs at fault; refinement ends at the
	// original arcs, which are fine by assumption, so this terminates.
	for round := 0; round < 64; round++ {
		bad := t.collapsedRings()
		for a := range t.crossingArcs() {
			bad[a] = true
		}
		if len(bad) == 0 {
			break
		}
		for a := range bad {
			t.arcs[a].refine()
		}
	}
	return t.rebuild()
}

// arc is a boundary stretch between junctions, stored in a canonical
// direction so both neighbours find the same one.
type topoArc struct {
	pts  []orb.Point
	keep []bool
	tol  float64
}

func (a *topoArc) simplify() {
	a.keep = make([]bool, len(a.pts))
	a.keep[0], a.keep[len(a.pts)-1] = true, true
	if a.tol <= 0 {
		for i := range a.keep {
			a.keep[i] = true
		}
		return
	}
	topoDP(a.pts, a.keep, 0, len(a.pts)-1, a.tol)
	if a.pts[0] == a.pts[len(a.pts)-1] { // a closed ring: keep a triangle
		far, best := 0, -1.0
		for i, p := range a.pts {
			if d := topoSqDist(p, a.pts[0]); d > best {
				far, best = i, d
			}
		}
		a.keep[far] = true
		topoDP(a.pts, a.keep, 0, far, a.tol)
		topoDP(a.pts, a.keep, far, len(a.pts)-1, a.tol)
		if topoKept(a.keep) < 4 {
			for i := 1; i < len(a.pts)-1; i++ {
				if !a.keep[i] && i != far {
					a.keep[i] = true
					break
				}
			}
		}
	}
}

// refine halves the tolerance; below a millionth of the original span it
// keeps every vertex.
func (a *topoArc) refine() {
	a.tol /= 2
	if a.tol < 1e-9 {
		a.tol = 0
	}
	a.simplify()
}

func topoKept(k []bool) int {
	n := 0
	for _, b := range k {
		if b {
			n++
		}
	}
	return n
}

// topoDP marks in keep the points of pts[i..j] that stay.
func topoDP(pts []orb.Point, keep []bool, i, j int, tol float64) {
	stack := [][2]int{{i, j}}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		far, best := -1, tol
		for k := s[0] + 1; k < s[1]; k++ {
			if d := topoSegDist(pts[k], pts[s[0]], pts[s[1]]); d > best {
				far, best = k, d
			}
		}
		if far >= 0 {
			keep[far] = true
			stack = append(stack, [2]int{s[0], far}, [2]int{far, s[1]})
		}
	}
}

// topoSegDist is the distance from p to topoSegment ab.
func topoSegDist(p, a, b orb.Point) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l2 := dx*dx + dy*dy
	if l2 == 0 {
		return math.Sqrt(topoSqDist(p, a))
	}
	t := ((p[0]-a[0])*dx + (p[1]-a[1])*dy) / l2
	t = math.Max(0, math.Min(1, t))
	return math.Hypot(p[0]-a[0]-t*dx, p[1]-a[1]-t*dy)
}

func topoSqDist(p, q orb.Point) float64 {
	dx, dy := p[0]-q[0], p[1]-q[1]
	return dx*dx + dy*dy
}
