package editing

import (
	"cmp"
	"slices"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/geo"
)

// takeIn returns the polygons with, in each ring segment, the vertices of
// all of them that lie on the segment to within two welding distances but
// are not its ends: the corners of a child grid on its parent's straight
// edge, a round-off off it, say, which levels dissolved on their own do
// not share. Noded as they are, two such nearly coincident edges leave
// slivers whose orientation GEOS cannot tell, faces that overlap, and
// siblings that no longer touch; taken in, the edges coincide and node as
// one. Only existing vertices are added, so nothing moves.
func takeIn(polys []orb.MultiPolygon) []orb.MultiPolygon {
	var pts []orb.Point
	for _, mp := range polys {
		eachVertex(mp, func(q orb.Point) { pts = append(pts, q) })
	}
	idx := geo.NewPointBuckets(pts, 4)
	const tol = 2 * weldM
	var buf []int32
	out := make([]orb.MultiPolygon, len(polys))
	for i, mp := range polys {
		nm := make(orb.MultiPolygon, len(mp))
		for j, p := range mp {
			np := make(orb.Polygon, len(p))
			for k, r := range p {
				nr := make(orb.Ring, 0, len(r))
				for s := 0; s+1 < len(r); s++ {
					a, b := r[s], r[s+1]
					nr = append(nr, a)
					buf = idx.InBound(orb.Bound{Min: a, Max: a}.Extend(b).Pad(tol), buf[:0])
					var on []orb.Point
					for _, v := range buf {
						if q := pts[v]; inSegment(a, b, q) {
							on = append(on, q)
						}
					}
					slices.SortFunc(on, func(x, y orb.Point) int { return cmp.Compare(dist2(a, x), dist2(a, y)) })
					nr = append(nr, slices.Compact(on)...)
				}
				np[k] = append(nr, r[len(r)-1])
			}
			nm[j] = np
		}
		out[i] = nm
	}
	return out
}
