package geojsonio

import (
	"strings"
	"testing"

	"github.com/gridplan/gridplan/internal/domain"
)

// gk is a square in EPSG:4547 metres (CGCS2000 / 3-degree GK CM 114E).
const gk = `{"type":"Polygon","coordinates":[[[463000,3842000],[463100,3842000],[463100,3842100],[463000,3842000]]]}`

func lookupCRS(epsg int) (CRS, error) {
	switch epsg {
	case 4547, 3857:
		return CRS{EPSG: epsg}, nil
	case 4490:
		return CRS{EPSG: epsg, Geographic: true}, nil
	}
	return CRS{}, domain.Errorf(domain.ErrInvalid, "EPSG:%d is unknown to PostGIS", epsg)
}

func crsOf(name string) string {
	return `"crs":{"type":"name","properties":{"name":"` + name + `"}}`
}

func TestSourceCRS(t *testing.T) {
	withCRS := func(crs, geom string) string {
		return `{"type":"FeatureCollection",` + crs + `,"features":[` + feature(`{"code":"a","level":1}`, geom) + `]}`
	}
	tests := []struct {
		name string
		src  Source
		in   string
		want int    // EPSG of the CRS read
		err  string // wanted error text
	}{
		{"no crs member", Source{LookupCRS: lookupCRS}, collection(okGrid("a")), 0, ""},
		{"OGC URN", Source{LookupCRS: lookupCRS}, withCRS(crsOf("urn:ogc:def:crs:EPSG::4547"), gk), 4547, ""},
		{"short form", Source{LookupCRS: lookupCRS}, withCRS(crsOf("EPSG:3857"), gk), 3857, ""},
		{"OGC URL", Source{LookupCRS: lookupCRS}, withCRS(crsOf("http://www.opengis.net/def/crs/EPSG/0/4547"), gk), 4547, ""},
		{"CRS84 is WGS84", Source{LookupCRS: lookupCRS}, withCRS(crsOf("urn:ogc:def:crs:OGC:1.3:CRS84"), square), 0, ""},
		{"geographic CRS keeps the range check", Source{LookupCRS: lookupCRS}, withCRS(crsOf("EPSG:4490"), gk), 0, "outside the longitude/latitude range"},
		{"the caller's CRS wins", Source{CRS: CRS{EPSG: 4547}}, withCRS(crsOf("EPSG:3857"), gk), 4547, ""},
		{"refused without a lookup", Source{}, withCRS(crsOf("EPSG:3857"), gk), 0, `names EPSG:3857; only WGS84`},
		{"unknown to the database", Source{LookupCRS: lookupCRS}, withCRS(crsOf("EPSG:99999"), gk), 0, `"crs" member: EPSG:99999 is unknown to PostGIS`},
		{"not an EPSG code", Source{LookupCRS: lookupCRS}, withCRS(crsOf("urn:x-local:grid"), gk), 0, "no EPSG code"},
		{"link form", Source{LookupCRS: lookupCRS}, withCRS(`"crs":{"type":"link","properties":{"href":"x.prj"}}`, gk), 0, "named form"},
		{"after the features", Source{LookupCRS: lookupCRS},
			`{"type":"FeatureCollection","features":[` + okGrid("a") + `],` + crsOf("EPSG:4547") + `}`, 0, "comes after"},
		{"projected numbers, no crs", Source{LookupCRS: lookupCRS}, collection(feature(`{"code":"a","level":1}`, gk)), 0, "--source-crs EPSG:N"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.src.File = "in.geojson"
			grids, crs, err := tt.src.Grids(strings.NewReader(tt.in), DefaultGridFields())
			if tt.err != "" {
				checkInvalid(t, err, "in.geojson", tt.err)
				return
			}
			if err != nil || len(grids) != 1 || crs.EPSG != tt.want {
				t.Fatalf("got %d grids in EPSG:%d, %v; want 1 in EPSG:%d", len(grids), crs.EPSG, err, tt.want)
			}
		})
	}
}

func TestSourceSequence(t *testing.T) {
	tests := []struct {
		name, in string
		n        int
		err      string
	}{
		{"newline-delimited", okGrid("a") + "\n" + okGrid("b") + "\n" + okGrid("c") + "\n", 3, ""},
		{"RFC 8142 record separators", "\x1e" + okGrid("a") + "\n\x1e" + okGrid("b") + "\n", 2, ""},
		{"a bad record names its index", okGrid("a") + "\n" + feature(`{"level":1}`, square), 0, `features[1]: field "code": missing`},
		{"not a feature", okGrid("a") + "\n" + `{"type":"Topology"}`, 0, `features[1]: not a GeoJSON Feature`},
		{"trailing garbage", okGrid("a") + "\n]", 0, "in.geojsonl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			grids, _, err := Source{File: "in.geojsonl"}.Grids(strings.NewReader(tt.in), DefaultGridFields())
			if tt.err != "" {
				checkInvalid(t, err, tt.err)
				return
			}
			if err != nil || len(grids) != tt.n {
				t.Fatalf("got %d grids, %v; want %d", len(grids), err, tt.n)
			}
		})
	}
}

func TestSourceProperties(t *testing.T) {
	tests := []struct {
		name  string
		src   Source
		props string
		want  map[string]any // free properties
		err   string
	}{
		{"nulls kept from GeoJSON", Source{}, `{"code":"a","level":1,"note":null}`, map[string]any{"note": nil}, ""},
		{"nulls dropped from tables", Source{Tabular: true}, `{"code":"a","level":1,"note":null,"kind":null}`, nil, ""},
		{"renamed", Source{Rename: map[string]string{"WGBM": "code", "deviation_": "deviation_pct", "floors_abo": "floors_above"}},
			`{"WGBM":"a","level":1,"deviation_":3.5,"floors_abo":7}`, map[string]any{"floors_above": int64(7)}, ""},
		{"nested object", Source{Nested: "properties"}, `{"code":"a","level":1,"properties":{"floors":7,"tags":["x"]}}`,
			map[string]any{"floors": int64(7), "tags": []any{"x"}}, ""},
		{"nested text", Source{Nested: "properties"}, `{"code":"a","level":1,"properties":"{\"floors\":7}"}`, map[string]any{"floors": int64(7)}, ""},
		{"nested, not an object", Source{Nested: "properties"}, `{"code":"a","level":1,"properties":"7"}`, nil, `field "properties": "7" is not a JSON object`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.src.File = "in.gpkg"
			grids, _, err := tt.src.Grids(strings.NewReader(collection(feature(tt.props, square))), DefaultGridFields())
			if tt.err != "" {
				checkInvalid(t, err, tt.err)
				return
			}
			if err != nil || len(grids) != 1 {
				t.Fatalf("got %v, %v", grids, err)
			}
			if got := grids[0].Properties; !sameProps(got, tt.want) || grids[0].Code != "a" {
				t.Errorf("grid %q free properties %#v; want %#v", grids[0].Code, got, tt.want)
			}
		})
	}
}

func sameProps(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || describeAny(v) != describeAny(w) {
			return false
		}
	}
	return true
}

func describeAny(v any) string {
	if l, ok := v.([]any); ok {
		var parts []string
		for _, x := range l {
			parts = append(parts, describe(x))
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	return describe(v)
}
