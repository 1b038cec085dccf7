package geo

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// forgiveNoise removes from the unmatched edges what floating-point noise
// left there. It merges unmatched vertices closer than snap, splits each
// unmatched segment at the unmatched vertices within snap of it (a
// T-junction: a vertex that one side has and the other lacks), and cancels
// exact reverses, until nothing changes. What survives is a real defect.
// No vertex moves by more than snap, so nothing wider than about snap is
// ever forgiven. With snap 0 only exact T-junctions (a vertex exactly on
// the other side's segment) are forgiven.
func forgiveNoise(edges []Edge, snap float64) []Edge {
	for range 8 {
		var snapped, split bool
		if snap > 0 {
			edges, snapped = snapVertices(edges, snap)
			edges = cancel(edges)
		}
		edges, split = splitAtVertices(edges, snap)
		edges = cancel(edges)
		if len(edges) == 0 || (!snapped && !split) {
			break
		}
	}
	return edges
}

type cell struct{ x, y int64 }

func cellOf(p orb.Point, size float64) cell {
	return cell{int64(math.Floor(p[0] / size)), int64(math.Floor(p[1] / size))}
}

// snapVertices moves every endpoint to the first endpoint (in edge order)
// within snap of it, so the result does not depend on map order. Distinct
// representatives stay more than snap apart. Edges that collapse are dropped.
func snapVertices(edges []Edge, snap float64) ([]Edge, bool) {
	reps := map[cell][]orb.Point{}
	to := make(map[orb.Point]orb.Point, 2*len(edges))
	moved := false
	rep := func(p orb.Point) orb.Point {
		if q, ok := to[p]; ok {
			return q
		}
		c := cellOf(p, snap)
		best, bestD := p, math.Inf(1)
		for dx := int64(-1); dx <= 1; dx++ {
			for dy := int64(-1); dy <= 1; dy++ {
				for _, q := range reps[cell{c.x + dx, c.y + dy}] {
					if d := planar.Distance(p, q); d <= snap && d < bestD {
						best, bestD = q, d
					}
				}
			}
		}
		if best == p {
			reps[c] = append(reps[c], p)
		} else {
			moved = true
		}
		to[p] = best
		return best
	}
	out := edges[:0]
	for _, e := range edges {
		e.A, e.B = rep(e.A), rep(e.B)
		if e.A != e.B {
			out = append(out, e)
		}
	}
	return out, moved
}

// splitAtVertices splits each edge at the edges' endpoints that lie within
// snap of its interior, in order along it.
func splitAtVertices(edges []Edge, snap float64) ([]Edge, bool) {
	seen := make(map[orb.Point]bool, 2*len(edges))
	var byX []orb.Point
	for _, e := range edges {
		for _, p := range [2]orb.Point{e.A, e.B} {
			if !seen[p] {
				seen[p] = true
				byX = append(byX, p)
			}
		}
	}
	byY := slices.Clone(byX)
	slices.SortFunc(byX, func(a, b orb.Point) int { return cmpFloat(a[0], b[0]) })
	slices.SortFunc(byY, func(a, b orb.Point) int { return cmpFloat(a[1], b[1]) })

	type cut struct {
		t float64
		p orb.Point
	}
	var cuts []cut
	split := false
	out := make([]Edge, 0, len(edges))
	for _, e := range edges {
		b := orb.Bound{Min: e.A, Max: e.A}.Extend(e.B).Pad(snap)
		// Search along the axis on which the edge is shorter: a long
		// axis-parallel edge then meets only the vertices near its line.
		axis, list := 0, byX
		if b.Max[1]-b.Min[1] < b.Max[0]-b.Min[0] {
			axis, list = 1, byY
		}
		lo, _ := slices.BinarySearchFunc(list, b.Min[axis], func(p orb.Point, v float64) int { return cmpFloat(p[axis], v) })
		cuts = cuts[:0]
		dx, dy := e.B[0]-e.A[0], e.B[1]-e.A[1]
		l2 := dx*dx + dy*dy
		for _, p := range list[lo:] {
			if p[axis] > b.Max[axis] {
				break
			}
			if p == e.A || p == e.B || !b.Contains(p) {
				continue
			}
			t := ((p[0]-e.A[0])*dx + (p[1]-e.A[1])*dy) / l2
			if t <= 0 || t >= 1 || planar.DistanceFromSegment(e.A, e.B, p) > snap {
				continue
			}
			cuts = append(cuts, cut{t, p})
		}
		if len(cuts) == 0 {
			out = append(out, e)
			continue
		}
		split = true
		slices.SortFunc(cuts, func(a, b cut) int { return cmpFloat(a.t, b.t) })
		from := e.A
		for _, c := range cuts {
			out = append(out, Edge{A: from, B: c.p, Owner: e.Owner})
			from = c.p
		}
		out = append(out, Edge{A: from, B: e.B, Owner: e.Owner})
	}
	return out, split
}
