package balance

import (
	"context"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// GridDelta is one grid's figures before and after a change set; a grid
// that did not exist on one side has zeros and an empty band there.
type GridDelta struct {
	Code             string `json:"code"`
	Level            int    `json:"level"`
	PersonsBefore    int64  `json:"persons_before"`
	PersonsAfter     int64  `json:"persons_after"`
	HouseholdsBefore int64  `json:"households_before"`
	HouseholdsAfter  int64  `json:"households_after"`
	BandBefore       string `json:"band_before"`
	BandAfter        string `json:"band_after"`
}

// Delta is what a change set does to the balance: every grid it touched
// and every grid whose counts it changed, by level and code.
type Delta struct {
	Grids []GridDelta `json:"grids"`
}

// Prepare counts the view as changes leave it, from the cached counts at
// plan.Version: the edits are applied to the model, the figures read, and
// the edits undone, so the cache is as it was. Only the units under the
// touched grids' old and new shapes are placed again.
func (c *Checker) Prepare(ctx context.Context, plan domain.Plan, changes []audit.Change) (audit.Prepared, error) {
	ps := c.state(plan.Workspace, true)
	ps.mu.Lock()
	defer ps.mu.Unlock()
	defer c.measured(plan.Workspace, ps)
	// Counts held for plan.Version are the base, whatever the database
	// holds by now; without them, count the view as it is (the change set
	// has not committed yet).
	if ps.m == nil || ps.m.version != plan.Version || ps.m.lite {
		if err := c.ensure(ctx, ps, plan, true); err != nil {
			return nil, err
		}
	}
	m := ps.m
	edits, err := c.edits(ctx, plan, m, changes)
	if err != nil {
		return nil, err
	}
	undo := make([]gridEdit, len(edits))
	for i, e := range edits {
		undo[len(edits)-1-i] = m.current(e.code)
	}
	// A preview leaves the model as it found it, and so what is stored of
	// it: the units it places and places back are not marked for writing.
	marks := m.takeMarks()
	defer m.restoreMarks(marks)
	w := m.applyEdits(edits)
	var d Delta
	touched := map[string]bool{}
	for _, e := range edits {
		touched[e.code] = true
	}
	codes := map[string]bool{}
	for code := range w.before {
		codes[code] = true
	}
	for code := range touched {
		codes[code] = true
	}
	for code := range codes {
		b, had := w.before[code]
		if w.created[code] {
			b, had = figure{}, false
		}
		a, has := m.after(code)
		if !had && !has {
			continue
		}
		if touched[code] || a.persons != b.persons || a.households != b.households || a.band != b.band || had != has {
			level := a.level
			if !has {
				level = b.level
			}
			d.Grids = append(d.Grids, GridDelta{Code: code, Level: level, PersonsBefore: b.persons, PersonsAfter: a.persons,
				HouseholdsBefore: b.households, HouseholdsAfter: a.households, BandBefore: b.band, BandAfter: a.band})
		}
	}
	m.applyEdits(undo)
	slices.SortFunc(d.Grids, func(x, y GridDelta) int {
		if x.Level != y.Level {
			return x.Level - y.Level
		}
		return strings.Compare(x.Code, y.Code)
	})
	if d.Grids == nil {
		d.Grids = []GridDelta{}
	}
	return &prepared{c: c, ps: ps, m: m, from: plan.Version, edits: edits, delta: d}, nil
}

// edits turns changes into model edits, with the polygon units' overlaps
// of the new shapes from PostGIS (one round trip) under the area-share rule.
func (c *Checker) edits(ctx context.Context, plan domain.Plan, m *model, changes []audit.Change) ([]gridEdit, error) {
	var edits []gridEdit
	var geoms []orb.MultiPolygon
	var at []int
	for _, ch := range changes {
		if ch.Noded {
			continue // the same ground: the same counts
		}
		i := len(edits)
		edits = append(edits, gridEdit{code: ch.Code, now: balanceGrid(ch.After)})
		if ch.After != nil {
			geoms = append(geoms, ch.After.Metric)
			at = append(at, i)
		}
	}
	if m.rule != store.PolygonUnitsAreaShare || len(m.polygonIdx) == 0 || len(geoms) == 0 {
		return edits, nil
	}
	err := c.db.BalanceSharesOf(ctx, plan.ID, plan.SRID, geoms, func(i int, unit int64, area float64) error {
		if u, ok := m.polygonIdx[unit]; ok && area > 0 {
			e := &edits[at[i]]
			e.shares = append(e.shares, unitShare{unit: u, area: area})
		}
		return nil
	})
	return edits, err
}

type figure struct {
	level               int
	persons, households int64
	band                string
}

type prepared struct {
	c     *Checker
	ps    *planState
	m     *model
	from  int64
	edits []gridEdit
	delta Delta
}

func (p *prepared) Delta() any { return p.delta }

// Commit applies the edits to the cached counts when they are still the
// ones prepared from, and writes the grid_stats rows and findings that
// changed.
func (p *prepared) Commit(ctx context.Context, version int64) error {
	ps := p.ps
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if ps.m != p.m || ps.m.version != p.from {
		return nil // the counts moved on: the next Check counts afresh
	}
	if ps.stored && ps.written == nil {
		// The database holds what the counts give now (the stamp said so):
		// take that as the base the edit's changes are written against.
		if err := ps.findUnassigned(ctx, p.c.db); err != nil {
			return err
		}
		ps.written = ps.m.snapshot(ps.m.findings(ps.unassigned))
	}
	ps.m.applyEdits(p.edits)
	ps.m.version = version
	ps.changed()
	return ps.store(ctx, p.c.db)
}
