package demo

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// SRID is the metric CRS the demo is generated in: CGCS2000 / 3-degree
// Gauss-Krüger CM 114E, which covers Zhengzhou.
const SRID = 4547

// LoadOptions configure Load.
type LoadOptions struct {
	Plan     string
	Seed     int64
	Scale    float64
	Replace  bool      // replace an existing plan of the same name
	Progress io.Writer // stage lines with timings; nil for none
}

// Summary says what Load stored and how long it took.
type Summary struct {
	Counts store.Counts
	Took   time.Duration
}

func (s Summary) String() string {
	grids := 0
	for _, l := range s.Counts.Levels {
		grids += l.Grids
	}
	return fmt.Sprintf("%d grids, %d units (%d persons, %d households), %d facilities, %d network edges (%.0f km) in %.1fs",
		grids, s.Counts.Units, s.Counts.Persons, s.Counts.Households, s.Counts.Facilities, s.Counts.Edges,
		s.Counts.WalkableKM, s.Took.Seconds())
}

// Load generates the demo district and stores it as a plan. The generation
// works in metres, so the outline and the real street points are projected
// with PostGIS first; everything is stored through the store's bulk inserts.
// A failure part-way removes the half-built plan.
func Load(ctx context.Context, db *store.DB, opts LoadOptions) (sum Summary, err error) {
	start := time.Now()
	stage := func(format string, args ...any) {
		if opts.Progress != nil {
			fmt.Fprintf(opts.Progress, "  %5.1fs  "+format+"\n", append([]any{time.Since(start).Seconds()}, args...)...)
		}
	}
	if err := domain.ValidatePlanName(opts.Plan); err != nil {
		return sum, err
	}
	if _, err := db.Plan(ctx, opts.Plan); err == nil {
		if !opts.Replace {
			return sum, domain.Errorf(domain.ErrConflict, "plan %q already exists; use --replace to rebuild it", opts.Plan)
		}
		if err := db.DeletePlan(ctx, opts.Plan); err != nil {
			return sum, err
		}
	} else if domain.ErrorCode(err) != domain.ErrNotFound {
		return sum, err
	}

	in, err := projectedInput(ctx, db)
	if err != nil {
		return sum, err
	}
	stage("projected the Erqi outline to EPSG:%d", SRID)
	d, err := Generate(in, Options{Seed: opts.Seed, Scale: opts.Scale})
	if err != nil {
		return sum, err
	}
	stage("generated %d grids, %d units, %d facilities, %d network edges", len(d.Grids), len(d.Units), len(d.Facilities), len(d.Edges))

	boundary, err := db.Transform(ctx, []orb.Geometry{orb.MultiPolygon{d.Outline}}, SRID, domain.WGS84)
	if err != nil {
		return sum, err
	}
	plan, err := db.CreatePlan(ctx, domain.Plan{Name: opts.Plan, Title: title(opts), SRID: SRID,
		Boundary: boundary[0].(orb.MultiPolygon)})
	if err != nil {
		return sum, err
	}
	defer func() {
		if err != nil {
			_ = db.DeletePlan(context.WithoutCancel(ctx), opts.Plan)
		}
	}()
	if _, _, err = db.ImportGrids(ctx, plan.Workspace, d.Grids, SRID, store.Record{Kind: store.RevisionImport,
		Author: "gridplan demo", Message: "the synthetic demo district, " + title(opts)}); err != nil {
		return sum, fmt.Errorf("store grids: %w", err)
	}
	stage("stored grids")
	if _, err = db.InsertUnits(ctx, plan.ID, d.Units, SRID); err != nil {
		return sum, fmt.Errorf("store units: %w", err)
	}
	stage("stored units")
	if err = db.InsertFacilities(ctx, plan.ID, d.Facilities, SRID); err != nil {
		return sum, fmt.Errorf("store facilities: %w", err)
	}
	if err = db.ReplaceNetwork(ctx, plan.ID, d.Nodes, d.Edges, SRID); err != nil {
		return sum, fmt.Errorf("store network: %w", err)
	}
	stage("stored facilities and the walking network")
	if sum.Counts, err = db.Count(ctx, plan.Workspace); err != nil {
		return sum, err
	}
	sum.Took = time.Since(start)
	return sum, nil
}

func title(opts LoadOptions) string {
	t := "二七区 (synthetic demo"
	if opts.Scale != 1 {
		t += fmt.Sprintf(", scale %g", opts.Scale)
	}
	return t + fmt.Sprintf(", seed %d)", opts.Seed)
}

// projectedInput reads the embedded Erqi data and projects it to SRID.
func projectedInput(ctx context.Context, db *store.DB) (Input, error) {
	outline, divisions, err := Erqi()
	if err != nil {
		return Input{}, err
	}
	geoms := []orb.Geometry{outline}
	var idx []int
	for i, d := range divisions {
		if d.HasPoint {
			geoms = append(geoms, d.Point)
			idx = append(idx, i)
		}
	}
	out, err := db.Transform(ctx, geoms, domain.WGS84, SRID)
	if err != nil {
		return Input{}, fmt.Errorf("project the Erqi outline: %w", err)
	}
	for k, i := range idx {
		divisions[i].Point = out[k+1].(orb.Point)
	}
	return Input{Outline: out[0].(orb.Polygon), Divisions: divisions}, nil
}
