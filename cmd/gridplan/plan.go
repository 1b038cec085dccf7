package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/geojsonio"
	"github.com/gridplan/gridplan/internal/store"
)

func runPlan(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usageError{"plan needs a subcommand: create, list, delete, level or balance"}
	}
	switch args[0] {
	case "create":
		return runPlanCreate(ctx, e, args[1:])
	case "list":
		return runPlanList(ctx, e, args[1:])
	case "delete":
		return runPlanDelete(ctx, e, args[1:])
	case "level":
		return runPlanLevel(ctx, e, args[1:])
	case "balance":
		return runPlanBalance(ctx, e, args[1:])
	}
	return usageError{fmt.Sprintf("unknown plan subcommand %q: want create, list, delete, level or balance", args[0])}
}

func runPlanCreate(ctx context.Context, e *env, args []string) error {
	var cfg Config
	fs := newFlags(e, "plan create", &cfg)
	crs := fs.String("crs", "EPSG:4547", "metric CRS for areas and distances")
	boundaryFile := fs.String("boundary", "", "GeoJSON file with the plan's outline (Polygon or MultiPolygon features)")
	title := fs.String("title", "", "human title")
	pos, err := parseArgs(fs, args, "NAME")
	if err != nil {
		return err
	}
	srid, err := parseCRS(*crs)
	if err != nil {
		return err
	}
	p := domain.Plan{Name: pos[0], Title: *title, SRID: srid}
	if err := domain.ValidatePlanName(p.Name); err != nil {
		return err
	}
	if *boundaryFile != "" {
		if p.Boundary, err = readBoundary(*boundaryFile); err != nil {
			return err
		}
	}
	return withStore(ctx, e, cfg, func(db *store.DB) error {
		p, err := db.CreatePlan(ctx, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "created plan %q (CRS EPSG:%d, %d levels)\n", p.Name, p.SRID, len(p.Levels))
		return nil
	})
}

// parseCRS accepts "EPSG:4547" or "4547".
func parseCRS(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimPrefix(strings.ToUpper(s), "EPSG:"))
	if err != nil || n <= 0 {
		return 0, domain.Errorf(domain.ErrInvalid, "--crs %q: want an EPSG code such as EPSG:4547", s)
	}
	return n, nil
}

// readBoundary reads the plan outline from a GeoJSON file.
func readBoundary(path string) (orb.MultiPolygon, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, domain.Errorf(domain.ErrInvalid, "boundary file: %v", err)
	}
	defer f.Close()
	return geojsonio.ReadBoundary(f, path)
}

func runPlanList(ctx context.Context, e *env, args []string) error {
	var cfg Config
	fs := newFlags(e, "plan list", &cfg)
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	return withStore(ctx, e, cfg, func(db *store.DB) error {
		plans, err := db.Plans(ctx)
		if err != nil {
			return err
		}
		for _, p := range plans {
			fmt.Fprintf(e.stdout, "%s\tEPSG:%d\tversion %d\t%s\n", p.Name, p.SRID, p.Version, p.Title)
		}
		return nil
	})
}

func runPlanDelete(ctx context.Context, e *env, args []string) error {
	var cfg Config
	fs := newFlags(e, "plan delete", &cfg)
	pos, err := parseArgs(fs, args, "NAME")
	if err != nil {
		return err
	}
	return withStore(ctx, e, cfg, func(db *store.DB) error {
		if err := db.DeletePlan(ctx, pos[0]); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "deleted plan %q\n", pos[0])
		return nil
	})
}
