package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/balance"
	"github.com/gridplan/gridplan/internal/bench/reference"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
	"github.com/paulmach/orb"
)

// Balance measures the balance audit against the naive PostGIS spatial
// join (ST_Intersects of units and grids, GROUP BY grid, all levels) on the
// same data in the same run, on the plan (the demo: ~26 k building units)
// and on a companion plan with the same grids and a million one-person
// point units (made once). For each it times the audit of a new process
// (the results stored for the plan's version: the report is built from
// the stored assignments), the audit that counts from the geometry and
// writes every statistic, finding and assignment (as after an import), and
// the preview of one grid's edit. `gridplan bench balance` prints it.
func Balance(ctx context.Context, s Setup) ([]Result, error) {
	db, plan, runs := s.DB, s.Plan, s.Runs
	results, err := balancePlan(ctx, db, plan, runs, runs)
	if err != nil {
		return nil, err
	}
	million, err := millionUnitPlan(ctx, db, plan)
	if err != nil {
		return nil, err
	}
	// The reference takes most of a minute at a million units; three runs
	// give a fair median without making the benchmark take half an hour.
	more, err := balancePlan(ctx, db, million, runs, min(runs, 3))
	if err != nil {
		return nil, err
	}
	return append(results, more...), nil
}

func balancePlan(ctx context.Context, db *store.DB, plan domain.Plan, runs, refRuns int) ([]Result, error) {
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
	ref, err := Median(refRuns, false, func() error {
		naive, err = reference.GridPersons(ctx, db.Pool(), plan.Workspace)
		return err
	})
	if err != nil {
		return nil, err
	}
	var c *balance.Checker
	var sec *balance.Section
	audit := func() error {
		c = balance.New(db, balance.Options{})
		got, err := c.Check(ctx, plan)
		sec, _ = got.(*balance.Section)
		return err
	}
	// The warm-up run stores the results when the plan has none yet.
	cold, err := Median(runs, true, audit)
	if err != nil {
		return nil, err
	}
	// The reference counts boundary units in every grid; the demo has none,
	// so the two must agree grid by grid before their times mean anything.
	for _, g := range sec.Grids {
		if g.Persons != naive[g.Code] {
			return nil, fmt.Errorf("grid %s: balance counts %d persons, the PostGIS join %d", g.Code, g.Persons, naive[g.Code])
		}
	}
	// With the stamp cleared, as after an import: counted from the geometry,
	// every stat, finding and assignment compared and written. The
	// benchmark clears it itself, as a GIS client could; only the audit is
	// timed.
	first, err := MedianAfter(runs, func() error {
		for _, sql := range []string{`DELETE FROM grid_stats WHERE ws_id = $1`,
			`DELETE FROM finding WHERE ws_id = $1 AND check_name = 'balance'`,
			`UPDATE workspace SET results_version = NULL WHERE id = $1`} {
			if _, err := db.Pool().Exec(ctx, sql, plan.Workspace); err != nil {
				return err
			}
		}
		return nil
	}, audit)
	if err != nil {
		return nil, err
	}
	edit, err := balanceEdit(ctx, db, c, plan, runs)
	if err != nil {
		return nil, err
	}
	ref5 := "≥ 5× faster"
	join := "PostGIS ST_Intersects join, all levels"
	return []Result{
		{Name: "balance audit, all levels, a new process", RefName: join, Reference: ref, Measured: cold, Target: ref5,
			Note: size + "; a new checker: the report from the stored assignments, no geometry read"},
		{Name: "  counted from the geometry, writing everything", RefName: join, Reference: ref, Measured: first, Target: "-",
			Note: fmt.Sprintf("as after an import: %d grid_stats rows, %d findings and every unit's place per level", len(sec.Grids), balanceFindings(sec))},
		{Name: "balance preview of one grid's edit", RefName: "-", Measured: edit, Target: "< 50 ms",
			Note: "Prepare: recount the units under the old and new shapes, read the figures, undo"},
	}, nil
}

// balanceFindings is how many findings the audit stored for s.
func balanceFindings(s *balance.Section) int {
	n := s.Unassigned.Units
	for _, l := range s.Levels {
		n += l.OutOfBand
	}
	return n
}

// balanceEdit times the preview of one edit (Prepare: the units under the
// old and new shapes placed again, the figures read, the edit undone) after
// a micro-grid's boundary moves out into its neighbours (the grid scaled by
// 1.2 about its centre); nothing is written, so the plan stays as it is.
func balanceEdit(ctx context.Context, db *store.DB, c *balance.Checker, plan domain.Plan, runs int) (time.Duration, error) {
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
	return Median(runs, true, func() error {
		_, err := c.Prepare(ctx, plan, changes)
		return err
	})
}
