package balance

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gridplan/gridplan/internal/bench"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
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
	counts, err := db.Count(ctx, plan.ID)
	if err != nil {
		return nil, err
	}
	grids := 0
	for _, l := range counts.Levels {
		grids += l.Grids
	}
	size := fmt.Sprintf("%d units, %d grids on 4 levels", counts.Units, grids)

	var naive map[string]int64
	ref, err := bench.Median(refRuns, false, func() error {
		naive, err = db.NaiveGridPersons(ctx, plan.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	var c *Checker
	var s *Section
	cold, err := bench.Median(runs, true, func() error {
		c = New(db, Options{})
		got, err := c.Check(ctx, plan)
		s, _ = got.(*Section)
		return err
	})
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
	ps := c.state(plan.ID, false)
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
	return []bench.Result{
		{Name: "balance audit, all levels, from the database", RefName: "PostGIS ST_Intersects join, all levels",
			Reference: ref, Measured: cold, Target: "≥ 5× faster", Note: size},
		{Name: "balance recount, all levels, in memory", RefName: "PostGIS ST_Intersects join, all levels",
			Reference: ref, Measured: warm, Target: "≥ 5× faster", Note: "warm server: every unit placed again"},
		{Name: "balance update after one grid's boundary moved", RefName: "-", Measured: edit, Target: "< 50 ms",
			Note: "GridChanged: read the grid, recount under it, rewrite changed stats and findings"},
	}, nil
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

// benchEdit times GridChanged after a micro-grid's boundary moves 20 m
// out into its neighbours and back, alternately; the edits themselves (the
// editor's work) are not timed. The grid is left as it was.
func benchEdit(ctx context.Context, db *store.DB, c *Checker, plan domain.Plan, runs int) (time.Duration, error) {
	// The benchmark plays the editor, so it writes grids straight through
	// PostGIS like any GIS client would.
	var code string
	var original []byte
	err := db.Pool().QueryRow(ctx, `SELECT code, ST_AsEWKB(geom) FROM grid WHERE plan_id = $1 AND level = 4 AND kind = 'base'
		ORDER BY code OFFSET (SELECT count(*) / 2 FROM grid WHERE plan_id = $1 AND level = 4) LIMIT 1`, plan.ID).Scan(&code, &original)
	if err != nil {
		return 0, err
	}
	args := pgx.NamedArgs{"plan": plan.ID, "code": code, "original": original}
	grown := false
	edit := func() error {
		sql := `UPDATE grid SET geom = ST_Multi(ST_Transform(ST_Buffer(geom_m, 20, 'join=mitre'), 4326)) WHERE plan_id = @plan AND code = @code`
		if grown {
			sql = `UPDATE grid SET geom = ST_GeomFromEWKB(@original) WHERE plan_id = @plan AND code = @code`
		}
		grown = !grown
		_, err := db.Pool().Exec(ctx, sql, args)
		return err
	}
	update := func() error { return c.GridChanged(ctx, plan, code) }
	times := make([]time.Duration, 0, runs)
	for range max(runs, 1) {
		if err := edit(); err != nil {
			return 0, err
		}
		start := time.Now()
		if err := update(); err != nil {
			return 0, err
		}
		times = append(times, time.Since(start))
	}
	if grown {
		if err := edit(); err != nil {
			return 0, err
		}
		if err := update(); err != nil {
			return 0, err
		}
	}
	slices.Sort(times)
	return times[len(times)/2], nil
}
