package editing

import (
	"cmp"
	"slices"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/geo"
)

// takeIn prepares the polygons of an arrangement for noding where levels
// dissolved on their own do not share vertices (the corners of a child
// grid on its parent's straight edge, a round-off off it, say): vertices
// within two welding distances of one another become the first of them,
// and each ring segment takes in the vertices that lie on it to within
// that distance. Noded as they are, nearly coincident edges leave slivers
// whose orientation GEOS cannot tell, faces that overlap and siblings that
// no longer touch; prepared, the edges coincide and node as one. Nothing
// moves by more than the welding distances.
func takeIn(polys []orb.MultiPolygon) []orb.MultiPolygon {
	const tol = 2 * weldM
	var pts []orb.Point
	for _, mp := range polys {
		eachVertex(mp, func(q orb.Point) { pts = append(pts, q) })
	}
	idx := geo.NewPointBuckets(pts, 4)
	var buf []int32
	rep := map[orb.Point]orb.Point{}
	var reps []orb.Point
	for _, q := range pts {
		if _, ok := rep[q]; ok {
			continue
		}
		to := q
		buf = idx.InBound(orb.Bound{Min: q, Max: q}.Pad(tol), buf[:0])
		for _, v := range buf {
			if r, ok := rep[pts[v]]; ok && dist2(r, q) <= tol*tol {
				to = r
				break
			}
		}
		rep[q] = to
		if to == q {
			reps = append(reps, q)
		}
	}
	ridx := geo.NewPointBuckets(reps, 4)
	out := make([]orb.MultiPolygon, len(polys))
	for i, mp := range polys {
		nm := make(orb.MultiPolygon, 0, len(mp))
		for _, p := range mp {
			np := make(orb.Polygon, 0, len(p))
			for _, r := range p {
				nr := make(orb.Ring, 0, len(r))
				for s := 0; s+1 < len(r); s++ {
					a, b := rep[r[s]], rep[r[s+1]]
					if a == b {
						continue
					}
					nr = append(nr, a)
					buf = ridx.InBound(orb.Bound{Min: a, Max: a}.Extend(b).Pad(tol), buf[:0])
					var on []orb.Point
					for _, v := range buf {
						if q := reps[v]; inSegment(a, b, q) {
							on = append(on, q)
						}
					}
					slices.SortFunc(on, func(x, y orb.Point) int { return cmp.Compare(dist2(a, x), dist2(a, y)) })
					nr = append(nr, slices.Compact(on)...)
				}
				if len(nr) >= 3 {
					np = append(np, append(nr, nr[0]))
				}
			}
			if len(np) > 0 {
				nm = append(nm, np)
			}
		}
		out[i] = nm
	}
	return out
}
