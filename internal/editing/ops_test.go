package editing_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/editing"
	"github.com/gridplan/gridplan/internal/store"
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

func TestReshape(t *testing.T) { runReshape(t, newFixture(t, 0.1)) }

func runReshape(t *testing.T, f *fixture) {
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
}

// sharedLine is the boundary two grids share, as a line from one end to
// the other (PostGIS's merge of their common edges).
func (f *fixture) sharedLine(p domain.Plan, a, b string) orb.LineString {
	f.t.Helper()
	ws := f.view(p.View).Workspace
	var wkb []byte
	err := f.db.Pool().QueryRow(context.Background(), `
		SELECT ST_AsBinary(ST_LineMerge(ST_CollectionExtract(ST_Intersection(x.geom, y.geom), 2)))
		  FROM grid x, grid y WHERE x.ws_id = $1 AND y.ws_id = $1 AND x.code = $2 AND y.code = $3`, ws, a, b).Scan(&wkb)
	if err != nil {
		f.t.Fatal(err)
	}
	g, err := wkbDecode(wkb)
	if err != nil {
		f.t.Fatal(err)
	}
	l, ok := g.(orb.LineString)
	if !ok {
		f.t.Fatalf("%s and %s share %T, not one line", a, b, g)
	}
	return l
}

// neighbours lists the siblings of code sharing more than minM metres of
// boundary with it, longest first.
func (f *fixture) neighbours(p domain.Plan, code string, minM float64) []string {
	f.t.Helper()
	ws := f.view(p.View).Workspace
	rows, err := f.db.Pool().Query(context.Background(), `
		SELECT y.code FROM grid x JOIN grid y ON y.ws_id = x.ws_id AND y.parent_code = x.parent_code AND y.code <> x.code
		   AND y.kind = 'base' AND y.level = x.level AND ST_Intersects(x.geom_m, y.geom_m)
		 WHERE x.ws_id = $1 AND x.code = $2
		   AND ST_Length(ST_CollectionExtract(ST_Intersection(x.geom_m, y.geom_m), 2)) > $3
		 ORDER BY ST_Length(ST_CollectionExtract(ST_Intersection(x.geom_m, y.geom_m), 2)) DESC, y.code`, ws, code, minM)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		rows.Scan(&c)
		out = append(out, c)
	}
	return out
}

func TestMoveBoundary(t *testing.T) { runMoveBoundary(t, newFixture(t, 0.1)) }

func runMoveBoundary(t *testing.T, f *fixture) {
	d := f.draft("move")
	a := f.pick(d, `g.level = 4 AND g.kind = 'base' AND ST_NPoints(g.geom) > 6`)
	b := f.neighbours(d, a, 30)[0]
	line := f.sharedLine(d, a, b)
	// The new boundary is the old one with its middle pulled a third of
	// the way into a: b gains a wedge.
	bent := slices.Clone(line)
	k := len(bent) / 2
	if len(bent) == 2 {
		bent = orb.LineString{line[0], {(line[0][0] + line[1][0]) / 2, (line[0][1] + line[1][1]) / 2}, line[1]}
		k = 1
	}
	var c orb.Point
	if err := f.db.Pool().QueryRow(context.Background(), `SELECT ST_X(p), ST_Y(p) FROM grid, ST_PointOnSurface(geom) p
		WHERE ws_id = $1 AND code = $2`, d.Workspace, a).Scan(&c[0], &c[1]); err != nil {
		t.Fatal(err)
	}
	bent[k] = orb.Point{bent[k][0] + 0.3*(c[0]-bent[k][0]), bent[k][1] + 0.3*(c[1]-bent[k][1])}
	before := f.scalar(`SELECT ST_Area(geom_m) FROM grid WHERE ws_id = $1 AND code = $2`, d.Workspace, b)
	res := f.apply(d, fmt.Sprintf(`{"ops":[{"op":"move_boundary","grids":[%s],"line":%s}]}`, quote(a, b), geometryJSON(bent)))
	after := f.scalar(`SELECT ST_Area(geom_m) FROM grid WHERE ws_id = $1 AND code = $2`, d.Workspace, b)
	if after <= before {
		t.Errorf("%s did not gain ground: %.1f → %.1f m²", b, before, after)
	}
	f.judgeTiling(d)
	f.judgeVertices(d, res.Changed)
	f.judgeConserved(d)
	if fs := f.coverageFindings(d); len(fs) != 0 {
		t.Errorf("coverage findings: %+v", fs)
	}
	if !slices.ContainsFunc(res.Lineage, func(l store.LineageRow) bool { return l.From == a && l.To == b }) {
		t.Errorf("lineage %+v lacks %s → %s", res.Lineage, a, b)
	}
}

