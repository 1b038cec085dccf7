package editing

import (
	"cmp"
	"slices"

	"github.com/paulmach/orb"
)

// spread puts the vertices an op made on boundaries it shares with grids
// outside its region — where a new boundary meets the parent's outline, or
// a child's new edge meets its parent's new one — into those grids (the
// parent, its neighbours, grids of other levels along it), so that every
// grid keeps sharing every vertex with the grids it touches. Those grids
// gain vertices, not ground.
func (w *work) spread(a *arrangement, shapes map[string]orb.MultiPolygon, rewritten map[string]bool) error {
	original := map[orb.Point]bool{}
	for _, m := range a.r.members {
		eachVertex(m.Geometry, func(q orb.Point) { original[q] = true })
	}
	if a.r.background != nil {
		eachVertex(a.r.background, func(q orb.Point) { original[q] = true })
	}
	var fresh []orb.Point
	seen := map[orb.Point]bool{}
	for _, code := range sortedCodes(shapes) {
		eachVertex(shapes[code], func(v orb.Point) {
			if !original[v] && !seen[v] {
				seen[v] = true
				fresh = append(fresh, v)
			}
		})
	}
	if len(fresh) == 0 {
		return nil
	}
	box := orb.Bound{Min: fresh[0], Max: fresh[0]}
	for _, v := range fresh {
		box = box.Extend(v)
	}
	near, err := w.e.Near(w.ctx, box.Pad(1e-9))
	if err != nil {
		return err
	}
	for _, g := range near {
		if rewritten[g.Code] {
			continue
		}
		if geom, changed := insertNodes(g.Geometry, fresh); changed {
			g.Geometry = geom
			if err := w.put(g, false); err != nil {
				return err
			}
		}
	}
	return nil
}

// insertNodes puts each of nodes that lies on an edge of mp (and is not
// already a vertex) into that edge, in order along it; it reports whether
// anything changed.
func insertNodes(mp orb.MultiPolygon, nodes []orb.Point) (orb.MultiPolygon, bool) {
	vertices := map[orb.Point]bool{}
	eachVertex(mp, func(q orb.Point) { vertices[q] = true })
	changed := false
	out := make(orb.MultiPolygon, len(mp))
	for i, p := range mp {
		out[i] = make(orb.Polygon, len(p))
		for j, r := range p {
			nr := make(orb.Ring, 0, len(r))
			for k := 0; k+1 < len(r); k++ {
				a, b := r[k], r[k+1]
				nr = append(nr, a)
				eb := orb.Bound{Min: a, Max: a}.Extend(b).Pad(1e-12)
				var on []orb.Point
				for _, v := range nodes {
					if !vertices[v] && eb.Contains(v) && onSegment(a, b, v) {
						on = append(on, v)
					}
				}
				if len(on) == 0 {
					continue
				}
				slices.SortFunc(on, func(x, y orb.Point) int { return cmp.Compare(dist2(a, x), dist2(a, y)) })
				nr = append(nr, slices.Compact(on)...)
				changed = true
			}
			out[i][j] = append(nr, r[len(r)-1])
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
