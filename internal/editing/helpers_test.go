package editing_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/balance"
	"github.com/gridplan/gridplan/internal/circles"
	"github.com/gridplan/gridplan/internal/coverage"
	"github.com/gridplan/gridplan/internal/demo"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/editing"
	"github.com/gridplan/gridplan/internal/pgtest"
	"github.com/gridplan/gridplan/internal/store"
)

var srv *pgtest.Server

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m, &srv)) }

// fixture is a demo district with an auditor and the editing service.
type fixture struct {
	t       *testing.T
	db      *store.DB
	auditor *audit.Auditor
	svc     *editing.Service
	plan    domain.Plan
}

func newFixture(t *testing.T, scale float64) *fixture {
	t.Helper()
	db := srv.NewDB(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, db, demo.LoadOptions{Plan: "demo", Seed: 1, Scale: scale}); err != nil {
		t.Fatal(err)
	}
	a := audit.New(
		audit.Check{Name: audit.Coverage, Checker: coverage.New(db, coverage.Options{})},
		audit.Check{Name: audit.Balance, Checker: balance.New(db, balance.Options{})},
		audit.Check{Name: audit.Circles, Checker: circles.New(db, circles.Options{})},
	)
	f := &fixture{t: t, db: db, auditor: a, svc: editing.New(db, a, nil, editing.Options{})}
	f.plan = f.view(domain.View{})
	return f
}

func (f *fixture) ctx() context.Context {
	return domain.WithActor(context.Background(), domain.Actor{Name: "tester", Via: "cli"})
}

func (f *fixture) view(v domain.View) domain.Plan {
	f.t.Helper()
	p, err := f.db.PlanView(context.Background(), "demo", v)
	if err != nil {
		f.t.Fatal(err)
	}
	return p
}

func (f *fixture) draft(name string) domain.Plan {
	f.t.Helper()
	if _, err := f.svc.CreateDraft(f.ctx(), f.plan, name, 0, "test draft"); err != nil {
		f.t.Fatal(err)
	}
	return f.view(domain.View{Draft: name})
}

// apply parses and applies a change set to a view, failing on error.
func (f *fixture) apply(p domain.Plan, cs string) *editing.Result {
	f.t.Helper()
	res, err := f.try(p, cs, false)
	if err != nil {
		f.t.Fatalf("change set refused: %v\n%s", err, cs)
	}
	return res
}

func (f *fixture) try(p domain.Plan, cs string, dry bool) (*editing.Result, error) {
	parsed, err := editing.ParseChangeSet([]byte(cs), false)
	if err != nil {
		return nil, err
	}
	return f.svc.Apply(f.ctx(), f.view(p.View), parsed, dry)
}

// grid reads one grid of a view.
func (f *fixture) grid(p domain.Plan, code string) domain.Grid {
	f.t.Helper()
	g, err := f.db.Grid(context.Background(), f.view(p.View).Workspace, code)
	if err != nil {
		f.t.Fatal(err)
	}
	return g
}

// pick finds a grid by a SQL condition on grid g of the view's workspace.
func (f *fixture) pick(p domain.Plan, cond string, args ...any) string {
	f.t.Helper()
	var code string
	q := `SELECT g.code FROM grid g WHERE g.ws_id = $1 AND ` + cond + ` ORDER BY g.code LIMIT 1`
	if err := f.db.Pool().QueryRow(context.Background(), q, append([]any{f.view(p.View).Workspace}, args...)...).Scan(&code); err != nil {
		f.t.Fatalf("pick %s: %v", cond, err)
	}
	return code
}

func (f *fixture) scalar(sql string, args ...any) float64 {
	f.t.Helper()
	var v float64
	if err := f.db.Pool().QueryRow(context.Background(), sql, args...).Scan(&v); err != nil {
		f.t.Fatalf("%s: %v", sql, err)
	}
	return v
}

