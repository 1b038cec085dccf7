package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// PointLocator finds which of many polygons (one level's grids) contain a
// point. It lays a uniform grid of square cells over the polygons and keeps,
// per cell, the polygons whose bounding box meets it, marking those the cell
// lies wholly inside: a point in such a cell needs no test at all, and only
// cells crossed by some outline need a point-in-polygon test, which reads
// just the segments near the point's y (see pipPolygon). Cells are sized
// from the number of segments, so a cell meets a few segments on average.
//
// Containment is closed: a point on a polygon's boundary is contained, so a
// point on the edge two polygons share is in both, and the caller decides
// which counts it. Polygons may overlap; ids are indexes into the slice
// given to NewPointLocator.
type PointLocator struct {
	ext    orb.Bound
	size   float64 // cell side
	nx, ny int
	start  []int32 // cell c's entries are entries[start[c]:start[c+1]]
	// entries holds id<<1, or id<<1|1 when the cell lies wholly inside id.
	entries []int32
	patch   map[int32][]int32 // cells rewritten by Set since the last build
	polys   []*pipPolygon
	geoms   []orb.MultiPolygon
	touched []bool // scratch for cover
}

// Cells per segment, and a cap on all cells: more cells mean fewer
// point-in-polygon tests and more memory.
const (
	locCellsPerEdge = 2
	locMaxCells     = 1 << 22
)

// NewPointLocator indexes polys; nil or empty entries hold no ground.
func NewPointLocator(polys []orb.MultiPolygon) *PointLocator {
	l := &PointLocator{geoms: append([]orb.MultiPolygon(nil), polys...)}
	l.polys = make([]*pipPolygon, len(polys))
	for i, mp := range polys {
		l.polys[i] = pipPrepareNonEmpty(mp)
	}
	l.build()
	return l
}

func pipPrepareNonEmpty(mp orb.MultiPolygon) *pipPolygon {
	if len(mp) == 0 {
		return nil
	}
	p := pipPrepare(mp)
	if len(p.edges) == 0 {
		return nil
	}
	return p
}

// Len is the number of polygon ids, including removed ones.
func (l *PointLocator) Len() int { return len(l.polys) }

// Containing appends to out the ids of the polygons that contain q,
// boundary included, and returns it.
func (l *PointLocator) Containing(q orb.Point, out []int) []int {
	c, ok := l.cellOf(q)
	if !ok {
		return out
	}
	es, patched := l.patch[c]
	if !patched {
		es = l.entries[l.start[c]:l.start[c+1]]
	}
	for _, e := range es {
		id := int(e >> 1)
		if e&1 == 1 || l.polys[id].locate(q) != pipOutside {
			out = append(out, id)
		}
	}
	return out
}

// Set gives polygon id a new shape: id == Len() adds one, an empty mp
// removes it. Only the cells of the old and new shapes change, so one
// grid's edit costs in proportion to its size, not the level's.
func (l *PointLocator) Set(id int, mp orb.MultiPolygon) {
	if id == len(l.polys) {
		l.polys = append(l.polys, nil)
		l.geoms = append(l.geoms, nil)
	}
	old, p := l.polys[id], pipPrepareNonEmpty(mp)
	l.polys[id], l.geoms[id] = p, mp
	if p != nil && !locContainsBound(l.ext, p.bound) || len(l.patch) > l.nx*l.ny/4 {
		l.build() // outside the cells, or many edits: start afresh
		return
	}
	if l.patch == nil {
		l.patch = make(map[int32][]int32)
	}
	if old != nil {
		x0, y0, x1, y1 := l.cellRange(old.bound)
		for row := y0; row <= y1; row++ {
			for col := x0; col <= x1; col++ {
				c := int32(row*l.nx + col)
				l.patch[c] = locWithout(l.cell(c), id)
			}
		}
	}
	if p != nil {
		l.cover(id, func(c int32, e int32) {
			l.patch[c] = append(locWithout(l.cell(c), id), e)
		})
	}
}

func (l *PointLocator) cell(c int32) []int32 {
	if es, ok := l.patch[c]; ok {
		return es
	}
	return l.entries[l.start[c]:l.start[c+1]]
}

// locWithout returns a fresh copy of es lacking id's entry.
func locWithout(es []int32, id int) []int32 {
	out := make([]int32, 0, len(es)+1)
	for _, e := range es {
		if int(e>>1) != id {
			out = append(out, e)
		}
	}
	return out
}

func locContainsBound(outer, inner orb.Bound) bool {
	return inner.Min[0] >= outer.Min[0] && inner.Min[1] >= outer.Min[1] &&
		inner.Max[0] <= outer.Max[0] && inner.Max[1] <= outer.Max[1]
}

