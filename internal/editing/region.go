package editing

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/gridplan/gridplan/geo"
	"github.com/gridplan/gridplan/internal/domain"
)

// Every op that moves ground works on a region: the siblings it changes
// and those touching them, the parent's ground behind them, and the lines
// the planner drew. PostGIS nodes all their boundaries with the lines
// together and returns the faces in between; each face is labelled with
// the grid it goes to, and the grids are traced back from the labels
// (geo.Faces), so that neighbours share every vertex, bit for bit, and the
// siblings still tile the parent by construction.

// weldM is how near two nodes must be to be one: a micrometre, far below
// any planner's line and far above the round-off of a computed crossing.
const weldM = 1e-6

// Face owners besides member indexes.
const (
	ownerGap     = -1 // inside the parent's ground, in no member (a gap there already was)
	ownerOutside = -2 // outside the parent: dropped
)

type region struct {
	members    []domain.Grid
	background orb.MultiPolygon // the parent's ground; nil when there is none (top level without a boundary)
	cuts       []orb.LineString
}

// arrangement is a region's faces with their owners before the op.
type arrangement struct {
	r     region
	faces *geo.Faces
	owner []int
	area  []float64          // m²
	input map[orb.Point]bool // vertices of the members, the parent and the lines
}

func (w *work) arrange(r region) (*arrangement, error) {
	polys := make([]orb.MultiPolygon, 0, len(r.members)+1)
	for _, m := range r.members {
		polys = append(polys, m.Geometry)
	}
	if r.background != nil {
		polys = append(polys, r.background)
	}
	// Close the T-junctions a round-off wide first: noded as they are,
	// a parent's edge and its child's along it would enclose slivers.
	polys, r.cuts = geo.CloseJunctions(polys, r.cuts, weldM)
	r.members = slices.Clone(r.members)
	for i := range r.members {
		r.members[i].Geometry = polys[i]
	}
	if r.background != nil {
		r.background = polys[len(polys)-1]
	}
	raw, err := w.e.Faces(w.ctx, polys, r.cuts)
	if err != nil {
		return nil, err
	}
	input := map[orb.Point]bool{}
	for _, p := range polys {
		eachVertex(p, func(q orb.Point) { input[q] = true })
	}
	for _, l := range r.cuts {
		for _, q := range l {
			input[q] = true
		}
	}
	faces, err := geo.NewFaces(geo.WeldFaces(raw, weldM, func(p orb.Point) bool { return input[p] }))
	if err != nil {
		// Welding made two faces run along one edge (nodes a round-off
		// apart on either side of a sliver that did not quite collapse):
		// the faces as PostGIS made them are a clean arrangement still.
		if faces, err = geo.NewFaces(raw); err != nil {
			return nil, err
		}
	}
	raw = faces.Polygons
	a := &arrangement{r: r, faces: faces, owner: make([]int, len(raw)), area: make([]float64, len(raw)),
		input: input}
	bounds := make([]orb.Bound, len(r.members))
	for i, m := range r.members {
		bounds[i] = m.Geometry.Bound()
	}
	for i, f := range faces.Polygons {
		a.area[i] = math.Abs(planar.Area(f))
		a.owner[i] = ownerOutside
		p, ok := geo.InteriorPoint(orb.MultiPolygon{f})
		if !ok {
			continue
		}
		for k, m := range r.members {
			if bounds[k].Contains(p) && planar.MultiPolygonContains(m.Geometry, p) {
				a.owner[i] = k
				break
			}
		}
		if a.owner[i] == ownerOutside && r.background != nil && planar.MultiPolygonContains(r.background, p) {
			a.owner[i] = ownerGap
		}
	}
	return a, nil
}

// inside reports which faces have their interior point in g.
func (a *arrangement) inside(g orb.MultiPolygon) []bool {
	out := make([]bool, len(a.faces.Polygons))
	b := g.Bound()
	for i, f := range a.faces.Polygons {
		if p, ok := geo.InteriorPoint(orb.MultiPolygon{f}); ok && b.Contains(p) && planar.MultiPolygonContains(g, p) {
			out[i] = true
		}
	}
	return out
}

// components groups the faces keep accepts into pieces that share edges,
// never joining two faces across an edge that lies on a cut line when
// cutsSeparate is set.
func (a *arrangement) components(keep func(i int) bool, cutsSeparate bool) [][]int {
	var onCut func(p, q orb.Point) bool
	if cutsSeparate {
		onCut = a.onCut
	}
	seen := make([]bool, len(a.faces.Polygons))
	var out [][]int
	for i := range a.faces.Polygons {
		if seen[i] || !keep(i) {
			continue
		}
		comp := []int{i}
		seen[i] = true
		for k := 0; k < len(comp); k++ {
			for j := range a.adjacent(comp[k], onCut) {
				if j >= 0 && !seen[j] && keep(j) {
					seen[j] = true
					comp = append(comp, j)
				}
			}
		}
		slices.Sort(comp)
		out = append(out, comp)
	}
	return out
}

