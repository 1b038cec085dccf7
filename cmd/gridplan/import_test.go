package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

const streets = `{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"code":"S1","name":"一街","level":1},
  "geometry":{"type":"Polygon","coordinates":[[[113.60,34.70],[113.61,34.70],[113.61,34.71],[113.60,34.71],[113.60,34.70]]]}},
 {"type":"Feature","properties":{"code":"S2","name":"二街","level":1},
  "geometry":{"type":"Polygon","coordinates":[[[113.61,34.70],[113.62,34.70],[113.62,34.71],[113.61,34.71],[113.61,34.70]]]}}]}`

func feature(props, geom string) string {
	return `{"type":"Feature","properties":{` + props + `},"geometry":` + geom + `}`
}

const square = `{"type":"Polygon","coordinates":[[[113.60,34.70],[113.605,34.70],[113.605,34.705],[113.60,34.705],[113.60,34.70]]]}`

func collection(features ...string) string {
	return `{"type":"FeatureCollection","features":[` + strings.Join(features, ",") + `]}`
}

func TestImportRefusesBadInput(t *testing.T) {
	dsn := srv.NewDSN(t)
	if r := gridplan(t, dsn, "plan", "create", "erqi"); r.code != 0 {
		t.Fatalf("plan create: %+v", r)
	}
	if r := gridplan(t, dsn, "import", "grids", "erqi", writeFile(t, "streets.geojson", streets)); r.code != 0 {
		t.Fatalf("import streets: %+v", r)
	}
	before := rowCounts(t, dsn)

	tests := []struct {
		name string
		args []string // after "import"; FILE is replaced by the written file
		file string
		want []string // substrings of the one-line message
	}{
		{"not json", []string{"grids", "erqi", "FILE"}, "hello, world", []string{"bad.geojson"}},
		{"not geojson", []string{"grids", "erqi", "FILE"}, `{"type":"Topology","objects":{}}`, []string{"bad.geojson"}},
		{"wrong geometry type", []string{"grids", "erqi", "FILE", "--level", "2"},
			collection(feature(`"code":"C1","parent":"S1"`, square), feature(`"code":"C2","parent":"S1"`, `{"type":"Point","coordinates":[113.6,34.7]}`)),
			[]string{"bad.geojson", "features[1]", `"geometry"`}},
		{"missing code", []string{"grids", "erqi", "FILE", "--level", "2"},
			collection(feature(`"code":"C1","parent":"S1"`, square), feature(`"name":"无编码","parent":"S1"`, square)),
			[]string{"features[1]", `"code"`}},
		{"missing code, mapped field", []string{"grids", "erqi", "FILE", "--level", "2", "--code-field", "WGBM"},
			collection(feature(`"WGBM":"C1","parent":"S1"`, square), feature(`"code":"C2","parent":"S1"`, square)),
			[]string{"features[1]", `"WGBM"`}},
		{"duplicate code in file", []string{"grids", "erqi", "FILE", "--level", "2"},
			collection(feature(`"code":"C1","parent":"S1"`, square), feature(`"code":"C1","parent":"S1"`, square)),
			[]string{"features[1]", `"code"`, "features[0]"}},
		{"code already in plan", []string{"grids", "erqi", "FILE", "--level", "2"},
			collection(feature(`"code":"C1","parent":"S1"`, square), feature(`"code":"S2","parent":"S1"`, square)),
			[]string{"features[1]", `"code"`, "S2"}},
		{"unknown parent", []string{"grids", "erqi", "FILE", "--level", "2"},
			collection(feature(`"code":"C1","parent":"S1"`, square), feature(`"code":"C2","parent":"S9"`, square)),
			[]string{"features[1]", `"parent"`, "S9"}},
		{"unknown parent, mapped field", []string{"grids", "erqi", "FILE", "--level", "2", "--parent-field", "SJBM"},
			collection(feature(`"code":"C2","SJBM":"S9"`, square)),
			[]string{"features[0]", `"SJBM"`, "S9"}},
		{"unknown plan", []string{"grids", "nowhere", "FILE", "--level", "1"},
			collection(feature(`"code":"X"`, square)), []string{`"nowhere"`}},
		{"units: persons not a number", []string{"units", "erqi", "FILE"},
			collection(feature(`"persons":12,"households":4`, `{"type":"Point","coordinates":[113.6,34.7]}`),
				feature(`"persons":"many"`, `{"type":"Point","coordinates":[113.6,34.7]}`)),
			[]string{"features[1]", `"persons"`}},
		{"units: wrong geometry", []string{"units", "erqi", "FILE"},
			collection(feature(`"persons":12`, `{"type":"LineString","coordinates":[[113.6,34.7],[113.7,34.7]]}`)),
			[]string{"features[0]", `"geometry"`}},
		{"facilities: no type", []string{"facilities", "erqi", "FILE"},
			collection(feature(`"name":"诊所"`, `{"type":"Point","coordinates":[113.6,34.7]}`)),
			[]string{"features[0]", `"type"`}},
		{"facilities: wrong geometry", []string{"facilities", "erqi", "FILE", "--type", "clinic"},
			collection(feature(`"name":"诊所"`, square)),
			[]string{"features[0]", `"geometry"`}},
		{"NUL in a name", []string{"grids", "erqi", "FILE", "--level", "2"},
			collection(feature(`"code":"C1","parent":"S1"`, square), feature(`"code":"C2","parent":"S1","name":"a\u0000b"`, square)),
			[]string{"features[1]", `"name"`, "NUL"}},
		{"NUL in a mapped code", []string{"grids", "erqi", "FILE", "--level", "2", "--code-field", "WGBM"},
			collection(feature(`"WGBM":"C\u00001","parent":"S1"`, square)),
			[]string{"features[0]", `"WGBM"`, "NUL"}},
		{"NUL in a free property", []string{"grids", "erqi", "FILE", "--level", "2"},
			collection(feature(`"code":"C1","parent":"S1","note":{"deep":["x\u0000"]}`, square)),
			[]string{"features[0]", `"note"`, "NUL"}},
		{"units: NUL in a name", []string{"units", "erqi", "FILE"},
			collection(feature(`"persons":12,"name":"楼\u0000"`, `{"type":"Point","coordinates":[113.6,34.7]}`)),
			[]string{"features[0]", `"name"`, "NUL"}},
		{"facilities: NUL in a type", []string{"facilities", "erqi", "FILE"},
			collection(feature(`"type":"cli\u0000nic"`, `{"type":"Point","coordinates":[113.6,34.7]}`)),
			[]string{"features[0]", `"type"`, "NUL"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"import"}, tt.args...)
			for i, a := range args {
				if a == "FILE" {
					args[i] = writeFile(t, "bad.geojson", tt.file)
				}
			}
			r := gridplan(t, dsn, args...)
			if r.code != exitBadInput {
				t.Fatalf("exit %d, want 2; stderr: %s", r.code, r.stderr)
			}
			msg := strings.TrimSpace(r.stderr)
			if strings.Count(msg, "\n") != 0 {
				t.Errorf("want one line, got:\n%s", msg)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q does not name %s", msg, w)
				}
			}
			if after := rowCounts(t, dsn); after != before {
				t.Fatalf("refused import changed the database: %s -> %s", before, after)
			}
		})
	}
}