// judgeTiling asks PostGIS whether every level of the view tiles its
// parent (pgtest.Tiling), each of gap, spill and overlap under 1e-6 m² for
// every parent, and shows where it does not.
func (f *fixture) judgeTiling(p domain.Plan) {
	f.t.Helper()
	ws := f.view(p.View).Workspace
	gap, spill, overlap := pgtest.Tiling(f.t, f.db, ws)
	if gap > 1e-6 || spill > 1e-6 || overlap > 1e-6 {
		rows, _ := f.db.Pool().Query(context.Background(), `
		WITH t AS (
			SELECT c.code, c.parent_code, c.level, c.geom_m FROM grid c
			  LEFT JOIN grid par ON par.ws_id = c.ws_id AND par.code = c.parent_code
			 WHERE c.ws_id = $1 AND (c.kind = 'base' OR c.mode = 'carve_out' OR par.mode = 'overlay'))
		SELECT p.code, ST_Area(ST_Difference(p.geom_m, ST_Union(t.geom_m))), ST_AsText(ST_Difference(p.geom_m, ST_Union(t.geom_m)))
		  FROM grid p JOIN t ON t.parent_code = p.code WHERE p.ws_id = $1 GROUP BY p.id
		  ORDER BY 2 DESC LIMIT 3`, ws)
		for rows.Next() {
			var c, w string
			var a float64
			rows.Scan(&c, &a, &w)
			f.t.Logf("parent %s gap %.6f %.300s", c, a, w)
		}
		rows.Close()
		rows, _ = f.db.Pool().Query(context.Background(), `
			SELECT g.code, g.level, (d.path)[2], ST_AsText(d.geom), ST_AsText(ST_Transform(d.geom, 4326))
			  FROM grid g, ST_DumpPoints(g.geom_m) d
			 WHERE g.ws_id = $1 AND ST_DWithin(d.geom, ST_SetSRID(ST_MakePoint(463481.18398, 3842035.0276), 4547), 0.01)`, ws)
		for rows.Next() {
			var c, pt, ll string
			var l, i int
			rows.Scan(&c, &l, &i, &pt, &ll)
			f.t.Logf("grid %s (level %d) vertex %d %s %s", c, l, i, pt, ll)
		}
		rows.Close()
		f.t.Errorf("%s does not tile: largest gap %.9f m², spill %.9f m², overlap %.9f m² in one parent", p.Describe(), gap, spill, overlap)
	}
}

// judgeVertices asks PostGIS whether the grids codes share every vertex
// with every grid they touch, at any level: a vertex of one that lies on
// the other's boundary is one of the other's vertices, both ways.
func (f *fixture) judgeVertices(p domain.Plan, codes []string) {
	f.t.Helper()
	ws := f.view(p.View).Workspace
	n := f.scalar(`
		WITH c AS (SELECT code, geom FROM grid WHERE ws_id = $1 AND code = ANY($2)),
		     pairs AS (SELECT c.code AS a, g.code AS b, c.geom AS ga, g.geom AS gb FROM c
		                 JOIN grid g ON g.ws_id = $1 AND g.code <> c.code AND g.geom && c.geom AND ST_Intersects(g.geom, c.geom)),
		     pts AS (SELECT (ST_DumpPoints(ga)).geom AS pt, gb AS other FROM pairs
		             UNION ALL SELECT (ST_DumpPoints(gb)).geom, ga FROM pairs)
		SELECT count(*) FROM pts WHERE ST_DWithin(pt, ST_Boundary(other), 1e-11)
		   AND NOT EXISTS (SELECT 1 FROM ST_DumpPoints(other) d WHERE d.geom ~= pt)`, ws, codes)
	if n > 0 {
		rows, _ := f.db.Pool().Query(context.Background(), `
		WITH c AS (SELECT code, geom FROM grid WHERE ws_id = $1 AND code = ANY($2)),
		     pairs AS (SELECT c.code AS a, g.code AS b, c.geom AS ga, g.geom AS gb FROM c
		                 JOIN grid g ON g.ws_id = $1 AND g.code <> c.code AND g.geom && c.geom AND ST_Intersects(g.geom, c.geom)),
		     pts AS (SELECT a, b, (ST_DumpPoints(ga)).geom AS pt, gb AS other FROM pairs
		             UNION ALL SELECT b, a, (ST_DumpPoints(gb)).geom, ga FROM pairs)
		SELECT a, b, ST_AsText(pt) FROM pts WHERE ST_DWithin(pt, ST_Boundary(other), 1e-11)
		   AND NOT EXISTS (SELECT 1 FROM ST_DumpPoints(other) d WHERE d.geom ~= pt) LIMIT 8`, ws, codes)
		for rows.Next() {
			var a, b, pt string
			rows.Scan(&a, &b, &pt)
			f.t.Logf("vertex %s of %s lies on %s's edge", pt, a, b)
		}
		rows.Close()
		f.t.Errorf("%s: %v vertices of %v (or of their neighbours) lie on a neighbour's edge without being its vertex", p.Describe(), n, codes)
	}
}

