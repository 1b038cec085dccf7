package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// segmentGrid buckets segments by the cells of a uniform grid their boxes
// meet, stored compactly (cell c's segments are ids[start[c]:start[c+1]]).
// A network's segments are short and evenly spread, so a cell holds a
// handful; building it is two passes over the segments, where inserting a
// million segments into an R-tree one by one took most of a second.
type segmentGrid struct {
	ext    orb.Bound
	size   float64 // a cell's side
	nx, ny int
	start  []int32
	ids    []int32
}

// segmentsPerCell is the average a grid is sized for.
const segmentsPerCell = 2

func newSegmentGrid(segs []segment) segmentGrid {
	g := segmentGrid{nx: 1, ny: 1, size: 1}
	if len(segs) == 0 {
		g.start = make([]int32, 2)
		return g
	}
	g.ext = orb.Bound{Min: segs[0].a, Max: segs[0].a}
	for _, s := range segs {
		g.ext = g.ext.Extend(s.a).Extend(s.b)
	}
	w, h := g.ext.Max[0]-g.ext.Min[0], g.ext.Max[1]-g.ext.Min[1]
	g.size = math.Sqrt(w * h / float64(max(1, len(segs)/segmentsPerCell)))
	if !(g.size > 0) {
		g.size = math.Max(math.Max(w, h), 1)
	}
	g.nx = max(1, min(int(w/g.size)+1, 1<<12))
	g.ny = max(1, min(int(h/g.size)+1, 1<<12))
	g.start = make([]int32, g.nx*g.ny+1)
	for _, s := range segs {
		g.eachCell(s.box(), func(c int) { g.start[c+1]++ })
	}
	for c := 1; c < len(g.start); c++ {
		g.start[c] += g.start[c-1]
	}
	g.ids = make([]int32, g.start[len(g.start)-1])
	next := append([]int32(nil), g.start[:len(g.start)-1]...)
	for k, s := range segs {
		g.eachCell(s.box(), func(c int) {
			g.ids[next[c]] = int32(k)
			next[c]++
		})
	}
	return g
}

func (s segment) box() orb.Bound { return orb.Bound{Min: s.a, Max: s.a}.Extend(s.b) }

// cell is the column or row of coordinate v from lo, clamped to the grid.
func (g *segmentGrid) cell(v, lo float64, n int) int {
	return max(0, min(int((v-lo)/g.size), n-1))
}

// eachCell calls fn with every cell box b meets.
func (g *segmentGrid) eachCell(b orb.Bound, fn func(c int)) {
	x0, x1 := g.cell(b.Min[0], g.ext.Min[0], g.nx), g.cell(b.Max[0], g.ext.Min[0], g.nx)
	y0, y1 := g.cell(b.Min[1], g.ext.Min[1], g.ny), g.cell(b.Max[1], g.ext.Min[1], g.ny)
	for y := y0; y <= y1; y++ {
		for x := x0; x <= x1; x++ {
			fn(y*g.nx + x)
		}
	}
}

// search calls fn with every segment whose box may meet b: all that do,
// some more, and a segment in several cells once per cell.
func (g *segmentGrid) search(b orb.Bound, fn func(k int32)) {
	g.eachCell(b, func(c int) {
		for _, k := range g.ids[g.start[c]:g.start[c+1]] {
			fn(k)
		}
	})
}
