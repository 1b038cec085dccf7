package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gridplan/gridplan/internal/pgcluster"
	"github.com/gridplan/gridplan/internal/pgtest"
	"github.com/gridplan/gridplan/internal/store"
)

// sigtermLimit is the deadline the README states for `gridplan serve` to
// exit after SIGTERM, whatever its clients do.
const sigtermLimit = 10 * time.Second

// TestSIGTERMDuringStreamsAndEdits signals a server of the embedded
// PostGIS while clients that never read hold streams open, a client holds
// a request body half sent and a planner edits a draft: the process exits
// in time with status 0, the cluster is shut down cleanly, and every edit
// is either wholly in the draft or not at all.
func TestSIGTERMDuringStreamsAndEdits(t *testing.T) {
	bin := buildGridplan(t)
	dir := pgtest.ServerDir(t)
	inProcess(t, 0, "demo", "--scale", "0.1", "--data-dir", dir, "--log-level", "warn")
	token := adminToken(t, dir, "demo")
	p, base := serve(t, bin, "--data-dir", dir)

	resp, err := postJSON(base+"/api/plans/demo/drafts", token, `{"name":"d1"}`)
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("create draft: %v %v", resp, err)
	}
	var draft struct{ Version int64 }
	json.NewDecoder(resp.Body).Decode(&draft)
	resp.Body.Close()
	grid := firstGrid(t, base)

	for range 20 {
		stuckReader(t, base, "/api/plans/demo/export?format=geojson")
		stuckReader(t, base, "/collections/demo-level-4/items?limit=10000")
	}
	stalledBody(t, base, "/api/plans/demo/drafts/d1/changes", token)

	var acknowledged atomic.Int64
	version := draft.Version
	editing := make(chan struct{})
	go func() {
		defer close(editing)
		for i := 0; ; i++ {
			body := fmt.Sprintf(`{"base":%d,"ops":[{"op":"set","grid":%q,"properties":{"round":%d}}]}`, version, grid, i)
			resp, err := postJSON(base+"/api/plans/demo/drafts/d1/changes", token, body)
			if err != nil {
				return // the server is gone
			}
			var res struct {
				DraftVersion int64 `json:"draft_version"`
			}
			json.NewDecoder(resp.Body).Decode(&res)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				return
			}
			acknowledged.Add(1)
			version = res.DraftVersion
		}
	}()
	time.Sleep(1500 * time.Millisecond)
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	code, took := p.wait(t, 2*sigtermLimit)
	<-editing
	t.Logf("exit %d after %v; %d edits acknowledged", code, took, acknowledged.Load())
	if code != 0 || took > sigtermLimit {
		t.Fatalf("gridplan serve after SIGTERM: exit %d after %v, want 0 within %v\n%s", code, took, sigtermLimit, p.stderr)
	}
	binDir, err := pgcluster.LocateBinDir()
	if err != nil {
		t.Fatal(err)
	}
	if state := clusterState(t, binDir, filepath.Join(dir, "pgdata")); state != "shut down" {
		t.Errorf("cluster state after SIGTERM: %q, want \"shut down\"", state)
	}

	// Every acknowledged edit is there; at most one more (committed as the
	// answer was cut off) and nothing half-done.
	ctx := context.Background()
	cluster, err := pgcluster.Start(ctx, pgcluster.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Stop()
	db, err := store.Open(ctx, cluster.DSN(pgcluster.Database), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	plan, err := db.Plan(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	d, err := db.Draft(ctx, plan, "d1")
	if err != nil {
		t.Fatal(err)
	}
	revs, err := db.Revisions(ctx, plan.ID, "d1")
	if err != nil {
		t.Fatal(err)
	}
	n := acknowledged.Load()
	edits := d.Version - draft.Version
	if edits < n || edits > n+1 || int64(len(revs)) < edits {
		t.Errorf("draft moved %d versions with %d revisions for %d acknowledged edits", edits, len(revs), n)
	}
}

// firstGrid is the code of some grid of level 4 of the demo.
func firstGrid(t *testing.T, base string) string {
	t.Helper()
	resp, err := http.Get(base + "/collections/demo-level-4/items?limit=1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var fc struct {
		Features []struct{ Properties map[string]any }
	}
	if err := json.NewDecoder(resp.Body).Decode(&fc); err != nil || len(fc.Features) == 0 {
		t.Fatalf("level 4: %v", err)
	}
	return fc.Features[0].Properties["code"].(string)
}

// TestKilledImportWritesNothing kills an import while its transaction is
// open: nothing of it is stored.
func TestKilledImportWritesNothing(t *testing.T) {
	bin := buildGridplan(t)
	dsn := srv.NewDSN(t)
	if r := gridplan(t, dsn, "plan", "create", "big"); r.code != 0 {
		t.Fatalf("plan create: %+v", r)
	}
	var b strings.Builder
	b.WriteString(`{"type":"FeatureCollection","features":[`)
	for i := range 40000 {
		x, y := 113.5+0.001*float64(i%200), 34.6+0.001*float64(i/200)
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"type":"Feature","properties":{"code":"G%05d","level":1},"geometry":{"type":"Polygon","coordinates":[[[%g,%g],[%g,%g],[%g,%g],[%g,%g],[%g,%g]]]}}`,
			i, x, y, x+0.001, y, x+0.001, y+0.001, x, y+0.001, x, y)
	}
	b.WriteString(`]}`)
	file := filepath.Join(t.TempDir(), "big.geojson")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)

	p := start(t, bin, "import", "grids", "big", file, "--database-url", dsn, "--log-level", "warn")
	deadline := time.Now().Add(time.Minute)
	for {
		var writing bool
		err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database()
			AND application_name = 'gridplan' AND xact_start IS NOT NULL AND query ~* 'grid_in')`).Scan(&writing)
		if err != nil {
			t.Fatal(err)
		}
		if writing {
			break
		}
		select {
		case <-p.exited:
			t.Fatalf("the import finished before it could be killed:\n%s", p.stderr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the import never started writing:\n%s", p.stderr)
		}
		time.Sleep(2 * time.Millisecond)
	}
	p.cmd.Process.Kill()
	p.wait(t, 10*time.Second)
	var grids, revisions int
	if err := conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM grid), (SELECT count(*) FROM revision)`).Scan(&grids, &revisions); err != nil {
		t.Fatal(err)
	}
	if grids != 0 || revisions != 0 {
		t.Errorf("after the killed import: %d grids and %d revisions stored, want none", grids, revisions)
	}
	if r := gridplan(t, dsn, "import", "grids", "big", file); r.code != 0 {
		t.Errorf("the same import again: %+v", r)
	}
}
