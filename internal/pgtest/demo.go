package pgtest

import (
	"context"
	"testing"

	"github.com/gridplan/gridplan/internal/demo"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// Demo loads the scale-0.1 demo district (seed 1) as plan "demo" and
// returns its published view, failing the test on any error.
func Demo(tb testing.TB, db *store.DB) domain.Plan {
	tb.Helper()
	ctx := context.Background()
	if _, err := demo.Load(ctx, db, demo.LoadOptions{Plan: "demo", Seed: 1, Scale: 0.1}); err != nil {
		tb.Fatalf("pgtest: demo: %v", err)
	}
	plan, err := db.Plan(ctx, "demo")
	if err != nil {
		tb.Fatalf("pgtest: demo: %v", err)
	}
	return plan
}