// across is a line through the middle of a grid's box, horizontal or
// vertical, reaching past the box by a tenth on both sides.
func across(b orb.Bound, vertical bool) orb.LineString {
	// Off the centre: the demo's grids come from an axis-parallel lattice,
	// and a line along one of its lines would follow existing edges.
	c := orb.Point{b.Min[0] + 0.43*(b.Max[0]-b.Min[0]), b.Min[1] + 0.57*(b.Max[1]-b.Min[1])}
	if vertical {
		d := (b.Max[1] - b.Min[1]) / 10
		return orb.LineString{{c[0], b.Min[1] - d}, {c[0], b.Max[1] + d}}
	}
	d := (b.Max[0] - b.Min[0]) / 10
	return orb.LineString{{b.Min[0] - d, c[1]}, {b.Max[0] + d, c[1]}}
}

func TestSplit(t *testing.T) { runSplit(t, newFixture(t, 0.1)) }

func runSplit(t *testing.T, f *fixture) {
	d := f.draft("split")
	// A micro-grid by one line, into two parts with new codes.
	x := f.pick(d, `g.level = 4 AND g.kind = 'base' AND ST_Area(g.geom_m) > 5000`)
	xg := f.grid(d, x)
	res := f.apply(d, fmt.Sprintf(`{"ops":[{"op":"split","grid":%q,"lines":[%s],"names":["北","南"]}]}`, x,
		geometryJSON(across(xg.Geometry.Bound(), false))))
	parts := res.Codes[0]
	if len(parts) != 2 || slices.Contains(parts, x) || f.grid(d, parts[0]).Name != "北" {
		t.Fatalf("parts %v", parts)
	}
	if n := f.scalar(`SELECT count(*) FROM grid WHERE ws_id = $1 AND code = $2`, d.Workspace, x); n != 0 {
		t.Error("the split grid still exists")
	}
	north, south := f.grid(d, parts[0]), f.grid(d, parts[1])
	if north.Geometry.Bound().Center()[1] <= south.Geometry.Bound().Center()[1] {
		t.Error("parts are not numbered north to south")
	}
	share := 0.0
	for _, l := range res.Lineage {
		if l.From == x && slices.Contains(parts, l.To) {
			share += l.HouseholdsShare
		}
	}
	if share < 0.999 || share > 1.001 {
		t.Errorf("lineage shares of %s add up to %.3f: %+v", x, share, res.Lineage)
	}
	f.judgeTiling(d)
	f.judgeVertices(d, res.Changed)
	f.judgeConserved(d)

	// A grid with children by two lines, its children split along them.
	g3 := f.pick(d, `g.level = 3 AND g.kind = 'base' AND ST_Area(g.geom_m) > 40000 AND
		(SELECT count(*) FROM grid c WHERE c.ws_id = g.ws_id AND c.parent_code = g.code) >= 4`)
	b := f.grid(d, g3).Geometry.Bound()
	cross := fmt.Sprintf(`[%s,%s]`, geometryJSON(across(b, false)), geometryJSON(across(b, true)))
	if _, err := f.try(d, fmt.Sprintf(`{"ops":[{"op":"split","grid":%q,"lines":%s}]}`, g3, cross), true); domain.ErrorCode(err) != domain.ErrRefused {
		t.Fatalf("lines through children without split_children: %v", err)
	}
	res = f.apply(d, fmt.Sprintf(`{"ops":[{"op":"split","grid":%q,"lines":%s,"split_children":true}]}`, g3, cross))
	if len(res.Codes[0]) != 4 {
		t.Fatalf("two crossing lines gave %d parts", len(res.Codes[0]))
	}
	for _, part := range res.Codes[0] {
		if n := f.scalar(`SELECT count(*) FROM grid WHERE ws_id = $1 AND parent_code = $2`, d.Workspace, part); n == 0 {
			t.Errorf("part %s has no children", part)
		}
	}
	f.judgeTiling(d)
	f.judgeVertices(d, res.Changed)
	f.judgeConserved(d)
	if fs := f.coverageFindings(d); len(fs) != 0 {
		t.Errorf("coverage findings: %+v", fs)
	}
}

func TestMergeAndDelete(t *testing.T) { runMergeAndDelete(t, newFixture(t, 0.1)) }

