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

// with is f for a subtest.
func (f *fixture) with(t *testing.T) *fixture {
	g := *f
	g.t = t
	return &g
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
		f.t.Errorf("%s does not tile: largest gap %.9f m², spill %.9f m², overlap %.9f m² in one parent", p.Describe(), gap, spill, overlap)
	}
}

// tilingCTE names, as tiling(code, root), the tiling each grid of
// workspace $1 belongs to: the nearest overlay special grid up its chain,
// or ” for the base tiling.
const tilingCTE = `
		tiling (code, root) AS (
			SELECT code, '' FROM grid WHERE ws_id = $1 AND parent_code IS NULL AND NOT (kind = 'special' AND mode = 'overlay')
			UNION ALL SELECT code, code FROM grid WHERE ws_id = $1 AND kind = 'special' AND mode = 'overlay'
			UNION ALL SELECT g.code, t.root FROM tiling t JOIN grid g ON g.ws_id = $1 AND g.parent_code = t.code
			                 AND NOT (g.kind = 'special' AND g.mode = 'overlay'))`

// judgeVertices asks PostGIS whether the grids codes share every vertex
// with every grid they touch in their tiling (the base one, or an overlay
// special grid's), at any level: a vertex of one that lies on the other's
// boundary is one of the other's vertices, both ways.
func (f *fixture) judgeVertices(p domain.Plan, codes []string) {
	f.t.Helper()
	ws := f.view(p.View).Workspace
	n := f.scalar(`
		WITH RECURSIVE `+tilingCTE+`,
		     c AS (SELECT code, geom FROM grid WHERE ws_id = $1 AND code = ANY($2)),
		     pairs AS (SELECT c.code AS a, g.code AS b, c.geom AS ga, g.geom AS gb FROM c
		                 JOIN grid g ON g.ws_id = $1 AND g.code <> c.code AND g.geom && c.geom AND ST_Intersects(g.geom, c.geom)
		                 JOIN tiling tc ON tc.code = c.code JOIN tiling tg ON tg.code = g.code AND tg.root = tc.root),
		     pts AS (SELECT (ST_DumpPoints(ga)).geom AS pt, gb AS other FROM pairs
		             UNION ALL SELECT (ST_DumpPoints(gb)).geom, ga FROM pairs)
		SELECT count(*) FROM pts WHERE ST_DWithin(pt, ST_Boundary(other), 1e-11)
		   AND NOT EXISTS (SELECT 1 FROM ST_DumpPoints(other) d WHERE d.geom ~= pt)`, ws, codes)
	if n > 0 {
		rows, _ := f.db.Pool().Query(context.Background(), `
		WITH RECURSIVE `+tilingCTE+`,
		     c AS (SELECT code, geom FROM grid WHERE ws_id = $1 AND code = ANY($2)),
		     pairs AS (SELECT c.code AS a, g.code AS b, c.geom AS ga, g.geom AS gb FROM c
		                 JOIN grid g ON g.ws_id = $1 AND g.code <> c.code AND g.geom && c.geom AND ST_Intersects(g.geom, c.geom)
		                 JOIN tiling tc ON tc.code = c.code JOIN tiling tg ON tg.code = g.code AND tg.root = tc.root),
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

// judgeConserved asks PostGIS whether persons and households are
// conserved (pgtest.JudgeConserved).
func (f *fixture) judgeConserved(p domain.Plan) {
	f.t.Helper()
	pgtest.JudgeConserved(f.t, f.db, f.view(p.View).Workspace)
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

func stringsContains(s, sub string) bool { return strings.Contains(s, sub) }
