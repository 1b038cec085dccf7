package geojsonio

import (
	"fmt"
	"strings"
	"testing"
)

// readGrids, readUnits and readFacilities adapt the readers to one shape.
func readGrids(f GridFields) func(string) error {
	return func(s string) error { _, err := ReadGrids(strings.NewReader(s), "in.geojson", f); return err }
}

func readUnits(f UnitFields) func(string) error {
	return func(s string) error { _, err := ReadUnits(strings.NewReader(s), "in.geojson", f); return err }
}

func readFacilities(f FacilityFields) func(string) error {
	return func(s string) error { _, err := ReadFacilities(strings.NewReader(s), "in.geojson", f); return err }
}

func TestReadFileErrors(t *testing.T) {
	bad := `{"type":"FeatureCollection","features":[` + okGrid("a") + `,{"type":"Feature",!}]}`
	truncated := `{"type":"FeatureCollection","features":[` + okGrid("a") + `,{"type":"Feature","properties":{"code":"b"`
	badKey := `{"type":"FeatureCollection", !}`
	tests := []struct {
		name, in string
		want     []string
	}{
		{"not JSON", "hello", []string{"in.geojson: not valid JSON at byte 0"}},
		{"bad JSON in a feature", bad, []string{"in.geojson: features[1]: not valid JSON at byte " + fmt.Sprint(strings.Index(bad, "!"))}},
		{"bad JSON at the top", badKey, []string{"in.geojson: not valid JSON at byte " + fmt.Sprint(strings.Index(badKey, "!"))}},
		{"truncated in a feature", truncated, []string{"in.geojson: features[1]: truncated JSON: the file ends at byte " + fmt.Sprint(len(truncated))}},
		{"truncated after a feature", `{"type":"FeatureCollection","features":[` + okGrid("a") + `,`, []string{"in.geojson: features[1]: truncated JSON"}},
		{"truncated at the top", `{"type":"FeatureCo`, []string{"in.geojson: truncated JSON"}},
		{"empty file", "", []string{"in.geojson: empty file"}},
		{"array", `[1,2]`, []string{"in.geojson: not a GeoJSON FeatureCollection or Feature"}},
		{"a geometry", square, []string{"in.geojson: not a GeoJSON FeatureCollection or Feature", `"type" is "Polygon"`}},
		{"no type", `{"features":[]}`, []string{"in.geojson: ", `no "type" member`}},
		{"no features", `{"type":"FeatureCollection"}`, []string{"in.geojson: ", `no "features" array`}},
		{"features not an array", `{"type":"FeatureCollection","features":{}}`, []string{"in.geojson: ", `"features" is an object, not an array`}},
		{"type after features is wrong", `{"features":[],"type":"GeometryCollection"}`, []string{"in.geojson: ", `"type" is "GeometryCollection"`}},
		{"feature not an object", collection(okGrid("a"), `1`), []string{"in.geojson: features[1]: not a GeoJSON Feature"}},
		{"feature of another type", collection(`{"type":"Polygon"}`), []string{"in.geojson: features[0]: not a GeoJSON Feature", `"Polygon"`}},
		{"properties not an object", collection(feature(`"x"`, square)), []string{`in.geojson: features[0]: field "properties": a string, not an object`}},
		{"single feature, properties not an object", feature(`[1]`, square), []string{`in.geojson: features[0]: field "properties"`}},
		{"data after the object", collection() + `{}`, []string{"in.geojson: unexpected data at byte"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkInvalid(t, readGrids(DefaultGridFields())(tt.in), tt.want...)
		})
	}
}

