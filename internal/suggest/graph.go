package suggest

import (
	"fmt"
	"maps"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/gridplan/gridplan/geo"
)

// Atom is the smallest piece of ground a suggestion moves between grids:
// a child grid of the grids being changed, or a block between streets,
// building gaps and existing boundaries.
type Atom struct {
	Home       int    // index (in Ground.Grids) of the grid that holds it now
	Child      string // the child grid it is; "" for a block
	Households int64
	Persons    int64
	AreaM2     float64
	Centre     orb.Point // centroid, metric CRS
	OuterM     float64   // boundary it shares with no other atom: the edge of the ground
}

// Link is the boundary two atoms share.
type Link struct {
	To      int32
	LengthM float64
	StreetM float64 // how much of it runs along a street of the walking network
}

// Graph is ground cut into atoms, with the boundaries they share and the
// faces they are made of, from which parts' shapes and the lines between
// parts are traced.
type Graph struct {
	Atoms []Atom
	Links [][]Link // by atom

	faces    *geo.Faces
	faceAtom []int32            // by face; -1 outside the ground
	sliver   []bool             // by face: round-off absorbed into a neighbour
	input    map[orb.Point]bool // vertices of the grids and children: kept in shapes and lines
	outline  map[orb.Point]bool // vertices of the grids themselves
}

// Unit is a population unit on the ground (metric CRS).
type Unit struct {
	Point               orb.Point
	Shape               orb.MultiPolygon // nil for a point unit
	Persons, Households int64
}

// Child is a grid one level down that an atom keeps whole.
type Child struct {
	Code     string
	Geometry orb.MultiPolygon
}

// Ground is what a graph is built from, in the plan's metric CRS.
type Ground struct {
	Grids    []orb.MultiPolygon // the grids whose ground is re-partitioned
	Children []Child            // kept whole as atoms; none: atoms are blocks
	Glue     []orb.MultiPolygon // ground that must stay in one part each (overlay grids lying over it)
	Edges    []orb.MultiPolygon // existing boundaries a cut may follow (children to be split)
	Streets  []orb.LineString
	Units    []Unit
	// LatticeM, when positive, adds cut lines that far apart in x and y,
	// so that blocks can be cut between buildings away from streets.
	LatticeM float64
	// Faces is the arrangement of Linework, as PostGIS polygonizes it.
	Faces []orb.Polygon
}

// clearanceM is how near a new boundary may pass to a building's point:
// nearer, the two sides are glued, so no line is drawn through a building.
const clearanceM = 0.5

// weldM is how near two noded vertices must be to be one (as in editing).
const weldM = 1e-6

func (g *Ground) bound() orb.Bound {
	var b orb.Bound
	for i, mp := range g.Grids {
		if i == 0 {
			b = mp.Bound()
		} else {
			b = b.Union(mp.Bound())
		}
	}
	return b
}

// lattice is a set of straight lines step apart across b, offset by an
// odd fraction of the step so that they seldom run along existing
// boundaries drawn on round coordinates.
func lattice(b orb.Bound, step float64) []orb.LineString {
	var out []orb.LineString
	pad := step
	for x := math.Floor(b.Min[0]/step)*step + 0.377*step; x < b.Max[0]; x += step {
		if x > b.Min[0] {
			out = append(out, orb.LineString{{x, b.Min[1] - pad}, {x, b.Max[1] + pad}})
		}
	}
	for y := math.Floor(b.Min[1]/step)*step + 0.611*step; y < b.Max[1]; y += step {
		if y > b.Min[1] {
			out = append(out, orb.LineString{{b.Min[0] - pad, y}, {b.Max[0] + pad, y}})
		}
	}
	return out
}

// faceInfo is what a face of the arrangement lies in.
type faceInfo struct {
	owner, child, glue, building int // indexes, -1 for none
}

