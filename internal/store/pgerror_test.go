package store_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/httpx"
	"github.com/gridplan/gridplan/internal/store"
)

// An internal error of PostgreSQL or PostGIS (XX000: a geometry GEOS or
// the parser fails on) is the server's fault, not the client's: 500, its
// details logged and not shown; bad text stays the client's (400).
func TestInternalErrorsAreNotBadInput(t *testing.T) {
	ctx := context.Background()
	db := srv.NewDB(t)
	for _, c := range []struct {
		sql    string
		status int
	}{
		{`SELECT ST_AsText(ST_GeomFromText('POLYGON((0 0, 1 1))'))`, http.StatusInternalServerError}, // XX000
		{`SELECT 'x'::int::text`, http.StatusBadRequest},                                             // 22P02
	} {
		var s string
		err := db.Pool().QueryRow(ctx, c.sql).Scan(&s)
		if err == nil {
			t.Fatalf("%s: no error", c.sql)
		}
		if got := httpx.StatusOf(domain.ErrorCode(store.PgError(err, "grid"))); got != c.status {
			t.Errorf("%s (%v): %d, want %d", c.sql, err, got, c.status)
		}
	}
}
