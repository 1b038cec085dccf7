package geojsonio_test

import (
	"strings"
	"testing"

	"github.com/gridplan/gridplan/internal/geojsonio"
)

func TestReadBoundary(t *testing.T) {
	tests := []struct {
		name, in string
		polygons int
		err      string
	}{
		{"feature collection", `{"type":"FeatureCollection","features":[
			{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[113.5,34.6],[113.7,34.6],[113.7,34.8],[113.5,34.6]]]}},
			{"type":"Feature","properties":{},"geometry":{"type":"MultiPolygon","coordinates":[[[[113.8,34.6],[113.9,34.6],[113.9,34.8],[113.8,34.6]]]]}}]}`, 2, ""},
		{"projected coordinates", `{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[468000,3846000],[469000,3846000],[469000,3847000],[468000,3846000]]]}}`, 0, `features[0]: field "geometry"`},
		{"a point", `{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[113.6,34.7]}}`, 0, "Point"},
		{"empty", `{"type":"FeatureCollection","features":[]}`, 0, "no polygon"},
		{"not json", `outline`, 0, "outline.geojson"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mp, err := geojsonio.ReadBoundary(strings.NewReader(tt.in), "outline.geojson")
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("got %v, want an error naming %q", err, tt.err)
				}
				return
			}
			if err != nil || len(mp) != tt.polygons {
				t.Fatalf("got %d polygons, %v", len(mp), err)
			}
		})
	}
}
