package httpapi_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/httpapi"
	"github.com/gridplan/gridplan/internal/pgtest"
	"github.com/gridplan/gridplan/internal/store"
)

// lockedBuffer is a log destination the server and the test share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestStatementTimeoutIs503: while a GIS client holds the grid table
// locked, the server's statements run into the statement timeout
// (SQLSTATE 57014). Each such request is a 503 with Retry-After — the same
// request can succeed a moment later — and the server log says why.
func TestStatementTimeoutIs503(t *testing.T) {
	ctx := context.Background()
	dsn := srv.NewDSN(t)
	// The plan is made without the short timeout, which a busy machine's
	// import could run into; only the server's statements have it.
	setup, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := setup.CreatePlan(ctx, domain.Plan{Name: "p"})
	if err != nil {
		t.Fatal(err)
	}
	pgtest.ImportGrids(t, setup, p, []domain.Grid{{Code: "S1", Level: 1, Geometry: box(113.60, 34.70, 0.01)}}, domain.WGS84)
	setup.Close()
	db, err := store.Open(ctx, dsn, store.Options{StatementTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	var log lockedBuffer
	ts := httptest.NewServer(httpapi.New(db, slog.New(slog.NewTextHandler(&log, nil)), httpapi.Options{}))
	t.Cleanup(ts.Close)

	tx, err := db.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `LOCK TABLE grid IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/collections/p-level-1/items", "/api/plans/p/grids", "/api/plans/p/grids/S1",
		"/tiles/p-level-1/10/843/408.mvt", "/collections"} {
		resp, body := get(t, ts.URL+path)
		if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" || resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s with the table locked: %d %q %s, want 503 with Retry-After", path, resp.StatusCode, resp.Header.Get("Retry-After"), body)
		}
	}
	if logged := log.String(); !strings.Contains(logged, "57014") || !strings.Contains(logged, "level=WARN") {
		t.Errorf("the timeouts are not logged as warnings:\n%s", logged)
	}
	tx.Rollback(ctx)
	if resp, body := get(t, ts.URL+"/collections/p-level-1/items"); resp.StatusCode != 200 {
		t.Errorf("after the lock: %d %s", resp.StatusCode, body)
	}
}
