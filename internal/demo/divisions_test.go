package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func TestErqi(t *testing.T) {
	outline, divs, err := Erqi()
	if err != nil {
		t.Fatal(err)
	}
	if len(outline) != 1 || len(outline[0]) < 699 {
		t.Errorf("outline has %d rings, %d points", len(outline), len(outline[0]))
	}
	levels := map[string]int{}
	points := 0
	for _, d := range divs {
		levels[d.Level]++
		if d.HasPoint {
			points++
			if d.Point[0] < 113.4 || d.Point[0] > 113.7 || d.Point[1] < 34.5 || d.Point[1] > 34.8 {
				t.Errorf("%s at %v is not in Erqi", d.Name, d.Point)
			}
		}
	}
	if levels["district"] != 1 || levels["street"] != 16 || levels["community"] != 161 || points == 0 {
		t.Errorf("divisions %v with %d points", levels, points)
	}
}

// TestPlanDivisions checks the streets and communities chosen at several
// scales, including the synthetic ones beyond the CSV.
func TestPlanDivisions(t *testing.T) {
	_, divs, err := Erqi()
	if err != nil {
		t.Fatal(err)
	}
	id := func(p orb.Point) orb.Point { return p }
	for _, c := range []struct {
		scale            float64
		streets, comms   int
		jinshuiyuanComms int
	}{{0.1, 3, 18, -1}, {1, 17, 175, 14}, {10, 170, 1750, -1}} {
		t.Run(fmt.Sprint(c.scale), func(t *testing.T) {
			plan, seats, err := planDivisions(divs, c.scale, id, id, rand.New(rand.NewPCG(1, 1)))
			if err != nil {
				t.Fatal(err)
			}
			if len(seats) < 10 {
				t.Errorf("only %d street seats", len(seats))
			}
			codes := map[string]bool{}
			comms := 0
			for _, s := range plan {
				part := s.code[6:9]
				if len(s.code) != 12 || !strings.HasPrefix(s.code, "410103") || !strings.HasSuffix(s.code, "000") || part == "901" || part == "902" {
					t.Errorf("street code %s", s.code)
				}
				if codes[s.code] {
					t.Errorf("street code %s twice", s.code)
				}
				codes[s.code] = true
				if s.code == jinshuiyuanCode && c.jinshuiyuanComms >= 0 && (len(s.comms) != c.jinshuiyuanComms || s.name != "金水源街道") {
					t.Errorf("金水源: %q with %d communities", s.name, len(s.comms))
				}
				if len(s.comms) == 0 {
					t.Errorf("street %s has no communities", s.code)
				}
				for _, cm := range s.comms {
					if len(cm.code) != 12 || cm.code[:9] != s.code[:9] || cm.code[9:] == "000" || codes[cm.code] {
						t.Errorf("community code %s under %s", cm.code, s.code)
					}
					codes[cm.code] = true
					comms++
				}
			}
			if len(plan) != c.streets || comms != c.comms {
				t.Errorf("%d streets and %d communities, want %d and %d", len(plan), comms, c.streets, c.comms)
			}
		})
	}
}

func TestFitAffine(t *testing.T) {
	want := func(p orb.Point) orb.Point {
		return orb.Point{400000 + 91500*(p[0]-113) - 20*(p[1]-34), 3700000 + 15*(p[0]-113) + 110900*(p[1]-34)}
	}
	src := []orb.Point{{113.5, 34.6}, {113.7, 34.6}, {113.6, 34.8}, {113.55, 34.7}}
	var dst []orb.Point
	for _, p := range src {
		dst = append(dst, want(p))
	}
	a, ok := fitAffine(src, dst)
	if !ok {
		t.Fatal("no fit")
	}
	for _, p := range []orb.Point{{113.62, 34.75}, {113.48, 34.61}} {
		got, w := a.apply(p), want(p)
		if math.Hypot(got[0]-w[0], got[1]-w[1]) > 1e-6 {
			t.Errorf("apply(%v) = %v, want %v", p, got, w)
		}
	}
	if _, ok := fitAffine(src[:2], dst[:2]); ok {
		t.Error("two points fitted an affine map")
	}
	if _, ok := fitAffine([]orb.Point{{0, 0}, {1, 1}, {2, 2}}, []orb.Point{{0, 0}, {1, 1}, {2, 2}}); ok {
		t.Error("collinear points fitted an affine map")
	}
}
