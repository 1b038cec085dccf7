package editing

import (
	"slices"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/geo"
)

// spread puts every vertex of the shapes an op wrote into every other grid
// of the view that has an edge through it and lacks it — the parent where
// a new boundary meets its outline, a neighbour in another parent, grids
// of other levels along the same line — so every grid keeps sharing every
// vertex with the grids it touches. Those grids gain vertices, not
// ground; one round reaches them all, since the vertices put in are the
// same ones. Vertices stay within their tiling: an overlay special grid
// and the grids under it tile apart from the base grids they lie over, so
// a park is not rewritten because a street boundary under it moved.
func (w *work) spread(shapes map[string]orb.MultiPolygon, rewritten map[string]bool) error {
	if len(shapes) == 0 {
		return nil
	}
	var box orb.Bound
	for i, code := range sortedCodes(shapes) {
		if b := shapes[code].Bound(); i == 0 {
			box = b
		} else {
			box = box.Union(b)
		}
	}
	near, err := w.e.Near(w.ctx, box.Pad(1e-3))
	if err != nil {
		return err
	}
	codes := sortedCodes(shapes)
	for _, g := range near {
		codes = append(codes, g.Code)
	}
	roots, err := w.e.OverlayRoots(w.ctx, codes)
	if err != nil {
		return err
	}
	pts := map[string][]orb.Point{} // per tiling, by its overlay root ("" for the base)
	seen := map[orb.Point]map[string]bool{}
	for _, code := range sortedCodes(shapes) {
		t := roots[code]
		eachVertex(shapes[code], func(v orb.Point) {
			if seen[v] == nil {
				seen[v] = map[string]bool{}
			}
			if !seen[v][t] {
				seen[v][t] = true
				pts[t] = append(pts[t], v)
			}
		})
	}
	idx := map[string]*geo.PointBuckets{}
	for t, ps := range pts {
		idx[t] = geo.NewPointBuckets(ps, 4)
	}
	for _, g := range near {
		t := roots[g.Code]
		if rewritten[g.Code] || idx[t] == nil {
			continue
		}
		if geom, changed := insertNodes(g.Geometry, pts[t], idx[t]); changed {
			g.Geometry = geom
			if err := w.put(g, false); err != nil {
				return err
			}
		}
	}
	return nil
}

// insertNodes puts each of pts (indexed by idx) that lies on an edge of mp
// and is not one of its vertices into that edge, in order along it; it
// reports whether anything changed.
func insertNodes(mp orb.MultiPolygon, pts []orb.Point, idx *geo.PointBuckets) (orb.MultiPolygon, bool) {
	vertices := map[orb.Point]bool{}
	eachVertex(mp, func(q orb.Point) { vertices[q] = true })
	on := func(a, b, v orb.Point) bool { return !vertices[v] && inSegment(a, b, v) }
	changed := false
	out := make(orb.MultiPolygon, len(mp))
	for i, p := range mp {
		out[i] = make(orb.Polygon, len(p))
		for j, r := range p {
			nr := orb.Ring(geo.InsertAlong(r, pts, idx, 1e-6, on))
			changed = changed || len(nr) != len(r)
			out[i][j] = nr
		}
	}
	return out, changed
}

func dist2(a, b orb.Point) float64 { dx, dy := a[0]-b[0], a[1]-b[1]; return dx*dx + dy*dy }

func sortedCodes[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