func TestImportWarnsOnInvalidGeometry(t *testing.T) {
	dsn := srv.NewDSN(t)
	gridplan(t, dsn, "plan", "create", "dirty")
	bowtie := `{"type":"Polygon","coordinates":[[[113.60,34.70],[113.61,34.71],[113.61,34.70],[113.60,34.71],[113.60,34.70]]]}`
	r := gridplan(t, dsn, "import", "grids", "dirty", writeFile(t, "dirty.geojson", collection(feature(`"code":"B"`, bowtie))), "--level", "1")
	if r.code != 0 {
		t.Fatalf("a self-intersecting grid is stored for the audit to report: %+v", r)
	}
	if !strings.Contains(r.stderr, "features[0]") || !strings.Contains(r.stderr, "Self-intersection") {
		t.Fatalf("want a warning naming the feature and the reason, got %q", r.stderr)
	}
}

func TestExportImportRoundTrip(t *testing.T) {
	dsn := srv.NewDSN(t)
	gridplan(t, dsn, "plan", "create", "a")
	gridplan(t, dsn, "plan", "create", "b")
	children := collection(
		feature(`"code":"4101030010010001","name":"第1网格","level":2,"parent":"S1","kind":"special","category":"school","mode":"overlay","note":"x"`, square),
		feature(`"code":4101030010010002003,"name":"数字编码","level":2,"parent":"S2","floors":12`,
			`{"type":"MultiPolygon","coordinates":[[[[113.61,34.70],[113.60000000000001,34.70],[113.6,34.7033333333333],[113.61,34.70]]]]}`))
	for _, f := range []string{writeFile(t, "s.geojson", streets), writeFile(t, "c.geojson", children)} {
		if r := gridplan(t, dsn, "import", "grids", "a", f); r.code != 0 {
			t.Fatalf("import: %+v", r)
		}
	}
	first := gridplan(t, dsn, "export", "a")
	if first.code != 0 {
		t.Fatalf("export: %+v", first)
	}
	if !strings.Contains(first.stdout, `"code":"4101030010010002003"`) {
		t.Fatalf("a 19-digit numeric code must survive exactly: %s", first.stdout)
	}
	if r := gridplan(t, dsn, "import", "grids", "b", writeFile(t, "a.geojson", first.stdout)); r.code != 0 {
		t.Fatalf("re-import: %+v", r)
	}
	second := gridplan(t, dsn, "export", "b")
	// Feature ids differ between plans; everything else must be identical.
	if stripIDs(first.stdout) != stripIDs(second.stdout) {
		t.Fatalf("round trip changed the plan:\n%s\n%s", first.stdout, second.stdout)
	}
	level2 := gridplan(t, dsn, "export", "a", "--level", "2")
	if strings.Count(level2.stdout, `"type":"Feature"`) != 2 {
		t.Fatalf("--level 2 export: %s", level2.stdout)
	}
}

