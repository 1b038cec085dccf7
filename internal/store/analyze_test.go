package store_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/pgtest"
)

// A workspace filled with a plan's grids — a draft from the published plan
// or from a revision, a revision opened for reading — is known to the
// planner at once: taking its thousands of grids for one row made a fresh
// draft's first tile layer loop for 15 s at scale 1.
func TestNewWorkspacesAreAnalysed(t *testing.T) {
	ctx := context.Background()
	db := srv.NewDB(t)
	plan := pgtest.Demo(t, db)
	if _, err := db.CreateDraft(ctx, plan, "fresh", "test", "", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateDraft(ctx, plan, "old", "test", "", 1); err != nil {
		t.Fatal(err)
	}
	views := map[string]domain.View{"a draft of the published plan": {Draft: "fresh"}, "a draft of revision 1": {Draft: "old"},
		"revision 1 opened": {Revision: 1}}
	for name, v := range views {
		p, err := db.PlanView(ctx, "demo", v)
		if err != nil {
			t.Fatal(err)
		}
		var n int
		var plans []struct {
			Plan struct {
				Rows float64 `json:"Plan Rows"`
			}
		}
		var doc []byte
		if err := db.Pool().QueryRow(ctx, `SELECT count(*) FROM grid WHERE ws_id = $1`, p.Workspace).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if err := db.Pool().QueryRow(ctx, `EXPLAIN (FORMAT JSON) SELECT 1 FROM grid WHERE ws_id = $1`, p.Workspace).Scan(&doc); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(doc, &plans); err != nil || len(plans) != 1 {
			t.Fatalf("%s: EXPLAIN answered %s (%v)", name, doc, err)
		}
		if est := plans[0].Plan.Rows; n == 0 || est < float64(n)/2 {
			t.Errorf("%s: the planner takes its %d grids for %g rows", name, n, est)
		}
	}
}
