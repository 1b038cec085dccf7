package demo

import (
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// interior returns a random point of atom f at least unitClearanceM from
// its edges, so units and facilities sit strictly inside one atom and hence
// inside exactly one grid of each level. ok is false for atoms too thin.
func (a *atoms) interior(f int32, rng *rand.Rand) (orb.Point, bool) {
	const m = unitClearanceM
	if a.rect[f] {
		b := a.bound(f)
		if b.Max[0]-b.Min[0] <= 2*m+0.1 || b.Max[1]-b.Min[1] <= 2*m+0.1 {
			return orb.Point{}, false
		}
		return orb.Point{b.Min[0] + m + rng.Float64()*(b.Max[0]-b.Min[0]-2*m),
			b.Min[1] + m + rng.Float64()*(b.Max[1]-b.Min[1]-2*m)}, true
	}
	poly := a.sub.Polygon(int(f))
	b := poly.Bound()
	if b.Max[0]-b.Min[0] <= 2*m || b.Max[1]-b.Min[1] <= 2*m {
		return orb.Point{}, false
	}
	for range 40 {
		p := orb.Point{b.Min[0] + m + rng.Float64()*(b.Max[0]-b.Min[0]-2*m),
			b.Min[1] + m + rng.Float64()*(b.Max[1]-b.Min[1]-2*m)}
		if planar.PolygonContains(poly, p) && clearance(poly, p) >= m {
			return p, true
		}
	}
	return orb.Point{}, false
}

// clearance is the distance from p to the nearest edge of poly.
func clearance(poly orb.Polygon, p orb.Point) float64 {
	d := math.Inf(1)
	for _, r := range poly {
		for k := 0; k+1 < len(r); k++ {
			d = math.Min(d, planar.DistanceFromSegment(r[k], r[k+1], p))
		}
	}
	return d
}

// bound is the bounding box of atom f's outer ring.
func (a *atoms) bound(f int32) orb.Bound {
	h := a.sub.Faces[f].Rings[0]
	p := a.sub.Points[a.sub.Edges[h].From]
	b := orb.Bound{Min: p, Max: p}
	for e := a.sub.Edges[h].Next; e != h; e = a.sub.Edges[e].Next {
		b = b.Extend(a.sub.Points[a.sub.Edges[e].From])
	}
	return b
}
