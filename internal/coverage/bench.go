package coverage

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/paulmach/orb"

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
		naive, err = db.NaiveCoverage(ctx, plan.ID)
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
		grids = len(c.plans[plan.ID].grids)
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

// benchEdit times GridChanged + Check after moving one vertex of a
// micro-grid in the middle of the plan, then moving it back.
func benchEdit(ctx context.Context, db *store.DB, plan domain.Plan, runs int) (_ bench.Result, err error) {
	var micro []string
	err = db.EachGrid(ctx, plan.ID, store.GridFilter{Level: 4}, func(g domain.Grid) error {
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
	g, err := db.Grid(ctx, plan.ID, code)
	if err != nil {
		return bench.Result{}, err
	}
	original := g.Geometry
	moved := orb.Clone(original).(orb.MultiPolygon)
	ring := moved[0][0]
	ring[1] = orb.Point{ring[1][0] + 4e-5, ring[1][1] + 3e-5} // about 4 m east, 3 m north
	// Move and move back, so the plan ends as it began; only GridChanged +
	// Check is timed: what an edit endpoint does after its UPDATE.
	n := 2 * max(1, (runs+1)/2)
	// Whatever happens, the plan must end as it began: an interrupted run
	// would otherwise leave a moved vertex (a real gap) in the bench plan.
	defer func() {
		if _, _, rerr := db.UpdateGrid(context.WithoutCancel(ctx), plan, code, store.GridEdit{Geometry: original}); rerr != nil {
			err = errors.Join(err, fmt.Errorf("restore grid %s after the benchmark: %w", code, rerr))
		}
	}()
	var times, updates []time.Duration
	findings := 0
	for i := range n {
		shape := moved
		if i%2 == 1 {
			shape = original
		}
		start := time.Now()
		v, _, err := db.UpdateGrid(ctx, plan, code, store.GridEdit{Geometry: shape})
		if err != nil {
			return bench.Result{}, err
		}
		updates = append(updates, time.Since(start))
		plan.Version = v
		start = time.Now()
		if err := c.GridChanged(ctx, plan, code); err != nil {
			return bench.Result{}, err
		}
		if c.cached(plan.ID) == nil {
			return bench.Result{}, fmt.Errorf("plan %q changed during the benchmark: the re-check fell back to a full audit", plan.Name)
		}
		s, err := c.Check(ctx, plan)
		if err != nil {
			return bench.Result{}, err
		}
		times = append(times, time.Since(start))
		if i == 0 {
			findings = len(s.(*Section).findings)
		}
	}
	slices.Sort(times)
	slices.Sort(updates)
	return bench.Result{
		Name: "re-check after one grid edit", Measured: times[len(times)/2], Target: "< 50 ms",
		Note: fmt.Sprintf("micro-grid %s, one vertex moved ~5 m and back: %d finding(s) before, %d after the move; timed GridChanged + Check, the UPDATE itself took %.1f ms more",
			code, before, findings, float64(updates[len(updates)/2].Microseconds())/1000),
	}, nil
}
