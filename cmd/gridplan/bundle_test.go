package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/gridplan/gridplan/internal/store"
)

// A plan bundle restores everything the plan is: every bundle table's
// rows hash the same and the audit report is the same, apart from the
// plan's name and the time. A truncated or foreign GeoPackage restores
// nothing.
func TestBundleRoundTrip(t *testing.T) {
	dsn := srv.NewDSN(t)
	dir := t.TempDir()
	demoPlan(t, dsn, "orig", dir)
	var mask string
	queryRow(t, dsn, `SELECT ST_AsGeoJSON(geom) FROM grid WHERE level = 4 ORDER BY code LIMIT 1`, nil, &mask)
	maskFile := filepath.Join(dir, "mask.geojson")
	os.WriteFile(maskFile, []byte(`{"type":"Feature","properties":{},"geometry":`+mask+`}`), 0o644)
	// Settings away from every default, and free properties of every JSON type.
	for _, args := range [][]string{
		{"coverage-settings", "orig", "--noise-m", "0.05", "--sliver-area-m2", "2.5", "--mask", maskFile},
		{"plan", "level", "orig", "4", "--max-households", "60", "--target-persons", "150"},
		{"plan", "balance", "orig", "--polygon-units", "interior_point"},
		{"rule", "add", "orig", "--facility-type", "clinic", "--minutes", "12", "--speed-m-per-min", "70.5", "--target-pct", "90"},
	} {
		if r := gridplan(t, dsn, args...); r.code != 0 {
			t.Fatalf("%v: %+v", args, r)
		}
	}
	queryRow(t, dsn, `WITH u AS (UPDATE grid SET properties = '{"tags": ["老城", 2, null], "meta": {"x": 0.1, "ok": true}}'
		WHERE code = (SELECT min(code) FROM grid WHERE level = 3) RETURNING 1) SELECT count(*) FROM u`, nil, new(int))

	bundle := filepath.Join(dir, "orig.gpkg")
	if r := gridplan(t, dsn, "export", "orig", "--bundle", bundle); r.code != 0 {
		t.Fatalf("export --bundle: %+v", r)
	}
	if r := gridplan(t, dsn, "import", "bundle", "copy", bundle); r.code != 0 || !strings.Contains(r.stdout, `restored plan "copy"`) {
		t.Fatalf("import bundle: %+v", r)
	}
	for _, table := range store.BundleTables() {
		if table.Select != "" {
			continue // not the table's own columns: TestBundleHistory compares what they mean
		}
		if a, b := tableHash(t, dsn, table, "orig"), tableHash(t, dsn, table, "copy"); a != b {
			t.Errorf("table %s: rows hash %s in the original, %s restored", table.Name, a, b)
		}
	}
	reportA, codeA := auditReport(t, dsn, "orig")
	reportB, codeB := auditReport(t, dsn, "copy")
	if codeA != codeB || !reflect.DeepEqual(reportA, reportB) {
		t.Errorf("audit reports differ (exit %d and %d):\n%s\n%s", codeA, codeB, brief(reportA), brief(reportB))
	}

	// A damaged or foreign GeoPackage: exit 2, one line, nothing stored.
	whole, _ := os.ReadFile(bundle)
	truncated := filepath.Join(dir, "truncated.gpkg")
	os.WriteFile(truncated, whole[:len(whole)/2], 0o644)
	plain := filepath.Join(dir, "plain.gpkg")
	if r := gridplan(t, dsn, "export", "orig", "--format", "gpkg", "-o", plain); r.code != 0 {
		t.Fatalf("export gpkg: %+v", r)
	}
	before := rowCounts(t, dsn)
	for _, c := range []struct{ file, want string }{
		{truncated, "truncated.gpkg: GDAL cannot open it as a GeoPackage"},
		{plain, "plain.gpkg: not a gridplan bundle"},
		{filepath.Join(dir, "mask.geojson"), "not a GeoPackage"},
		{bundle, `plan "orig" already exists`},
	} {
		name := "again"
		if c.file == bundle {
			name = "orig"
		}
		r := gridplan(t, dsn, "import", "bundle", name, c.file)
		if msg := strings.TrimSpace(r.stderr); r.code != exitBadInput || strings.Contains(msg, "\n") || !strings.Contains(msg, c.want) {
			t.Errorf("import bundle %s: exit %d, %q; want exit 2 and one line with %q", filepath.Base(c.file), r.code, msg, c.want)
		}
		if after := rowCounts(t, dsn); after != before {
			t.Fatalf("refused restore changed the database: %s -> %s", before, after)
		}
	}
}

// tableHash hashes a plan's rows of a bundle table, the columns the bundle
// carries in its order (of a workspace table, the published plan's rows).
func tableHash(t *testing.T, dsn string, table store.BundleTable, plan string) string {
	t.Helper()
	var cols, order []string
	for _, c := range table.Columns {
		col := pgx.Identifier{c.Name}.Sanitize()
		if c.Geometry {
			col = "encode(ST_AsEWKB(" + col + "), 'hex') AS " + col
		}
		cols = append(cols, col)
	}
	for _, o := range table.OrderBy {
		order = append(order, pgx.Identifier{o}.Sanitize())
	}
	owner := "plan_id"
	if table.Restore == store.RestorePlan {
		owner = "id"
	}
	if table.Published {
		owner = "ws_id = (SELECT w.id FROM workspace w JOIN plan p ON p.id = w.plan_id WHERE w.kind = 'published' AND p.name = $1) AND plan_id"
	}
	var hash string
	queryRow(t, dsn, `SELECT md5(coalesce(string_agg(to_jsonb(r)::text, '|'), '')) FROM (SELECT `+strings.Join(cols, ", ")+
		` FROM `+pgx.Identifier{table.Name}.Sanitize()+` WHERE `+owner+` = (SELECT id FROM plan WHERE name = $1) ORDER BY `+
		strings.Join(order, ", ")+`) r`, []any{plan}, &hash)
	return hash
}

// auditReport is the whole audit report, with the plan's name and the
// time taken out.
func auditReport(t *testing.T, dsn, plan string) (map[string]any, int) {
	t.Helper()
	r := gridplan(t, dsn, "audit", plan, "--format", "json")
	if r.code > 1 {
		t.Fatalf("audit %s: %+v", plan, r)
	}
	text := strings.ReplaceAll(r.stdout, `"`+plan+`"`, `"PLAN"`)
	text = strings.ReplaceAll(text, "/"+plan+"/", "/PLAN/")
	text = strings.ReplaceAll(text, "/"+plan+"-", "/PLAN-")
	var report map[string]any
	if err := json.Unmarshal([]byte(text), &report); err != nil {
		t.Fatalf("audit %s: %v", plan, err)
	}
	delete(report, "generated_at")
	return report, r.code
}