// Build cuts the ground into atoms from its faces.
func (g *Ground) Build() (*Graph, error) {
	input := map[orb.Point]bool{}
	addVertices := func(mp orb.MultiPolygon) {
		for _, p := range mp {
			for _, r := range p {
				for _, q := range r {
					input[q] = true
				}
			}
		}
	}
	for _, mp := range g.Grids {
		addVertices(mp)
	}
	outline := maps.Clone(input)
	for _, c := range g.Children {
		addVertices(c.Geometry)
	}
	for _, e := range g.Edges {
		addVertices(e)
	}
	raw := geo.WeldFaces(g.Faces, weldM, func(p orb.Point) bool { return input[p] })
	faces, err := geo.NewFaces(raw)
	if err != nil {
		return nil, err
	}
	info := g.locateFaces(faces)
	uf := newUnionFind(len(info))
	same := func(i, j int) bool { return info[i].owner == info[j].owner && info[i].owner >= 0 }
	keys := map[[3]int]int{}
	join := func(i, kind, index int) {
		k := [3]int{info[i].owner, kind, index}
		if first, ok := keys[k]; ok {
			uf.union(first, i)
		} else {
			keys[k] = i
		}
	}
	for i, fi := range info {
		if fi.owner < 0 {
			continue
		}
		if fi.child >= 0 {
			join(i, 0, fi.child)
		}
		if fi.glue >= 0 {
			join(i, 1, fi.glue)
		}
		if fi.building >= 0 {
			join(i, 2, fi.building)
		}
	}
	slivers := g.absorbSlivers(faces, info, uf)
	// A point building glues the faces within clearance of it (of one
	// grid and one child: existing boundaries are not new cuts).
	faceLoc := geo.NewPointLocator(polygonsOf(faces.Polygons))
	var buf []int
	for _, u := range g.Units {
		if u.Shape != nil {
			continue
		}
		first := -1
		for k := -1; k < 8; k++ {
			p := u.Point
			if k >= 0 {
				a := float64(k) * math.Pi / 4
				p = orb.Point{p[0] + clearanceM*math.Cos(a), p[1] + clearanceM*math.Sin(a)}
			}
			for _, f := range faceLoc.Containing(p, buf[:0]) {
				if info[f].owner < 0 {
					continue
				}
				if first < 0 {
					first = f
				} else if same(first, f) && info[first].child == info[f].child {
					uf.union(first, f)
				}
			}
		}
	}
	gr, err := g.atoms(faces, info, uf, faceLoc, slivers)
	if gr != nil {
		gr.input, gr.outline = input, outline
	}
	return gr, err
}

// sliverM2 is the area under which a face is round-off, not ground
// (where nearly coincident boundaries leave faces a fraction of a
// millimetre wide), as in the editing layer.
const sliverM2 = 1e-6

// absorbSlivers joins each sliver of the ground, and each face a tiling
// of children leaves in no child (round-off between a grid's edge and its
// children's), to the face of the same grid it shares most edge with.
func (g *Ground) absorbSlivers(faces *geo.Faces, info []faceInfo, uf *unionFind) []bool {
	slivers := make([]bool, len(info))
	for i, fi := range info {
		if fi.owner < 0 || (fi.child >= 0 || len(g.Children) == 0) && math.Abs(planar.Area(faces.Polygons[i])) >= sliverM2 {
			continue
		}
		best, bestL := -1, 0.0
		for j, l := range faces.Neighbours(i, 1) {
			if j >= 0 && info[j].owner == fi.owner && (info[j].child >= 0 || len(g.Children) == 0) && l > bestL {
				best, bestL = j, l
			}
		}
		if best >= 0 {
			uf.union(i, best)
			info[i].child = info[best].child
			slivers[i] = true
		}
	}
	return slivers
}

func polygonsOf(ps []orb.Polygon) []orb.MultiPolygon {
	out := make([]orb.MultiPolygon, len(ps))
	for i, p := range ps {
		out[i] = orb.MultiPolygon{p}
	}
	return out
}

// locateFaces finds, for each face, the grid, child, glue and building
// shape its interior point lies in.
func (g *Ground) locateFaces(faces *geo.Faces) []faceInfo {
	children := make([]orb.MultiPolygon, len(g.Children))
	for i, c := range g.Children {
		children[i] = c.Geometry
	}
	var shapes []orb.MultiPolygon
	for _, u := range g.Units {
		if u.Shape != nil {
			shapes = append(shapes, u.Shape)
		}
	}
	locs := []*geo.PointLocator{geo.NewPointLocator(g.Grids), geo.NewPointLocator(children),
		geo.NewPointLocator(g.Glue), geo.NewPointLocator(shapes)}
	info := make([]faceInfo, len(faces.Polygons))
	var buf []int
	for i, f := range faces.Polygons {
		fi := faceInfo{-1, -1, -1, -1}
		if p, ok := geo.InteriorPoint(orb.MultiPolygon{f}); ok {
			at := [4]int{-1, -1, -1, -1}
			for k, loc := range locs {
				if loc.Len() == 0 {
					continue
				}
				if hit := loc.Containing(p, buf[:0]); len(hit) > 0 {
					at[k] = hit[0]
				}
			}
			fi = faceInfo{at[0], at[1], at[2], at[3]}
		}
		info[i] = fi
	}
	return info
}

