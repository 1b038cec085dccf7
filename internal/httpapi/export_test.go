package httpapi_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"sort"
	"strings"
	"testing"
)

// The export formats over HTTP: each streamed with its media type and a
// file name, problems as problem+json.
func TestExport(t *testing.T) {
	ts, _ := newServer(t)
	zipped := func(body []byte) []string {
		zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
		if err != nil {
			t.Fatalf("not a zip: %v", err)
		}
		var names []string
		for _, f := range zr.File {
			names = append(names, f.Name)
		}
		sort.Strings(names)
		return names
	}
	tests := []struct {
		query, contentType, fileName string
		check                        func(body []byte) bool
	}{
		{"format=kml&level=1", "application/vnd.google-earth.kml+xml", "erqi-level-1.kml", func(b []byte) bool {
			return bytes.Count(b, []byte("<Placemark>")) == 2 && bytes.Contains(b, []byte("<name>一街</name>"))
		}},
		{"", "application/geo+json", "erqi.geojson", func(b []byte) bool { return bytes.Count(b, []byte(`"type":"Feature"`)) == 3 }},
		{"format=csv&level=2", "text/csv; charset=utf-8", "erqi-level-2.csv", func(b []byte) bool {
			return strings.Count(strings.TrimSpace(string(b)), "\n") == 1 && bytes.Contains(b, []byte("一社区"))
		}},
		{"format=kmz&what=grids", "application/vnd.google-earth.kmz", "erqi-grids.kmz", func(b []byte) bool {
			return strings.Join(zipped(b), ",") == "doc.kml"
		}},
		{"format=shp&level=1", "application/zip", "erqi-level-1.shp.zip", func(b []byte) bool {
			return strings.Join(zipped(b), ",") == "erqi-level-1.cpg,erqi-level-1.dbf,erqi-level-1.prj,erqi-level-1.shp,erqi-level-1.shx"
		}},
		{"format=gpkg", "application/geopackage+sqlite3", "erqi.gpkg", func(b []byte) bool { return bytes.HasPrefix(b, []byte("SQLite format 3\x00")) }},
	}
	for _, tt := range tests {
		resp, body := get(t, ts.URL+"/api/plans/erqi/export?"+tt.query)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != tt.contentType ||
			!strings.Contains(resp.Header.Get("Content-Disposition"), `filename=`+tt.fileName) || !tt.check(body) {
			t.Errorf("?%s: %d %q %q\n%.300s", tt.query, resp.StatusCode, resp.Header.Get("Content-Type"),
				resp.Header.Get("Content-Disposition"), body)
		}
	}
	for _, c := range []struct {
		path   string
		status int
		detail string
	}{
		{"/api/plans/erqi/export?format=xls", 400, `format "xls"`},
		{"/api/plans/erqi/export?format=kml&level=x", 400, `level "x"`},
		{"/api/plans/erqi/export?format=kml&crs=EPSG:4547", 400, "WGS84 longitude/latitude by definition"},
		{"/api/plans/erqi/export?format=shp&crs=EPSG:99999", 400, "EPSG:99999 is unknown to PostGIS"},
		{"/api/plans/nowhere/export?format=kml", 404, `"nowhere"`},
	} {
		resp, body := get(t, ts.URL+c.path)
		var p struct{ Detail string }
		json.Unmarshal(body, &p)
		if resp.StatusCode != c.status || resp.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(p.Detail, c.detail) {
			t.Errorf("%s: %d %q %s", c.path, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	}
}
