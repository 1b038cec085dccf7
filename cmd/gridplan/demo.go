package main

import (
	"context"
	"fmt"

	"github.com/gridplan/gridplan/internal/demo"
	"github.com/gridplan/gridplan/internal/store"
)

func runDemo(ctx context.Context, e *env, args []string) error {
	var cfg Config
	fs := newFlags(e, "demo", &cfg)
	opts := demo.LoadOptions{Progress: e.stderr}
	fs.StringVar(&opts.Plan, "plan", "demo", "name of the plan to create")
	fs.Int64Var(&opts.Seed, "seed", 1, "random seed; the same seed gives the same district")
	fs.Float64Var(&opts.Scale, "scale", 1, "multiplies counts and area (0.1 for quick tests, 10 for stress)")
	fs.BoolVar(&opts.Replace, "replace", false, "replace the plan if it exists")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	if opts.Scale <= 0 || opts.Scale > 50 {
		return usageError{"--scale must be in (0, 50]"}
	}
	return withStore(ctx, e, cfg, func(db *store.DB) error {
		sum, err := demo.Load(ctx, db, opts)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "loaded plan %q: %s\n", opts.Plan, sum)
		return nil
	})
}
