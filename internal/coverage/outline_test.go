package coverage

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
)

// TestNoBoundaryNothingReachesOutside: without a plan boundary the top
// level is checked against its own outline, the union of its grids, so no
// top-level grid can reach outside it — however ragged the outer edge of a
// precinct-like file is (off-grid vertices every 70 cm, jitter of a few
// centimetres, spikes a few centimetres wide). Holes it encloses are still
// gaps.
func TestNoBoundaryNothingReachesOutside(t *testing.T) {
	db := srv.NewDB(t)
	rng := rand.New(rand.NewPCG(7, 11))
	const n, size = 3, 33.3331
	// Shared interior lines are straight; the outer edge of the whole is
	// ragged, each grid taking its part of it.
	ragged := func(a, b orb.Point, outward orb.Point) []orb.Point {
		var pts []orb.Point
		steps := 47 // a vertex every 70 cm
		for k := 0; k < steps; k++ {
			f := float64(k) / float64(steps)
			p := orb.Point{a[0] + (b[0]-a[0])*f, a[1] + (b[1]-a[1])*f}
			if k > 0 {
				j := (rng.Float64() - 0.5) * 0.06
				if k%7 == 3 { // a spike 2-3 cm wide, 30 cm long
					w := 0.02 + 0.01*rng.Float64()
					d := orb.Point{(b[0] - a[0]) / size * w / 2, (b[1] - a[1]) / size * w / 2}
					pts = append(pts, orb.Point{p[0] - d[0], p[1] - d[1]},
						orb.Point{p[0] + outward[0]*0.3, p[1] + outward[1]*0.3}, orb.Point{p[0] + d[0], p[1] + d[1]})
					continue
				}
				p = orb.Point{p[0] + outward[0]*j, p[1] + outward[1]*j}
			}
			pts = append(pts, p)
		}
		return pts
	}
	var grids []domain.Grid
	for i := range n {
		for j := range n {
			x1, y1 := float64(i)*size+0.0137, float64(j)*size+0.0093
			c := [4]orb.Point{{x0 + x1, y0 + y1}, {x0 + x1 + size, y0 + y1}, {x0 + x1 + size, y0 + y1 + size}, {x0 + x1, y0 + y1 + size}}
			var r orb.Ring
			edges := []struct {
				outer   bool
				outward orb.Point
			}{{j == 0, orb.Point{0, -1}}, {i == n-1, orb.Point{1, 0}}, {j == n-1, orb.Point{0, 1}}, {i == 0, orb.Point{-1, 0}}}
			for e, edge := range edges {
				a, b := c[e], c[(e+1)%4]
				if edge.outer {
					r = append(r, ragged(a, b, edge.outward)...)
				} else {
					r = append(r, a)
				}
			}
			r = append(r, r[0])
			code := string(rune('P'+i)) + string(rune('1'+j))
			grids = append(grids, grid(code, "", 1, orb.MultiPolygon{{r}}))
		}
	}
	plan := newPlan(t, db, "precincts", nil, grids)
	s := check(t, New(db, Options{}), plan)
	for _, f := range s.Findings() {
		if f.Kind == KindOutside || f.Kind == KindSliverOutside {
			t.Errorf("%s: %s", f.Kind, f.Reason)
		}
	}
	t.Logf("findings:\n%s", describe(s.Findings()))
}

// TestNoBoundaryNoNoiseNothingReachesOutside: a planner who sets the noise
// to zero sees every mismatch of a hand-digitised file — each shared edge
// drawn twice, a centimetre apart, so neighbours overlap and part in
// slivers — but still no top-level grid reaching outside the outline that
// is their own union. (A union at no precision places the nodes where
// overlapping edges cross a hair off both edges; those hairs are the
// outline's, not the plan's.)
func TestNoBoundaryNoNoiseNothingReachesOutside(t *testing.T) {
	db := srv.NewDB(t)
	rng := rand.New(rand.NewPCG(3, 5))
	const n, size, steps = 4, 50.0, 20
	jitter := func(p orb.Point) orb.Point {
		return orb.Point{p[0] + (rng.Float64()-0.5)*0.02, p[1] + (rng.Float64()-0.5)*0.02}
	}
	var grids []domain.Grid
	for i := range n {
		for j := range n {
			x, y := x0+float64(i)*size, y0+float64(j)*size
			corners := [5]orb.Point{{x, y}, {x + size, y}, {x + size, y + size}, {x, y + size}, {x, y}}
			var r orb.Ring
			for e := range 4 {
				a, b := corners[e], corners[e+1]
				for k := range steps {
					f := float64(k) / steps
					r = append(r, jitter(orb.Point{a[0] + (b[0]-a[0])*f, a[1] + (b[1]-a[1])*f}))
				}
			}
			r = append(r, r[0])
			code := string(rune('A'+i)) + string(rune('1'+j))
			grids = append(grids, grid(code, "", 1, orb.MultiPolygon{{r}}))
		}
	}
	plan := newPlan(t, db, "hand_digitised", nil, grids)
	if err := db.SetCoverageSettings(context.Background(), plan.ID, domain.DefaultTolerance, 0); err != nil {
		t.Fatal(err)
	}
	s := check(t, New(db, Options{}), plan)
	mismatches := 0
	for _, f := range s.Findings() {
		switch f.Kind {
		case KindOutside, KindSliverOutside:
			t.Errorf("%s: %s", f.Kind, f.Reason)
		case KindSliverGap, KindSliverOverlap:
			mismatches++
		}
	}
	if mismatches == 0 {
		t.Errorf("no sliver gap or overlap found between edges digitised twice; findings:\n%s", describe(s.Findings()))
	}
	t.Logf("%d sliver gaps and overlaps", mismatches)
}
