package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// SharedBoundaryLength is the length of boundary two polygons share: the
// total overlap of segments of a and b that lie on one line, to within tol
// (in the coordinates' units). Neighbours drawn on a shared topology share
// identical vertices and tol can be tiny; digitised neighbours need a
// tolerance about their digitising error. Polygons that only meet at a
// point share 0.
func SharedBoundaryLength(a, b orb.MultiPolygon, tol float64) float64 {
	ba, bb := a.Bound().Pad(tol), b.Bound().Pad(tol)
	if !ba.Intersects(bb) {
		return 0
	}
	segsB := sharedSegsIn(b, ba)
	if len(segsB) == 0 {
		return 0
	}
	total := 0.0
	for _, s := range sharedSegsIn(a, bb) {
		for _, t := range segsB {
			total += sharedOverlap(s, t, tol)
		}
	}
	return total
}

type sharedSeg struct {
	a, b orb.Point
	box  orb.Bound
}

// sharedSegsIn lists mp's ring segments whose box meets r.
func sharedSegsIn(mp orb.MultiPolygon, r orb.Bound) []sharedSeg {
	var out []sharedSeg
	for _, poly := range mp {
		for _, ring := range poly {
			for i := 0; i+1 < len(ring); i++ {
				s := sharedSeg{a: ring[i], b: ring[i+1]}
				s.box = orb.Bound{Min: s.a, Max: s.a}.Extend(s.b)
				if s.a != s.b && s.box.Intersects(r) {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

// sharedOverlap is the length along s of the part of t that lies on s,
// when both of t's ends are within tol of s's line.
func sharedOverlap(s, t sharedSeg, tol float64) float64 {
	if !s.box.Pad(tol).Intersects(t.box) {
		return 0
	}
	dx, dy := s.b[0]-s.a[0], s.b[1]-s.a[1]
	l := math.Hypot(dx, dy)
	ux, uy := dx/l, dy/l
	// Distance of t's ends from s's line, and their positions along it.
	off := func(p orb.Point) (along, across float64) {
		px, py := p[0]-s.a[0], p[1]-s.a[1]
		return px*ux + py*uy, math.Abs(px*uy - py*ux)
	}
	t0, d0 := off(t.a)
	t1, d1 := off(t.b)
	if d0 > tol || d1 > tol {
		return 0
	}
	lo, hi := math.Max(0, math.Min(t0, t1)), math.Min(l, math.Max(t0, t1))
	return math.Max(0, hi-lo)
}
