package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// customPRJ is a Gauss-Krüger projection on a local central meridian,
// which no EPSG code is.
const customPRJ = `PROJCS["local GK",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",` +
	`SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],` +
	`PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],` +
	`PARAMETER["Central_Meridian",114.3],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]`

// Every way a GIS file can be wrong exits 2 with one line saying what to
// do, and stores nothing.
func TestImportGISFormatsRefuseBadInput(t *testing.T) {
	dsn := srv.NewDSN(t)
	gridplan(t, dsn, "plan", "create", "erqi")
	base := t.TempDir()
	streetsFile := writeFile(t, "streets.geojson", streets)
	latin := writeFile(t, "latin.geojson", strings.ReplaceAll(strings.ReplaceAll(streets, "一街", "Café"), "二街", "Crème"))
	// The streets as a GBK Shapefile in EPSG:4547 and in a two-layer GeoPackage.
	ogr2ogr(t, "-f", "ESRI Shapefile", filepath.Join(base, "streets.shp"), streetsFile, "-s_srs", "EPSG:4326", "-t_srs", "EPSG:4547", "-lco", "ENCODING=GBK")
	ogr2ogr(t, "-f", "ESRI Shapefile", filepath.Join(base, "latin.shp"), latin, "-lco", "ENCODING=ISO-8859-1")
	os.Remove(filepath.Join(base, "latin.cpg"))
	gpkg := filepath.Join(base, "two.gpkg")
	ogr2ogr(t, "-f", "GPKG", gpkg, streetsFile, "-nln", "a")
	ogr2ogr(t, "-f", "GPKG", gpkg, streetsFile, "-nln", "b", "-update")
	custom := filepath.Join(base, "custom.gpkg")
	ogr2ogr(t, "-f", "GPKG", custom, filepath.Join(base, "streets.shp"), "-a_srs", writeFile(t, "local.prj", customPRJ), "-nln", "s")
	crsAfter := writeFile(t, "after.geojson", strings.TrimSuffix(strings.TrimSpace(streets), "}")+
		`,"crs":{"type":"name","properties":{"name":"EPSG:4547"}}}`)
	crsUnknown := writeFile(t, "unknown.geojson", strings.Replace(streets, `"features"`,
		`"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::99999"}},"features"`, 1))
	if r := gridplan(t, dsn, "import", "grids", "erqi", filepath.Join(base, "streets.shp")); r.code != 0 {
		t.Fatalf("the fixture itself must import: %+v", r)
	}
	before := rowCounts(t, dsn)

	tests := []struct {
		name  string
		spoil func(dir string)          // what is done to a copy of the Shapefile
		args  func(dir string) []string // after "import"
		want  []string                  // parts of the one-line message
	}{
		{"no .shx", func(d string) { os.Remove(filepath.Join(d, "streets.shx")) }, shp("grids"), []string{"streets.shp", ".shx file is missing"}},
		{"no .dbf", func(d string) { os.Remove(filepath.Join(d, "streets.dbf")) }, shp("grids"), []string{".dbf file is missing"}},
		{"unknown .cpg", func(d string) { os.WriteFile(filepath.Join(d, "streets.cpg"), []byte("KOI8-R"), 0o644) }, shp("grids"),
			[]string{"streets.cpg", `"KOI8-R"`, "GBK, GB18030 or UTF-8"}},
		{"unknown --encoding", nil, shp("grids", "--encoding", "latin1"), []string{`--encoding "latin1"`}},
		{"--encoding against the .cpg", nil, shp("grids", "--encoding", "UTF-8"), []string{"streets.cpg says the text is GBK but --encoding says UTF-8"}},
		{"text in no known encoding", nil, func(d string) []string { return []string{"grids", "erqi", filepath.Join(base, "latin.shp")} },
			[]string{"latin.dbf", "neither UTF-8 nor GBK", "--encoding"}},
		{".prj without an EPSG code", func(d string) { os.WriteFile(filepath.Join(d, "streets.prj"), []byte(customPRJ), 0o644) }, shp("grids"),
			[]string{"streets.prj names no EPSG code", "--source-crs EPSG:N"}},
		{"projected numbers without a CRS", func(d string) { os.Remove(filepath.Join(d, "streets.prj")) }, shp("grids"),
			[]string{"streets.shp: features[0]", "look projected", "--source-crs"}},
		{"--source-crs unknown", nil, shp("grids", "--source-crs", "EPSG:99999"), []string{"--source-crs: EPSG:99999 is unknown to PostGIS"}},
		{"mapped field missing", nil, shp("grids", "--code-field", "WGBM"), []string{`streets.shp: features[0]: field "WGBM": missing`}},
		{"code already in the plan", nil, shp("grids"), []string{`streets.shp: features[0]: field "code"`, "already exists"}},
		{"a .dbf given", nil, func(d string) []string { return []string{"grids", "erqi", filepath.Join(d, "streets.dbf")} },
			[]string{"imported by its .shp"}},
		{"--layer on a Shapefile", nil, shp("grids", "--layer", "x"), []string{"--layer is for GeoPackages"}},
		{"GeoPackage of two layers", nil, func(string) []string { return []string{"grids", "erqi", gpkg} }, []string{"two.gpkg has 2 layers (a, b)", "--layer"}},
		{"unknown layer", nil, func(string) []string { return []string{"grids", "erqi", gpkg, "--layer", "c"} }, []string{`has no layer "c"`}},
		{"GeoPackage layer in a CRS without an EPSG code", nil, func(string) []string { return []string{"grids", "erqi", custom} },
			[]string{`custom.gpkg: layer "s" has a CRS with no EPSG code (PROJCRS["local GK"`, "--source-crs EPSG:N"}},
		{"not a GeoPackage", nil, func(string) []string { return []string{"grids", "erqi", writeFile(t, "x.gpkg", streets)} },
			[]string{"x.gpkg: not a GeoPackage"}},
		{"not a GIS file", nil, func(string) []string { return []string{"grids", "erqi", writeFile(t, "notes.txt", "hello")} },
			[]string{"notes.txt: not a format gridplan imports"}},
		{"crs member after the features", nil, func(string) []string { return []string{"grids", "erqi", crsAfter} },
			[]string{"after.geojson", `"crs" member (EPSG:4547) comes after "features"`}},
		{"crs member unknown to PostGIS", nil, func(string) []string { return []string{"grids", "erqi", crsUnknown} },
			[]string{"unknown.geojson", "EPSG:99999 is unknown to PostGIS"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, ext := range []string{".shp", ".shx", ".dbf", ".prj", ".cpg"} {
				b, err := os.ReadFile(filepath.Join(base, "streets"+ext))
				if err != nil {
					t.Fatal(err)
				}
				os.WriteFile(filepath.Join(dir, "streets"+ext), b, 0o644)
			}
			if tt.spoil != nil {
				tt.spoil(dir)
			}
			r := gridplan(t, dsn, append([]string{"import"}, tt.args(dir)...)...)
			msg := strings.TrimSpace(r.stderr)
			if r.code != exitBadInput || strings.Contains(msg, "\n") {
				t.Fatalf("exit %d, stderr %q; want exit 2 and one line", r.code, msg)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
			if after := rowCounts(t, dsn); after != before {
				t.Fatalf("refused import changed the database: %s -> %s", before, after)
			}
		})
	}
}

// shp returns the arguments importing the copied Shapefile into erqi.
func shp(what string, flags ...string) func(dir string) []string {
	return func(dir string) []string {
		return append([]string{what, "erqi", filepath.Join(dir, "streets.shp")}, flags...)
	}
}
