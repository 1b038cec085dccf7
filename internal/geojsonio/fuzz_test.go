package geojsonio_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/geojsonio"
)

// FuzzReadGrids feeds the GeoJSON reader arbitrary bytes: it never panics,
// every refusal is bad input named by file (and feature) in the reader's
// own words, and every grid it accepts has a code and a polygonal shape.
func FuzzReadGrids(f *testing.F) {
	for _, seed := range []string{
		`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"S1","level":1},"geometry":{"type":"Polygon","coordinates":[[[113.6,34.7],[113.61,34.7],[113.61,34.71],[113.6,34.7]]]}}]}`,
		`{"type":"Feature","properties":{"code":4101030010010002003,"level":"2","parent":"S1","kind":"special","mode":"overlay"},"geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]}}`,
		"\x1e{\"type\":\"Feature\",\"properties\":{\"code\":\"A\",\"level\":1},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}}\n",
		`{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:4547"}},"features":[]}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"a\u0000b","level":1},"geometry":null}]}`,
		`{"type":"FeatureCollection","features":[`, `[]`, `{"type":"Topology"}`, ``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		grids, err := geojsonio.ReadGrids(bytes.NewReader(data), "fuzz.geojson", geojsonio.DefaultGridFields())
		if err != nil {
			msg := err.Error()
			if domain.ErrorCode(err) != domain.ErrInvalid || !strings.Contains(msg, "fuzz.geojson") ||
				strings.Contains(msg, "Go value") || strings.Contains(msg, "struct {") {
				t.Fatalf("refusal %q (code %s)", msg, domain.ErrorCode(err))
			}
			return
		}
		for i, g := range grids {
			if g.Code == "" || strings.ContainsRune(g.Code, 0) || len(g.Geometry) == 0 {
				t.Fatalf("grid %d accepted: %+v", i, g)
			}
		}
	})
}
