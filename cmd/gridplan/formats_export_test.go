package main

import (
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Every export is read back by GDAL (counts, values, CRS) and, where
// gridplan imports the format, by gridplan: the plan comes back the same.
func TestExportGISFormats(t *testing.T) {
	dsn := srv.NewDSN(t)
	demoPlan(t, dsn, "orig", t.TempDir())
	// Free properties with names too long for a DBF field, one of them Chinese.
	queryRow(t, dsn, `WITH u AS (UPDATE grid SET properties = properties || '{"building_count": 12, "备注说明信息": "东区"}'
		WHERE level = 4 AND code IN (SELECT code FROM grid WHERE level = 4 ORDER BY code LIMIT 3) RETURNING 1) SELECT count(*) FROM u`, nil, new(int))
	var level4 int
	var firstName string
	queryRow(t, dsn, `SELECT count(*), min(name) FILTER (WHERE code = (SELECT min(code) FROM grid WHERE level = 4)) FROM grid WHERE level = 4`,
		nil, &level4, &firstName)

	t.Run("shapefiles", func(t *testing.T) {
		for i, tt := range []struct {
			name  string
			flags []string
			epsg  string
			cpg   string
			tol   float64
		}{
			{"CGCS2000, UTF-8", nil, "EPSG:4490", "UTF-8", 1e-12},
			{"plan CRS, GBK", []string{"--crs", "plan", "--encoding", "GBK"}, "EPSG:4547", "GBK", 1e-7},
		} {
			dir := t.TempDir()
			plan := "shp_" + strconv.Itoa(i)
			gridplan(t, dsn, "plan", "create", plan)
			for _, w := range []string{"grids", "units", "facilities"} {
				shp := filepath.Join(dir, w+".shp")
				if r := gridplan(t, dsn, append([]string{"export", "orig", "--format", "shp", "--what", w, "-o", shp}, tt.flags...)...); r.code != 0 {
					t.Fatalf("%s: export %s: %+v", tt.name, w, r)
				}
				if out, _ := exec.Command("gdalsrsinfo", "-o", "epsg", filepath.Join(dir, w+".prj")).Output(); strings.TrimSpace(string(out)) != tt.epsg {
					t.Errorf("%s: %s.prj is %q, want %s", tt.name, w, out, tt.epsg)
				}
				if b, _ := os.ReadFile(filepath.Join(dir, w+".cpg")); string(b) != tt.cpg {
					t.Errorf("%s: %s.cpg says %q, want %s", tt.name, w, b, tt.cpg)
				}
				if r := gridplan(t, dsn, "import", w, plan, shp); r.code != 0 {
					t.Fatalf("%s: import %s: %+v", tt.name, w, r)
				}
			}
			info := ogrinfo(t, "-ro", "-al", "-where", "level = 4", filepath.Join(dir, "grids.shp"))
			for _, want := range []string{"Feature Count: " + strconv.Itoa(level4), "name (String) = " + firstName, "building_c (Integer) = 12"} {
				if !strings.Contains(info, want) {
					t.Errorf("%s: ogrinfo lacks %q", tt.name, want)
				}
			}
			if names, err := os.ReadFile(filepath.Join(dir, "grids.fields.csv")); err != nil || !strings.Contains(string(names), "building_c,building_count") {
				t.Errorf("%s: field names sidecar: %q %v", tt.name, names, err)
			}
			if diff := samePlanFeatures(t, dsn, "orig", plan, tt.tol); diff != "" {
				t.Errorf("%s: round trip changed the plan: %s", tt.name, diff)
			}
		}
	})

	t.Run("geopackage", func(t *testing.T) {
		if r := gridplan(t, dsn, "audit", "orig", "--checks", "balance"); r.code > 1 {
			t.Fatalf("audit: %+v", r) // its findings make the findings layer
		}
		gpkg := filepath.Join(t.TempDir(), "orig.gpkg")
		if r := gridplan(t, dsn, "export", "orig", "--format", "gpkg", "-o", gpkg); r.code != 0 {
			t.Fatalf("export: %+v", r)
		}
		layers := ogrinfo(t, "-ro", "-q", gpkg)
		for _, l := range []string{"level_1", "level_2", "level_3", "level_4", "units", "facilities", "findings"} {
			if !strings.Contains(layers, ": "+l+" (") {
				t.Errorf("layers %q lack %s", layers, l)
			}
		}
		info := ogrinfo(t, "-ro", "-so", gpkg, "level_4")
		if !strings.Contains(info, "Feature Count: "+strconv.Itoa(level4)) || !strings.Contains(info, `ID["EPSG",4490]`) {
			t.Errorf("ogrinfo level_4: %s", info)
		}
		gridplan(t, dsn, "plan", "create", "gpkg")
		for _, args := range [][]string{{"grids", "level_1"}, {"grids", "level_2"}, {"grids", "level_3"}, {"grids", "level_4"},
			{"units", "units"}, {"facilities", "facilities"}} {
			if r := gridplan(t, dsn, "import", args[0], "gpkg", gpkg, "--layer", args[1]); r.code != 0 {
				t.Fatalf("import %v: %+v", args, r)
			}
		}
		if diff := samePlanFeatures(t, dsn, "orig", "gpkg", 0); diff != "" {
			t.Errorf("round trip changed the plan: %s", diff)
		}
	})

	t.Run("kml and kmz", func(t *testing.T) {
		dir := t.TempDir()
		r := gridplan(t, dsn, "export", "orig", "--format", "kml", "--level", "4")
		kmlFile := filepath.Join(dir, "l4.kml")
		os.WriteFile(kmlFile, []byte(r.stdout), 0o644)
		kmz := filepath.Join(dir, "l4.kmz")
		if r2 := gridplan(t, dsn, "export", "orig", "--format", "kmz", "--level", "4", "-o", kmz); r.code != 0 || r2.code != 0 {
			t.Fatalf("export: %+v %+v", r, r2)
		}
		for _, c := range []struct {
			file, driver string
			env          []string
		}{{kmlFile, "LIBKML", nil}, {kmlFile, "KML", []string{"OGR_SKIP=LIBKML"}}, {kmz, "LIBKML", nil}} {
			cmd := exec.Command("ogrinfo", "-ro", "-al", c.file)
			cmd.Env = append(os.Environ(), c.env...)
			out, err := cmd.CombinedOutput()
			info := string(out)
			if err != nil || !strings.Contains(info, "using driver `"+c.driver+"'") || !strings.Contains(info, "Level 4 micro-grid") ||
				!strings.Contains(info, "Feature Count: "+strconv.Itoa(level4)) || !strings.Contains(info, "= "+firstName) {
				t.Errorf("%s by %s: %v\n%.1500s", filepath.Base(c.file), c.driver, err, info)
			}
		}
		if !strings.Contains(r.stdout, `<Style id="special-business_district">`) || !strings.Contains(r.stdout, "<styleUrl>#level-4</styleUrl>") ||
			!strings.Contains(r.stdout, "&lt;th&gt;code&lt;/th&gt;") {
			t.Errorf("KML lacks styles or the description table: %.800s", r.stdout)
		}
	})

	t.Run("bad options", func(t *testing.T) {
		dir := t.TempDir()
		for _, c := range []struct {
			args []string
			want string
		}{
			{[]string{"--format", "shp"}, "give -o FILE.shp or -o DIR"},
			{[]string{"--format", "kmz"}, "give -o FILE.kmz"},
			{[]string{"--format", "dxf"}, `format "dxf"`},
			{[]string{"--format", "gpkg", "--crs", "EPSG:99999", "-o", filepath.Join(dir, "x.gpkg")}, "EPSG:99999 is unknown to PostGIS"},
			{[]string{"--format", "shp", "-o", filepath.Join(dir, "x.txt")}, "give a .shp file or an existing directory"},
			{[]string{"--format", "kml", "--encoding", "GBK"}, "a Shapefile's DBF"},
		} {
			r := gridplan(t, dsn, append([]string{"export", "orig"}, c.args...)...)
			if msg := strings.TrimSpace(r.stderr); r.code != exitBadInput || strings.Contains(msg, "\n") || !strings.Contains(msg, c.want) {
				t.Errorf("export %v: exit %d, %q; want exit 2 with %q", c.args, r.code, msg, c.want)
			}
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("refused exports left files: %v", entries)
		}
	})

	t.Run("csv", func(t *testing.T) {
		r := gridplan(t, dsn, "export", "orig", "--format", "csv", "--level", "4")
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.stdout, "\ufeff"))).ReadAll()
		if r.code != 0 || err != nil || len(rows) != level4+1 {
			t.Fatalf("csv: exit %d, %v, %d rows", r.code, err, len(rows))
		}
		if strings.Join(rows[0][:4], ",") != "WKT,code,name,level" || !strings.HasPrefix(rows[1][0], "MULTIPOLYGON (((113.") || rows[1][2] != firstName {
			t.Errorf("csv: %q / %.120q", rows[0], rows[1])
		}
		file := filepath.Join(t.TempDir(), "level4.csv")
		os.WriteFile(file, []byte(r.stdout), 0o644)
		info := ogrinfo(t, "-ro", "-al", "-so", "-oo", "GEOM_POSSIBLE_NAMES=WKT", file)
		if !strings.Contains(info, "Feature Count: "+strconv.Itoa(level4)) || !strings.Contains(info, "Extent: (113.") {
			t.Errorf("ogrinfo csv: %s", info)
		}
	})
}
