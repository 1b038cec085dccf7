package balance_test

import (
	"context"
	"testing"

	"github.com/gridplan/gridplan/internal/balance"
	"github.com/gridplan/gridplan/internal/pgtest"
	"github.com/gridplan/gridplan/internal/store"
)

// A cold balance audit's reads share one snapshot over several
// connections; with none to spare they run one after another in the first
// one's transaction, and the report is the same.
func TestStoredBalanceWithOneConnection(t *testing.T) {
	ctx := context.Background()
	dsn := srv.NewDSN(t)
	db, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	plan := pgtest.Demo(t, db)
	report := func(db *store.DB) (string, int) {
		t.Helper()
		c := balance.New(db, balance.Options{})
		sec, err := c.Check(ctx, plan)
		if err != nil {
			t.Fatal(err)
		}
		b, err := sec.(*balance.Section).MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		return string(b), balance.FromStored(c)
	}
	report(db) // counts from the geometry and stores the results
	want, lite := report(db)
	if lite != 1 {
		t.Fatalf("a new checker counted from the geometry again (%d from the stored results)", lite)
	}
	one, err := store.Open(ctx, dsn, store.Options{MaxConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer one.Close()
	if got, lite := report(one); got != want || lite != 1 {
		t.Errorf("with one connection: from the stored results %d time(s), same report: %v", lite, got == want)
	}
}
