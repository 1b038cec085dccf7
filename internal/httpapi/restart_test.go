package httpapi_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/coverage"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/httpapi"
	"github.com/gridplan/gridplan/internal/pgcluster"
	"github.com/gridplan/gridplan/internal/pgtest"
	"github.com/gridplan/gridplan/internal/store"
)

// TestDatabaseRestartUnderTheServer stops PostgreSQL under a running
// server and starts it again: meanwhile every database-backed answer is a
// 503 with Retry-After (never a 500 or a hang), and afterwards the server
// answers again by itself, with every edit acknowledged before the stop.
func TestDatabaseRestartUnderTheServer(t *testing.T) {
	ctx := context.Background()
	dir := pgtest.ServerDir(t)
	cluster, err := pgcluster.Start(ctx, pgcluster.Options{Dir: dir, Throwaway: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cluster.Remove() })
	db, err := store.Open(ctx, cluster.DSN(pgcluster.Database), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	p, err := db.CreatePlan(ctx, domain.Plan{Name: "erqi"})
	if err != nil {
		t.Fatal(err)
	}
	pgtest.ImportGrids(t, db, p, []domain.Grid{
		{Code: "S1", Name: "一街", Level: 1, Geometry: box(113.60, 34.70, 0.01)},
		{Code: "S2", Name: "二街", Level: 1, Geometry: box(113.61, 34.70, 0.01)},
	}, domain.WGS84)
	a := audit.New(audit.Check{Name: audit.Coverage, Checker: coverage.New(db, coverage.Options{})})
	ts := signedServer(t, db, httpapi.Options{Auditor: a})

	rename := func(name string) []byte {
		return []byte(`{"type":"Feature","properties":{"name":"` + name + `"},"geometry":null}`)
	}
	if resp, body := do(t, "PUT", ts.URL+"/api/plans/erqi/grids/S1", "", rename("before the stop")); resp.StatusCode != 200 {
		t.Fatalf("edit: %d %s", resp.StatusCode, body)
	}
	if err := cluster.Stop(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		method, path string
		body         []byte
	}{
		{"GET", "/readyz", nil},
		{"GET", "/api/plans", nil},
		{"GET", "/api/plans/erqi/grids/S1", nil},
		{"GET", "/api/plans/erqi/grids", nil},
		{"GET", "/collections/erqi-level-1/items", nil},
		{"GET", "/tiles/erqi-level-1/10/0/0.mvt", nil},
		{"GET", "/api/plans/erqi/audit?checks=coverage", nil},
		{"PUT", "/api/plans/erqi/grids/S1", rename("while stopped")},
	} {
		start := time.Now()
		resp, body := do(t, c.method, ts.URL+c.path, "", c.body)
		if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" || resp.Header.Get("Content-Type") != "application/problem+json" ||
			time.Since(start) > 5*time.Second {
			t.Errorf("%s %s with the database stopped: %d %q after %v: %s, want a prompt 503 with Retry-After",
				c.method, c.path, resp.StatusCode, resp.Header.Get("Retry-After"), time.Since(start), body)
		}
	}
	if cluster, err = pgcluster.Start(ctx, pgcluster.Options{Dir: dir, Throwaway: true}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, _ := get(t, ts.URL+"/readyz")
		if resp.StatusCode == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz after the restart: still %d", resp.StatusCode)
		}
		time.Sleep(100 * time.Millisecond)
	}
	resp, body := get(t, ts.URL+"/api/plans/erqi/grids/S1")
	var f struct{ Properties map[string]any }
	json.Unmarshal(body, &f)
	if resp.StatusCode != 200 || f.Properties["name"] != "before the stop" {
		t.Errorf("after the restart: %d %s, want the edit made before the stop", resp.StatusCode, body)
	}
	if resp, body := do(t, "PUT", ts.URL+"/api/plans/erqi/grids/S1", "", rename("after")); resp.StatusCode != 200 || !strings.Contains(string(body), `"after"`) {
		t.Errorf("edit after the restart: %d %s", resp.StatusCode, body)
	}
}
