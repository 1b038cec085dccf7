package editing

import (
	"cmp"
	"math"
	"slices"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/geo"
	"github.com/gridplan/gridplan/internal/domain"
)

// snapper fits what a planner drew to the grids nearby, within the plan's
// noise (2 cm by default): a vertex dragged onto a neighbour's corner
// becomes that corner, bit for bit, and an edge drawn along a neighbour's
// boundary takes in the neighbour's vertices on the way, so the shared
// boundary stays vertex-identical instead of leaving a hairline. The second
// matters because the map draws straight lines in longitude and latitude
// while grids are straight in the plan's CRS: an edge drawn over three of
// a neighbour's vertices passes millimetres off the middle one. (A drawn
// vertex near an edge but not a vertex is left where it is: PostGIS nodes
// the edge where the line crosses it.)
type snapper struct {
	tolM  float64
	cells map[[2]int64][]orb.Point
	pts   []orb.Point
	idx   *geo.PointBuckets
}

func newSnapper(tolM float64, refs ...orb.MultiPolygon) *snapper {
	s := &snapper{tolM: tolM, cells: map[[2]int64][]orb.Point{}}
	defer func() { s.idx = geo.NewPointBuckets(s.pts, 4) }()
	for _, mp := range refs {
		for _, p := range mp {
			for _, r := range p {
				for _, q := range r {
					c := s.cell(q)
					s.cells[c] = append(s.cells[c], q)
					s.pts = append(s.pts, q)
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

// line snaps every vertex of l, dropping repeats, and puts into each edge
// the reference vertices within tolerance of it, in order along it.
func (s *snapper) line(l orb.LineString) orb.LineString {
	snapped := make(orb.LineString, 0, len(l))
	for _, p := range l {
		q := s.point(p)
		if len(snapped) == 0 || snapped[len(snapped)-1] != q {
			snapped = append(snapped, q)
		}
	}
	if s.tolM <= 0 || len(snapped) < 2 {
		return snapped
	}
	out := make(orb.LineString, 0, len(snapped))
	var buf []int32
	for k := 0; k+1 < len(snapped); k++ {
		a, b := snapped[k], snapped[k+1]
		out = append(out, a)
		buf = s.idx.InBound(orb.Bound{Min: a, Max: a}.Extend(b).Pad(s.tolM), buf[:0])
		var on []orb.Point
		for _, i := range buf {
			if v := s.pts[i]; s.dist(v, a) > s.tolM && s.dist(v, b) > s.tolM && geo.SegmentDistance(a, b, v) <= s.tolM {
				on = append(on, v)
			}
		}
		slices.SortFunc(on, func(x, y orb.Point) int { return cmp.Compare(dist2(a, x), dist2(a, y)) })
		out = append(out, slices.Compact(on)...)
	}
	return append(out, snapped[len(snapped)-1])
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
