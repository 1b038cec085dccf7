package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/gridplan/gridplan/internal/access"
	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/bench"
	"github.com/gridplan/gridplan/internal/demo"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/editing"
	"github.com/gridplan/gridplan/internal/httpapi"
	"github.com/gridplan/gridplan/internal/store"
)

func runBench(ctx context.Context, e *env, args []string) error {
	var cfg Config
	fs := newFlags(e, "bench", &cfg)
	scale := fs.Float64("scale", 1, "demo district scale to measure on (loaded once as plan bench_<scale>)")
	seed := fs.Int64("seed", 1, "demo seed")
	runs := fs.Int("runs", 5, "timed runs per measurement (the median is reported)")
	duration := fs.Duration("duration", 20*time.Second, "load: how long the readers run (half alone, half with the writer)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the measurements to this file (for go tool pprof)")
	all := bench.All()
	names := slices.Sorted(maps.Keys(all))
	pos, err := parseArgs(fs, args, "WHAT")
	if err != nil {
		return err
	}
	b, ok := all[pos[0]]
	if !ok {
		return usageError{fmt.Sprintf("unknown benchmark %q: want one of %s", pos[0], strings.Join(names, ", "))}
	}
	if err := cfg.check(); err != nil {
		return err
	}
	// What serve holds itself to, so a load run meets the same limits.
	debug.SetMemoryLimit(defaultMemoryLimit)
	budget := budgetOf(defaultMemoryLimit)
	log := newLogger(io.Discard, cfg.LogLevel)
	return withStore(ctx, e, cfg, func(db *store.DB) error {
		plan, err := benchPlan(ctx, e, db, *scale, *seed)
		if err != nil {
			return err
		}
		acc := access.New(db, log, access.Options{})
		if *cpuProfile != "" {
			stop, err := startCPUProfile(*cpuProfile)
			if err != nil {
				return err
			}
			defer stop()
		}
		results, err := b(ctx, bench.Setup{DB: db, Plan: plan, Runs: *runs, Duration: *duration,
			NewAuditor: func() *audit.Auditor { return newAuditor(db, budget.perCheck) },
			NewEditing: func(a *audit.Auditor) *editing.Service { return newEditing(db, a, log) },
			Token:      func(ctx context.Context) (string, error) { return benchToken(ctx, acc, plan) },
			OneShot:    oneShotGC,
			NewHandler: func(a *audit.Auditor) http.Handler {
				return httpapi.New(db, log, serverOptions(db, log, a, acc, budget))
			}})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "plan %s (demo scale %g, seed %d), median of %d runs\n", plan.Name, *scale, *seed, *runs)
		return bench.WriteTable(e.stdout, results)
	})
}

// startCPUProfile profiles the process into file until the returned
// function is called.
func startCPUProfile(file string) (func(), error) {
	f, err := os.Create(file)
	if err != nil {
		return nil, usageError{fmt.Sprintf("--cpuprofile: %v", err)}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// benchUser is the account the benchmarks write over HTTP as.
const benchUser = "gridplan-bench"

// benchToken is a new bearer token of benchUser, made an admin of plan
// (the account is made on first use), valid for a day.
func benchToken(ctx context.Context, acc *access.Service, plan domain.Plan) (string, error) {
	ctx = domain.WithActor(ctx, domain.CLIActor())
	if _, err := acc.AddUser(ctx, benchUser, nil, false); err != nil && domain.ErrorCode(err) != domain.ErrConflict {
		return "", err
	}
	if err := acc.Grant(ctx, benchUser, plan, domain.RoleAdmin, nil); err != nil && domain.ErrorCode(err) != domain.ErrConflict {
		return "", err
	}
	token, _, err := acc.CreateToken(ctx, benchUser, "gridplan bench", 24*time.Hour)
	return token, err
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
