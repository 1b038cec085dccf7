package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// Snapper finds the nearest point on a set of polylines — the links of a
// [Network], in the same order — for joining off-network places (units,
// facilities) to the network. Segments sit in a uniform grid of cells
// (cells: orb's quadtree holds points only, and the nearest segment
// is not the one with the nearest vertex). A query reads the segments of
// the cells a square round the point meets, doubling the square until the
// nearest of them is within it, with exact point-to-segment distances:
// every segment within the square's reach is among them, and almost every
// place is within the first square of a street.
type Snapper struct {
	cells  cells // segment index → segs
	segs   []segment
	total  []float64 // planar length of each line
	reach0 float64   // the first square's half side
}

type segment struct {
	a, b  orb.Point
	line  int32
	along float64 // length of the line before a
}

// Snap is where a point joins the network: on link Link at fraction T of
// its length, Dist away (the off-network leg), at Point.
type Snap struct {
	Position
	Dist  float64
	Point orb.Point
}

// NewSnapper indexes lines; lines[i] is the geometry of link i.
func NewSnapper(lines []orb.LineString) *Snapper {
	s := &Snapper{total: make([]float64, len(lines))}
	for i, ls := range lines {
		along := 0.0
		for j := 1; j < len(ls); j++ {
			a, b := ls[j-1], ls[j]
			s.segs = append(s.segs, segment{a: a, b: b, line: int32(i), along: along})
			along += math.Hypot(b[0]-a[0], b[1]-a[1])
		}
		s.total[i] = along
	}
	length := 0.0
	for _, sg := range s.segs {
		length += math.Hypot(sg.b[0]-sg.a[0], sg.b[1]-sg.a[1])
	}
	if len(s.segs) > 0 {
		ext := s.segs[0].box()
		for _, sg := range s.segs {
			ext = ext.Union(sg.box())
		}
		s.cells = newCells(ext, len(s.segs), segmentsPerCell, func(i int) orb.Bound { return s.segs[i].box() })
	}
	s.reach0 = 1
	if len(s.segs) > 0 {
		s.reach0 = math.Max(1, length/float64(len(s.segs))) // about one segment's length
	}
	return s
}

// Nearest returns the nearest point to p on any line; ok is false when
// there are no lines. Ties go to the segment indexed first.
func (s *Snapper) Nearest(p orb.Point) (snap Snap, ok bool) {
	if len(s.segs) == 0 {
		return snap, false
	}
	best, bestD := int32(-1), math.Inf(1)
	for r := s.reach0; ; r *= 2 {
		square := orb.Bound{Min: orb.Point{p[0] - r, p[1] - r}, Max: orb.Point{p[0] + r, p[1] + r}}
		s.cells.items(square, func(k int32) {
			q, _ := closest(s.segs[k], p)
			if d := math.Hypot(q[0]-p[0], q[1]-p[1]); d < bestD || (d == bestD && k < best) {
				best, bestD = k, d
			}
		})
		// Every segment within r of p meets the square; one found within
		// it is the nearest of all. A square holding the whole network has
		// seen every segment.
		if bestD <= r || square.Contains(s.cells.ext.Min) && square.Contains(s.cells.ext.Max) || r > 1e15 {
			break
		}
	}
	if best < 0 {
		return snap, false // p is not a number
	}
	sg := s.segs[best]
	q, u := closest(sg, p)
	along := sg.along + u*math.Hypot(sg.b[0]-sg.a[0], sg.b[1]-sg.a[1])
	t := 0.0
	if total := s.total[sg.line]; total > 0 {
		t = math.Min(1, along/total)
	}
	return Snap{Position: Position{Link: sg.line, T: t}, Dist: bestD, Point: q}, true
}

// closest returns the point of segment sg nearest to p and its fraction
// along the segment.
func closest(sg segment, p orb.Point) (orb.Point, float64) {
	dx, dy := sg.b[0]-sg.a[0], sg.b[1]-sg.a[1]
	l2 := dx*dx + dy*dy
	if l2 == 0 {
		return sg.a, 0
	}
	u := ((p[0]-sg.a[0])*dx + (p[1]-sg.a[1])*dy) / l2
	switch {
	case u <= 0:
		return sg.a, 0
	case u >= 1:
		return sg.b, 1
	}
	return orb.Point{sg.a[0] + u*dx, sg.a[1] + u*dy}, u
}

// segmentsPerCell is the average the snapper's grid is sized for: about as
// fast to query as an R-tree, and built in two passes.
const segmentsPerCell = 2

func (s segment) box() orb.Bound { return orb.Bound{Min: s.a, Max: s.a}.Extend(s.b) }