func TestReadGeometryErrors(t *testing.T) {
	poly := func(ring string) string { return `{"type":"Polygon","coordinates":[` + ring + `]}` }
	grids, units, facilities := readGrids(DefaultGridFields()), readUnits(DefaultUnitFields()), readFacilities(FacilityFields{FixedType: "school"})
	gridWith := func(geom string) string { return collection(okGrid("a"), feature(`{"code":"b","level":1}`, geom)) }
	tests := []struct {
		name string
		read func(string) error
		in   string
		want string
	}{
		{"null geometry", grids, gridWith("null"), `in.geojson: features[1]: field "geometry": missing`},
		{"no geometry", grids, collection(`{"type":"Feature","properties":{"code":"a","level":1}}`), `features[0]: field "geometry": missing`},
		{"grid point", grids, gridWith(point), `features[1]: field "geometry": Point; this import needs Polygon or MultiPolygon`},
		{"unit line", units, collection(feature(`{"persons":1}`, `{"type":"LineString","coordinates":[[113,34],[114,35]]}`)), `features[0]: field "geometry": LineString; this import needs Point or Polygon or MultiPolygon`},
		{"facility polygon", facilities, collection(feature(`{}`, square)), `features[0]: field "geometry": Polygon; this import needs Point`},
		{"unknown type", grids, gridWith(`{"type":"Circle","coordinates":[1,2]}`), `field "geometry": not a GeoJSON geometry: "type" is "Circle"`},
		{"not an object", grids, gridWith(`"POLYGON((1 2))"`), `field "geometry": not a GeoJSON geometry object`},
		{"bad nesting", grids, gridWith(`{"type":"Polygon","coordinates":[113.6,34.7]}`), `field "geometry": the coordinates are not nested as a Polygon's are`},
		{"short ring", grids, gridWith(poly(`[[113.6,34.7],[113.61,34.7],[113.6,34.7]]`)), `field "geometry": ring 0 has 3 positions; a closed ring needs at least 4`},
		{"short hole", grids, gridWith(poly(`[[113.6,34.7],[113.61,34.7],[113.61,34.71],[113.6,34.7]],[]`)), `field "geometry": ring 1 has 0 positions`},
		{"no rings", grids, gridWith(poly(``)), `field "geometry": the polygon has no rings`},
		{"empty multipolygon", grids, gridWith(`{"type":"MultiPolygon","coordinates":[]}`), `field "geometry": the MultiPolygon has no polygons`},
		{"short ring in multipolygon", grids, gridWith(`{"type":"MultiPolygon","coordinates":[[[[113.6,34.7],[113.61,34.7],[113.61,34.71],[113.6,34.7]]],[[[1,2],[1,2]]]]}`), `field "geometry": polygon 1, ring 0 has 2 positions`},
		{"unclosed ring", grids, gridWith(poly(`[[113.6,34.7],[113.61,34.7],[113.61,34.71],[113.6,34.71]]`)), `field "geometry": ring 0 is not closed: its first position [113.6, 34.7] differs from its last [113.6, 34.71]`},
		{"non-finite", grids, gridWith(poly(`[[113.6,34.7],[1e999,34.7],[113.61,34.71],[113.6,34.7]]`)), `field "geometry": coordinate 1e999 is not a finite number`},
		{"non-finite point", facilities, collection(feature(`{}`, `{"type":"Point","coordinates":[-1e400,3]}`)), `features[0]: field "geometry": coordinate -1e400 is not a finite number`},
		{"projected", grids, gridWith(poly(`[[500000,3800000],[500100,3800000],[500100,3800100],[500000,3800000]]`)),
			`field "geometry": ring 0, position 0 [500000, 3.8e+06] is outside the longitude/latitude range; the coordinates look projected, but the file names no CRS`},
		{"projected point", units, collection(feature(`{"persons":1}`, `{"type":"Point","coordinates":[38500000,3800000]}`)), `field "geometry": position [3.85e+07, 3.8e+06] is outside the longitude/latitude range; the coordinates look projected`},
		{"swapped", facilities, collection(feature(`{}`, `{"type":"Point","coordinates":[34.7,113.6]}`)), `field "geometry": position [34.7, 113.6] is outside the longitude/latitude range; are longitude and latitude swapped?`},
		{"short position", grids, gridWith(poly(`[[113.6,34.7],[113.61],[113.61,34.71],[113.6,34.7]]`)), `field "geometry": a position has only one number`},
		{"empty point", facilities, collection(feature(`{}`, `{"type":"Point","coordinates":[]}`)), `field "geometry": a position is empty`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkInvalid(t, tt.read(tt.in), "in.geojson: ", tt.want)
		})
	}
}

