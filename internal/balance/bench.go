package balance

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/bench"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
	"github.com/paulmach/orb"
)

// Bench measures the balance audit against the naive PostGIS spatial join
// (ST_Intersects of units and grids, GROUP BY grid, all levels) on the
// same data in the same run, on plan (the demo: ~26 k building units) and
// on a companion plan with the same grids and a million one-person point
// units (made once). For each it times the full audit from the database
// (a cold server: read, count every level, write grid_stats and findings),
// the full recount in memory (a warm server after the data changed), and
// the update after one grid's boundary moved. `gridplan bench balance`
// prints it.
func Bench(ctx context.Context, db *store.DB, plan domain.Plan, runs int) ([]bench.Result, error) {
	results, err := benchPlan(ctx, db, plan, runs, runs)
	if err != nil {
		return nil, err
	}
	million, err := millionUnitPlan(ctx, db, plan)
	if err != nil {
		return nil, err
	}
	// The reference takes most of a minute at a million units; three runs
	// give a fair median without making the benchmark take half an hour.
	more, err := benchPlan(ctx, db, million, runs, min(runs, 3))
	if err != nil {
		return nil, err
	}
	return append(results, more...), nil
}

func benchPlan(ctx context.Context, db *store.DB, plan domain.Plan, runs, refRuns int) ([]bench.Result, error) {
	counts, err := db.Count(ctx, plan.Workspace)
	if err != nil {
		return nil, err
	}
	grids := 0
	for _, l := range counts.Levels {
		grids += l.Grids
	}
	size := fmt.Sprintf("%d units, %d grids on %d levels", counts.Units, grids, len(plan.Levels))

	var naive map[string]int64
	ref, err := bench.Median(refRuns, false, func() error {
		naive, err = db.NaiveGridPersons(ctx, plan.Workspace)
		return err
	})
	if err != nil {
		return nil, err
	}
	var c *Checker
	var s *Section
	audit := func() error {
		c = New(db, Options{})
		got, err := c.Check(ctx, plan)
		s, _ = got.(*Section)
		return err
	}
	cold, err := bench.Median(runs, true, audit)
	if err != nil {
		return nil, err
	}
	// The reference counts boundary units in every grid; the demo has none,
	// so the two must agree grid by grid before their times mean anything.
	for _, g := range s.Grids {
		if g.Persons != naive[g.Code] {
			return nil, fmt.Errorf("grid %s: balance counts %d persons, the PostGIS join %d", g.Code, g.Persons, naive[g.Code])
		}
	}
	// The same with nothing stored yet, as after an import: every stat and
	// finding written. The benchmark clears them itself, as a GIS client
	// could; only the audit is timed.
	first, err := bench.MedianAfter(runs, func() error {
		if _, err := db.Pool().Exec(ctx, `DELETE FROM grid_stats WHERE ws_id = $1`, plan.Workspace); err != nil {
			return err
		}
		if _, err := db.Pool().Exec(ctx, `DELETE FROM finding WHERE ws_id = $1 AND check_name = 'balance'`, plan.Workspace); err != nil {
			return err
		}
		_, err := db.Pool().Exec(ctx, `UPDATE workspace SET results_version = NULL WHERE id = $1`, plan.Workspace)
		return err
	}, audit)
	if err != nil {
		return nil, err
	}
	ps := c.state(plan.Workspace, false)
	warm, err := bench.Median(runs, true, func() error {
		ps.m.recount()
		return nil
	})
	if err != nil {
		return nil, err
	}
	edit, err := benchEdit(ctx, db, c, plan, runs)
	if err != nil {
		return nil, err
	}
	ref5 := "≥ 5× faster"
	join := "PostGIS ST_Intersects join, all levels"
	return []bench.Result{
		{Name: "balance audit, all levels, from the database", RefName: join, Reference: ref, Measured: cold, Target: ref5,
			Note: size + "; a new checker: read, count, compare with the stored results"},
		{Name: "  the same, writing every stat and finding", RefName: join, Reference: ref, Measured: first, Target: ref5,
			Note: fmt.Sprintf("%d grid_stats rows, %d findings", len(s.Grids), countFindings(s))},
		{Name: "balance recount, all levels, in memory", RefName: join, Reference: ref, Measured: warm, Target: ref5,
			Note: "warm server: every unit placed again at every level"},
		{Name: "balance preview of one grid's edit", RefName: "-", Measured: edit, Target: "< 50 ms",
			Note: "Prepare: recount the units under the old and new shapes, read the figures, undo"},
	}, nil
}

// countFindings is how many findings the audit stored for s.
func countFindings(s *Section) int {
	n := s.Unassigned.Units
	for _, l := range s.Levels {
		n += l.OutOfBand
	}
	return n
}

// recount places every unit again at every level from the loaded grids and
// units, as after a change that touched everything.
func (m *model) recount() {
	for _, g := range m.grids {
		if g != nil {
			g.persons, g.households, g.units = 0, 0, 0
		}
	}
	var wg sync.WaitGroup
	for _, lv := range m.lv {
		lv.over, lv.split, lv.gaps = map[int32][]int32{}, map[int32][]portion{}, map[int32]struct{}{}
		wg.Go(func() { m.placeLevel(lv) })
	}
	wg.Wait()
	m.derive()
}

// benchEdit times the preview of one edit (Prepare: the units under the
// old and new shapes placed again, the figures read, the edit undone) after
// a micro-grid's boundary moves out into its neighbours (the grid scaled by
// 1.2 about its centre); nothing is written, so the plan stays as it is.
func benchEdit(ctx context.Context, db *store.DB, c *Checker, plan domain.Plan, runs int) (time.Duration, error) {
	var code string
	err := db.Pool().QueryRow(ctx, `SELECT code FROM grid WHERE ws_id = $1 AND level = 4 AND kind = 'base'
		ORDER BY code OFFSET (SELECT count(*) / 2 FROM grid WHERE ws_id = $1 AND level = 4) LIMIT 1`, plan.Workspace).Scan(&code)
	if err != nil {
		return 0, err
	}
	cur, _, err := db.CoverageGrids(ctx, plan.Workspace, []string{code})
	if err != nil {
		return 0, err
	}
	was := cur[code].State()
	now := was
	center := was.Metric.Bound().Center()
	now.Metric = orb.Clone(was.Metric).(orb.MultiPolygon)
	for _, poly := range now.Metric {
		for _, ring := range poly {
			for i, p := range ring {
				ring[i] = orb.Point{center[0] + 1.2*(p[0]-center[0]), center[1] + 1.2*(p[1]-center[1])}
			}
		}
	}
	changes := []audit.Change{{Code: code, Before: &was, After: &now}}
	return bench.Median(runs, true, func() error {
		_, err := c.Prepare(ctx, plan, changes)
		return err
	})
}
