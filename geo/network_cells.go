package geo

import (
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// CellGrid is a raster of W×H square cells of side Size whose south-west
// corner is (X0, Y0): cell (i, j) spans [X0+i·Size, X0+(i+1)·Size] ×
// [Y0+j·Size, Y0+(j+1)·Size]. Isochrones and blind-spot ground are sampled
// on one — a cell is in when its centre is — and traced back to polygons.
type CellGrid struct {
	X0, Y0, Size float64
	W, H         int
}

// Centre is the centre of cell (i, j).
func (c CellGrid) Centre(i, j int) orb.Point {
	return orb.Point{c.X0 + (float64(i)+0.5)*c.Size, c.Y0 + (float64(j)+0.5)*c.Size}
}

// Directions of cell sides walked with the inside on the left.
const (
	dirE = iota
	dirN
	dirW
	dirS
)

var step = [4][2]int{{1, 0}, {0, 1}, {-1, 0}, {0, -1}}

// Polygons traces the cells where in[j*W+i] is true into polygons whose
// rings run along cell sides: outer rings counter-clockwise, holes
// clockwise, no repeated or collinear vertices. Cells touching only at a
// corner become separate rings, so every ring is simple.
func (c CellGrid) Polygons(in []bool) orb.MultiPolygon {
	at := func(i, j int) bool { return i >= 0 && j >= 0 && i < c.W && j < c.H && in[j*c.W+i] }
	// out[v][d]: a boundary side leaves lattice vertex v in direction d.
	vw := c.W + 1
	out := map[int]*[4]bool{}
	mark := func(i, j, d int) {
		v := j*vw + i
		if out[v] == nil {
			out[v] = &[4]bool{}
		}
		out[v][d] = true
	}
	for j := 0; j < c.H; j++ {
		for i := 0; i < c.W; i++ {
			if !at(i, j) {
				continue
			}
			if !at(i, j-1) {
				mark(i, j, dirE)
			}
			if !at(i+1, j) {
				mark(i+1, j, dirN)
			}
			if !at(i, j+1) {
				mark(i+1, j+1, dirW)
			}
			if !at(i-1, j) {
				mark(i, j+1, dirS)
			}
		}
	}
	starts := make([]int, 0, len(out))
	for v := range out {
		starts = append(starts, v)
	}
	sort.Ints(starts) // deterministic output
	var outers, holes []orb.Ring
	for _, v0 := range starts {
		for d0 := range 4 {
			if !out[v0][d0] {
				continue
			}
			r := c.trace(out, v0, d0)
			if r.Orientation() == orb.CCW {
				outers = append(outers, r)
			} else {
				holes = append(holes, r)
			}
		}
	}
	polys := make(orb.MultiPolygon, len(outers))
	for k, r := range outers {
		polys[k] = orb.Polygon{r}
	}
	for _, h := range holes {
		// A hole's side midpoint lies on no other ring, so containment of
		// it decides; the smallest containing outer ring is the hole's.
		m := orb.Point{(h[0][0] + h[1][0]) / 2, (h[0][1] + h[1][1]) / 2}
		best, bestArea := -1, 0.0
		for k, r := range outers {
			if a := planar.Area(orb.Polygon{r}); planar.RingContains(r, m) && (best < 0 || a < bestArea) {
				best, bestArea = k, a
			}
		}
		if best >= 0 {
			polys[best] = append(polys[best], h)
		}
	}
	return polys
}

// trace follows boundary sides from vertex v0 in direction d0 until it is
// back, consuming them. At a vertex with two ways on (two cells meeting at
// a corner) it turns left, staying with the cell it walks around.
func (c CellGrid) trace(out map[int]*[4]bool, v0, d0 int) orb.Ring {
	vw := c.W + 1
	pt := func(v int) orb.Point {
		return orb.Point{c.X0 + float64(v%vw)*c.Size, c.Y0 + float64(v/vw)*c.Size}
	}
	var r orb.Ring
	v, d := v0, d0
	for {
		out[v][d] = false
		w := v + step[d][0] + step[d][1]*vw
		nd := -1
		for _, turn := range [3]int{1, 0, 3} { // left, straight, right
			// The start side is consumed but still closes the ring.
			if e := (d + turn) % 4; (out[w] != nil && out[w][e]) || (w == v0 && e == d0) {
				nd = e
				break
			}
		}
		if nd != d {
			r = append(r, pt(w)) // a corner
		}
		v, d = w, nd
		if v == v0 && d == d0 {
			break
		}
	}
	// Start at the start vertex when it is a corner, then close the ring.
	if n := len(r); r[n-1] == pt(v0) {
		r = append(orb.Ring{r[n-1]}, r[:n-1]...)
	}
	return append(r, r[0])
}
