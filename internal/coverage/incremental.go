package coverage

import (
	"context"
	"slices"

	"github.com/gridplan/gridplan/internal/domain"
)

// GridChanged updates plan's cached coverage after grid code was created,
// reshaped or deleted: it re-reads that grid and checks again only what it
// touches — the tiling it belongs to (its siblings and parent), the tiling
// it is the parent of, the overlay special grids over those, and its own and
// its children's hierarchy. The update applies only when the plan is
// exactly one version past the cached state (this one change); otherwise
// the cache is dropped and the next Check starts afresh.
func (c *Checker) GridChanged(ctx context.Context, plan domain.Plan, code string) error {
	st := c.cached(plan.ID)
	if st == nil {
		return nil // nothing cached: the next Check computes everything anyway
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	g, found, version, err := c.db.CoverageGrid(ctx, plan.ID, code)
	if err != nil {
		c.drop(plan.ID, st)
		return err
	}
	if version != st.version+1 {
		c.log.Debug("coverage cache dropped", "plan", plan.Name, "cached", st.version, "now", version)
		c.drop(plan.ID, st)
		return nil
	}
	groups, roots, redo := map[string]bool{}, map[string]bool{}, map[string]bool{code: true}
	mark := func(key string) {
		groups[key] = true
		for _, r := range st.roots(st.children[key]) {
			roots[r] = true
		}
	}
	// What the old shape touched, then the new one.
	touch := func() {
		if old := st.grids[code]; old != nil {
			if key, ok := st.groupOf(old); ok {
				mark(key)
			}
			if st.overlayRoot(old) {
				roots[code] = true
			}
		}
	}
	touch()
	var newGrid = &g
	if !found {
		newGrid = nil
	}
	st.setGrid(code, newGrid)
	touch()
	mark(code) // the tiling it is the parent of, and the overlay grids inside it
	if st.data.Boundary == nil && groups[top] {
		// The top level's outline stands in for the boundary, and it moved.
		if st.data.Outline, err = c.db.CoverageOutline(ctx, plan.ID); err != nil {
			c.drop(plan.ID, st)
			return err
		}
		for _, r := range st.roots(st.children[top]) {
			roots[r] = true
		}
	}
	for _, k := range st.children[code] {
		redo[k] = true
	}
	if err := c.recheck(ctx, st, groups, roots, redo); err != nil {
		c.drop(plan.ID, st)
		return err
	}
	st.version, st.stored = version, false
	return nil
}

// recheck recomputes the named groups, overlay special grids and grids of
// st, with one overlay and one transform round trip.
func (c *Checker) recheck(ctx context.Context, st *state, groups, roots, redo map[string]bool) error {
	var ps parentSet
	live := map[string]bool{}
	var keys []string
	for _, key := range sortedKeys(groups) {
		if st.isGroup(key) {
			live[key] = true
			keys = append(keys, key)
		}
	}
	for key := range groups {
		if !live[key] {
			delete(st.groups, key) // no longer a parent with children
		}
	}
	var rootCodes []string
	for _, code := range sortedKeys(roots) {
		if g := st.grids[code]; g != nil && st.overlayRoot(g) {
			rootCodes = append(rootCodes, code)
		}
	}
	windows, specials := st.checkAll(keys, rootCodes)
	gs, spills, err := st.overlay(ctx, c.db, windows, &ps)
	if err != nil {
		return err
	}
	var drafts []draft
	for _, code := range sortedKeys(redo) {
		drafts = append(drafts, st.gridDrafts(code)...)
	}
	done, err := finish(ctx, c.db, st.data.SRID, drafts)
	if err != nil {
		return err
	}
	for key := range live {
		st.groups[key] = gs[key]
	}
	for code := range roots {
		delete(st.specials, code)
		delete(st.spills, code)
	}
	for code, sp := range specials {
		st.specials[code] = sp
		st.spills[code] = spills[code]
	}
	for code := range redo {
		delete(st.perGrid, code)
	}
	for _, f := range done {
		st.perGrid[f.Grids[0]] = append(st.perGrid[f.Grids[0]], f)
	}
	return nil
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
