package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/gridplan/gridplan/internal/store"
)

// The coverage audit on the command line: the clean demo exits 0, a
// deleted micro-grid makes a gap (exit 1) that export --what findings then
// serves, tolerances and an allowed-gap mask change the verdict, and bad
// input exits 2.
func TestCoverageCommandLine(t *testing.T) {
	dsn := srv.NewDSN(t)
	if r := gridplan(t, dsn, "demo", "--plan", "demo", "--scale", "0.1"); r.code != 0 {
		t.Fatalf("demo: %d %s", r.code, r.stderr)
	}
	r := gridplan(t, dsn, "audit", "demo", "--checks", "coverage", "--format", "json")
	if r.code != 0 {
		t.Fatalf("clean demo: exit %d, want 0\n%s%s", r.code, r.stdout, r.stderr)
	}
	var report struct {
		Settings map[string]any `json:"settings"`
		Coverage struct {
			Summary  map[string]struct{ Count int } `json:"summary"`
			Findings []map[string]any               `json:"findings"`
			Specials []map[string]any               `json:"specials"`
		} `json:"coverage"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &report); err != nil {
		t.Fatalf("report: %v\n%s", err, r.stdout)
	}
	if len(report.Coverage.Findings) != 0 || report.Coverage.Summary["gap"].Count != 0 || len(report.Coverage.Specials) == 0 {
		t.Errorf("clean demo report: %+v", report.Coverage)
	}
	for _, k := range []string{"crs", "sliver_area_m2", "sliver_width_m", "noise_m"} {
		if _, ok := report.Settings[k]; !ok {
			t.Errorf("settings lack %s: %v", k, report.Settings)
		}
	}

	// Delete one micro-grid behind gridplan's back.
	db, err := store.Open(context.Background(), dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var code, maskGeoJSON string
	err = db.Pool().QueryRow(context.Background(), `
		DELETE FROM grid WHERE id = (SELECT min(id) FROM grid WHERE level = 4 AND kind = 'base')
		RETURNING code, ST_AsGeoJSON(geom)`).Scan(&code, &maskGeoJSON)
	if err != nil {
		t.Fatal(err)
	}
	r = gridplan(t, dsn, "audit", "demo", "--checks", "coverage")
	if r.code != 1 || !strings.Contains(r.stdout, "Coverage: 1 error(s)") || !strings.Contains(r.stdout, "gap") {
		t.Fatalf("a deleted grid: exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = gridplan(t, dsn, "export", "demo", "--what", "findings")
	var fc struct {
		Features []struct {
			Geometry   map[string]any `json:"geometry"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &fc); err != nil || r.code != 0 {
		t.Fatalf("export findings: %d %v\n%s", r.code, err, r.stderr)
	}
	if len(fc.Features) != 1 || fc.Features[0].Properties["kind"] != "gap" || fc.Features[0].Properties["check"] != "coverage" ||
		fc.Features[0].Geometry["type"] != "Polygon" {
		t.Errorf("exported findings: %+v", fc.Features)
	}

	// A generous sliver area makes the gap a warning: exit 0.
	if r = gridplan(t, dsn, "coverage-settings", "demo", "--sliver-area-m2", "1e9"); r.code != 0 {
		t.Fatalf("coverage-settings: %d %s", r.code, r.stderr)
	}
	if r = gridplan(t, dsn, "audit", "demo", "--checks", "coverage"); r.code != 0 || !strings.Contains(r.stdout, "sliver_gap") {
		t.Errorf("gap within the sliver area: exit %d\n%s", r.code, r.stdout)
	}
	// Back to the default; the gap's ground as an allowed-gap mask: exit 0, no finding.
	gridplan(t, dsn, "coverage-settings", "demo", "--sliver-area-m2", "1")
	mask := writeFile(t, "mask.geojson", `{"type":"Feature","properties":{},"geometry":`+maskGeoJSON+`}`)
	if r = gridplan(t, dsn, "coverage-settings", "demo", "--mask", mask); r.code != 0 || !strings.Contains(r.stdout, "1 allowed-gap") {
		t.Fatalf("mask: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if r = gridplan(t, dsn, "audit", "demo", "--checks", "coverage"); r.code != 0 || !strings.Contains(r.stdout, "Coverage: 0 error(s), 0 warning(s)") {
		t.Errorf("masked gap: exit %d\n%s", r.code, r.stdout)
	}

	// Bad input exits 2 with one line.
	for _, args := range [][]string{
		{"audit", "nope", "--checks", "coverage"},
		{"coverage-settings", "demo", "--noise-m", "-1"},
		{"coverage-settings", "demo", "--mask", writeFile(t, "bad.geojson", `{"type":"Feature"`)},
	} {
		if r = gridplan(t, dsn, args...); r.code != 2 || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
			t.Errorf("%v: exit %d, want 2 with one line: %q", args, r.code, r.stderr)
		}
	}
}
