package bench

import (
	"context"
	"fmt"
	"slices"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/bench/reference"
	"github.com/gridplan/gridplan/internal/coverage"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// Coverage measures, on plan, the full coverage audit against the naive
// SQL audit (reference.Coverage) in the same run, and the preview of one
// grid edit. Each full audit uses a fresh checker, so nothing is cached.
// The edit moves one vertex of a micro-grid by about 5 m, so the re-check
// includes real defects and their overlay; nothing is written.
func Coverage(ctx context.Context, s Setup) ([]Result, error) {
	db, plan, runs := s.DB, s.Plan, s.Runs
	var naive reference.NaiveCoverage
	ref, err := Median(runs, true, func() (err error) {
		naive, err = reference.Coverage(ctx, db.Pool(), plan.Workspace)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("naive coverage SQL: %w", err)
	}
	var sec *coverage.Section
	full, err := Median(runs, true, func() error {
		got, err := coverage.New(db, coverage.Options{}).Check(ctx, plan)
		if err != nil {
			return err
		}
		sec = got.(*coverage.Section)
		return nil
	})
	if err != nil {
		return nil, err
	}
	counts, err := db.Count(ctx, plan.Workspace)
	if err != nil {
		return nil, err
	}
	grids := 0
	for _, l := range counts.Levels {
		grids += l.Grids
	}
	results := []Result{{
		Name: "coverage audit, whole plan", RefName: "naive PostGIS SQL", Reference: ref, Measured: full,
		Target: "≥ 5× faster, no noise findings",
		Note: fmt.Sprintf("%d grids; naive: %d non-empty parent differences (%.4f m²), %d of %d sibling pairs intersecting, %d invalid; gridplan: %d findings, %d errors",
			grids, naive.Differences, naive.GapArea, naive.Overlaps, naive.Pairs, naive.Invalid, len(sec.Findings()), sec.Errors()),
	}}
	edit, err := coverageEdit(ctx, db, plan, runs)
	if err != nil {
		return nil, err
	}
	return append(results, edit), nil
}

// coverageEdit times Prepare + Commit-free preview of one edit: one vertex of
// a micro-grid in the middle of the plan moved about 5 m, what the editing
// layer asks of the coverage check before it commits a change set. Nothing
// is written, so the plan stays as it is.
func coverageEdit(ctx context.Context, db *store.DB, plan domain.Plan, runs int) (Result, error) {
	var micro []string
	err := db.EachGrid(ctx, plan.Workspace, store.GridFilter{Level: 4}, func(g domain.Grid) error {
		if g.Kind == domain.KindBase {
			micro = append(micro, g.Code)
		}
		return nil
	})
	if err != nil || len(micro) == 0 {
		return Result{}, fmt.Errorf("plan %q: no base micro-grid to edit (%v)", plan.Name, err)
	}
	slices.Sort(micro)
	c := coverage.New(db, coverage.Options{})
	s0, err := c.Check(ctx, plan)
	if err != nil {
		return Result{}, err
	}
	before := len(s0.(*coverage.Section).Findings())
	// A micro-grid in the middle of the list, away from any finding there
	// is already, so the edit's own defects show in the count.
	busy := map[string]bool{}
	for _, f := range s0.(*coverage.Section).Findings() {
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
		return Result{}, err
	}
	was := cur[code].State()
	now := was
	now.Metric = orb.Clone(was.Metric).(orb.MultiPolygon)
	ring := now.Metric[0][0]
	ring[1] = orb.Point{ring[1][0] + 4, ring[1][1] + 3} // 4 m east, 3 m north
	change := []audit.Change{{Code: code, Before: &was, After: &now}}
	var added int
	measured, err := Median(runs, false, func() error {
		p, err := c.Prepare(ctx, plan, change)
		if err == nil {
			added = len(p.Delta().(coverage.Delta).Added)
		}
		return err
	})
	if err != nil {
		return Result{}, err
	}
	return Result{
		Name: "preview of one grid edit", Measured: measured, Target: "< 50 ms",
		Note: fmt.Sprintf("micro-grid %s, one vertex moved 5 m: %d finding(s) before, %d added by the move", code, before, added),
	}, nil
}
