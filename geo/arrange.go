package geo

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Arrange cuts polygon p by the lines of lattice l into a [Subdivision]: one
// face per connected piece of p inside each lattice cell.
//
// Exactness comes from construction, not from overlay: every crossing of an
// edge of p with a line is computed once, its coordinate along the line's axis
// set exactly to the line, and stored once; the faces on both sides of the
// line and the outline itself then use that one point. Interior edges always
// come in twins with identical endpoints.
//
// p must be a valid polygon whose rings do not touch; it is oriented as
// needed (outer ring counter-clockwise, holes clockwise). Prepare l with
// [Lattice.Clear]: Arrange fails when a vertex of p lies exactly on a line or
// a crossing falls exactly on a node.
func Arrange(p orb.Polygon, l Lattice) (*Subdivision, error) {
	if err := l.check(); err != nil {
		return nil, err
	}
	rings, err := normalRings(p)
	if err != nil {
		return nil, err
	}
	b := &arranger{
		s:    &Subdivision{Lattice: l},
		onX:  make([][]hit, len(l.X)),
		onY:  make([][]hit, len(l.Y)),
		node: make([]int32, len(l.X)*len(l.Y)),
	}
	for _, r := range rings {
		if err := b.outline(r); err != nil {
			return nil, err
		}
	}
	b.reserve()
	if err := b.lines(); err != nil {
		return nil, err
	}
	b.link()
	if err := b.faces(); err != nil {
		return nil, err
	}
	return b.s, nil
}

// hit is a crossing of the outline with a line: its coordinate along the
// line and its vertex.
type hit struct {
	c float64
	v int
}

type arranger struct {
	s        *Subdivision
	onX, onY [][]hit // crossings per vertical and per horizontal line
	node     []int32 // vertex+1 of the lattice node (i, j) at i*len(Y)+j; 0 if none
}

func (b *arranger) point(p orb.Point) int {
	b.s.Points = append(b.s.Points, p)
	return len(b.s.Points) - 1
}

func (b *arranger) half(from, to, twin int) int {
	b.s.Edges = append(b.s.Edges, HalfEdge{From: from, To: to, Twin: twin, Next: -1, Prev: -1, Face: -1})
	return len(b.s.Edges) - 1
}

func (b *arranger) twins(u, v int) {
	h := b.half(u, v, len(b.s.Edges)+1)
	b.half(v, u, h)
}

// outline adds ring r, split at its crossings with the lattice, as boundary
// half-edges with the polygon on their left.
func (b *arranger) outline(r orb.Ring) error {
	l := b.s.Lattice
	seq := make([]int, 0, len(r))
	for k, a := range r {
		if onLine(l.X, a[0]) || onLine(l.Y, a[1]) {
			return fmt.Errorf("geo: vertex %v lies on a lattice line; use Lattice.Clear", a)
		}
		seq = append(seq, b.point(a))
		for _, c := range crossings(l, a, r[(k+1)%len(r)]) {
			v := b.point(c.p)
			if c.vertical {
				if onLine(l.Y, c.p[1]) {
					return fmt.Errorf("geo: crossing %v lies on a lattice node; use Lattice.Clear", c.p)
				}
				b.onX[c.line] = append(b.onX[c.line], hit{c.p[1], v})
			} else {
				if onLine(l.X, c.p[0]) {
					return fmt.Errorf("geo: crossing %v lies on a lattice node; use Lattice.Clear", c.p)
				}
				b.onY[c.line] = append(b.onY[c.line], hit{c.p[0], v})
			}
			seq = append(seq, v)
		}
	}
	for k, v := range seq {
		b.half(v, seq[(k+1)%len(seq)], -1)
	}
	return nil
}

// reserve sizes Points and Edges for the lattice part in one go: growing
// slices of millions of edges by appending costs more than the rest of
// Arrange.
func (b *arranger) reserve() {
	nodes, segs := 0, 0
	count := func(hits []hit, cross []float64) {
		slices.SortFunc(hits, func(x, y hit) int { return cmpFloat(x.c, y.c) })
		for k := 0; k+1 < len(hits); k += 2 {
			lo, _ := slices.BinarySearch(cross, hits[k].c)
			hi, _ := slices.BinarySearch(cross, hits[k+1].c)
			nodes += hi - lo
			segs += hi - lo + 1
		}
	}
	for _, h := range b.onX {
		count(h, b.s.Lattice.Y)
	}
	for _, h := range b.onY {
		count(h, b.s.Lattice.X)
	}
	b.s.Points = slices.Grow(b.s.Points, nodes/2+1)
	b.s.Edges = slices.Grow(b.s.Edges, 2*segs)
}

