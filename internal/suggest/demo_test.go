package suggest

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/balance"
	"github.com/gridplan/gridplan/internal/circles"
	"github.com/gridplan/gridplan/internal/coverage"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/editing"
	"github.com/gridplan/gridplan/internal/pgtest"
	"github.com/gridplan/gridplan/internal/store"
)

var srv *pgtest.Server

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m, &srv)) }

// fixture is the scale-0.1 demo district with the checks, the editing
// layer and the assistant on it.
type fixture struct {
	t     *testing.T
	db    *store.DB
	edits *editing.Service
	svc   *Service
	plan  domain.Plan
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := srv.NewDB(t)
	ctx := context.Background()
	pgtest.Demo(t, db)
	walks := circles.New(db, circles.Options{})
	a := audit.New(
		audit.Check{Name: audit.Coverage, Checker: coverage.New(db, coverage.Options{})},
		audit.Check{Name: audit.Balance, Checker: balance.New(db, balance.Options{})},
		audit.Check{Name: audit.Circles, Checker: walks},
	)
	f := &fixture{t: t, db: db, edits: editing.New(db, a, nil, editing.Options{})}
	f.svc = New(db, f.edits, walks, nil)
	plan, err := db.Plan(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	f.plan = plan
	return f
}

func (f *fixture) ctx() context.Context {
	return domain.WithActor(context.Background(), domain.Actor{Name: "tester", Via: "cli"})
}

// draft makes a draft and returns its view.
func (f *fixture) draft(name string) domain.Plan {
	f.t.Helper()
	if _, err := f.edits.CreateDraft(f.ctx(), f.plan, name, 0, "test"); err != nil {
		f.t.Fatal(err)
	}
	return f.view(name)
}

func (f *fixture) view(draft string) domain.Plan {
	f.t.Helper()
	p, err := f.db.PlanView(context.Background(), "demo", domain.View{Draft: draft})
	if err != nil {
		f.t.Fatal(err)
	}
	return p
}

// codes lists grid codes of the published plan by a condition on grid g
// and its stats s (the balance audit's, run first).
func (f *fixture) codes(cond string, args ...any) []string {
	f.t.Helper()
	if _, err := audit.New(audit.Check{Name: audit.Balance, Checker: balance.New(f.db, balance.Options{})}).
		Run(context.Background(), f.plan, []string{audit.Balance}); err != nil {
		f.t.Fatal(err)
	}
	rows, err := f.db.Pool().Query(context.Background(), `SELECT DISTINCT `+cond+` ORDER BY 1`, append([]any{f.plan.Workspace}, args...)...)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			f.t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

func (f *fixture) scalar(sql string, args ...any) float64 {
	f.t.Helper()
	var v float64
	if err := f.db.Pool().QueryRow(context.Background(), sql, args...).Scan(&v); err != nil {
		f.t.Fatalf("%s: %v", sql, err)
	}
	return v
}

// apply applies a proposal to a draft, failing on refusal.
func (f *fixture) apply(p domain.Plan, prop Proposal) *editing.Result {
	f.t.Helper()
	res, err := f.svc.Apply(f.ctx(), p, prop)
	if err != nil {
		f.t.Fatalf("applying %s: %v", prop.ChangeSet, err)
	}
	return res
}

func TestSuggestErrors(t *testing.T) {
	f := newFixture(t)
	within := f.codes(`g.code FROM grid g JOIN grid_stats s ON s.ws_id = g.ws_id AND s.code = g.code
		WHERE g.ws_id = $1 AND g.level = 3 AND g.kind = 'base' AND s.band = 'within'`)[0]
	over := f.codes(`g.code FROM grid g JOIN grid_stats s ON s.ws_id = g.ws_id AND s.code = g.code
		WHERE g.ws_id = $1 AND g.level = 3 AND g.kind = 'base' AND s.band = 'over' AND s.households > 600`)[0]
	// A street none of whose communities is under the band.
	street := f.codes(`g.code FROM grid g WHERE g.ws_id = $1 AND g.level = 1 AND g.kind = 'base' AND NOT EXISTS (
		SELECT 1 FROM grid c JOIN grid_stats s ON s.ws_id = c.ws_id AND s.code = c.code
		 WHERE c.ws_id = g.ws_id AND c.parent_code = g.code AND c.kind = 'base' AND s.band <> 'within')`)[0]
	for _, c := range []struct {
		req  Request
		code domain.Code
		says string
	}{
		{Request{Kind: KindSplit, Code: "nope"}, domain.ErrNotFound, `grid "nope" does not exist`},
		{Request{Kind: KindSplit, Code: within}, domain.ErrInvalid, "within its band"},
		{Request{Kind: KindSplit, Code: over, K: 1}, domain.ErrInvalid, "k must be 2 or more"},
		{Request{Kind: KindSplit, Code: over, K: 9}, domain.ErrInvalid, "k=9 would give parts of"},
		{Request{Kind: KindMerge, Code: street, Rule: "clinic:7"}, domain.ErrInvalid, "unknown rule clinic:7"},
		{Request{Kind: KindMerge, Code: street, Rule: "clinic"}, domain.ErrInvalid, "want TYPE:MINUTES"},
		{Request{Kind: KindMerge, Code: street}, domain.ErrInvalid, "is under its band"},
		{Request{Kind: KindRebalance, Code: street}, domain.ErrInvalid, "are within their band"},
		{Request{Kind: "move", Code: street}, domain.ErrInvalid, "unknown suggestion"},
	} {
		_, err := f.svc.Suggest(f.ctx(), f.plan, c.req)
		if domain.ErrorCode(err) != c.code || !strings.Contains(domain.ErrorMessage(err), c.says) {
			t.Errorf("%+v: %v (%s), want %s saying %q", c.req, err, domain.ErrorCode(err), c.code, c.says)
		}
	}
}

// tilingTolM2 is what PostGIS may find between a parent and its children
// after the suggested edits: the editing layer puts new vertices into the
// edges of grids on other levels, which moves those edges by round-off
// (measured: at most 2.5e-6 m² in one parent, a street).
const tilingTolM2 = 1e-5

// judgeCoverage requires the coverage audit of a view to find nothing,
// warnings included: an exact edit leaves no sliver either.
func (f *fixture) judgeCoverage(p domain.Plan) {
	f.t.Helper()
	sec, err := coverage.New(f.db, coverage.Options{}).Check(context.Background(), p)
	if err != nil {
		f.t.Fatal(err)
	}
	if fs := sec.(*coverage.Section).Findings(); len(fs) > 0 {
		f.t.Errorf("%s: %d coverage findings, first %+v", p.Describe(), len(fs), fs[0])
	}
}
