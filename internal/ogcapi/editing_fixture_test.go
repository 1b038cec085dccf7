package ogcapi_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/gridplan/gridplan/internal/access"
	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/balance"
	"github.com/gridplan/gridplan/internal/circles"
	"github.com/gridplan/gridplan/internal/coverage"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/editing"
	"github.com/gridplan/gridplan/internal/httpapi"
	"github.com/gridplan/gridplan/internal/pgtest"
	"github.com/gridplan/gridplan/internal/store"
)

// draftServer serves the demo district (scale 0.1) with editing and
// accounts: a draft "qgis", and tokens of a planner and an approver of
// the whole plan.
type draftServer struct {
	t                 *testing.T
	ts                *httptest.Server
	db                *store.DB
	planner, approver string
	base              string // the draft's landing page
}

func newDraftServer(t *testing.T) *draftServer {
	t.Helper()
	db := srv.NewDB(t)
	ctx := domain.WithActor(context.Background(), domain.CLIActor())
	pgtest.Demo(t, db)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	auditor := audit.New(
		audit.Check{Name: audit.Coverage, Checker: coverage.New(db, coverage.Options{})},
		audit.Check{Name: audit.Balance, Checker: balance.New(db, balance.Options{})},
		audit.Check{Name: audit.Circles, Checker: circles.New(db, circles.Options{})},
	)
	edits := editing.New(db, auditor, log, editing.Options{})
	acc := access.New(db, log, access.Options{BcryptCost: bcrypt.MinCost})
	ts := httptest.NewServer(httpapi.New(db, log, httpapi.Options{Auditor: auditor, Editing: edits, Access: acc}))
	t.Cleanup(ts.Close)
	plan, err := db.Plan(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := edits.CreateDraft(ctx, plan, "qgis", 0, "edited in QGIS"); err != nil {
		t.Fatal(err)
	}
	d := &draftServer{t: t, ts: ts, db: db, base: ts.URL + "/plans/demo/drafts/qgis"}
	for _, u := range []struct {
		name  string
		role  domain.Role
		token *string
	}{{"planner", domain.RolePlanner, &d.planner}, {"approver", domain.RoleApprover, &d.approver}} {
		if _, err := acc.AddUser(ctx, u.name, nil, false); err != nil {
			t.Fatal(err)
		}
		if err := acc.Grant(ctx, u.name, plan, u.role, nil); err != nil {
			t.Fatal(err)
		}
		if *u.token, _, err = acc.CreateToken(ctx, u.name, "QGIS", 0); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

// call sends a request as QGIS does: one per feature, the token in the
// Authorization header its "API Header" method sets.
func (d *draftServer) call(method, url, token, contentType, body string, header ...string) response {
	d.t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		d.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		d.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{resp.StatusCode, resp.Header, b}
}

// allows reads the methods an OPTIONS answer allows.
func (d *draftServer) allows(url, token string) map[string]bool {
	d.t.Helper()
	r := d.call(http.MethodOptions, url, token, "", "")
	if r.status != http.StatusOK {
		d.t.Fatalf("OPTIONS %s: %d %s", url, r.status, r.body)
	}
	out := map[string]bool{}
	for _, m := range strings.Split(r.header.Get("Allow"), ",") {
		out[strings.TrimSpace(m)] = true
	}
	return out
}

// squares are two squares (half sides 0.4 and 0.6 of the inscribed
// circle's radius) around the centre of the largest base micro-grid of
// the draft, as GeoJSON in WGS84: ground well inside it.
func (d *draftServer) squares() (id int64, code, parent, small, large string) {
	d.t.Helper()
	err := d.db.Pool().QueryRow(context.Background(), `
		SELECT g.id, g.code, g.parent_code,
		       ST_AsGeoJSON(ST_Transform(ST_Expand(c.center, c.radius * 0.4), 4326), 15),
		       ST_AsGeoJSON(ST_Transform(ST_Expand(c.center, c.radius * 0.6), 4326), 15)
		  FROM grid g JOIN draft dr ON dr.ws_id = g.ws_id AND dr.name = 'qgis'
		 CROSS JOIN LATERAL ST_MaximumInscribedCircle(g.geom_m) c
		 WHERE g.level = 4 AND g.kind = 'base' ORDER BY ST_Area(g.geom_m) DESC, g.code LIMIT 1`).
		Scan(&id, &code, &parent, &small, &large)
	if err != nil {
		d.t.Fatal(err)
	}
	return id, code, parent, small, large
}
