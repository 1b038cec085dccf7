package geo

import (
	"github.com/paulmach/orb"
)

// PointBuckets finds the points inside a rectangle among many fixed points
// (a plan's population units), so an edit to one grid revisits only the
// units under it. Points are bucketed by square cell (cells).
type PointBuckets struct {
	cells
	pts []orb.Point
}

// NewPointBuckets indexes pts, aiming at perCell points per cell.
func NewPointBuckets(pts []orb.Point, perCell int) *PointBuckets {
	b := &PointBuckets{pts: pts}
	if len(pts) == 0 {
		return b
	}
	ext := orb.Bound{Min: pts[0], Max: pts[0]}
	for _, p := range pts[1:] {
		ext = ext.Extend(p)
	}
	b.cells = newCells(ext, len(pts), perCell, func(i int) orb.Bound { return orb.Bound{Min: pts[i], Max: pts[i]} })
	return b
}

// InBound appends to out the indexes of the points inside r (edges
// included), in no particular order.
func (b *PointBuckets) InBound(r orb.Bound, out []int32) []int32 {
	if len(b.pts) == 0 || r.Max[0] < b.ext.Min[0] || r.Min[0] > b.ext.Max[0] ||
		r.Max[1] < b.ext.Min[1] || r.Min[1] > b.ext.Max[1] {
		return out
	}
	b.items(r, func(i int32) {
		if p := b.pts[i]; p[0] >= r.Min[0] && p[0] <= r.Max[0] && p[1] >= r.Min[1] && p[1] <= r.Max[1] {
			out = append(out, i)
		}
	})
	return out
}