func TestReadGridFieldErrors(t *testing.T) {
	def := DefaultGridFields()
	custom := GridFields{Code: "CODE", Level: "LVL", Kind: "K", Mode: "M", Parent: "UP", Name: "N", Category: "C"}
	at2 := func(props string) string {
		return collection(okGrid("a"), okGrid("b"), feature(props, square))
	}
	tests := []struct {
		name   string
		fields GridFields
		in     string
		want   string
	}{
		{"code missing", def, at2(`{"level":1}`), `in.geojson: features[2]: field "code": missing`},
		{"code null", def, at2(`{"code":null,"level":1}`), `features[2]: field "code": missing`},
		{"code empty", def, at2(`{"code":"  ","level":1}`), `features[2]: field "code": empty`},
		{"code not text", def, at2(`{"code":true,"level":1}`), `features[2]: field "code": true is not a string or number`},
		{"custom code missing", custom, collection(feature(`{"CODE":"a","LVL":1}`, square), feature(`{"code":"x","LVL":1}`, square)), `features[1]: field "CODE": missing`},
		{"duplicate code", def, at2(`{"code":"a","level":1}`), `features[2]: field "code": duplicate code "a": features[0] has it too`},
		{"duplicate numeric code", custom, collection(feature(`{"CODE":4101030010010007003,"LVL":1}`, square), feature(`{"CODE":"4101030010010007003","LVL":1}`, square)),
			`features[1]: field "CODE": duplicate code "4101030010010007003": features[0] has it too`},
		{"level missing", def, at2(`{"code":"c"}`), `features[2]: field "level": missing; use --level N`},
		{"level field unmapped", GridFields{Code: "code"}, at2(`{"code":"c"}`), `field "level": missing; use --level N`},
		{"custom level missing", custom, collection(feature(`{"CODE":"c"}`, square)), `features[0]: field "LVL": missing; use --level N`},
		{"level zero", def, at2(`{"code":"c","level":0}`), `field "level": 0 is not a positive integer`},
		{"level negative", def, at2(`{"code":"c","level":"-2"}`), `field "level": "-2" is not a positive integer`},
		{"level fraction", def, at2(`{"code":"c","level":2.5}`), `field "level": 2.5 is not a whole number`},
		{"level text", def, at2(`{"code":"c","level":"three"}`), `field "level": "three" is not a number`},
		{"level bool", def, at2(`{"code":"c","level":true}`), `field "level": true is not a number`},
		{"kind", def, at2(`{"code":"c","level":1,"kind":"other"}`), `features[2]: field "kind": "other" is not base or special`},
		{"custom kind", custom, collection(feature(`{"CODE":"c","LVL":1,"K":"x"}`, square)), `features[0]: field "K": "x" is not base or special`},
		{"mode", def, at2(`{"code":"c","level":1,"kind":"special","mode":"under"}`), `field "mode": "under" is not overlay or carve_out`},
		{"mode on base", def, at2(`{"code":"c","level":1,"mode":"overlay"}`), `field "mode": "overlay" is given for a base grid`},
		{"custom mode on base", custom, collection(feature(`{"CODE":"c","LVL":1,"K":"base","M":"carve_out"}`, square)), `features[0]: field "M": "carve_out" is given for a base grid`},
		{"own parent", def, at2(`{"code":"c","level":2,"parent":"c"}`), `field "parent": grid "c" names itself as its parent`},
		{"parent object", custom, collection(feature(`{"CODE":"c","LVL":2,"UP":{}}`, square)), `field "UP": an object is not a string or number`},
		{"name array", def, at2(`{"code":"c","level":1,"name":[]}`), `field "name": an array is not a string or number`},
		{"no code field", GridFields{Level: "level"}, at2(`{}`), `in.geojson: no code field given`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkInvalid(t, readGrids(tt.fields)(tt.in), tt.want)
		})
	}
}

func TestReadUnitAndFacilityFieldErrors(t *testing.T) {
	units, pop := readUnits(DefaultUnitFields()), readUnits(UnitFields{Persons: "POP", Households: "HH"})
	at1 := func(props string) string {
		return collection(feature(`{"persons":1,"POP":1}`, point), feature(props, point))
	}
	tests := []struct {
		name string
		read func(string) error
		in   string
		want string
	}{
		{"persons missing", units, at1(`{}`), `in.geojson: features[1]: field "persons": missing`},
		{"persons blank", units, at1(`{"persons":" "}`), `features[1]: field "persons": missing`},
		{"persons negative", units, at1(`{"persons":-1}`), `features[1]: field "persons": -1 is negative`},
		{"persons fraction", units, at1(`{"persons":12.5}`), `features[1]: field "persons": 12.5 is not a whole number`},
		{"persons fraction text", units, at1(`{"persons":"12.5"}`), `field "persons": "12.5" is not a whole number`},
		{"persons text", units, at1(`{"persons":"many"}`), `field "persons": "many" is not a number`},
		{"persons bool", units, at1(`{"persons":false}`), `field "persons": false is not a number`},
		{"custom persons missing", pop, at1(`{"persons":3}`), `features[1]: field "POP": missing`},
		{"households negative", units, at1(`{"persons":3,"households":-2}`), `field "households": -2 is negative`},
		{"custom households fraction", pop, at1(`{"POP":3,"HH":1.5}`), `features[1]: field "HH": 1.5 is not a whole number`},
		{"type missing", readFacilities(DefaultFacilityFields()), collection(feature(`{"name":"x"}`, point)), `in.geojson: features[0]: field "type": missing; use --type T`},
		{"custom type missing", readFacilities(FacilityFields{Type: "KIND"}), collection(feature(`{"type":"school"}`, point)), `features[0]: field "KIND": missing; use --type T`},
		{"type not text", readFacilities(DefaultFacilityFields()), collection(feature(`{"type":{}}`, point)), `features[0]: field "type": an object is not a string or number`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkInvalid(t, tt.read(tt.in), tt.want)
		})
	}
}
