package main

import (
	"context"
	"fmt"
	"time"

	"github.com/gridplan/gridplan/internal/store"
)

func runAudit(ctx context.Context, e *env, args []string) error {
	var cfg Config
	fs := newFlags(e, "audit", &cfg)
	checksFlag := fs.String("checks", "", "comma-separated checks: coverage, balance, circles (default all)")
	format := fs.String("format", "text", "json (one document on stdout) or text")
	views := addViewFlags(fs)
	pos, err := parseArgs(fs, args, "NAME")
	if err != nil {
		return err
	}
	if *format != "json" && *format != "text" {
		return usageError{"--format must be json or text"}
	}
	return withStore(ctx, e, cfg, func(db *store.DB) error {
		plan, err := planView(ctx, db, pos[0], views)
		if err != nil {
			return err
		}
		auditor := newAuditor(db, 0)
		checks, err := auditor.ParseChecks(*checksFlag)
		if err != nil {
			return err
		}
		start := time.Now()
		if e.stderrIsTTY {
			fmt.Fprintf(e.stderr, "auditing %s: %v...\n", plan.Describe(), checks)
		}
		report, err := auditor.Run(ctx, plan, checks)
		if err != nil {
			return err
		}
		if e.stderrIsTTY {
			fmt.Fprintf(e.stderr, "audit took %.2fs\n", time.Since(start).Seconds())
		}
		if *format == "json" {
			// One line, as MarshalJSON writes it: indenting a scale-10
			// report (30 MB) takes longer than auditing its balance.
			var b []byte
			if b, err = report.MarshalJSON(); err == nil {
				_, err = e.stdout.Write(append(b, '\n'))
			}
		} else {
			err = report.WriteText(e.stdout)
		}
		if err != nil {
			return err
		}
		if report.Errors() > 0 {
			return findingsError{}
		}
		return nil
	})
}
