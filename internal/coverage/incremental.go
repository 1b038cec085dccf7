package coverage

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// Prepare computes the view's coverage after changes, from the cached
// state at plan.Version, checking again only what the touched grids touch —
// the tilings they belong to before and after (their siblings and
// parents), the tilings they are parents of, the overlay special grids
// over those, and their own and their children's hierarchy.
func (c *Checker) Prepare(ctx context.Context, plan domain.Plan, changes []audit.Change) (audit.Prepared, error) {
	st, err := c.current(ctx, plan)
	if err != nil {
		return nil, err
	}
	defer st.mu.Unlock()
	next := st.clone()
	if err := c.apply(ctx, next, changes); err != nil {
		return nil, err
	}
	before, after := st.section(), next.section()
	return &prepared{c: c, ws: plan.Workspace, from: st, next: next, section: after,
		delta: diffFindings(before.findings, after.findings)}, nil
}

// Delta is what a change set does to the coverage findings.
type Delta struct {
	Added   []domain.Finding
	Removed []domain.Finding
}

// MarshalJSON writes {added: [findings], removed: [findings]} with the
// report's finding keys.
func (d Delta) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Added   []findingJSON `json:"added"`
		Removed []findingJSON `json:"removed"`
	}{findingsJSON(d.Added), findingsJSON(d.Removed)})
}

type prepared struct {
	c          *Checker
	ws         int64
	from, next *state
	section    *Section
	delta      Delta
}

func (p *prepared) Delta() any { return p.delta }

// Commit installs the prepared state at version when the cache still holds
// the state it was prepared from, and stores its findings.
func (p *prepared) Commit(ctx context.Context, version int64) error {
	p.next.version = version
	if !p.c.replace(p.ws, p.from, p.next) {
		return nil // the cache moved on: the next Check computes afresh
	}
	p.next.mu.Lock()
	defer p.next.mu.Unlock()
	return p.c.store(ctx, p.ws, p.next, p.section)
}

// clone copies st so that apply can change the copy; findings and grids
// are shared, being replaced rather than changed.
func (st *state) clone() *state {
	n := &state{plan: st.plan, version: st.version, data: st.data,
		grids: maps.Clone(st.grids), bounds: maps.Clone(st.bounds), children: make(map[string][]string, len(st.children)),
		groups: maps.Clone(st.groups), specials: maps.Clone(st.specials), spills: maps.Clone(st.spills),
		perGrid: maps.Clone(st.perGrid), plain: st.plain, labels: st.labels}
	for k, v := range st.children {
		n.children[k] = slices.Clone(v)
	}
	return n
}

// apply changes st for changes and checks again what they touch.
func (c *Checker) apply(ctx context.Context, st *state, changes []audit.Change) error {
	groups, roots, redo := map[string]bool{}, map[string]bool{}, map[string]bool{}
	mark := func(key string) {
		groups[key] = true
		for _, r := range st.roots(st.children[key]) {
			roots[r] = true
		}
	}
	touch := func(code string) {
		if g := st.grids[code]; g != nil {
			if key, ok := st.groupOf(g); ok {
				mark(key)
			}
			if st.overlayRoot(g) {
				roots[code] = true
			}
		}
	}
	for _, ch := range changes {
		touch(ch.Code) // what the old shape touched
		var g *store.CoverageGrid
		if ch.After != nil {
			g = coverageGrid(*ch.After)
		}
		st.setGrid(ch.Code, g)
		redo[ch.Code] = true
	}
	for _, ch := range changes {
		touch(ch.Code) // and the new one
		mark(ch.Code)  // the tiling it is the parent of, and the overlay grids inside it
		for _, k := range st.children[ch.Code] {
			redo[k] = true
		}
	}
	if st.data.Boundary == nil && groups[top] {
		// The top level's outline stands in for the boundary, and it may
		// have moved.
		var tops []store.CoverageGrid
		for _, code := range st.tiles(top) {
			tops = append(tops, *st.grids[code])
		}
		var err error
		if st.data.Outline, err = c.db.OutlineOf(ctx, st.data.SRID, st.noise(), tops); err != nil {
			return err
		}
		for _, r := range st.roots(st.children[top]) {
			roots[r] = true
		}
	}
	return c.recheck(ctx, st, groups, roots, redo)
}

// coverageGrid is the coverage model of a grid as a change set left it.
func coverageGrid(g domain.GridState) *store.CoverageGrid {
	return &store.CoverageGrid{Code: g.Code, Name: g.Name, Parent: g.Parent, Level: g.Level, Kind: g.Kind,
		Category: g.Category, Mode: g.Mode, Geometry: g.Metric, Valid: g.Valid, Reason: g.Reason}
}

// diffFindings lists the findings of after that before lacks, and those
// of before that after lacks, matching by kind, place and size.
func diffFindings(before, after []domain.Finding) Delta {
	count := map[string]int{}
	for _, f := range before {
		count[findingKey(f)]++
	}
	var d Delta
	for _, f := range after {
		k := findingKey(f)
		if count[k] > 0 {
			count[k]--
			continue
		}
		d.Added = append(d.Added, f)
	}
	for _, f := range before {
		if k := findingKey(f); count[k] > 0 {
			count[k]--
			d.Removed = append(d.Removed, f)
		}
	}
	return d
}

func findingKey(f domain.Finding) string {
	return strings.Join([]string{f.Kind, f.Severity, strconv.Itoa(f.Level), f.Parent, strings.Join(f.Grids, ","),
		fmt.Sprintf("%.3f", f.AreaM2)}, "\x1f")
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