// build sizes the cells for the current polygons and fills them.
func (l *PointLocator) build() {
	l.patch = nil
	edges := 0
	first := true
	for _, p := range l.polys {
		if p == nil {
			continue
		}
		edges += len(p.edges)
		if first {
			l.ext, first = p.bound, false
		} else {
			l.ext = l.ext.Union(p.bound)
		}
	}
	if first {
		l.nx, l.ny, l.start, l.entries = 0, 0, nil, nil
		return
	}
	w, h := l.ext.Max[0]-l.ext.Min[0], l.ext.Max[1]-l.ext.Min[1]
	cells := min(float64(locCellsPerEdge*edges), locMaxCells)
	l.size = math.Sqrt(w * h / cells)
	if !(l.size > 0) {
		l.size = math.Max(math.Max(w, h), 1) / math.Sqrt(cells)
	}
	l.nx = max(1, min(int(w/l.size)+1, locMaxCells))
	l.ny = max(1, min(int(h/l.size)+1, locMaxCells/l.nx))
	// The extent grows to whole cells so every cell is square.
	l.ext.Max = orb.Point{l.ext.Min[0] + float64(l.nx)*l.size, l.ext.Min[1] + float64(l.ny)*l.size}
	l.ext.Max[0] = math.Max(l.ext.Max[0], l.ext.Min[0]+w)
	l.ext.Max[1] = math.Max(l.ext.Max[1], l.ext.Min[1]+h)

	type pair struct{ cell, entry int32 }
	n := 0
	for _, p := range l.polys {
		if p != nil {
			x0, y0, x1, y1 := l.cellRange(p.bound)
			n += (x1 - x0 + 1) * (y1 - y0 + 1)
		}
	}
	pairs := make([]pair, 0, n)
	counts := make([]int32, l.nx*l.ny+1)
	for id, p := range l.polys {
		if p != nil {
			l.cover(id, func(c, e int32) {
				pairs = append(pairs, pair{c, e})
				counts[c+1]++
			})
		}
	}
	for c := 1; c < len(counts); c++ {
		counts[c] += counts[c-1]
	}
	l.start = counts
	l.entries = make([]int32, len(pairs))
	next := make([]int32, l.nx*l.ny)
	copy(next, counts)
	for _, pr := range pairs {
		l.entries[next[pr.cell]] = pr.entry
		next[pr.cell]++
	}
}

func (l *PointLocator) col(x float64) int {
	return min(max(int(math.Floor((x-l.ext.Min[0])/l.size)), 0), l.nx-1)
}

func (l *PointLocator) row(y float64) int {
	return min(max(int(math.Floor((y-l.ext.Min[1])/l.size)), 0), l.ny-1)
}

func (l *PointLocator) cellOf(q orb.Point) (int32, bool) {
	if l.nx == 0 || q[0] < l.ext.Min[0] || q[0] > l.ext.Max[0] || q[1] < l.ext.Min[1] || q[1] > l.ext.Max[1] {
		return 0, false
	}
	return int32(l.row(q[1])*l.nx + l.col(q[0])), true
}

func (l *PointLocator) cellRange(b orb.Bound) (x0, y0, x1, y1 int) {
	return l.col(b.Min[0]), l.row(b.Min[1]), l.col(b.Max[0]), l.row(b.Max[1])
}

// cover calls emit for every cell polygon id meets. A cell any segment
// may touch (with a small margin, so rounding never hides a crossing) is
// partial; a run of untouched cells along a row lies wholly on one side of
// the outline, so one test of its first cell's centre classifies the run.
func (l *PointLocator) cover(id int, emit func(cell, entry int32)) {
	p := l.polys[id]
	x0, y0, x1, y1 := l.cellRange(p.bound)
	w, h := x1-x0+1, y1-y0+1
	if cap(l.touched) < w*h {
		l.touched = make([]bool, w*h)
	}
	touched := l.touched[:w*h]
	clear(touched)
	eps := l.size * 1e-6
	for _, e := range p.edges {
		ex0, ex1 := min(e.ax, e.bx), max(e.ax, e.bx)
		for col := max(l.col(ex0-eps), x0); col <= min(l.col(ex1+eps), x1); col++ {
			left := l.ext.Min[0] + float64(col)*l.size
			lo, hi := max(ex0, left-eps), min(ex1, left+l.size+eps)
			ylo, yhi := min(e.ay, e.by), max(e.ay, e.by)
			if e.bx != e.ax {
				ya := e.ay + (lo-e.ax)*(e.by-e.ay)/(e.bx-e.ax)
				yb := e.ay + (hi-e.ax)*(e.by-e.ay)/(e.bx-e.ax)
				ylo, yhi = max(min(ya, yb), ylo), min(max(ya, yb), yhi)
			}
			for row := max(l.row(ylo-eps), y0); row <= min(l.row(yhi+eps), y1); row++ {
				touched[(row-y0)*w+col-x0] = true
			}
		}
	}
	for row := y0; row <= y1; row++ {
		state := pipOutside
		inRun := false
		for col := x0; col <= x1; col++ {
			c := int32(row*l.nx + col)
			if touched[(row-y0)*w+col-x0] {
				inRun = false
				emit(c, int32(id)<<1)
				continue
			}
			if !inRun {
				centre := orb.Point{l.ext.Min[0] + (float64(col)+0.5)*l.size, l.ext.Min[1] + (float64(row)+0.5)*l.size}
				state, inRun = p.locate(centre), true
			}
			switch state {
			case pipInside:
				emit(c, int32(id)<<1|1)
			case pipBoundary: // cannot happen for an untouched cell; stay exact anyway
				emit(c, int32(id)<<1)
			}
		}
	}
}
