package geojsonio

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/paulmach/orb"
)

func TestReadGridsFields(t *testing.T) {
	in := collection(
		feature(`{"CODE":4101030010010007003,"NAME":"Jianzhong","LVL":"3","UP":410103001001,"KIND":"special","CAT":"school","MODE":"carve_out","area":12.5,"rank":7,"big":123456789012345678901234,"tags":{"n":1.0}}`, square),
		feature(`{"CODE":" 4101030010010007004 ","LVL":3.0,"KIND":"base","persons":5}`, `{"type":"MultiPolygon","coordinates":[[[[113.6,34.7,98.5],[113.61,34.7,99],[113.61,34.71,99],[113.6,34.7,98.5]]]]}`),
	)
	f := GridFields{Code: "CODE", Name: "NAME", Level: "LVL", Parent: "UP", Kind: "KIND", Category: "CAT", Mode: "MODE"}
	got, err := ReadGrids(strings.NewReader(in), "in.geojson", f)
	if err != nil {
		t.Fatal(err)
	}
	ring := orb.Ring{{113.6, 34.7}, {113.61, 34.7}, {113.61, 34.71}, {113.6, 34.7}}
	want := []domain.Grid{
		{Code: "4101030010010007003", Name: "Jianzhong", Level: 3, Parent: "410103001001", Kind: domain.KindSpecial,
			Category: "school", Mode: domain.ModeCarveOut, Geometry: orb.MultiPolygon{{ring}},
			Properties: map[string]any{"area": 12.5, "rank": int64(7), "big": json.Number("123456789012345678901234"),
				"tags": map[string]any{"n": int64(1)}}},
		{Code: "4101030010010007004", Level: 3, Kind: domain.KindBase, Geometry: orb.MultiPolygon{{ring}}}, // computed "persons" dropped
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %#v\nwant %#v", got, want)
	}
}

func TestReadGridsDefaults(t *testing.T) {
	in := collection(
		feature(`{"code":"a","level":1,"persons":100,"households":40,"note":"x"}`, square),
		feature(`{"code":"b","level":2,"parent":"a","kind":"special"}`, square),
	)
	got, err := ReadGrids(strings.NewReader(in), "in.geojson", DefaultGridFields())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("got %d grids", len(got))
	}
	if g := got[0]; g.Kind != domain.KindBase || g.Mode != "" || !reflect.DeepEqual(g.Properties, map[string]any{"note": "x"}) {
		t.Errorf("grid a = %+v; want kind base, no mode, computed persons/households dropped", g)
	}
	if g := got[1]; g.Kind != domain.KindSpecial || g.Mode != domain.ModeOverlay || g.Parent != "a" || g.Properties != nil {
		t.Errorf("grid b = %+v; want a special overlay under a without free properties", g)
	}
}

func TestReadGridsFixedLevel(t *testing.T) {
	in := collection(okGrid("a"), feature(`{"code":"b"}`, square), feature(`{"code":"c","level":null}`, square))
	f := DefaultGridFields()
	f.FixedLevel = 4
	got, err := ReadGrids(strings.NewReader(in), "in.geojson", f)
	if err != nil {
		t.Fatal(err)
	}
	var levels []int
	for _, g := range got {
		levels = append(levels, g.Level)
	}
	if want := []int{1, 4, 4}; !reflect.DeepEqual(levels, want) {
		t.Errorf("levels = %v; want %v (the file's level wins, --level fills in)", levels, want)
	}
}

func TestReadSingleFeatureAnyOrder(t *testing.T) {
	tests := map[string]string{
		"type last":       `{"features":[` + okGrid("a") + `,` + okGrid("b") + `],"bbox":[1,2,3,4],"type":"FeatureCollection"}`,
		"foreign members": `{"name":"x","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},"type":"FeatureCollection","features":[` + okGrid("a") + `,` + okGrid("b") + `]}`,
		"feature members": collection(`{"geometry":`+square+`,"id":7,"properties":{"code":"a","level":1},"type":"Feature"}`, okGrid("b")),
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := ReadGrids(strings.NewReader(in), "in.geojson", DefaultGridFields())
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 || got[0].Code != "a" || got[1].Code != "b" {
				t.Errorf("got %+v; want grids a and b", got)
			}
		})
	}
	for name, in := range map[string]string{
		"feature":            okGrid("a"),
		"feature type last":  `{"properties":{"code":"a","level":1},"geometry":` + square + `,"type":"Feature"}`,
		"feature with extra": `{"type":"Feature","features":[1],"properties":{"code":"a","level":1},"geometry":` + square + `}`,
	} {
		t.Run(name, func(t *testing.T) {
			got, err := ReadGrids(strings.NewReader(in), "in.geojson", DefaultGridFields())
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].Code != "a" {
				t.Errorf("got %+v; want grid a", got)
			}
		})
	}
}

