package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/geojsonio"
	"github.com/gridplan/gridplan/internal/store"
)

// runCoverageSettings shows and changes a plan's coverage-audit settings:
// the sliver tolerances, the forgiven noise and the allowed-gap mask.
func runCoverageSettings(ctx context.Context, e *env, args []string) error {
	var cfg Config
	fs := newFlags(e, "coverage-settings", &cfg)
	area := fs.Float64("sliver-area-m2", 0, "gaps and overlaps smaller than this are sliver warnings")
	width := fs.Float64("sliver-width-m", 0, "gaps and overlaps thinner than this are sliver warnings")
	noise := fs.Float64("noise-m", 0, "gaps and overlaps thinner than this between shared boundaries are no finding (floating-point noise)")
	maskFile := fs.String("mask", "", "GeoJSON file of allowed gaps (rivers, rail corridors, parks): replaces the plan's mask")
	clearMask := fs.Bool("clear-mask", false, "remove the plan's allowed-gap mask")
	pos, err := parseArgs(fs, args, "NAME")
	if err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for name, v := range map[string]float64{"sliver-area-m2": *area, "sliver-width-m": *width, "noise-m": *noise} {
		if set[name] && (v < 0 || math.IsNaN(v) || math.IsInf(v, 0)) {
			return usageError{fmt.Sprintf("--%s must be a number ≥ 0", name)}
		}
	}
	if set["noise-m"] && *noise >= 10 {
		return usageError{"--noise-m must be below 10 m: noise is centimetres, slivers are what --sliver-width-m sets"}
	}
	if *maskFile != "" && *clearMask {
		return usageError{"--mask and --clear-mask exclude each other"}
	}
	var mask []orb.MultiPolygon
	if *maskFile != "" {
		f, err := os.Open(*maskFile)
		if err != nil {
			return domain.Errorf(domain.ErrInvalid, "mask file: %v", err)
		}
		mp, err := geojsonio.ReadBoundary(f, *maskFile)
		f.Close()
		if err != nil {
			return err
		}
		for _, p := range mp {
			mask = append(mask, orb.MultiPolygon{p})
		}
	}
	return withPlan(ctx, e, cfg, pos[0], func(db *store.DB, plan domain.Plan) error {
		noiseM, masks, err := db.CoverageSettings(ctx, plan.ID)
		if err != nil {
			return err
		}
		tol := plan.Tolerance
		if set["sliver-area-m2"] {
			tol.SliverAreaM2 = *area
		}
		if set["sliver-width-m"] {
			tol.SliverWidthM = *width
		}
		if set["noise-m"] {
			noiseM = *noise
		}
		if set["sliver-area-m2"] || set["sliver-width-m"] || set["noise-m"] {
			if err := db.SetCoverageSettings(ctx, plan.ID, tol, noiseM); err != nil {
				return err
			}
		}
		if *maskFile != "" || *clearMask {
			if err := db.ReplaceCoverageMask(ctx, plan.ID, mask, nil); err != nil {
				return err
			}
			masks = len(mask)
		}
		fmt.Fprintf(e.stdout, "plan %q: sliver_area_m2 %g, sliver_width_m %g, noise_m %g, %d allowed-gap mask polygon(s)\n",
			plan.Name, tol.SliverAreaM2, tol.SliverWidthM, noiseM, masks)
		return nil
	})
}
