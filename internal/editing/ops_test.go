package editing_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
)

// innerVertex is the vertex of grid code's outer ring farthest from its
// parent's boundary, with the ring's centre: a corner shared with siblings
// only.
func (f *fixture) innerVertex(p domain.Plan, code string) (ring orb.Ring, at int, centre orb.Point) {
	f.t.Helper()
	g := f.grid(p, code)
	parent := f.grid(p, g.Parent)
	ring = g.Geometry[0][0]
	best := -1.0
	for i, q := range ring[:len(ring)-1] {
		d := f.scalar(`SELECT ST_Distance(ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 4326), 4547), ST_Boundary(ST_Transform($3::geometry, 4547)))`,
			q[0], q[1], geometryJSONText(parent.Geometry))
		if d > best {
			best, at = d, i
		}
	}
	return ring, at, g.Geometry.Bound().Center()
}

func geometryJSONText(g orb.Geometry) string {
	return "SRID=4326;" + wkt(g)
}

// wkt is a small WKT writer for the test's SQL.
func wkt(g orb.Geometry) string {
	ring := func(r orb.Ring) string {
		s := "("
		for i, p := range r {
			if i > 0 {
				s += ","
			}
			s += fmt.Sprintf("%.17g %.17g", p[0], p[1])
		}
		return s + ")"
	}
	poly := func(p orb.Polygon) string {
		s := "("
		for i, r := range p {
			if i > 0 {
				s += ","
			}
			s += ring(r)
		}
		return s + ")"
	}
	switch g := g.(type) {
	case orb.MultiPolygon:
		s := "MULTIPOLYGON("
		for i, p := range g {
			if i > 0 {
				s += ","
			}
			s += poly(p)
		}
		return s + ")"
	case orb.Polygon:
		return "POLYGON" + poly(g)
	}
	panic("wkt")
}

// moved is ring with vertex at moved towards (t > 0) or away from (t < 0)
// the centre by t of the way.
func moved(ring orb.Ring, at int, centre orb.Point, t float64) orb.Polygon {
	r := slices.Clone(ring)
	q := r[at]
	r[at] = orb.Point{q[0] + t*(centre[0]-q[0]), q[1] + t*(centre[1]-q[1])}
	if at == 0 {
		r[len(r)-1] = r[0]
	}
	return orb.Polygon{r}
}

func TestReshape(t *testing.T) {
	f := newFixture(t, 0.1)
	d := f.draft("reshape")
	x := f.pick(d, `g.level = 4 AND g.kind = 'base' AND ST_NPoints(g.geom) > 8`)
	ring, at, centre := f.innerVertex(d, x)
	// Losing ground: the corner moves a third of the way in.
	res := f.apply(d, fmt.Sprintf(`{"message":"in","ops":[{"op":"reshape","grid":%q,"geometry":%s}]}`, x,
		geometryJSON(moved(ring, at, centre, 0.3))))
	if len(res.Changed) < 2 || !slices.Contains(res.Changed, x) {
		t.Fatalf("losing ground changed %v", res.Changed)
	}
	f.judgeTiling(d)
	f.judgeVertices(d, res.Changed)
	f.judgeConserved(d)
	// Gaining ground: the corner moves out past where it was.
	ring, at, centre = f.innerVertex(d, x)
	res = f.apply(d, fmt.Sprintf(`{"message":"out","ops":[{"op":"reshape","grid":%q,"geometry":%s}]}`, x,
		geometryJSON(moved(ring, at, centre, -0.3))))
	if len(res.Changed) < 2 {
		t.Fatalf("gaining ground changed %v", res.Changed)
	}
	f.judgeTiling(d)
	f.judgeVertices(d, res.Changed)
	f.judgeConserved(d)
	if fs := f.coverageFindings(d); len(fs) != 0 {
		t.Errorf("coverage findings after the reshapes: %+v", fs)
	}
	_ = context.Background()
}
