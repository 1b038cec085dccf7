package demo

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"
	"math"
	"sort"
	"testing"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/paulmach/orb"
)

// testInput projects Erqi() with a crude equirectangular projection around
// its centre, standing in for the PostGIS EPSG:4547 projection the real
// caller uses.
func testInput(t testing.TB) Input {
	t.Helper()
	outline, divs, err := Erqi()
	if err != nil {
		t.Fatal(err)
	}
	c := outline.Bound().Center()
	const r = 6371008.8
	k := math.Pi / 180
	proj := func(p orb.Point) orb.Point {
		return orb.Point{500000 + r*math.Cos(c[1]*k)*(p[0]-c[0])*k, 3800000 + r*(p[1]-c[1])*k}
	}
	in := Input{}
	for _, ring := range outline {
		var pr orb.Ring
		for _, p := range ring {
			pr = append(pr, proj(p))
		}
		in.Outline = append(in.Outline, pr)
	}
	for _, d := range divs {
		if d.HasPoint {
			d.Point = proj(d.Point)
		}
		in.Divisions = append(in.Divisions, d)
	}
	return in
}

// digest hashes every byte of a district's content in a fixed order.
func digest(d *District) string {
	h := sha256.New()
	str := func(s string) { fmt.Fprintf(h, "%d:%s", len(s), s) }
	num := func(v float64) { binary.Write(h, binary.LittleEndian, math.Float64bits(v)) }
	pt := func(p orb.Point) { num(p[0]); num(p[1]) }
	for _, g := range d.Grids {
		str(fmt.Sprint(g.ID, g.Code, g.Name, g.Level, g.Parent, g.Kind, g.Category, g.Mode))
		props(h, g.Properties)
		for _, p := range g.Geometry {
			for _, r := range p {
				str("ring")
				for _, q := range r {
					pt(q)
				}
			}
		}
	}
	for _, u := range d.Units {
		str(fmt.Sprint(u.ID, u.Name, u.Persons, u.Households))
		props(h, u.Properties)
		pt(u.Geometry.(orb.Point))
	}
	for _, f := range d.Facilities {
		str(fmt.Sprint(f.ID, f.Type, f.Name))
		props(h, f.Properties)
		pt(f.Geometry)
	}
	for _, n := range d.Nodes {
		str(fmt.Sprint(n.ID))
		pt(n.Point)
	}
	for _, e := range d.Edges {
		str(fmt.Sprint(e.ID, e.Source, e.Target, e.Highway, e.OSMWay))
		num(e.LengthM)
		for _, q := range e.Geometry {
			pt(q)
		}
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func props(h hash.Hash, m map[string]any) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(h, "%s=%v;", k, m[k])
	}
}

func TestGenerateDeterministic(t *testing.T) {
	in := testInput(t)
	run := func(seed int64) string {
		d, err := Generate(in, Options{Seed: seed, Scale: 0.1})
		if err != nil {
			t.Fatal(err)
		}
		return digest(d)
	}
	a, b, c := run(1), run(1), run(2)
	if a != b {
		t.Errorf("same seed, different output: %s vs %s", a, b)
	}
	if a == c {
		t.Errorf("seeds 1 and 2 gave the same district")
	}
}

func TestGenerateRejects(t *testing.T) {
	in := testInput(t)
	cases := []struct {
		name string
		in   Input
		opts Options
	}{
		{"negative scale", in, Options{Scale: -1}},
		{"NaN scale", in, Options{Scale: math.NaN()}},
		{"huge scale", in, Options{Scale: 1000}},
		{"no outline", Input{Divisions: in.Divisions}, Options{Scale: 0.1}},
		{"no divisions", Input{Outline: in.Outline}, Options{Scale: 0.1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Generate(c.in, c.opts)
			if err == nil {
				t.Fatal("no error")
			}
			if domain.ErrorCode(err) != domain.ErrInvalid {
				t.Errorf("error %v has code %s, want invalid", err, domain.ErrorCode(err))
			}
		})
	}
}

// TestSmallScales makes sure tiny districts still come out whole.
func TestSmallScales(t *testing.T) {
	in := testInput(t)
	for _, s := range []float64{0.0001, 0.002, 0.02} {
		for seed := range int64(2) {
			t.Run(fmt.Sprintf("scale=%v/seed=%d", s, seed), func(t *testing.T) {
				d, err := Generate(in, Options{Seed: seed, Scale: s})
				if err != nil {
					t.Fatal(err)
				}
				persons := 0
				for _, u := range d.Units {
					persons += u.Persons
				}
				if want := int(math.Round(1061263 * s)); persons != want {
					t.Errorf("%d persons, want %d", persons, want)
				}
			})
		}
	}
}
