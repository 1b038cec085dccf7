package editing

import (
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
				var welded orb.Ring
				for _, q := range r {
					if q = rep[q]; len(welded) == 0 || welded[len(welded)-1] != q {
						welded = append(welded, q)
					}
				}
				if len(welded) >= 4 { // a ring that welding did not collapse
					np = append(np, orb.Ring(geo.InsertAlong(welded, reps, ridx, tol, inSegment)))
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
