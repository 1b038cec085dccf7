package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/coverage"
	"github.com/gridplan/gridplan/internal/httpapi"
	"github.com/gridplan/gridplan/web"
)

// The coverage layer in a real browser: the demo with one micro-grid
// deleted has one gap; the panel's audit draws it, and a click on its
// marker shows a popup naming the grids around it, outlines them and zooms.
func TestMapShowsCoverageFindings(t *testing.T) {
	node, chromium := browserTools(t)
	installBrowserTest(t)
	ctx := context.Background()
	db := srv.NewDB(t)
	if _, err := loadFixture(ctx, db); err != nil {
		t.Fatal(err)
	}
	var neighbours int // siblings sharing a stretch of boundary with the deleted grid
	if err := db.Pool().QueryRow(ctx, `
		WITH gone AS (DELETE FROM grid WHERE id = (SELECT min(id) FROM grid WHERE level = 4 AND kind = 'base')
		              RETURNING code, parent_code, geom_m)
		SELECT count(*) FROM grid g, gone WHERE g.parent_code = gone.parent_code AND g.code <> gone.code
		   AND ST_Length(ST_Intersection(ST_Boundary(g.geom_m), ST_Buffer(ST_Boundary(gone.geom_m), 0.02))) > 0.1`).
		Scan(&neighbours); err != nil {
		t.Fatal(err)
	}
	auditor := audit.New(audit.Check{Name: audit.Coverage, Checker: coverage.New(db, coverage.Options{})})
	ts := httptest.NewServer(httpapi.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)),
		httpapi.Options{Web: web.Static(), Auditor: auditor}))
	defer ts.Close()

	runCtx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(runCtx, node, filepath.Join("browsertest", "coverage.spec.mjs"), ts.URL, t.TempDir())
	cmd.WaitDelay = 10 * time.Second
	cmd.Env = append(cmd.Environ(), "CHROMIUM_PATH="+chromium)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var res struct {
		State, Kind, Summary, Fatal string
		Findings, ErrorsFound       int
		Marker                      bool
		PopupGrids                  []string
		GridPopups, Outlined        int
		ZoomBefore, ZoomAfter       float64
		Errors                      []string
	}
	if err := json.Unmarshal([]byte(lastLine(stdout.String())), &res); err != nil || runErr != nil || res.Fatal != "" {
		t.Fatalf("coverage.spec.mjs: %v %v %s\nstdout: %s\nstderr: %s", err, runErr, res.Fatal, stdout.String(), stderr.String())
	}
	t.Logf("%+v", res)
	if res.State != "ready" || res.Findings != 1 || res.ErrorsFound != 1 || !res.Marker {
		t.Fatalf("the panel's audit: %+v", res)
	}
	if res.Kind != "gap" || len(res.PopupGrids) != neighbours || res.GridPopups != 0 {
		t.Errorf("popup: kind %q, grids %v (want %d neighbours), %d grid popups alongside", res.Kind, res.PopupGrids, neighbours, res.GridPopups)
	}
	if res.Outlined != len(res.PopupGrids) || !(res.ZoomAfter > res.ZoomBefore) {
		t.Errorf("outlined %d grids, zoom %.1f → %.1f", res.Outlined, res.ZoomBefore, res.ZoomAfter)
	}
	if len(res.Errors) > 0 || slices.ContainsFunc(res.PopupGrids, func(s string) bool { return s == "" }) {
		t.Errorf("page errors: %q", res.Errors)
	}
}
