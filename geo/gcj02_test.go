package geo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

// The conversion values published with eviltransform's test suite
// (WGS84 lat/lon → GCJ-02 lat/lon), which Gaode's own converter reproduces.
var gcjCases = []struct {
	name     string
	wgs, gcj orb.Point // lon, lat
}{
	{"shanghai", orb.Point{121.5272106, 31.1774276}, orb.Point{121.531541859215, 31.17530398364597}},
	{"shenzhen", orb.Point{113.912316, 22.543847}, orb.Point{113.9171764808363, 22.540796131694766}},
	{"beijing", orb.Point{116.377817, 39.911954}, orb.Point{116.38404722455657, 39.91334545536069}},
}

func TestWGS84ToGCJ02(t *testing.T) {
	for _, c := range gcjCases {
		got := WGS84ToGCJ02(c.wgs)
		// 1e-7 degrees is about a centimetre.
		if math.Abs(got[0]-c.gcj[0]) > 1e-7 || math.Abs(got[1]-c.gcj[1]) > 1e-7 {
			t.Errorf("%s: WGS84ToGCJ02(%v) = %v, published %v", c.name, c.wgs, got, c.gcj)
		}
		back := GCJ02ToWGS84(got)
		if math.Abs(back[0]-c.wgs[0]) > 1e-9 || math.Abs(back[1]-c.wgs[1]) > 1e-9 {
			t.Errorf("%s: GCJ02ToWGS84 round trip gives %v, want %v", c.name, back, c.wgs)
		}
	}
}

func TestGCJ02OutsideChina(t *testing.T) {
	for _, p := range []orb.Point{{2.35, 48.85}, {-74, 40.7}, {139.7, 35.7}, {113.6, 60}} {
		if got := WGS84ToGCJ02(p); got != p {
			t.Errorf("WGS84ToGCJ02(%v) = %v: points outside China stay unchanged", p, got)
		}
	}
}

func TestToGCJ02(t *testing.T) {
	wgs := gcjCases[1].wgs
	poly := orb.MultiPolygon{{{wgs, {wgs[0] + 0.001, wgs[1]}, {wgs[0], wgs[1] + 0.001}, wgs}}}
	got := ToGCJ02(poly).(orb.MultiPolygon)
	if got[0][0][0] != WGS84ToGCJ02(wgs) || got[0][0][3] != got[0][0][0] {
		t.Errorf("ToGCJ02 converted the ring to %v", got[0][0])
	}
	if poly[0][0][0] != wgs {
		t.Error("ToGCJ02 changed its input")
	}
	if p := ToGCJ02(wgs).(orb.Point); p != WGS84ToGCJ02(wgs) {
		t.Errorf("ToGCJ02(point) = %v", p)
	}
	if ToGCJ02(nil) != nil {
		t.Error("ToGCJ02(nil) is not nil")
	}
}
