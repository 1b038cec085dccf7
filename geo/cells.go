package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// cells is a uniform grid of square cells over an extent, each listing
// the items whose boxes meet it, stored compactly (cell c's items are
// ids[start[c]:start[c+1]]) and filled in one counting sort: no per-item
// allocation, unlike a tree, which matters at a million items. Points
// (PointBuckets) and network segments (Snapper) are indexed with it.
type cells struct {
	ext    orb.Bound
	size   float64 // a cell's side
	nx, ny int
	start  []int32
	ids    []int32
}

// newCells indexes n items by their boxes over ext, aiming at perCell
// items per cell.
func newCells(ext orb.Bound, n, perCell int, box func(i int) orb.Bound) cells {
	c := cells{ext: ext, size: 1, nx: 1, ny: 1}
	if n > 0 {
		w, h := ext.Max[0]-ext.Min[0], ext.Max[1]-ext.Min[1]
		c.size = math.Sqrt(w * h / float64(max(1, n/max(1, perCell))))
		if !(c.size > 0) {
			c.size = math.Max(math.Max(w, h), 1)
		}
		c.nx = max(1, min(int(w/c.size)+1, 1<<12))
		c.ny = max(1, min(int(h/c.size)+1, 1<<12))
	}
	c.start = make([]int32, c.nx*c.ny+1)
	for i := range n {
		c.each(box(i), func(k int) { c.start[k+1]++ })
	}
	for k := 1; k < len(c.start); k++ {
		c.start[k] += c.start[k-1]
	}
	c.ids = make([]int32, c.start[len(c.start)-1])
	next := append([]int32(nil), c.start[:len(c.start)-1]...)
	for i := range n {
		c.each(box(i), func(k int) {
			c.ids[next[k]] = int32(i)
			next[k]++
		})
	}
	return c
}

func (c *cells) col(x float64) int {
	return min(max(int(math.Floor((x-c.ext.Min[0])/c.size)), 0), c.nx-1)
}

func (c *cells) row(y float64) int {
	return min(max(int(math.Floor((y-c.ext.Min[1])/c.size)), 0), c.ny-1)
}

// each calls fn with every cell box b meets, the grid's edge cells
// standing for all beyond them.
func (c *cells) each(b orb.Bound, fn func(k int)) {
	for row := c.row(b.Min[1]); row <= c.row(b.Max[1]); row++ {
		for col := c.col(b.Min[0]); col <= c.col(b.Max[0]); col++ {
			fn(row*c.nx + col)
		}
	}
}

// items calls fn with every item of the cells box b meets: all whose
// boxes meet b, some more, and an item in several cells once per cell.
func (c *cells) items(b orb.Bound, fn func(i int32)) {
	c.each(b, func(k int) {
		for _, i := range c.ids[c.start[k]:c.start[k+1]] {
			fn(i)
		}
	})
}