func TestReadByteOrderMark(t *testing.T) {
	got, err := ReadGrids(strings.NewReader("\uFEFF"+collection(okGrid("a"))), "in.geojson", DefaultGridFields())
	if err != nil || len(got) != 1 {
		t.Fatalf("got %v, %v; want grid a", got, err)
	}
	in := "\uFEFF" + collection(okGrid("a"), `{"type":"Feature",!}`)
	_, err = ReadGrids(strings.NewReader(in), "in.geojson", DefaultGridFields())
	checkInvalid(t, err, fmt.Sprintf("features[1]: not valid JSON at byte %d:", strings.Index(in, "!")))
}

func TestReadEmptyCollection(t *testing.T) {
	got, err := ReadGrids(strings.NewReader(collection()), "in.geojson", DefaultGridFields())
	if err != nil || len(got) != 0 {
		t.Errorf("got %v, %v; want no grids and no error", got, err)
	}
}

func TestReadUnits(t *testing.T) {
	in := collection(
		feature(`{"persons":"12","households":4,"name":"Block 1","floors":6}`, point),
		feature(`{"persons":12.0,"households":"","name":7}`, square),
		feature(`{"persons":0,"households":null}`, `{"type":"MultiPolygon","coordinates":[[[[113.6,34.7],[113.61,34.7],[113.61,34.71],[113.6,34.7]]]]}`),
	)
	got, err := ReadUnits(strings.NewReader(in), "units.geojson", DefaultUnitFields())
	if err != nil {
		t.Fatal(err)
	}
	sq := orb.Polygon{{{113.6, 34.7}, {113.61, 34.7}, {113.61, 34.71}, {113.6, 34.7}}}
	want := []domain.Unit{
		{Name: "Block 1", Persons: 12, Households: 4, Properties: map[string]any{"floors": int64(6)}, Geometry: orb.Point{113.6, 34.7}},
		{Name: "7", Persons: 12, Geometry: sq},
		{Geometry: orb.MultiPolygon{sq}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %#v\nwant %#v", got, want)
	}

	got, err = ReadUnits(strings.NewReader(collection(feature(`{"POP":3,"households":-1}`, point))), "units.geojson", UnitFields{Persons: "POP"})
	if err != nil || got[0].Persons != 3 || got[0].Households != 0 || got[0].Properties["households"] != int64(-1) {
		t.Errorf("custom persons field, no households field: got %+v, %v", got, err)
	}
}

func TestReadFacilities(t *testing.T) {
	in := collection(
		feature(`{"name":"No. 1 Middle School"}`, point),
		feature(`{"amenity":"clinic","name":"Clinic","beds":math}`, point),
	)
	in = strings.Replace(in, "math", "20", 1)
	got, err := ReadFacilities(strings.NewReader(in), "fac.geojson", FacilityFields{Type: "amenity", Name: "name", FixedType: "school"})
	if err != nil {
		t.Fatal(err)
	}
	want := []domain.Facility{
		{Type: "school", Name: "No. 1 Middle School", Geometry: orb.Point{113.6, 34.7}},
		{Type: "clinic", Name: "Clinic", Properties: map[string]any{"beds": int64(20)}, Geometry: orb.Point{113.6, 34.7}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %#v\nwant %#v", got, want)
	}
}

func TestWholeNumber(t *testing.T) {
	tests := []struct {
		in      any
		want    int64
		problem bool
	}{
		{json.Number("12"), 12, false},
		{"12", 12, false},
		{" 12 ", 12, false},
		{json.Number("12.0"), 12, false},
		{json.Number("1e2"), 100, false},
		{json.Number("-3"), -3, false},
		{json.Number("12.5"), 0, true},
		{"NaN", 0, true},
		{"Inf", 0, true},
		{json.Number("1e300"), 0, true},
		{"", 0, true},
		{true, 0, true},
	}
	for _, tt := range tests {
		got, problem := wholeNumber(tt.in)
		if got != tt.want || (problem != "") != tt.problem {
			t.Errorf("wholeNumber(%#v) = %d, %q; want %d, problem %v", tt.in, got, problem, tt.want, tt.problem)
		}
	}
}

func TestFreeValue(t *testing.T) {
	tests := []struct {
		in, want any
	}{
		{json.Number("7"), int64(7)},
		{json.Number("-7"), int64(-7)},
		{json.Number("7.0"), int64(7)},
		{json.Number("7.25"), 7.25},
		{json.Number("1e300"), 1e300},
		{json.Number("9223372036854775808"), json.Number("9223372036854775808")},
		{json.Number("1e999"), json.Number("1e999")},
		{"x", "x"},
		{[]any{json.Number("1")}, []any{int64(1)}},
	}
	for _, tt := range tests {
		if got := freeValue(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("freeValue(%#v) = %#v; want %#v", tt.in, got, tt.want)
		}
	}
	if got := freeValue(json.Number("0.1")).(float64); got != 0.1 || math.Signbit(got) {
		t.Errorf("0.1 became %v", got)
	}
}