// adjacent lists the faces sharing an edge with face i, skipping edges
// blocked reports true for.
func (a *arrangement) adjacent(i int, blocked func(p, q orb.Point) bool) map[int]bool {
	out := map[int]bool{}
	for _, r := range a.faces.Polygons[i] {
		for k := 0; k+1 < len(r); k++ {
			if blocked != nil && blocked(r[k], r[k+1]) {
				continue
			}
			if j, ok := a.faces.FaceLeftOf(r[k+1], r[k]); ok {
				out[j] = true
			}
		}
	}
	return out
}

// onCut reports whether the edge p-q lies along one of the region's cut
// lines (to round-off).
func (a *arrangement) onCut(p, q orb.Point) bool {
	mid := orb.Point{(p[0] + q[0]) / 2, (p[1] + q[1]) / 2}
	for _, l := range a.r.cuts {
		for k := 0; k+1 < len(l); k++ {
			if onSegment(l[k], l[k+1], p) && onSegment(l[k], l[k+1], q) && onSegment(l[k], l[k+1], mid) {
				return true
			}
		}
	}
	return false
}

// onSegment reports whether q lies on segment a-b, to round-off: within
// two welding distances of it.
func onSegment(a, b, q orb.Point) bool {
	if q == a || q == b {
		return true
	}
	dx, dy := b[0]-a[0], b[1]-a[1]
	l2 := dx*dx + dy*dy
	if l2 == 0 {
		return false
	}
	return geo.SegmentDistance(a, b, q) <= 2*weldM
}

// inSegment reports whether q lies on segment a-b between its ends (to
// round-off) and is not one of them: a node to put into the edge.
func inSegment(a, b, q orb.Point) bool {
	if math.Hypot(q[0]-a[0], q[1]-a[1]) <= 2*weldM || math.Hypot(q[0]-b[0], q[1]-b[1]) <= 2*weldM {
		return false
	}
	return onSegment(a, b, q)
}

// border is the length (m) of edge a set of faces shares with each
// member, by member index.
func (a *arrangement) border(faces []int) map[int]float64 {
	in := map[int]bool{}
	for _, f := range faces {
		in[f] = true
	}
	out := map[int]float64{}
	for _, f := range faces {
		for j, length := range a.faces.Neighbours(f, 1) {
			if j >= 0 && !in[j] && a.owner[j] >= 0 {
				out[a.owner[j]] += length
			}
		}
	}
	return out
}

// shapes traces the labelled faces into one shape per label. Nodes that
// noding left on a straight stretch of boundary, where no new boundary
// meets it, are dropped again, so untouched neighbours keep matching.
func (a *arrangement) shapes(labels []int, n int) ([]orb.MultiPolygon, error) {
	return a.faces.Dissolve(a.absorbSlivers(labels), n, func(p orb.Point) bool { return !a.input[p] })
}

// sliverM2 is the area under which a face is round-off, not ground: where
// nearly coincident lines (a parent's straight edge and its child's edge
// with one more vertex on it, say) leave faces a fraction of a millimetre
// wide. Such a face goes with the neighbour it shares most edge with.
const sliverM2 = 1e-6

// absorbSlivers relabels sliver faces with their widest neighbour's label.
func (a *arrangement) absorbSlivers(labels []int) []int {
	out := slices.Clone(labels)
	for round := 0; round < 4; round++ {
		changed := false
		for i, ar := range a.area {
			if ar >= sliverM2 {
				continue
			}
			best, bestLen := -1, 0.0
			for j, l := range a.faces.Neighbours(i, 1) {
				if j >= 0 && a.area[j] >= sliverM2 && l > bestLen {
					best, bestLen = j, l
				}
			}
			if best >= 0 && out[i] != out[best] {
				out[i], changed = out[best], true
			}
		}
		if !changed {
			break
		}
	}
	return out
}

func eachVertex(mp orb.MultiPolygon, fn func(orb.Point)) {
	for _, p := range mp {
		for _, r := range p {
			for _, q := range r {
				fn(q)
			}
		}
	}
}

// sameShape reports whether two shapes have the same rings, whatever
// point each ring starts at: a grid whose faces all stayed its own and
// gained no vertex is left exactly as it was.
func sameShape(a, b orb.MultiPolygon) bool {
	if len(a) != len(b) {
		return false
	}
	key := func(mp orb.MultiPolygon) map[orb.Point]int {
		m := map[orb.Point]int{}
		for _, p := range mp {
			for _, r := range p {
				for _, q := range r[:len(r)-1] { // rings repeat their first point
					m[q]++
				}
			}
		}
		return m
	}
	ka, kb := key(a), key(b)
	if len(ka) != len(kb) {
		return false
	}
	for q, n := range ka {
		if kb[q] != n {
			return false
		}
	}
	return math.Abs(planar.Area(a)-planar.Area(b)) <= 1e-12*math.Abs(planar.Area(a))
}