var featureID = regexp.MustCompile(`"id":\d+,?`)

func stripIDs(s string) string { return featureID.ReplaceAllString(s, "") }

// TestImportWarnsOfMisplacedGrids: a grid far outside the plan, or a
// whole-world polygon (a line of no area in EPSG:4547), is stored with a
// warning naming the feature, with or without a plan boundary.
func TestImportWarnsOfMisplacedGrids(t *testing.T) {
	dsn := srv.NewDSN(t)
	boundary := writeFile(t, "boundary.geojson", collection(feature(`"name":"district"`,
		`{"type":"Polygon","coordinates":[[[113.5,34.6],[113.7,34.6],[113.7,34.8],[113.5,34.8],[113.5,34.6]]]}`)))
	if r := gridplan(t, dsn, "plan", "create", "bounded", "--boundary", boundary); r.code != 0 {
		t.Fatalf("plan create: %+v", r)
	}
	if r := gridplan(t, dsn, "plan", "create", "open"); r.code != 0 {
		t.Fatalf("plan create: %+v", r)
	}
	at := func(code string, x, y float64) string {
		return feature(`"code":"`+code+`","level":1`, fmt.Sprintf(`{"type":"Polygon","coordinates":[[[%g,%g],[%g,%g],[%g,%g],[%g,%g],[%g,%g]]]}`,
			x, y, x+0.01, y, x+0.01, y+0.01, x, y+0.01, x, y))
	}
	world := feature(`"code":"W","level":1`, `{"type":"Polygon","coordinates":[[[-180,-90],[180,-90],[180,90],[-180,90],[-180,-90]]]}`)
	r := gridplan(t, dsn, "import", "grids", "bounded", writeFile(t, "b.geojson", collection(at("IN", 113.6, 34.7), at("FAR", -70, 40), world)))
	if r.code != 0 || !regexp.MustCompile(`features\[1\].*km outside the plan boundary`).MatchString(r.stderr) ||
		!regexp.MustCompile(`features\[2\].*no area in the plan's CRS EPSG:4547`).MatchString(r.stderr) || strings.Contains(r.stderr, "features[0]") {
		t.Errorf("with a boundary: %+v", r)
	}
	var near []string
	for i := range 10 {
		near = append(near, at(fmt.Sprintf("N%d", i), 113.6+0.01*float64(i), 34.7))
	}
	r = gridplan(t, dsn, "import", "grids", "open", writeFile(t, "o.geojson", collection(append(near, at("FAR", 113.6, -34.7))...)))
	if r.code != 0 || !regexp.MustCompile(`features\[10\].*km from the middle of the plan's grids`).MatchString(r.stderr) ||
		strings.Count(r.stderr, "warning") != 1 {
		t.Errorf("without a boundary: %+v", r)
	}
}
