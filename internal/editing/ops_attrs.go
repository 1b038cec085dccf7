package editing

import (
	"maps"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
)

// reparent moves grid op.Grid, with everything under it, to parent
// op.Parent of the level above: the old parent gives the grid's ground to
// the new one, and so on up to the level where their ancestors meet, so
// every level still tiles. With op.Recode the grid and its subtree take
// new codes under the new parent.
func (w *work) reparent(op Op) error {
	x, err := w.load(op.Grid)
	if err != nil {
		return err
	}
	q, err := w.load(op.Parent)
	if err != nil {
		return err
	}
	switch {
	case x.Parent == q.Code:
		return w.refuse("%s is already a child of %s", x.Code, q.Code)
	case q.Level != x.Level-1:
		return w.refuse("%s is level %d; a parent of %s (level %d) must be level %d", describe(q), q.Level, x.Code, x.Level, x.Level-1)
	case x.Parent == "":
		return w.refuse("%s is a top-level grid: it has no parent to change", x.Code)
	}
	if !tiles(x, &q) {
		// An overlay grid takes no ground from the tiling: it only has to
		// lie inside its new parent.
		areas, err := w.e.Areas(w.ctx, []orb.MultiPolygon{x.Geometry}, []orb.MultiPolygon{q.Geometry})
		if err != nil {
			return err
		}
		if a := areas[0]; a[0] < a[1]-max(1e-6*a[1], 10*w.noiseM*w.noiseM) {
			return w.refuse("%s reaches %.0f m² outside %s", x.Code, a[1]-a[0], describe(q))
		}
		x.Parent = q.Code
		if err := w.put(x, true); err != nil {
			return err
		}
		w.link(x.Code, x.Code, x.Geometry, x.Geometry)
		return w.recodeIf(op, x, q)
	}
	p, err := w.load(x.Parent)
	if err != nil {
		return err
	}
	for first := true; ; first = false {
		if err := w.handOver(x, p, q, first); err != nil {
			return err
		}
		if p.Parent == q.Parent {
			break
		}
		if p, err = w.load(p.Parent); err != nil {
			return err
		}
		if q, err = w.load(q.Parent); err != nil {
			return err
		}
	}
	w.link(x.Code, x.Code, x.Geometry, x.Geometry)
	q, _ = w.load(op.Parent)
	return w.recodeIf(op, x, q)
}

// handOver gives x's ground from p to q, grids of one level.
func (w *work) handOver(x, p, q domain.Grid, first bool) error {
	near, err := w.e.Near(w.ctx, x.Geometry.Bound().Pad(1e-3))
	if err != nil {
		return err
	}
	var members []domain.Grid
	for _, g := range near {
		if g.Level == p.Level && (g.Code == p.Code || g.Code == q.Code || tiles(g, nil)) {
			members = append(members, g)
		}
	}
	if index(members, q.Code) < 0 {
		members = append(members, q)
	}
	a, err := w.arrange(region{members: members, cuts: ringsOf(x.Geometry)})
	if err != nil {
		return err
	}
	pi, qi := index(members, p.Code), index(members, q.Code)
	in := a.inside(x.Geometry)
	labels := ownerLabels(a)
	var moving []int
	for i, o := range a.owner {
		if o == pi && in[i] {
			labels[i] = qi
			moving = append(moving, i)
		}
	}
	if len(moving) == 0 {
		return w.refuse("%s does not lie in %s", x.Code, describe(p))
	}
	if first && a.border(moving)[qi] == 0 {
		return w.refuse("%s does not border %s: a grid moves only to a neighbouring parent", describe(x), describe(q))
	}
	rl, err := w.relabel(a, labels, nil)
	if err != nil {
		return err
	}
	if len(rl.shapes[pi]) == 0 {
		return w.refuse("moving %s would leave %s no ground; merge %s into %s instead", x.Code, describe(p), p.Code, q.Code)
	}
	if _, err := w.commit(rl, false); err != nil {
		return err
	}
	w.linkMoves(rl)
	return nil
}

// recodeIf gives x and its subtree new codes under q when op asks.
func (w *work) recodeIf(op Op, x, q domain.Grid) error {
	if !op.Recode {
		return nil
	}
	x, err := w.load(x.Code) // as the hand-over left it
	if err != nil {
		return err
	}
	siblings, err := w.e.Children(w.ctx, q.Code)
	if err != nil {
		return err
	}
	codes, err := w.newCodes(&q, siblings, x.Kind, []orb.MultiPolygon{x.Geometry})
	if err != nil {
		return err
	}
	w.codes[w.op] = codes
	return w.recode(x, codes[0], q.Code)
}

// recode moves grid x to code, under parent, and its children to codes
// that keep their own numbers after the new prefix.
func (w *work) recode(x domain.Grid, code, parent string) error {
	kids, err := w.e.Children(w.ctx, x.Code)
	if err != nil {
		return err
	}
	old := x.Code
	x.Code, x.Parent = code, parent
	if err := w.put(x, true); err != nil {
		return err
	}
	w.link(old, code, x.Geometry, x.Geometry)
	for _, k := range kids {
		next := code + k.Code[min(len(old), len(k.Code)):]
		if ok, err := w.e.Claim(w.ctx, next); err != nil {
			return err
		} else if !ok {
			siblings, err := w.e.Children(w.ctx, code)
			if err != nil {
				return err
			}
			c, err := w.newCodes(&x, siblings, k.Kind, []orb.MultiPolygon{k.Geometry})
			if err != nil {
				return err
			}
			next = c[0]
		}
		if err := w.recode(k, next, code); err != nil {
			return err
		}
	}
	return w.remove(old)
}

// rename changes a grid's name.
func (w *work) rename(op Op) error {
	g, err := w.load(op.Grid)
	if err != nil {
		return err
	}
	g.Name = *op.Name
	return w.put(g, true)
}

// set changes a grid's category, mode or kind and its free properties
// (null removes one).
func (w *work) set(op Op) error {
	g, err := w.load(op.Grid)
	if err != nil {
		return err
	}
	props := maps.Clone(g.Properties)
	if props == nil {
		props = map[string]any{}
	}
	for k, v := range op.Properties {
		text, isText := v.(string)
		switch k {
		case "category":
			if !isText {
				return w.refuse("properties.category must be text")
			}
			g.Category = text
		case "mode":
			if !isText || !domain.ValidMode(domain.Mode(text)) {
				return w.refuse("properties.mode must be overlay, carve_out or empty")
			}
			g.Mode = domain.Mode(text)
		case "kind":
			if !isText || !domain.ValidKind(domain.Kind(text)) {
				return w.refuse("properties.kind must be base or special")
			}
			g.Kind = domain.Kind(text)
		case "code", "name", "level", "parent":
			return w.refuse("properties.%s is changed by its own op (rename, reparent), not by set", k)
		default:
			if v == nil {
				delete(props, k)
			} else {
				props[k] = v
			}
		}
	}
	if g.Kind == domain.KindBase && g.Mode != "" {
		return w.refuse("a base grid has no mode; set kind to special first")
	}
	g.Properties = props
	return w.put(g, true)
}
