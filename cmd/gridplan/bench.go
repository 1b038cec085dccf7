package main

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/gridplan/gridplan/internal/balance"
	"github.com/gridplan/gridplan/internal/bench"
	"github.com/gridplan/gridplan/internal/circles"
	"github.com/gridplan/gridplan/internal/coverage"
	"github.com/gridplan/gridplan/internal/demo"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
	"github.com/gridplan/gridplan/internal/suggest"
)

// benchmark measures one capability against its reference on a plan.
type benchmark func(ctx context.Context, db *store.DB, plan domain.Plan, runs int) ([]bench.Result, error)

// benchmarks lists what `gridplan bench` can measure. Each capability's
// package registers its comparison here, and only here.
func benchmarks() map[string]benchmark {
	return map[string]benchmark{
		"balance":  balance.Bench,
		"circles":  circles.Bench,
		"coverage": coverage.Benchmark,
		"edit":     benchEdit,
		"features": benchFeatures,
		"formats":  benchFormats,
		"suggest":  suggest.Bench,
	}
}

func runBench(ctx context.Context, e *env, args []string) error {
	var cfg Config
	fs := newFlags(e, "bench", &cfg)
	scale := fs.Float64("scale", 1, "demo district scale to measure on (loaded once as plan bench_<scale>)")
	seed := fs.Int64("seed", 1, "demo seed")
	runs := fs.Int("runs", 5, "timed runs per measurement (the median is reported)")
	names := make([]string, 0)
	for n := range benchmarks() {
		names = append(names, n)
	}
	sort.Strings(names)
	pos, err := parseArgs(fs, args, "WHAT")
	if err != nil {
		return err
	}
	b, ok := benchmarks()[pos[0]]
	if !ok {
		return usageError{fmt.Sprintf("unknown benchmark %q: want one of %s", pos[0], strings.Join(names, ", "))}
	}
	return withStore(ctx, e, cfg, func(db *store.DB) error {
		plan, err := benchPlan(ctx, e, db, *scale, *seed)
		if err != nil {
			return err
		}
		results, err := b(ctx, db, plan, *runs)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "plan %s (demo scale %g, seed %d), median of %d runs\n", plan.Name, *scale, *seed, *runs)
		return bench.WriteTable(e.stdout, results)
	})
}

// benchPlan returns the demo plan for a scale and seed, loading it once.
func benchPlan(ctx context.Context, e *env, db *store.DB, scale float64, seed int64) (domain.Plan, error) {
	name := strings.ReplaceAll(fmt.Sprintf("bench_s%g_seed%d", scale, seed), ".", "_")
	plan, err := db.Plan(ctx, name)
	if domain.ErrorCode(err) != domain.ErrNotFound {
		return plan, err
	}
	fmt.Fprintf(e.stderr, "loading the demo district at scale %g as plan %s (once)...\n", scale, name)
	if _, err := demo.Load(ctx, db, demo.LoadOptions{Plan: name, Seed: seed, Scale: scale, Progress: e.stderr}); err != nil {
		return plan, err
	}
	return db.Plan(ctx, name)
}
