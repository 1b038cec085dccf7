package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The demo district as GIS staff hold it, made with GDAL from the demo's
// own WGS84 GeoJSON: a GBK Shapefile in CGCS2000 Gauss-Krüger metres with
// and without its .cpg, a GeoPackage, and GeoJSON whose crs member names
// EPSG:4547. Each imports with the Chinese names as they were, every
// coordinate within 1e-7° of the original, and audits like the original.
func TestImportGISFormats(t *testing.T) {
	dsn := srv.NewDSN(t)
	orig := demoPlan(t, dsn, "orig", t.TempDir())
	whats := []string{"grids", "units", "facilities"}
	shapefiles := func(dir string, keepCPG bool) map[string][]string {
		files := map[string][]string{}
		for _, w := range whats {
			shp := filepath.Join(dir, w+".shp")
			ogr2ogr(t, "-f", "ESRI Shapefile", shp, orig[w], "-s_srs", "EPSG:4326", "-t_srs", "EPSG:4547", "-lco", "ENCODING=GBK")
			if !keepCPG {
				// Old ArcGIS writes no .cpg and no code page in the DBF
				// header (byte 29): the text is in the system's GBK.
				os.Remove(filepath.Join(dir, w+".cpg"))
				setDBFCodePage(t, filepath.Join(dir, w+".dbf"), 0)
			}
			files[w] = []string{shp}
		}
		return files
	}
	tests := []struct {
		name  string
		files func(dir string) map[string][]string // import arguments per kind
		note  string                               // wanted on stderr
	}{
		{"GBK Shapefile in EPSG:4547 without .cpg", func(dir string) map[string][]string { return shapefiles(dir, false) },
			"its text reads as GBK (detected"},
		{"GBK Shapefile in EPSG:4547 with .cpg", func(dir string) map[string][]string { return shapefiles(dir, true) }, ""},
		{"GeoPackage in EPSG:4547", func(dir string) map[string][]string {
			gpkg := filepath.Join(dir, "plan.gpkg")
			files := map[string][]string{}
			for i, w := range whats {
				args := []string{"-f", "GPKG", gpkg, orig[w], "-nln", w, "-s_srs", "EPSG:4326", "-t_srs", "EPSG:4547"}
				if i > 0 {
					args = append(args, "-update")
				}
				ogr2ogr(t, args...)
				files[w] = []string{gpkg, "--layer", w}
			}
			return files
		}, ""},
		{"GeoJSON with a crs member, EPSG:4547 numbers", func(dir string) map[string][]string {
			files := map[string][]string{}
			for _, w := range whats {
				out := filepath.Join(dir, w+".geojson")
				ogr2ogr(t, "-f", "GeoJSON", out, orig[w], "-s_srs", "EPSG:4326", "-t_srs", "EPSG:4547")
				files[w] = []string{out}
			}
			if b, _ := os.ReadFile(files["grids"][0]); !strings.Contains(string(b), `"urn:ogc:def:crs:EPSG::4547"`) {
				t.Fatalf("fixture has no crs member: %.300s", b)
			}
			return files
		}, ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := "imported_" + string(rune('a'+i))
			if r := gridplan(t, dsn, "plan", "create", plan); r.code != 0 {
				t.Fatalf("plan create: %+v", r)
			}
			files := tt.files(t.TempDir())
			for _, w := range whats {
				r := gridplan(t, dsn, append([]string{"import", w, plan}, files[w]...)...)
				if r.code != 0 {
					t.Fatalf("import %s %v: %+v", w, files[w], r)
				}
				if tt.note != "" && !strings.Contains(r.stderr, tt.note) {
					t.Errorf("import %s: stderr %q lacks %q", w, r.stderr, tt.note)
				}
			}
			if diff := samePlanFeatures(t, dsn, "orig", plan, 1e-7); diff != "" {
				t.Fatalf("imported plan differs from the original: %s", diff)
			}
			var worst float64
			queryRow(t, dsn, `SELECT max(ST_HausdorffDistance(a.geom, b.geom)) FROM grid a JOIN grid b USING (code)
				WHERE a.plan_id = (SELECT id FROM plan WHERE name = 'orig') AND b.plan_id = (SELECT id FROM plan WHERE name = $1)`,
				[]any{plan}, &worst)
			t.Logf("%s: largest grid coordinate difference %.2g°", tt.name, worst)
			var name string
			queryRow(t, dsn, `SELECT name FROM grid WHERE plan_id = (SELECT id FROM plan WHERE name = $1) AND level = 4 ORDER BY code LIMIT 1`,
				[]any{plan}, &name)
			if !strings.Contains(name, "微网格") {
				t.Errorf("micro-grid name %q lost its Chinese", name)
			}
			sameAudit(t, dsn, "orig", plan)
		})
	}
}

// setDBFCodePage writes the language driver id of a DBF header.
func setDBFCodePage(t *testing.T, dbf string, ldid byte) {
	t.Helper()
	b, err := os.ReadFile(dbf)
	if err != nil {
		t.Fatal(err)
	}
	b[29] = ldid
	if err := os.WriteFile(dbf, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// A GeoJSON file whose crs member says EPSG:3857 is read in Web Mercator
// metres, not ignored, and a GeoJSON text sequence is read feature by
// feature: both import as the same streets as their WGS84 file.
func TestImportGeoJSONCRSMember(t *testing.T) {
	dsn := srv.NewDSN(t)
	wgs84 := writeFile(t, "streets.geojson", streets)
	mercator := filepath.Join(t.TempDir(), "streets-3857.geojson")
	ogr2ogr(t, "-f", "GeoJSON", mercator, wgs84, "-s_srs", "EPSG:4326", "-t_srs", "EPSG:3857")
	// And as an RFC 8142 text sequence, one record-separated Feature a line.
	sequence := filepath.Join(t.TempDir(), "streets.geojsonl")
	ogr2ogr(t, "-f", "GeoJSONSeq", sequence, wgs84, "-lco", "RS=YES")
	for plan, file := range map[string]string{"direct": wgs84, "mercator": mercator, "sequence": sequence} {
		gridplan(t, dsn, "plan", "create", plan)
		if r := gridplan(t, dsn, "import", "grids", plan, file); r.code != 0 {
			t.Fatalf("import %s: %+v", file, r)
		}
	}
	for _, plan := range []string{"mercator", "sequence"} {
		if diff := samePlanFeatures(t, dsn, "direct", plan, 1e-7); diff != "" {
			t.Errorf("%s imported differently: %s", plan, diff)
		}
	}
	var x float64
	queryRow(t, dsn, `SELECT ST_XMin(geom) FROM grid WHERE code = 'S1' AND plan_id = (SELECT id FROM plan WHERE name = 'mercator')`, nil, &x)
	if x < 113.59 || x > 113.61 {
		t.Errorf("S1 starts at longitude %v, want 113.60", x)
	}
}
