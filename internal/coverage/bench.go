package coverage

import (
	"context"
	"fmt"
	"slices"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/bench"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// Benchmark measures, on plan, the full coverage audit against the naive
// SQL audit (store.NaiveCoverage) in the same run, and the re-check after
// one grid edit. Each full audit uses a fresh Checker, so nothing is cached.
// The edit moves one vertex of a micro-grid by about 5 m and back, so the
// re-check includes real defects and their overlay; the plan is left as it
// was (its version moves on).
func Benchmark(ctx context.Context, db *store.DB, plan domain.Plan, runs int) ([]bench.Result, error) {
	var naive store.NaiveCoverage
	ref, err := bench.Median(runs, true, func() (err error) {
		naive, err = db.NaiveCoverage(ctx, plan.Workspace)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("naive coverage SQL: %w", err)
	}
	var sec *Section
	var grids int
	full, err := bench.Median(runs, true, func() error {
		c := New(db, Options{})
		s, err := c.Check(ctx, plan)
		if err != nil {
			return err
		}
		sec = s.(*Section)
		grids = len(c.cached(plan.Workspace).grids)
		return nil
	})
	if err != nil {
		return nil, err
	}
	results := []bench.Result{{
		Name: "coverage audit, whole plan", RefName: "naive PostGIS SQL", Reference: ref, Measured: full,
		Target: "≥ 5× faster, no noise findings",
		Note: fmt.Sprintf("%d grids; naive: %d non-empty parent differences (%.4f m²), %d of %d sibling pairs intersecting, %d invalid; gridplan: %d findings, %d errors",
			grids, naive.Differences, naive.GapArea, naive.Overlaps, naive.Pairs, naive.Invalid, len(sec.findings), sec.Errors()),
	}}
	edit, err := benchEdit(ctx, db, plan, runs)
	if err != nil {
		return nil, err
	}
	return append(results, edit), nil
}

// benchEdit times Prepare + Commit-free preview of one edit: one vertex of
// a micro-grid in the middle of the plan moved about 5 m, what the editing
// layer asks of the coverage check before it commits a change set. Nothing
// is written, so the plan stays as it is.
func benchEdit(ctx context.Context, db *store.DB, plan domain.Plan, runs int) (bench.Result, error) {
	var micro []string
	err := db.EachGrid(ctx, plan.Workspace, store.GridFilter{Level: 4}, func(g domain.Grid) error {
		if g.Kind == domain.KindBase {
			micro = append(micro, g.Code)
		}
		return nil
	})
	if err != nil || len(micro) == 0 {
		return bench.Result{}, fmt.Errorf("plan %q: no base micro-grid to edit (%v)", plan.Name, err)
	}
	slices.Sort(micro)
	c := New(db, Options{})
	s0, err := c.Check(ctx, plan)
	if err != nil {
		return bench.Result{}, err
	}
	before := len(s0.(*Section).findings)
	// A micro-grid in the middle of the list, away from any finding there
	// is already, so the edit's own defects show in the count.
	busy := map[string]bool{}
	for _, f := range s0.(*Section).findings {
		busy[f.Parent] = true
		for _, g := range f.Grids {
			busy[g] = true
		}
	}
	code := micro[len(micro)/2]
	for i := len(micro) / 2; i < len(micro); i++ {
		if !busy[micro[i]] && !busy[micro[i][:16]] {
			code = micro[i]
			break
		}
	}
	cur, _, err := db.CoverageGrids(ctx, plan.Workspace, []string{code})
	if err != nil {
		return bench.Result{}, err
	}
	was := cur[code].State()
	now := was
	now.Metric = orb.Clone(was.Metric).(orb.MultiPolygon)
	ring := now.Metric[0][0]
	ring[1] = orb.Point{ring[1][0] + 4, ring[1][1] + 3} // 4 m east, 3 m north
	change := []audit.Change{{Code: code, Before: &was, After: &now}}
	var added int
	measured, err := bench.Median(runs, false, func() error {
		p, err := c.Prepare(ctx, plan, change)
		if err == nil {
			added = len(p.Delta().(Delta).Added)
		}
		return err
	})
	if err != nil {
		return bench.Result{}, err
	}
	return bench.Result{
		Name: "preview of one grid edit", Measured: measured, Target: "< 50 ms",
		Note: fmt.Sprintf("micro-grid %s, one vertex moved 5 m: %d finding(s) before, %d added by the move", code, before, added),
	}, nil
}
