package main

import (
	"bufio"
	"context"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/geojsonio"
	"github.com/gridplan/gridplan/internal/store"
)

func runExport(ctx context.Context, e *env, args []string) error {
	var cfg Config
	fs := newFlags(e, "export", &cfg)
	level := fs.Int("level", 0, "only grids of this level")
	what := fs.String("what", "grids", "grids, units, facilities or findings (the latest audit's)")
	pos, err := parseArgs(fs, args, "NAME")
	if err != nil {
		return err
	}
	if *level < 0 {
		return usageError{"--level must be a positive level number"}
	}
	switch *what {
	case "grids", "units", "facilities", "findings":
	default:
		return usageError{"--what must be grids, units, facilities or findings"}
	}
	return withStore(ctx, e, cfg, func(db *store.DB) error {
		plan, err := db.Plan(ctx, pos[0])
		if err != nil {
			return err
		}
		buf := bufio.NewWriterSize(e.stdout, 256<<10)
		out := geojsonio.NewWriter(buf)
		switch *what {
		case "grids":
			err = db.EachGrid(ctx, plan.ID, store.GridFilter{Level: *level}, func(g domain.Grid) error {
				return out.Write(geojsonio.GridFeature(g))
			})
		case "units":
			err = db.EachUnit(ctx, plan.ID, func(u domain.Unit) error { return out.Write(geojsonio.UnitFeature(u)) })
		case "facilities":
			err = db.EachFacility(ctx, plan.ID, func(f domain.Facility) error { return out.Write(geojsonio.FacilityFeature(f)) })
		case "findings":
			// The latest audit's findings, every check that has run.
			err = db.EachFinding(ctx, plan.ID, func(f domain.Finding) error { return out.Write(geojsonio.FindingFeature(f)) })
		}
		if err != nil {
			return err
		}
		if err := out.Close(); err != nil {
			return err
		}
		return buf.Flush()
	})
}