// atoms turns the union-find classes of the ground's faces into atoms with
// their figures and shared boundaries.
func (g *Ground) atoms(faces *geo.Faces, info []faceInfo, uf *unionFind, faceLoc *geo.PointLocator, slivers []bool) (*Graph, error) {
	gr := &Graph{faces: faces, faceAtom: make([]int32, len(info)), sliver: slivers}
	index := map[int]int32{}
	for i, fi := range info {
		gr.faceAtom[i] = -1
		if fi.owner < 0 {
			continue
		}
		root := uf.find(i)
		a, ok := index[root]
		if !ok {
			a = int32(len(gr.Atoms))
			index[root] = a
			at := Atom{Home: fi.owner}
			if fi.child >= 0 {
				at.Child = g.Children[fi.child].Code
			}
			gr.Atoms = append(gr.Atoms, at)
		}
		if gr.Atoms[a].Home != fi.owner {
			return nil, fmt.Errorf("suggest: an atom spans grids %d and %d", gr.Atoms[a].Home, fi.owner)
		}
		gr.faceAtom[i] = a
	}
	var streets *geo.Snapper
	if len(g.Streets) > 0 {
		streets = geo.NewSnapper(g.Streets)
	}
	links := make([]map[int32]*Link, len(gr.Atoms))
	centre := make([]orb.Point, len(gr.Atoms))
	for i, f := range faces.Polygons {
		a := gr.faceAtom[i]
		if a < 0 || slivers[i] {
			continue // a sliver's edges are its neighbours' outer edges
		}
		c, area := planar.CentroidArea(f)
		area = math.Abs(area)
		at := &gr.Atoms[a]
		at.AreaM2 += area
		centre[a] = orb.Point{centre[a][0] + c[0]*area, centre[a][1] + c[1]*area}
		for _, r := range f {
			for k := 0; k+1 < len(r); k++ {
				p, q := r[k], r[k+1]
				length := math.Hypot(q[0]-p[0], q[1]-p[1])
				j, ok := faces.FaceLeftOf(q, p)
				b := int32(-1)
				if ok && !slivers[j] {
					b = gr.faceAtom[j]
				}
				switch {
				case b < 0:
					at.OuterM += length
				case b != a:
					if links[a] == nil {
						links[a] = map[int32]*Link{}
					}
					l := links[a][b]
					if l == nil {
						l = &Link{To: b}
						links[a][b] = l
					}
					l.LengthM += length
					if onStreet(streets, p, q) {
						l.StreetM += length
					}
				}
			}
		}
	}
	for a := range gr.Atoms {
		if ar := gr.Atoms[a].AreaM2; ar > 0 {
			gr.Atoms[a].Centre = orb.Point{centre[a][0] / ar, centre[a][1] / ar}
		}
	}
	gr.Links = make([][]Link, len(gr.Atoms))
	for a, m := range links {
		for _, l := range m {
			gr.Links[a] = append(gr.Links[a], *l)
		}
		sortLinks(gr.Links[a])
	}
	var buf []int
	for _, u := range g.Units {
		for _, f := range faceLoc.Containing(u.Point, buf[:0]) {
			if a := gr.faceAtom[f]; a >= 0 {
				gr.Atoms[a].Households += u.Households
				gr.Atoms[a].Persons += u.Persons
				break
			}
		}
	}
	return gr, nil
}

// onStreetM is how near a boundary edge must run to a street to be on it:
// the two were noded together, so on a street means on it to round-off.
const onStreetM = 1e-3

func onStreet(s *geo.Snapper, p, q orb.Point) bool {
	if s == nil {
		return false
	}
	for _, x := range []orb.Point{p, q, {(p[0] + q[0]) / 2, (p[1] + q[1]) / 2}} {
		if n, ok := s.Nearest(x); !ok || n.Dist > onStreetM {
			return false
		}
	}
	return true
}