// lines adds the lattice edges inside the polygon. Along each line the
// crossings alternate between entering and leaving the polygon (no vertex
// lies on a line), so the inside intervals are every other gap.
func (b *arranger) lines() error {
	l := b.s.Lattice
	ny := len(l.Y)
	for i, hits := range b.onX {
		err := b.line(hits, l.Y, func(j int) (int, error) {
			if n := b.node[i*ny+j]; n > 0 {
				return int(n) - 1, nil
			}
			v := b.point(orb.Point{l.X[i], l.Y[j]})
			b.node[i*ny+j] = int32(v + 1)
			return v, nil
		})
		if err != nil {
			return err
		}
	}
	for j, hits := range b.onY {
		err := b.line(hits, l.X, func(i int) (int, error) {
			if n := b.node[i*ny+j]; n > 0 {
				return int(n) - 1, nil
			}
			return 0, fmt.Errorf("geo: lattice node (%v, %v) is inside along y but not along x", l.X[i], l.Y[j])
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// line links the crossings and nodes of one line inside the polygon; cross
// holds the positions of the perpendicular lines and node returns the vertex
// of the node at perpendicular line k.
func (b *arranger) line(hits []hit, cross []float64, node func(k int) (int, error)) error {
	slices.SortFunc(hits, func(x, y hit) int { return cmpFloat(x.c, y.c) })
	if len(hits)%2 != 0 {
		return errors.New("geo: odd number of crossings on a lattice line; is the polygon valid?")
	}
	for k := 0; k < len(hits); k += 2 {
		lo, hi := hits[k], hits[k+1]
		if lo.c == hi.c {
			return fmt.Errorf("geo: the outline touches itself on a lattice line at %v", lo.c)
		}
		prev := lo.v
		for m := sort.SearchFloat64s(cross, lo.c); m < len(cross) && cross[m] < hi.c; m++ {
			n, err := node(m)
			if err != nil {
				return err
			}
			b.twins(prev, n)
			prev = n
		}
		b.twins(prev, hi.v)
	}
	return nil
}

// link sets Next and Prev: arriving at a vertex, a face's boundary turns to
// the first outgoing edge clockwise from the way back, which keeps the face
// on the left and makes every face as small as possible.
func (b *arranger) link() {
	s := b.s
	start := make([]int, len(s.Points)+1)
	for _, e := range s.Edges {
		start[e.From+1]++
	}
	for v := range s.Points {
		start[v+1] += start[v]
	}
	out := make([]int, len(s.Edges))
	fill := append([]int(nil), start[:len(s.Points)]...)
	angle := make([]float64, len(s.Edges))
	for h, e := range s.Edges {
		out[fill[e.From]] = h
		fill[e.From]++
		d := sub(s.Points[e.To], s.Points[e.From])
		angle[h] = math.Atan2(d[1], d[0])
	}
	for h := range s.Edges {
		e := &s.Edges[h]
		d := sub(s.Points[e.From], s.Points[e.To])
		back := math.Atan2(d[1], d[0])
		best, bestTurn := -1, math.Inf(1)
		for _, g := range out[start[e.To]:start[e.To+1]] {
			turn := back - angle[g]
			if g == e.Twin || turn <= 0 {
				turn += 2 * math.Pi
			}
			if turn < bestTurn {
				best, bestTurn = g, turn
			}
		}
		e.Next = best
		s.Edges[best].Prev = h
	}
}

// faces traces the rings of Next, makes a face of every counter-clockwise
// ring and gives each clockwise ring (a hole of the polygon inside one cell)
// to the face of its cell that contains it.
func (b *arranger) faces() error {
	s := b.s
	var holes []int
	for h := range s.Edges {
		if s.Edges[h].Face != -1 {
			continue
		}
		area, lattice := 0.0, -1
		o := s.Points[s.Edges[h].From]
		for e := h; ; {
			s.Edges[e].Face = -2 // seen; set below
			p, q := sub(s.Points[s.Edges[e].From], o), sub(s.Points[s.Edges[e].To], o)
			area += p[0]*q[1] - q[0]*p[1]
			if lattice < 0 && s.Edges[e].Twin >= 0 {
				lattice = e
			}
			if e = s.Edges[e].Next; e == h {
				break
			}
		}
		if area < 0 {
			holes = append(holes, h)
			continue
		}
		f := Face{Rings: []int{h}}
		if lattice >= 0 {
			f.Col, f.Row = b.cellLeftOf(lattice)
		} else {
			f.Col, f.Row = s.Lattice.Cell(o)
		}
		b.setFace(h, len(s.Faces))
		s.Faces = append(s.Faces, f)
	}
	if len(holes) == 0 {
		return nil
	}
	byCell := make([]int, len(s.Faces))
	for f := range byCell {
		byCell[f] = f
	}
	cellCmp := func(f int, col, row int) int {
		if c := s.Faces[f].Row - row; c != 0 {
			return c
		}
		return s.Faces[f].Col - col
	}
	slices.SortStableFunc(byCell, func(f, g int) int { return cellCmp(f, s.Faces[g].Col, s.Faces[g].Row) })
	for _, h := range holes {
		p := s.Points[s.Edges[h].From]
		col, row := s.Lattice.Cell(p)
		k, _ := slices.BinarySearchFunc(byCell, [2]int{col, row}, func(f int, c [2]int) int { return cellCmp(f, c[0], c[1]) })
		owner := -1
		for ; k < len(byCell) && cellCmp(byCell[k], col, row) == 0; k++ {
			if planar.RingContains(s.Ring(s.Faces[byCell[k]].Rings[0]), p) {
				owner = byCell[k]
				break
			}
		}
		if owner < 0 {
			return fmt.Errorf("geo: no face contains the hole at %v", p)
		}
		s.Faces[owner].Rings = append(s.Faces[owner].Rings, h)
		b.setFace(h, owner)
	}
	return nil
}

func (b *arranger) setFace(h, f int) {
	for e := h; ; {
		b.s.Edges[e].Face = f
		if e = b.s.Edges[e].Next; e == h {
			return
		}
	}
}

// cellLeftOf returns the cell on the left of lattice half-edge h.
func (b *arranger) cellLeftOf(h int) (col, row int) {
	l := b.s.Lattice
	p, q := b.s.Points[b.s.Edges[h].From], b.s.Points[b.s.Edges[h].To]
	col, row = l.Cell(orb.Point{(p[0] + q[0]) / 2, (p[1] + q[1]) / 2})
	if p[0] == q[0] { // vertical: the cell is west when going north
		col = sort.SearchFloat64s(l.X, p[0])
		if q[1] < p[1] {
			col++
		}
	} else { // horizontal: the cell is north when going east
		row = sort.SearchFloat64s(l.Y, p[1])
		if q[0] > p[0] {
			row++
		}
	}
	return col, row
}

// normalRings returns p's rings open (last point not repeating the first),
// without repeated points, the outer ring counter-clockwise and holes
// clockwise.
func normalRings(p orb.Polygon) ([]orb.Ring, error) {
	if len(p) == 0 {
		return nil, errors.New("geo: empty polygon")
	}
	out := make([]orb.Ring, 0, len(p))
	for i, r := range p {
		var q orb.Ring
		for _, pt := range r {
			if len(q) == 0 || pt != q[len(q)-1] {
				q = append(q, pt)
			}
		}
		if len(q) > 1 && q[0] == q[len(q)-1] {
			q = q[:len(q)-1]
		}
		if len(q) < 3 {
			return nil, fmt.Errorf("geo: ring %d has fewer than three distinct points", i)
		}
		area := 0.0
		for k := range q {
			a, b := sub(q[k], q[0]), sub(q[(k+1)%len(q)], q[0])
			area += a[0]*b[1] - b[0]*a[1]
		}
		if area == 0 {
			return nil, fmt.Errorf("geo: ring %d has no area", i)
		}
		if (i == 0) != (area > 0) {
			slices.Reverse(q)
		}
		out = append(out, q)
	}
	return out, nil
}

func onLine(lines []float64, v float64) bool {
	_, found := slices.BinarySearch(lines, v)
	return found
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func sub(p, q orb.Point) orb.Point { return orb.Point{p[0] - q[0], p[1] - q[1]} }
