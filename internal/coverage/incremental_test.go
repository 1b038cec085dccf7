package coverage

import (
	"context"
	"testing"

	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/pgtest"
	"github.com/gridplan/gridplan/internal/store"
	"github.com/paulmach/orb"
)

// A change set updates the cached state rather than rebuilding it, and a
// change the checker did not hear of makes the next Check start afresh;
// either way the next Check answers for the stored data.
func TestChangeSets(t *testing.T) {
	db := srv.NewDB(t)
	ctx := context.Background()
	plan := newPlan(t, db, "inc", square, []domain.Grid{gA, gB, gC, gA1, gA2})
	c := New(db, Options{})
	expect(t, check(t, c, plan).Findings())
	st := c.cached(plan.Workspace)

	// One change set: the state is updated, not rebuilt.
	edit(t, db, c, "inc", "A1", wgs84(t, db, rect(0, 0, 50, 25)))
	if c.cached(plan.Workspace) == st {
		t.Fatal("the change set did not install a new state")
	}
	expect(t, check(t, c, reload(t, db, "inc")).Findings(), want{KindGap, []string{"A1", "A2"}, 250})

	// A preview changes nothing held.
	p := reload(t, db, "inc")
	held := c.cached(p.Workspace)
	g, _, err := db.CoverageGrids(ctx, p.Workspace, []string{"A1"})
	if err != nil {
		t.Fatal(err)
	}
	after := g["A1"].State()
	after.Metric = gA1.Geometry
	pr, err := c.Prepare(ctx, p, []audit.Change{{Code: "A1", Before: &after, After: &after}})
	if err != nil {
		t.Fatal(err)
	}
	if d := pr.Delta().(Delta); len(d.Removed) != 1 || len(d.Added) != 0 || d.Removed[0].Kind != KindGap {
		t.Errorf("preview of the repair: %+v", d)
	}
	if c.cached(p.Workspace) != held {
		t.Fatal("a preview replaced the cached state")
	}

	// Changes behind the checker's back: the next Check starts afresh.
	for code, g := range map[string]orb.MultiPolygon{"A1": gA1.Geometry, "C": rect(50, 50, 100, 105)} {
		wkb, err := store.EWKB(wgs84(t, db, g), domain.WGS84)
		if err != nil {
			t.Fatal(err)
		}
		exec(t, db, `UPDATE grid SET geom = ST_Multi(ST_GeomFromEWKB($3)) WHERE ws_id = $1 AND code = $2`, p.Workspace, code, wkb)
	}
	expect(t, check(t, c, reload(t, db, "inc")).Findings(), want{KindOutside, []string{"C"}, 250})

	// A deleted grid leaves a gap; its siblings are rechecked.
	pgtest.RawEdit(t, db, []audit.Preparer{c}, reload(t, db, "inc"), "A2", nil)
	expect(t, check(t, c, reload(t, db, "inc")).Findings(),
		want{KindOutside, []string{"C"}, 250}, want{KindGap, []string{"A1"}, 3500})
}
