package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gridplan/gridplan/internal/store"
)

// demoPlan loads the scale-0.1 demo district as plan name and writes its
// grids, units and facilities as WGS84 GeoJSON into dir, the originals the
// format tests convert with GDAL.
func demoPlan(t *testing.T, dsn, name, dir string) map[string]string {
	t.Helper()
	if r := gridplan(t, dsn, "demo", "--plan", name, "--scale", "0.1"); r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	files := map[string]string{}
	for _, what := range []string{"grids", "units", "facilities"} {
		r := gridplan(t, dsn, "export", name, "--what", what)
		if r.code != 0 {
			t.Fatalf("export %s: %+v", what, r)
		}
		files[what] = filepath.Join(dir, what+".geojson")
		if err := os.WriteFile(files[what], []byte(r.stdout), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return files
}

// ogr2ogr runs GDAL's converter, which makes the test fixtures as GIS
// staff would.
func ogr2ogr(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command("ogr2ogr", args...).CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// ogrinfo runs GDAL's reader and returns what it prints.
func ogrinfo(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("ogrinfo", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// queryRow runs one query against the test database.
func queryRow(t *testing.T, dsn, sql string, args []any, dest ...any) {
	t.Helper()
	db, err := store.Open(context.Background(), dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Pool().QueryRow(context.Background(), sql, args...).Scan(dest...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// samePlanFeatures compares two plans' grids (by code), units and
// facilities (in order): every attribute equal, and every geometry within
// tol degrees (Hausdorff distance) with the same number of vertices. It
// returns what differs, "" when nothing.
func samePlanFeatures(t *testing.T, dsn, a, b string, tol float64) string {
	t.Helper()
	var diff string
	queryRow(t, dsn, `
	WITH pa AS (SELECT id FROM plan WHERE name = $1), pb AS (SELECT id FROM plan WHERE name = $2),
	ga AS (SELECT * FROM grid WHERE plan_id = (SELECT id FROM pa)), gb AS (SELECT * FROM grid WHERE plan_id = (SELECT id FROM pb)),
	ua AS (SELECT *, row_number() OVER (ORDER BY id) n FROM unit WHERE plan_id = (SELECT id FROM pa)),
	ub AS (SELECT *, row_number() OVER (ORDER BY id) n FROM unit WHERE plan_id = (SELECT id FROM pb)),
	fa AS (SELECT *, row_number() OVER (ORDER BY id) n FROM facility WHERE plan_id = (SELECT id FROM pa)),
	fb AS (SELECT *, row_number() OVER (ORDER BY id) n FROM facility WHERE plan_id = (SELECT id FROM pb))
	SELECT concat_ws('; ',
	  CASE WHEN (SELECT count(*) FROM ga) <> (SELECT count(*) FROM gb) OR (SELECT count(*) FROM ga) = 0 THEN 'grid counts' END,
	  (SELECT 'grid ' || min(ga.code) || ' and ' || (count(*) - 1) || ' more differ' FROM ga LEFT JOIN gb USING (code)
	    WHERE gb.code IS NULL OR (ga.name, ga.level, ga.parent_code, ga.kind, ga.category, ga.mode, ga.properties)
	      IS DISTINCT FROM (gb.name, gb.level, gb.parent_code, gb.kind, gb.category, gb.mode, gb.properties)
	      OR ST_NPoints(ga.geom) <> ST_NPoints(gb.geom) OR ST_HausdorffDistance(ga.geom, gb.geom) > $3
	    HAVING count(*) > 0),
	  CASE WHEN (SELECT count(*) FROM ua) <> (SELECT count(*) FROM ub) THEN 'unit counts' END,
	  (SELECT count(*) || ' units differ' FROM ua JOIN ub USING (n)
	    WHERE (ua.name, ua.persons, ua.households, ua.properties) IS DISTINCT FROM (ub.name, ub.persons, ub.households, ub.properties)
	      OR ST_NPoints(ua.geom) <> ST_NPoints(ub.geom) OR ST_HausdorffDistance(ua.geom, ub.geom) > $3 HAVING count(*) > 0),
	  CASE WHEN (SELECT count(*) FROM fa) <> (SELECT count(*) FROM fb) THEN 'facility counts' END,
	  (SELECT count(*) || ' facilities differ' FROM fa JOIN fb USING (n)
	    WHERE (fa.type, fa.name, fa.properties) IS DISTINCT FROM (fb.type, fb.name, fb.properties)
	      OR ST_Distance(fa.geom, fb.geom) > $3 HAVING count(*) > 0))`,
		[]any{a, b, tol}, &diff)
	return diff
}

// auditFigures runs the coverage and balance audit and returns the parts
// that must not change when a plan goes through a file format: the
// coverage summary and the balance figures of every level and grid.
func auditFigures(t *testing.T, dsn, plan string) map[string]any {
	t.Helper()
	r := gridplan(t, dsn, "audit", plan, "--checks", "coverage,balance", "--format", "json")
	if r.code > 1 {
		t.Fatalf("audit %s: %+v", plan, r)
	}
	var report struct {
		Coverage struct {
			Summary  map[string]any `json:"summary"`
			Findings []any          `json:"findings"`
		} `json:"coverage"`
		Balance struct {
			Levels []any `json:"levels"`
			Grids  []struct {
				Code, Band          string
				Persons, Households int64
			} `json:"grids"`
			Totals any `json:"totals"`
		} `json:"balance"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &report); err != nil {
		t.Fatalf("audit %s: %v", plan, err)
	}
	grids := map[string]any{}
	for _, g := range report.Balance.Grids {
		grids[g.Code] = []any{g.Persons, g.Households, g.Band}
	}
	return map[string]any{"coverage": report.Coverage.Summary, "findings": len(report.Coverage.Findings),
		"levels": report.Balance.Levels, "grids": grids, "totals": report.Balance.Totals}
}

// sameAudit fails the test when two plans' audit figures differ.
func sameAudit(t *testing.T, dsn, a, b string) {
	t.Helper()
	fa, fb := auditFigures(t, dsn, a), auditFigures(t, dsn, b)
	for k := range fa {
		if !reflect.DeepEqual(fa[k], fb[k]) {
			t.Errorf("audit %s of %s and %s differ:\n%v\n%v", k, a, b, brief(fa[k]), brief(fb[k]))
		}
	}
}

func brief(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 600 {
		b = append(b[:600], "..."...)
	}
	return string(b)
}
