package store_test

import (
	"context"
	"testing"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// Shared boundary lengths are stored only for the view version they were
// measured on, and go when either grid's measured shape is written again.
func TestBalanceSharedFollowsShapes(t *testing.T) {
	ctx := context.Background()
	db := srv.NewDB(t)
	p := newPlan(t, db, "shared")
	grids := []domain.Grid{{Code: "A", Level: 1, Geometry: square(0, 0, 1)}, {Code: "B", Level: 1, Geometry: square(1, 0, 1)},
		{Code: "C", Level: 1, Geometry: square(2, 0, 1)}}
	if _, _, err := db.ImportGrids(ctx, p.Workspace, grids, domain.WGS84, store.Record{Kind: store.RevisionImport, Author: "test"}); err != nil {
		t.Fatal(err)
	}
	s, err := db.BalanceSettings(ctx, p.Workspace)
	if err != nil {
		t.Fatal(err)
	}
	// stored reads the lengths stored within tol, by the pair's codes.
	stored := func(tol float64) map[string]float64 {
		t.Helper()
		out := map[string]float64{}
		_, err := db.ReadBalanceStored(ctx, p.Workspace, store.BalanceStoredSource{
			Grid:       func(store.BalanceGrid, store.BalanceShape, store.BalanceCount, bool) error { return nil },
			Totals:     func(store.BalanceTotals) error { return nil },
			Unassigned: func(store.BalancePlace, store.BalanceUnit) error { return nil },
			Shared:     func(sh store.BalanceShared) error { out[sh.A+sh.B] = sh.SharedM; return nil },
			SharedTolM: tol,
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	rows := []store.BalanceShared{{A: "A", B: "B", SharedM: 110}, {A: "B", B: "C", SharedM: 111}}
	if err := db.WriteBalanceShared(ctx, p.Workspace, s.Version-1, 0.5, rows); err != nil {
		t.Fatal(err)
	}
	if got := stored(0.5); len(got) != 0 {
		t.Fatalf("lengths measured on an older version were stored: %v", got)
	}
	if err := db.WriteBalanceShared(ctx, p.Workspace, s.Version, 0.5, rows); err != nil {
		t.Fatal(err)
	}
	if got := stored(0.5); len(got) != 2 || got["AB"] != 110 || got["BC"] != 111 {
		t.Fatalf("stored %v, want AB 110 and BC 111", got)
	}
	// Read within another tolerance, they are not the lengths asked for.
	if got := stored(2); len(got) != 0 {
		t.Errorf("read within another tolerance: %v", got)
	}
	// C measured again: B–C goes, A–B stays.
	err = db.WriteBalancePlaces(ctx, p.Workspace, store.BalancePlaceWrite{Units: map[int][]int64{},
		Shapes: []store.BalanceShape{{Code: "C", AreaM2: 1, Compactness: 0.78, Parts: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := stored(0.5); len(got) != 1 || got["AB"] != 110 {
		t.Fatalf("after C's shape was written: %v, want only AB", got)
	}
	// Everything written again: nothing stays.
	if err := db.WriteBalancePlaces(ctx, p.Workspace, store.BalancePlaceWrite{All: true, Units: map[int][]int64{}}); err != nil {
		t.Fatal(err)
	}
	if got := stored(0.5); len(got) != 0 {
		t.Fatalf("after every shape was written: %v", got)
	}
}
