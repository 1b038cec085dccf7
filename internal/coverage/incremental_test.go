package coverage

import (
	"context"
	"testing"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// GridChanged updates the cached state in place after one edit, and drops
// it when the plan moved on by more than that edit; either way the next
// Check answers for the stored data.
func TestGridChanged(t *testing.T) {
	db := srv.NewDB(t)
	ctx := context.Background()
	plan := newPlan(t, db, "inc", square, []domain.Grid{gA, gB, gC, gA1, gA2})
	c := New(db, Options{})
	if err := c.GridChanged(ctx, plan, "A1"); err != nil { // nothing cached yet: a no-op
		t.Fatal(err)
	}
	expect(t, check(t, c, plan).Findings())
	st := c.cached(plan.ID)

	// One edit: the state is updated, not rebuilt.
	edit(t, db, c, "inc", "A1", wgs84(t, db, rect(0, 0, 50, 25)))
	if c.cached(plan.ID) != st {
		t.Fatal("one edit rebuilt the state")
	}
	expect(t, check(t, c, reload(t, db, "inc")).Findings(), want{KindGap, []string{"A1", "A2"}, 250})

	// Two changes, one notice: the state is dropped and rebuilt on Check.
	p := reload(t, db, "inc")
	if _, _, err := db.UpdateGrid(ctx, p, "A1", store.GridEdit{Geometry: wgs84(t, db, gA1.Geometry)}); err != nil {
		t.Fatal(err)
	}
	p = reload(t, db, "inc")
	if _, _, err := db.UpdateGrid(ctx, p, "C", store.GridEdit{Geometry: wgs84(t, db, rect(50, 50, 100, 105))}); err != nil {
		t.Fatal(err)
	}
	if err := c.GridChanged(ctx, reload(t, db, "inc"), "C"); err != nil {
		t.Fatal(err)
	}
	if c.cached(plan.ID) != nil {
		t.Fatal("a missed change must drop the cached state")
	}
	expect(t, check(t, c, reload(t, db, "inc")).Findings(), want{KindOutside, []string{"C"}, 250})

	// A deleted grid leaves a gap; its siblings are rechecked.
	p = reload(t, db, "inc")
	if _, err := db.DeleteGrid(ctx, p, "A2", p.Version); err != nil {
		t.Fatal(err)
	}
	if err := c.GridChanged(ctx, reload(t, db, "inc"), "A2"); err != nil {
		t.Fatal(err)
	}
	expect(t, check(t, c, reload(t, db, "inc")).Findings(),
		want{KindOutside, []string{"C"}, 250}, want{KindGap, []string{"A1"}, 3500})
}
