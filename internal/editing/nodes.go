package editing

import (
	"cmp"
	"slices"

	"github.com/paulmach/orb"
)

// segment is an edge of a grid as it was before the op.
type segment struct{ p, q orb.Point }

// spread puts the vertices an op left on edges that were there before —
// where a new boundary meets the parent's outline, say — into every other
// grid of the view that has such an edge (the parent, its neighbours,
// grids of other levels along it), so that every grid keeps sharing every
// vertex with its neighbours. Those grids gain vertices, not ground.
func (w *work) spread(a *arrangement, shapes map[string]orb.MultiPolygon, rewritten map[string]bool) error {
	original := map[orb.Point]bool{}
	var segs []segment
	add := func(mp orb.MultiPolygon) {
		for _, p := range mp {
			for _, r := range p {
				for k := 0; k+1 < len(r); k++ {
					original[r[k]] = true
					if r[k] != r[k+1] {
						segs = append(segs, segment{r[k], r[k+1]})
					}
				}
			}
		}
	}
	for _, m := range a.r.members {
		add(m.Geometry)
	}
	if a.r.background != nil {
		add(a.r.background)
	}
	nodes := map[segment][]orb.Point{}
	seen := map[orb.Point]bool{}
	for _, code := range sortedCodes(shapes) {
		eachVertex(shapes[code], func(v orb.Point) {
			if original[v] || seen[v] {
				return
			}
			seen[v] = true
			for _, s := range segs {
				if onSegment(s.p, s.q, v) && v != s.p && v != s.q {
					key := canonical(s)
					nodes[key] = append(nodes[key], v)
					break
				}
			}
		})
	}
	if len(nodes) == 0 {
		return nil
	}
	var box orb.Bound
	first := true
	for s, vs := range nodes {
		slices.SortFunc(vs, func(x, y orb.Point) int { return cmp.Compare(dist2(s.p, x), dist2(s.p, y)) })
		nodes[s] = slices.Compact(vs)
		for _, v := range vs {
			if first {
				box, first = orb.Bound{Min: v, Max: v}, false
			} else {
				box = box.Extend(v)
			}
		}
	}
	near, err := w.e.Near(w.ctx, box.Pad(1e-9))
	if err != nil {
		return err
	}
	for _, g := range near {
		if rewritten[g.Code] {
			continue
		}
		if geom, changed := insertNodes(g.Geometry, nodes); changed {
			g.Geometry = geom
			if err := w.put(g, false); err != nil {
				return err
			}
		}
	}
	return nil
}

// insertNodes puts nodes on the edges of mp they belong to, in order
// along each edge; it reports whether anything changed.
func insertNodes(mp orb.MultiPolygon, nodes map[segment][]orb.Point) (orb.MultiPolygon, bool) {
	changed := false
	out := make(orb.MultiPolygon, len(mp))
	for i, p := range mp {
		out[i] = make(orb.Polygon, len(p))
		for j, r := range p {
			nr := make(orb.Ring, 0, len(r))
			for k := 0; k+1 < len(r); k++ {
				nr = append(nr, r[k])
				s := segment{r[k], r[k+1]}
				vs, ok := nodes[canonical(s)]
				if !ok {
					continue
				}
				changed = true
				if canonical(s) == s {
					nr = append(nr, vs...)
				} else {
					for n := len(vs) - 1; n >= 0; n-- {
						nr = append(nr, vs[n])
					}
				}
			}
			out[i][j] = append(nr, r[len(r)-1])
		}
	}
	return out, changed
}

// canonical orders a segment's ends, so an edge and its reverse meet.
func canonical(s segment) segment {
	if s.q[0] < s.p[0] || (s.q[0] == s.p[0] && s.q[1] < s.p[1]) {
		return segment{s.q, s.p}
	}
	return s
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
