package pgtest

import (
	"context"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// ImportGrids stores grids (in CRS srid) in plan's view as an import,
// failing the test on any error.
func ImportGrids(tb testing.TB, db *store.DB, plan domain.Plan, grids []domain.Grid, srid int) []store.Warning {
	tb.Helper()
	w, _, err := db.ImportGrids(context.Background(), plan.Workspace, grids, srid,
		store.Record{Kind: store.RevisionImport, Author: "test", Message: "test grids"})
	if err != nil {
		tb.Fatalf("pgtest: import grids: %v", err)
	}
	return w
}

// Reload reads plan's view again (its versions move with every change).
func Reload(tb testing.TB, db *store.DB, plan domain.Plan) domain.Plan {
	tb.Helper()
	p, err := db.PlanView(context.Background(), plan.Name, plan.View)
	if err != nil {
		tb.Fatalf("pgtest: reload plan: %v", err)
	}
	return p
}

// RawEdit changes one grid straight through SQL, as a GIS client editing
// the tables would (geom nil deletes it), and tells checks about it (see
// RawChange). It returns the view as it is after the edit.
func RawEdit(tb testing.TB, db *store.DB, checks []audit.Preparer, plan domain.Plan, code string, geom orb.MultiPolygon) domain.Plan {
	tb.Helper()
	return RawChange(tb, db, checks, plan, []string{code}, func(ws int64) error {
		ctx := context.Background()
		if geom == nil {
			_, err := db.Pool().Exec(ctx, `DELETE FROM grid WHERE ws_id = $1 AND code = $2`, ws, code)
			return err
		}
		wkb, err := store.EWKB(geom, domain.WGS84)
		if err != nil {
			return err
		}
		_, err = db.Pool().Exec(ctx, `UPDATE grid SET geom = ST_Multi(ST_GeomFromEWKB($3)) WHERE ws_id = $1 AND code = $2`, ws, code, wkb)
		return err
	})
}

// RawChange runs edit (SQL straight into the view's tables, workspace ws),
// then tells checks about the grids codes as the editing layer tells them
// of a change set: Prepare from the view as it was, Commit at the version
// it is now. Their results afterwards are what an incremental update
// gives; tests compare them with a fresh audit. It returns the view as it
// is after the edit.
func RawChange(tb testing.TB, db *store.DB, checks []audit.Preparer, plan domain.Plan, codes []string, edit func(ws int64) error) domain.Plan {
	tb.Helper()
	ctx := context.Background()
	before := Reload(tb, db, plan)
	old, _, err := db.CoverageGrids(ctx, before.Workspace, codes)
	if err != nil {
		tb.Fatal(err)
	}
	if err := edit(before.Workspace); err != nil {
		tb.Fatalf("pgtest: edit grids %v: %v", codes, err)
	}
	now, version, err := db.CoverageGrids(ctx, before.Workspace, codes)
	if err != nil {
		tb.Fatal(err)
	}
	var changes []audit.Change
	for _, code := range codes {
		ch := audit.Change{Code: code}
		if g, ok := old[code]; ok {
			s := g.State()
			ch.Before = &s
		}
		if g, ok := now[code]; ok {
			s := g.State()
			ch.After = &s
		}
		changes = append(changes, ch)
	}
	for _, c := range checks {
		p, err := c.Prepare(ctx, before, changes)
		if err != nil {
			tb.Fatalf("pgtest: prepare the edit of %v: %v", codes, err)
		}
		if err := p.Commit(ctx, version); err != nil {
			tb.Fatalf("pgtest: commit the edit of %v: %v", codes, err)
		}
	}
	return Reload(tb, db, plan)
}
