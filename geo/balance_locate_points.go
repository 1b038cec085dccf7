package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// PointBuckets finds the points inside a rectangle among many fixed points
// (a plan's population units), so an edit to one grid revisits only the
// units under it. Points are bucketed by square cell in one counting sort:
// no per-point allocation, unlike a quadtree, which matters at a million
// points.
type PointBuckets struct {
	ext    orb.Bound
	size   float64
	nx, ny int
	start  []int32
	ids    []int32 // point indexes, by cell
	pts    []orb.Point
}

// NewPointBuckets indexes pts, aiming at perCell points per cell.
func NewPointBuckets(pts []orb.Point, perCell int) *PointBuckets {
	b := &PointBuckets{pts: pts}
	if len(pts) == 0 {
		return b
	}
	b.ext = orb.Bound{Min: pts[0], Max: pts[0]}
	for _, p := range pts[1:] {
		b.ext = b.ext.Extend(p)
	}
	w, h := b.ext.Max[0]-b.ext.Min[0], b.ext.Max[1]-b.ext.Min[1]
	cells := float64(max(1, len(pts)/max(1, perCell)))
	b.size = math.Sqrt(w * h / cells)
	if !(b.size > 0) {
		b.size = math.Max(math.Max(w, h), 1)
	}
	b.nx = max(1, min(int(w/b.size)+1, 1<<12))
	b.ny = max(1, min(int(h/b.size)+1, 1<<12))
	b.start = make([]int32, b.nx*b.ny+1)
	cellOf := make([]int32, len(pts))
	for i, p := range pts {
		c := int32(b.row(p[1])*b.nx + b.col(p[0]))
		cellOf[i] = c
		b.start[c+1]++
	}
	for c := 1; c < len(b.start); c++ {
		b.start[c] += b.start[c-1]
	}
	b.ids = make([]int32, len(pts))
	next := make([]int32, b.nx*b.ny)
	copy(next, b.start)
	for i, c := range cellOf {
		b.ids[next[c]] = int32(i)
		next[c]++
	}
	return b
}

func (b *PointBuckets) col(x float64) int {
	return min(max(int(math.Floor((x-b.ext.Min[0])/b.size)), 0), b.nx-1)
}

func (b *PointBuckets) row(y float64) int {
	return min(max(int(math.Floor((y-b.ext.Min[1])/b.size)), 0), b.ny-1)
}

// InBound appends to out the indexes of the points inside r (edges
// included), in no particular order.
func (b *PointBuckets) InBound(r orb.Bound, out []int32) []int32 {
	if len(b.pts) == 0 || r.Max[0] < b.ext.Min[0] || r.Min[0] > b.ext.Max[0] ||
		r.Max[1] < b.ext.Min[1] || r.Min[1] > b.ext.Max[1] {
		return out
	}
	for row := b.row(r.Min[1]); row <= b.row(r.Max[1]); row++ {
		for col := b.col(r.Min[0]); col <= b.col(r.Max[0]); col++ {
			c := row*b.nx + col
			for _, i := range b.ids[b.start[c]:b.start[c+1]] {
				if p := b.pts[i]; p[0] >= r.Min[0] && p[0] <= r.Max[0] && p[1] >= r.Min[1] && p[1] <= r.Max[1] {
					out = append(out, i)
				}
			}
		}
	}
	return out
}