func runMergeAndDelete(t *testing.T, f *fixture) {
	d := f.draft("merge")
	x := f.pick(d, `g.level = 4 AND g.kind = 'base'
		AND (SELECT count(*) FROM grid y WHERE y.ws_id = g.ws_id AND y.parent_code = g.parent_code AND y.kind = 'base') >= 5`)
	nb := f.neighbours(d, x, 5)
	if len(nb) < 2 {
		t.Fatalf("%s has neighbours %v", x, nb)
	}
	res := f.apply(d, fmt.Sprintf(`{"ops":[{"op":"merge","grids":[%s],"keep":%q,"name":"合并"}]}`, quote(x, nb[0], nb[1]), x))
	if g := f.grid(d, x); g.Name != "合并" {
		t.Errorf("kept grid %+v", g.Name)
	}
	for _, gone := range nb[:2] {
		if n := f.scalar(`SELECT count(*) FROM grid WHERE ws_id = $1 AND code = $2`, d.Workspace, gone); n != 0 {
			t.Errorf("%s still exists", gone)
		}
		if !slices.ContainsFunc(res.Lineage, func(l store.LineageRow) bool { return l.From == gone && l.To == x && l.HouseholdsShare > 0.999 }) {
			t.Errorf("lineage %+v lacks %s → %s with all its households", res.Lineage, gone, x)
		}
	}
	f.judgeTiling(d)
	f.judgeVertices(d, res.Changed)
	f.judgeConserved(d)

	// Delete with give_to.
	y := f.neighbours(d, x, 5)[0]
	res = f.apply(d, fmt.Sprintf(`{"ops":[{"op":"delete","grid":%q,"give_to":%q}]}`, y, x))
	if n := f.scalar(`SELECT count(*) FROM grid WHERE ws_id = $1 AND code = $2`, d.Workspace, y); n != 0 {
		t.Errorf("%s still exists", y)
	}
	f.judgeTiling(d)
	f.judgeVertices(d, res.Changed)
	f.judgeConserved(d)
	if fs := f.coverageFindings(d); len(fs) != 0 {
		t.Errorf("coverage findings: %+v", fs)
	}
}

func TestReparentCommunity(t *testing.T) { runReparentCommunity(t, newFixture(t, 0.1)) }

func runReparentCommunity(t *testing.T, f *fixture) {
	d := f.draft("reparent")
	// A community on its street's edge, next to another street.
	rows, err := f.db.Pool().Query(context.Background(), `
		SELECT c.code, s2.code FROM grid c
		  JOIN grid s1 ON s1.ws_id = c.ws_id AND s1.code = c.parent_code
		  JOIN grid s2 ON s2.ws_id = c.ws_id AND s2.level = 1 AND s2.kind = 'base' AND s2.code <> s1.code
		   AND ST_Length(ST_CollectionExtract(ST_Intersection(c.geom_m, s2.geom_m), 2)) > 100
		 WHERE c.ws_id = $1 AND c.level = 2 AND c.kind = 'base' AND s1.kind = 'base'
		 ORDER BY c.code`, d.Workspace)
	if err != nil {
		t.Fatal(err)
	}
	var pairs [][2]string
	for rows.Next() {
		var p [2]string
		rows.Scan(&p[0], &p[1])
		pairs = append(pairs, p)
	}
	rows.Close()
	var done *[2]string
	var res *editing.Result
	for _, p := range pairs {
		r, err := f.try(d, fmt.Sprintf(`{"ops":[{"op":"reparent","grid":%q,"parent":%q}]}`, p[0], p[1]), false)
		if domain.ErrorCode(err) == domain.ErrRefused {
			continue // it would cut its street in two, say: try the next
		}
		if err != nil {
			t.Fatal(err)
		}
		done, res = &p, r
		break
	}
	if done == nil {
		t.Fatalf("no community of %d candidates could move", len(pairs))
	}
	if g := f.grid(d, done[0]); g.Parent != done[1] {
		t.Errorf("%s's parent is %s, want %s", done[0], g.Parent, done[1])
	}
	f.judgeTiling(d)
	f.judgeVertices(d, res.Changed)
	f.judgeConserved(d)
	if fs := f.coverageFindings(d); len(fs) != 0 {
		t.Errorf("coverage findings: %+v", fs)
	}
}

// The ops on the full-size demo (8,952 grids, a million residents), each
// in a draft of its own, judged as at scale 0.1. The judges overlay the
// whole plan in PostGIS after every op (about five minutes on two cores),
// so the test runs only when asked: GRIDPLAN_SCALE1=1.
func TestOpsAtScaleOne(t *testing.T) {
	if os.Getenv("GRIDPLAN_SCALE1") == "" {
		t.Skip("set GRIDPLAN_SCALE1=1 to run the ops on the full-size demo")
	}
	f := newFixture(t, 1)
	for name, run := range map[string]func(*testing.T, *fixture){"reshape": runReshape, "move_boundary": runMoveBoundary,
		"split": runSplit, "merge_delete": runMergeAndDelete, "reparent": runReparentCommunity} {
		t.Run(name, func(t *testing.T) { run(t, f.with(t)) })
	}
}
