package geojsonio

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// awkward are coordinates whose shortest decimal text needs all 17 digits,
// or whose neighbours differ only in the last bit.
var awkward = []float64{113.60000000000001, 0.1 + 0.2, 34.123456789012345, math.Nextafter(113.6, 200),
	math.Nextafter(34.7, 0), 5e-324, math.Copysign(0, -1), -179.99999999999997, 89.99999999999999}

func awkwardRing() orb.Ring {
	var r orb.Ring
	for i := 0; i+1 < len(awkward); i++ {
		r = append(r, orb.Point{awkward[i], awkward[i+1] / 2})
	}
	return append(r, r[0])
}

func TestGridRoundTrip(t *testing.T) {
	grids := []domain.Grid{
		{ID: 1, Code: "4101030010010007003", Name: "建中街 1 号网格", Level: 4, Parent: "410103001001", Kind: domain.KindBase,
			Properties: map[string]any{"area": 0.25, "rank": int64(3), "note": `<a & "b">`, "big": json.Number("123456789012345678901234")},
			Geometry:   orb.MultiPolygon{{awkwardRing()}, {{{113.6, 34.7}, {113.7, 34.7}, {113.7, 34.8}, {113.6, 34.7}}}}},
		{ID: 2, Code: "S1", Level: 1, Kind: domain.KindSpecial, Category: "business_district", Mode: domain.ModeCarveOut,
			Geometry: orb.MultiPolygon{{{{113.6, 34.7}, {113.7, 34.7}, {113.7, 34.8}, {113.6, 34.7}}, awkwardRing()}}},
	}
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for _, g := range grids {
		f := GridFeature(g)
		f.Properties["persons"] = 10 // computed figures an export adds
		f.Properties["households"] = 4
		if err := w.Write(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := ReadGrids(&buf, "out.geojson", DefaultGridFields())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(grids) {
		t.Fatalf("read %d grids; want %d", len(got), len(grids))
	}
	for i := range grids {
		want := grids[i]
		want.ID = 0 // ids are the database's; imports do not read them
		if !orb.Equal(got[i].Geometry, want.Geometry) {
			t.Errorf("grid %d geometry changed", i)
		}
		if !sameBits(got[i].Geometry, want.Geometry) {
			t.Errorf("grid %d coordinates are not bit for bit equal", i)
		}
		if !reflect.DeepEqual(got[i], want) {
			t.Errorf("grid %d:\n got  %#v\n want %#v", i, got[i], want)
		}
	}
}

// sameBits compares coordinates by their bits (so -0 differs from 0).
func sameBits(a, b orb.MultiPolygon) bool {
	var x, y []uint64
	for _, mp := range []orb.MultiPolygon{a, b} {
		var bits []uint64
		for _, p := range mp {
			for _, r := range p {
				for _, pt := range r {
					bits = append(bits, math.Float64bits(pt[0]), math.Float64bits(pt[1]))
				}
			}
		}
		x, y = y, bits
	}
	return reflect.DeepEqual(x, y)
}

func TestUnitAndFacilityRoundTrip(t *testing.T) {
	units := []domain.Unit{
		{ID: 9, Name: "Block 3", Persons: 120, Households: 45, Geometry: orb.Point{awkward[0], awkward[2]}, Properties: map[string]any{"floors": int64(6)}},
		{ID: 10, Persons: 7, Geometry: orb.Polygon{awkwardRing()}},
	}
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for _, u := range units {
		if err := w.Write(UnitFeature(u)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	gotUnits, err := ReadUnits(&buf, "units.geojson", DefaultUnitFields())
	if err != nil {
		t.Fatal(err)
	}
	for i := range units {
		units[i].ID = 0
	}
	if !reflect.DeepEqual(gotUnits, units) {
		t.Errorf("units:\n got  %#v\n want %#v", gotUnits, units)
	}

	facilities := []domain.Facility{{ID: 3, Type: "school", Name: "No. 2", Geometry: orb.Point{awkward[3], awkward[4]}}}
	buf.Reset()
	w = NewWriter(&buf)
	if err := w.Write(FacilityFeature(facilities[0])); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	gotFacilities, err := ReadFacilities(&buf, "fac.geojson", DefaultFacilityFields())
	facilities[0].ID = 0
	if err != nil || !reflect.DeepEqual(gotFacilities, facilities) {
		t.Errorf("facilities: got %#v, %v; want %#v", gotFacilities, err, facilities)
	}
}

func TestGridFeature(t *testing.T) {
	free := map[string]any{"code": "clash", "zone": "A"}
	g := domain.Grid{Code: "a", Level: 1, Kind: domain.KindBase, Properties: free,
		Geometry: orb.MultiPolygon{{{{113.6, 34.7}, {113.7, 34.7}, {113.7, 34.8}, {113.6, 34.7}}}}}
	var buf bytes.Buffer
	w := NewWriter(&buf)
	if err := w.Write(GridFeature(g)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	want := `{"type":"FeatureCollection","features":[
{"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[[[[113.6,34.7],[113.7,34.7],[113.7,34.8],[113.6,34.7]]]]},` +
		`"properties":{"code":"a","name":"","level":1,"parent":null,"kind":"base","category":"","mode":null,"zone":"A"}}
]}
`
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
	if free["code"] != "clash" || len(free) != 2 {
		t.Errorf("GridFeature changed the grid's properties: %v", free)
	}
}

func TestWriterEmptyAndMembers(t *testing.T) {
	var buf bytes.Buffer
	if err := NewWriter(&buf).Close(); err != nil {
		t.Fatal(err)
	}
	if got, want := buf.String(), `{"type":"FeatureCollection","features":[]}`+"\n"; got != want {
		t.Errorf("empty collection = %q; want %q", got, want)
	}

	buf.Reset()
	w := NewWriter(&buf)
	if err := w.Member("type", 1); err == nil {
		t.Error("Member(type) accepted")
	}
	w.Member("timeStamp", "2024-01-01T00:00:00Z")
	f := geojson.NewFeature(orb.Point{1, 2})
	f.ID = "x"
	f.ExtraMembers = geojson.Properties{"links": []string{"a"}, "id": "ignored"}
	if err := w.Write(f); err != nil {
		t.Fatal(err)
	}
	w.Member("numberReturned", w.Count())
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	want := `{"type":"FeatureCollection","timeStamp":"2024-01-01T00:00:00Z","features":[
{"type":"Feature","id":"x","geometry":{"type":"Point","coordinates":[1,2]},"properties":{},"links":["a"]}
],"numberReturned":1}
`
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
	if !json.Valid(buf.Bytes()) {
		t.Error("output is not valid JSON")
	}
	if err := w.Write(f); err == nil {
		t.Error("Write after Close accepted")
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriterErrors(t *testing.T) {
	w := NewWriter(failingWriter{})
	if err := w.Close(); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Close = %v; want the write error", err)
	}
	w = NewWriter(&bytes.Buffer{})
	f := geojson.NewFeature(orb.Point{1, 2})
	f.Properties["bad"] = math.NaN()
	if err := w.Write(f); err == nil {
		t.Error("NaN property accepted")
	}
	if err := w.Close(); err == nil {
		t.Error("error not sticky")
	}
}

// benchGrids makes n grids of about v vertices, like the demo's base grids.
func benchGrids(n, v int) []domain.Grid {
	grids := make([]domain.Grid, n)
	for i := range grids {
		cx, cy := 113.5+float64(i%80)*0.003, 34.6+float64(i/80)*0.003
		ring := make(orb.Ring, 0, v+1)
		for k := range v {
			a := 2 * math.Pi * float64(k) / float64(v)
			ring = append(ring, orb.Point{cx + 0.0014*math.Cos(a), cy + 0.0014*math.Sin(a)})
		}
		ring = append(ring, ring[0])
		grids[i] = domain.Grid{ID: int64(i + 1), Code: "41010300100100" + string(rune('0'+i%10)), Name: "网格", Level: 4,
			Parent: "410103001001", Kind: domain.KindBase, Geometry: orb.MultiPolygon{{ring}}}
	}
	return grids
}

// BenchmarkWriteGrids writes the demo's ~6,300 base grids of 30 vertices.
func BenchmarkWriteGrids(b *testing.B) {
	grids := benchGrids(6300, 30)
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		w := NewWriter(&buf)
		for _, g := range grids {
			f := GridFeature(g)
			f.Properties["persons"] = 170
			f.Properties["households"] = 60
			if err := w.Write(f); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}

// TestAppendGeometryMatchesOrb checks the reflection-free geometry encoder
// against orb/geojson's output, byte for byte.
func TestAppendGeometryMatchesOrb(t *testing.T) {
	values := append([]float64{0, 1, -1, 1e-6, 9.99e-7, 1e-7, 1.5e-9, 1e20, 1e21, 1.5e21, -1e-300, math.MaxFloat64,
		math.SmallestNonzeroFloat64, 123456789.123456789}, awkward...)
	for i := range 200 {
		values = append(values, math.Float64frombits(uint64(i)*0x9E3779B97F4A7C15>>2), float64(i)*1.1e-8, 113.6+float64(i)*1e-15)
	}
	var ring orb.Ring
	for i := 0; i+1 < len(values); i++ {
		ring = append(ring, orb.Point{values[i], values[i+1]})
	}
	for _, g := range []orb.Geometry{
		orb.Point{values[3], values[5]},
		orb.Polygon{ring, ring[:4]},
		orb.MultiPolygon{{ring}, {ring[:5], ring}},
		orb.MultiPolygon{},
		orb.Polygon{},
	} {
		want, err := geojson.NewGeometry(g).MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		got, ok := appendGeometry(nil, g)
		if !ok || !bytes.Equal(got, want) {
			t.Errorf("%s: got\n%s\nwant\n%s", g.GeoJSONType(), got, want)
		}
	}
	if _, ok := appendGeometry(nil, orb.LineString{{1, 2}, {3, 4}}); ok {
		t.Error("LineString should be left to orb")
	}
}

// TestAppendScalarMatchesEncoder checks the fast path for property values
// against the Writer's json.Encoder settings.
func TestAppendScalarMatchesEncoder(t *testing.T) {
	values := []any{nil, "", "code", "建中街 1 号网格", "<a & b>", "say \"hi\"", `back\slash`, "tab\t", "\u2028 \u2029",
		"\xff invalid", "\x7f", 0, -7, int64(math.MaxInt64), int64(math.MinInt64), 0.1, 1e-7, 1e21, -0.0, 113.60000000000001,
		true, false}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for _, v := range values {
		buf.Reset()
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		want := strings.TrimSuffix(buf.String(), "\n")
		if got, ok := appendScalar(nil, v); ok && string(got) != want {
			t.Errorf("appendScalar(%#v) = %s; want %s", v, got, want)
		}
	}
	for _, v := range []any{"\n", "\"", "\u2028", "\xff", math.NaN(), math.Inf(1), []int{1}, int32(1)} {
		if _, ok := appendScalar(nil, v); ok {
			t.Errorf("appendScalar(%#v) took the fast path", v)
		}
	}
}

func TestWriterNonFiniteGeometry(t *testing.T) {
	for _, g := range []orb.Geometry{orb.Point{math.NaN(), 1}, orb.MultiPolygon{{{{1, 2}, {math.Inf(-1), 2}, {1, 3}, {1, 2}}}}} {
		w := NewWriter(&bytes.Buffer{})
		if err := w.Write(geojson.NewFeature(g)); err == nil {
			t.Errorf("%v written without error", g)
		}
	}
}
