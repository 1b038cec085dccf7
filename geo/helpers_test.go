package geo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// checkSubdivision verifies the half-edge invariants of s and that its faces
// cover polygon p exactly.
func checkSubdivision(t *testing.T, s *Subdivision, p orb.Polygon) {
	t.Helper()
	seen := map[orb.Point]bool{}
	for _, q := range s.Points {
		if seen[q] {
			t.Errorf("point %v stored twice", q)
		}
		seen[q] = true
	}
	for h, e := range s.Edges {
		if s.Edges[e.Next].Prev != h || s.Edges[e.Prev].Next != h {
			t.Errorf("edge %d: Next/Prev do not match", h)
		}
		if s.Edges[e.Next].From != e.To || s.Edges[e.Next].Face != e.Face {
			t.Errorf("edge %d: Next does not continue the face", h)
		}
		if e.Twin >= 0 {
			tw := s.Edges[e.Twin]
			if tw.Twin != h || tw.From != e.To || tw.To != e.From {
				t.Errorf("edge %d: twin %d is not its exact reverse", h, e.Twin)
			}
			if tw.Face == e.Face {
				t.Errorf("edge %d: both sides in face %d", h, e.Face)
			}
		} else if !onBoundary(p, s.Points[e.From], s.Points[e.To]) {
			t.Errorf("edge %d without twin is not on the outline", h)
		}
	}
	sum := 0.0
	for f := range s.Faces {
		a := s.Area(f)
		if !(a > 0) {
			t.Errorf("face %d has area %v", f, a)
		}
		if o := s.Polygon(f)[0].Orientation(); o != orb.CCW {
			t.Errorf("face %d outer ring is not counter-clockwise", f)
		}
		sum += a
	}
	if want := planar.Area(p); math.Abs(sum-want) > 1e-9*want {
		t.Errorf("faces cover %v, polygon has %v", sum, want)
	}
}

// onBoundary reports whether segment a-b lies on a ring of p.
func onBoundary(p orb.Polygon, a, b orb.Point) bool {
	m := orb.Point{(a[0] + b[0]) / 2, (a[1] + b[1]) / 2}
	for _, r := range p {
		if planar.DistanceFrom(orb.LineString(r), a) < 1e-9 &&
			planar.DistanceFrom(orb.LineString(r), b) < 1e-9 &&
			planar.DistanceFrom(orb.LineString(r), m) < 1e-9 {
			return true
		}
	}
	return false
}

// checkRegions verifies that the dissolved polygons are valid, conserve the
// area of their faces and share their edges exactly.
func checkRegions(t *testing.T, s *Subdivision, p orb.Polygon, labels []int, polys []orb.Polygon) {
	t.Helper()
	want := make([]float64, len(polys))
	for f, l := range labels {
		if l >= 0 {
			want[l] += s.Area(f)
		}
	}
	type seg struct{ a, b orb.Point }
	owner := map[seg]int{}
	for l, poly := range polys {
		if poly == nil {
			continue
		}
		checkValid(t, l, poly)
		if got := planar.Area(poly); math.Abs(got-want[l]) > 1e-9*want[l] {
			t.Errorf("region %d: area %v, faces sum to %v", l, got, want[l])
		}
		for _, r := range poly {
			for k := 0; k+1 < len(r); k++ {
				owner[seg{r[k], r[k+1]}] = l
			}
		}
	}
	for sg, l := range owner {
		m, ok := owner[seg{sg.b, sg.a}]
		switch {
		case ok && m == l:
			t.Errorf("region %d uses edge %v in both directions", l, sg)
		case !ok && onBoundary(p, sg.a, sg.b):
		case !ok && !partial(labels):
			t.Errorf("region %d: edge %v has no reverse twin and is not on the outline", l, sg)
		}
	}
}

func partial(labels []int) bool {
	for _, l := range labels {
		if l < 0 {
			return true
		}
	}
	return false
}

// checkValid checks OGC validity by brute force: closed rings, outer ring
// counter-clockwise and holes clockwise, no repeated vertex within a ring,
// no two segments crossing or overlapping, rings meeting at single points only.
func checkValid(t *testing.T, l int, poly orb.Polygon) {
	t.Helper()
	type sgm struct{ a, b orb.Point }
	var segs []sgm
	for i, r := range poly {
		if len(r) < 4 || r[0] != r[len(r)-1] {
			t.Errorf("region %d ring %d is not closed", l, i)
			return
		}
		if o := r.Orientation(); (i == 0) != (o == orb.CCW) {
			t.Errorf("region %d ring %d has orientation %v", l, i, o)
		}
		seen := map[orb.Point]bool{}
		for _, q := range r[:len(r)-1] {
			if seen[q] {
				t.Errorf("region %d ring %d visits %v twice", l, i, q)
			}
			seen[q] = true
		}
		for k := 0; k+1 < len(r); k++ {
			segs = append(segs, sgm{r[k], r[k+1]})
		}
	}
	for i := range segs {
		for j := i + 1; j < len(segs); j++ {
			if properCross(segs[i].a, segs[i].b, segs[j].a, segs[j].b) {
				t.Errorf("region %d: segments %v and %v cross", l, segs[i], segs[j])
			}
		}
	}
}

// properCross reports whether two segments share more than endpoints.
func properCross(a, b, c, d orb.Point) bool {
	o := func(p, q, r orb.Point) float64 { return (q[0]-p[0])*(r[1]-p[1]) - (q[1]-p[1])*(r[0]-p[0]) }
	d1, d2, d3, d4 := o(c, d, a), o(c, d, b), o(a, b, c), o(a, b, d)
	if d1*d2 < 0 && d3*d4 < 0 {
		return true
	}
	// collinear overlap of positive length
	if d1 == 0 && d2 == 0 {
		ax := 0
		if a[0] == b[0] {
			ax = 1
		}
		lo1, hi1 := math.Min(a[ax], b[ax]), math.Max(a[ax], b[ax])
		lo2, hi2 := math.Min(c[ax], d[ax]), math.Max(c[ax], d[ax])
		return math.Min(hi1, hi2) > math.Max(lo1, lo2)
	}
	return false
}