// judgeConserved asks PostGIS whether every unit lies in exactly one grid
// of each level of the base tiling (overlay special grids and everything
// under them count their residents again, apart), so persons and
// households are conserved.
func (f *fixture) judgeConserved(p domain.Plan) {
	f.t.Helper()
	ws := f.view(p.View).Workspace
	n := f.scalar(`
		WITH RECURSIVE over AS (
			SELECT code FROM grid WHERE ws_id = $1 AND kind = 'special' AND mode = 'overlay'
			UNION SELECT g.code FROM grid g JOIN over ON g.parent_code = over.code WHERE g.ws_id = $1),
		t AS (SELECT level, geom FROM grid WHERE ws_id = $1 AND code NOT IN (SELECT code FROM over)),
		l AS (SELECT DISTINCT level FROM t),
		u AS (SELECT id, CASE WHEN GeometryType(geom) = 'POINT' THEN geom ELSE ST_PointOnSurface(geom) END AS p
		        FROM unit WHERE plan_id = (SELECT plan_id FROM workspace WHERE id = $1))
		SELECT count(*) FROM u CROSS JOIN l
		 WHERE (SELECT count(*) FROM t WHERE t.level = l.level AND t.geom && u.p AND ST_Intersects(t.geom, u.p)) <> 1`, ws)
	if n > 0 {
		f.t.Errorf("%s: %v unit-levels are not in exactly one grid", p.Describe(), n)
	}
}

// audit runs a fresh audit of the view (new checkers, nothing cached).
func (f *fixture) freshAudit(p domain.Plan) *audit.Report {
	f.t.Helper()
	a := audit.New(
		audit.Check{Name: audit.Coverage, Checker: coverage.New(f.db, coverage.Options{})},
		audit.Check{Name: audit.Balance, Checker: balance.New(f.db, balance.Options{})},
		audit.Check{Name: audit.Circles, Checker: circles.New(f.db, circles.Options{})},
	)
	r, err := a.Run(context.Background(), f.view(p.View), a.Checks())
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

// coverageErrors is the number of coverage findings of the view's audit
// (warnings included: an exact edit leaves no sliver either).
func (f *fixture) coverageFindings(p domain.Plan) []domain.Finding {
	f.t.Helper()
	r := f.freshAudit(p)
	return r.Section(audit.Coverage).(*coverage.Section).Findings()
}

// geometryJSON writes a shape as GeoJSON for a change set.
func geometryJSON(g orb.Geometry) string {
	switch g := g.(type) {
	case orb.MultiPolygon:
		b, _ := json.Marshal(map[string]any{"type": "MultiPolygon", "coordinates": g})
		return string(b)
	case orb.Polygon:
		b, _ := json.Marshal(map[string]any{"type": "Polygon", "coordinates": g})
		return string(b)
	case orb.LineString:
		b, _ := json.Marshal(map[string]any{"type": "LineString", "coordinates": g})
		return string(b)
	}
	panic(fmt.Sprintf("geometryJSON: %T", g))
}

func quote(codes ...string) string {
	b, _ := json.Marshal(codes)
	return strings.Trim(string(b), "[]")
}

// wkbDecode reads the WKB PostGIS returns.
func wkbDecode(b []byte) (orb.Geometry, error) { return wkb.Unmarshal(b) }
