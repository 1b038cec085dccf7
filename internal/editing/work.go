package editing

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// work is one change set being applied inside its transaction: the grids
// it wrote (as they were before it), the codes it made and the lineage.
// Shapes are in the plan's metric CRS throughout.
type work struct {
	ctx      context.Context
	e        *store.Edit
	plan     domain.Plan
	permit   *permit // who applies it: every grid it changes is checked against their scope
	base     int64
	noiseM   float64
	boundary orb.MultiPolygon        // the plan's outline in its CRS; nil without one
	before   map[string]*domain.Grid // nil entry: created by this change set
	order    []string                // codes in the order first written
	semantic map[string]bool         // grids whose ground or attributes the change set changed
	written  map[string]bool         // grids the change set wrote
	op       int                     // index of the op being applied
	kind     string
	codes    [][]string // new codes, by op
	ops      opLineage  // the current op's
	lineage  []store.LineageRow
}

// refuse is a refused op: 422, naming the op.
func (w *work) refuse(format string, args ...any) error {
	return domain.Errorf(domain.ErrRefused, "ops[%d] (%s): %s", w.op, w.kind, fmt.Sprintf(format, args...))
}

// load reads a grid the op names, refusing unknown codes.
func (w *work) load(code string) (domain.Grid, error) {
	g, ok, err := w.e.Grid(w.ctx, code)
	if err != nil {
		return g, err
	}
	if !ok {
		return g, w.refuse("grid %q does not exist in %s", code, w.plan.View)
	}
	return g, nil
}

// capture remembers how the change set found grid code, before its first
// write.
func (w *work) capture(code string) error {
	if _, done := w.before[code]; done {
		return nil
	}
	g, ok, err := w.e.Grid(w.ctx, code)
	if err != nil {
		return err
	}
	w.order = append(w.order, code)
	if ok {
		w.before[code] = &g
	} else {
		w.before[code] = nil
	}
	return nil
}

// write runs one write of grid code with the version it must be checked
// against: the change set's base for the first write that changes the
// grid's ground or attributes (compare and swap in the statement itself),
// no check for writes that only put a neighbour's new node on a shared
// edge (the change is not theirs) or for grids the change set already
// wrote that way. A grid first written without a check and changed for
// real later is checked then against how the change set found it; the
// workspace is locked throughout, so nothing moves in between.
func (w *work) write(code string, semantic bool, fn func(base int64, create bool) error) error {
	_, captured := w.before[code]
	if err := w.capture(code); err != nil {
		return err
	}
	base := int64(math.MaxInt64)
	if semantic && !w.semantic[code] {
		if !captured {
			base = w.base
		} else if b := w.before[code]; b != nil && b.Version > w.base {
			return w.stale(&store.ErrStale{Code: code})
		}
	}
	if semantic {
		w.semantic[code] = true
	}
	create := w.before[code] == nil && !w.written[code]
	w.written[code] = true
	return w.stale(fn(base, create))
}

// put writes g; semantic says whether its ground or attributes change
// (rather than only vertices a neighbour's edit put on their shared edge).
func (w *work) put(g domain.Grid, semantic bool) error {
	if semantic {
		if err := w.checkScope(g.Code, g.Parent, true); err != nil {
			return err
		}
	}
	return w.write(g.Code, semantic, func(base int64, create bool) error {
		if create && !semantic {
			return fmt.Errorf("editing: vertex-only write of new grid %s", g.Code)
		}
		return w.e.Put(w.ctx, g, base, create)
	})
}

// remove deletes grid code.
func (w *work) remove(code string) error {
	if err := w.checkScope(code, "", false); err != nil {
		return err
	}
	return w.write(code, true, func(base int64, _ bool) error { return w.e.Remove(w.ctx, code, base) })
}

// stale turns a failed compare-and-swap into the precondition error.
func (w *work) stale(err error) error {
	var s *store.ErrStale
	if errors.As(err, &s) {
		return domain.Errorf(domain.ErrPrecondition, "ops[%d] (%s): grid %s changed after version %d, the base of this change set; reload it and edit again",
			w.op, w.kind, s.Code, w.base)
	}
	return err
}

// group is the tiling g belongs to: its parent's ground (nil when there
// is none) and the siblings that tile it with g (base and carve-out grids;
// under an overlay special grid, all its children).
func (w *work) group(g domain.Grid) (parent *domain.Grid, ground orb.MultiPolygon, siblings []domain.Grid, err error) {
	if g.Parent != "" {
		p, ok, err := w.e.Grid(w.ctx, g.Parent)
		if err != nil {
			return nil, nil, nil, err
		}
		if !ok {
			return nil, nil, nil, w.refuse("grid %s names parent %q, which is not in %s; fix the hierarchy first", g.Code, g.Parent, w.plan.View)
		}
		parent, ground = &p, p.Geometry
	} else {
		ground = w.boundary
	}
	kids, err := w.e.Children(w.ctx, g.Parent)
	if err != nil {
		return nil, nil, nil, err
	}
	for _, k := range kids {
		if k.Level == g.Level && tiles(k, parent) {
			siblings = append(siblings, k)
		}
	}
	return parent, ground, siblings, nil
}

// tiles reports whether g is part of its parent's tiling: not an overlay
// special grid, unless its parent is one.
func tiles(g domain.Grid, parent *domain.Grid) bool {
	if g.Kind != domain.KindSpecial || g.Mode != domain.ModeOverlay {
		return true
	}
	return parent != nil && parent.Kind == domain.KindSpecial && parent.Mode == domain.ModeOverlay
}

// touching keeps the grids whose bounding box comes near b.
func touching(grids []domain.Grid, b orb.Bound) []domain.Grid {
	b = b.Pad(1e-3)
	var out []domain.Grid
	for _, g := range grids {
		if g.Geometry.Bound().Intersects(b) {
			out = append(out, g)
		}
	}
	return out
}

// index is the position of code among grids, -1 when absent.
func index(grids []domain.Grid, code string) int {
	return slices.IndexFunc(grids, func(g domain.Grid) bool { return g.Code == code })
}

// ringsOf turns a shape's rings into lines for noding.
func ringsOf(mp orb.MultiPolygon) []orb.LineString {
	var out []orb.LineString
	for _, p := range mp {
		for _, r := range p {
			out = append(out, orb.LineString(r))
		}
	}
	return out
}

// boundOf is the bounding box of several shapes.
func boundOf(shapes ...orb.MultiPolygon) orb.Bound {
	var b orb.Bound
	first := true
	for _, s := range shapes {
		if len(s) == 0 {
			continue
		}
		if first {
			b, first = s.Bound(), false
		} else {
			b = b.Union(s.Bound())
		}
	}
	return b
}

// validBefore reports whether grid code was a valid polygon when the
// change set found it.
func (w *work) validBefore(code string) bool {
	b := w.before[code]
	if b == nil {
		return true
	}
	reason, err := w.e.Invalid(w.ctx, b.Geometry)
	return err == nil && reason == ""
}
