package editing

import (
	"math"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
)

// snapper moves the vertices a planner drew onto the vertices of the
// grids nearby when they are within the plan's noise (2 cm by default): a
// vertex dragged onto a neighbour's corner is that corner, bit for bit, so
// the shared boundary stays vertex-identical instead of leaving a
// hairline. (A vertex near an edge is left where it is: PostGIS nodes the
// edge where the line crosses it, which a projected point would only
// approximate.)
type snapper struct {
	tolM  float64
	cells map[[2]int64][]orb.Point
}

func newSnapper(tolM float64, refs ...orb.MultiPolygon) *snapper {
	s := &snapper{tolM: tolM, cells: map[[2]int64][]orb.Point{}}
	for _, mp := range refs {
		for _, p := range mp {
			for _, r := range p {
				for _, q := range r {
					c := s.cell(q)
					s.cells[c] = append(s.cells[c], q)
				}
			}
		}
	}
	return s
}

func (s *snapper) cell(p orb.Point) [2]int64 {
	size := math.Max(s.tolM, 1e-6)
	return [2]int64{int64(math.Floor(p[0] / size)), int64(math.Floor(p[1] / size))}
}

func (s *snapper) dist(a, b orb.Point) float64 { return math.Hypot(a[0]-b[0], a[1]-b[1]) }

// point snaps p to the nearest reference vertex within tolerance.
func (s *snapper) point(p orb.Point) orb.Point {
	if s.tolM <= 0 {
		return p
	}
	c := s.cell(p)
	best, bestD := p, s.tolM
	for dx := int64(-1); dx <= 1; dx++ {
		for dy := int64(-1); dy <= 1; dy++ {
			for _, q := range s.cells[[2]int64{c[0] + dx, c[1] + dy}] {
				if d := s.dist(p, q); d <= bestD {
					best, bestD = q, d
				}
			}
		}
	}
	return best
}

// shape snaps every vertex of mp, dropping vertices that snapping made
// repeat.
func (s *snapper) shape(mp orb.MultiPolygon) orb.MultiPolygon {
	out := make(orb.MultiPolygon, 0, len(mp))
	for _, p := range mp {
		var np orb.Polygon
		for _, r := range p {
			nr := orb.Ring(s.line(orb.LineString(r)))
			if len(nr) >= 4 && nr[0] == nr[len(nr)-1] {
				np = append(np, nr)
			}
		}
		if len(np) > 0 {
			out = append(out, np)
		}
	}
	return out
}

// line snaps every vertex of l, dropping repeats.
func (s *snapper) line(l orb.LineString) orb.LineString {
	out := make(orb.LineString, 0, len(l))
	for _, p := range l {
		q := s.point(p)
		if len(out) == 0 || out[len(out)-1] != q {
			out = append(out, q)
		}
	}
	return out
}

// snapperFor snaps to the grids and the parent's ground around an edit.
func (w *work) snapperFor(ground orb.MultiPolygon, grids ...[]domain.Grid) *snapper {
	refs := []orb.MultiPolygon{}
	if ground != nil {
		refs = append(refs, ground)
	}
	for _, gs := range grids {
		for _, g := range gs {
			refs = append(refs, g.Geometry)
		}
	}
	return newSnapper(w.noiseM, refs...)
}
