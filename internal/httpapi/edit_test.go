package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/gridplan/gridplan/internal/access"
	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/coverage"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/editing"
	"github.com/gridplan/gridplan/internal/httpapi"
	"github.com/gridplan/gridplan/internal/pgtest"
	"github.com/gridplan/gridplan/internal/store"
	"github.com/paulmach/orb"
)

func do(t *testing.T, method, url, ifMatch string, body []byte) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if ifMatch != "" {
		req.Header.Set("If-Match", ifMatch)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func squareFeature(x, y, size float64, name string) []byte {
	return []byte(fmt.Sprintf(`{"type":"Feature","properties":{"name":%q},"geometry":{"type":"Polygon","coordinates":[[[%g,%g],[%g,%g],[%g,%g],[%g,%g],[%g,%g]]]}}`,
		name, x, y, x+size, y, x+size, y+size, x, y+size, x, y))
}

// editServer serves a plan "edit": street S1 of two communities (C1 the
// west half, C2 the east half) and street S2 beside it.
func editServer(t *testing.T) (*httptest.Server, *store.DB) {
	t.Helper()
	ctx := context.Background()
	db := srv.NewDB(t)
	p, err := db.CreatePlan(ctx, domain.Plan{Name: "edit", Title: "edits"})
	if err != nil {
		t.Fatal(err)
	}
	rect := func(x0, x1 float64) orb.MultiPolygon {
		return orb.MultiPolygon{{{{x0, 34.70}, {x1, 34.70}, {x1, 34.71}, {x0, 34.71}, {x0, 34.70}}}}
	}
	pgtest.ImportGrids(t, db, p, []domain.Grid{
		{Code: "S1", Name: "一街", Level: 1, Geometry: orb.MultiPolygon{{{{113.60, 34.70}, {113.605, 34.70}, {113.61, 34.70},
			{113.61, 34.71}, {113.605, 34.71}, {113.60, 34.71}, {113.60, 34.70}}}}},
		{Code: "S2", Name: "二街", Level: 1, Geometry: rect(113.61, 113.62)},
		{Code: "C1", Name: "一社区", Level: 2, Parent: "S1", Geometry: rect(113.60, 113.605)},
		{Code: "C2", Name: "二社区", Level: 2, Parent: "S1", Geometry: rect(113.605, 113.61)},
	}, domain.WGS84)
	auditor := audit.New(audit.Check{Name: audit.Coverage, Checker: coverage.New(db, coverage.Options{})})
	return httpapiNew(t, db, auditor), db
}

// Grid edits: precise refusals that change nothing, If-Match, and accepted
// edits whose neighbours follow, so the audit stays clean.
func TestGridEdit(t *testing.T) {
	h, _ := editServer(t)
	base := h.URL + "/api/plans/edit/grids/C1"

	resp, _ := get(t, base)
	etag := resp.Header.Get("ETag")
	if resp.StatusCode != 200 || etag == "" {
		t.Fatalf("GET grid: %d, ETag %q", resp.StatusCode, etag)
	}
	clean := func(when string) {
		t.Helper()
		resp, body := get(t, h.URL+"/api/plans/edit/audit?checks=coverage")
		if resp.StatusCode != 200 || !strings.Contains(string(body), `"findings":[]`) {
			t.Fatalf("audit %s: %d %s", when, resp.StatusCode, body)
		}
	}
	clean("before")
	refusals := []struct {
		name, method, url, ifMatch string
		body                       []byte
		status                     int
		detail                     string
	}{
		{"not JSON", "PUT", base, "", []byte(`{"type":`), 400, "not a GeoJSON Feature"},
		{"not a Feature", "PUT", base, "", []byte(`{"type":"Polygon","coordinates":[]}`), 400, "must be a GeoJSON Feature"},
		{"a point", "PUT", base, "", []byte(`{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[113.6,34.7]}}`), 400, "geometry"},
		{"an open ring", "PUT", base, "", []byte(`{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[113.6,34.7],[113.61,34.7],[113.61,34.71],[113.6,34.71]]]}}`), 400, "geometry"},
		{"a numeric name", "PUT", base, "", []byte(`{"type":"Feature","properties":{"name":7},"geometry":null}`), 400, "properties.name"},
		{"nothing to change", "PUT", base, "", []byte(`{"type":"Feature","properties":{},"geometry":null}`), 400, "nothing to change"},
		{"unknown grid", "PUT", h.URL + "/api/plans/edit/grids/NOPE", "", squareFeature(113.6, 34.7, 0.005, "x"), 422, "NOPE"},
		{"unknown plan", "PUT", h.URL + "/api/plans/nope/grids/S1", "", squareFeature(113.6, 34.7, 0.005, "x"), 404, "nope"},
		{"stale If-Match", "PUT", base, `"7"`, squareFeature(113.6, 34.7, 0.005, "x"), 412, "version"},
		{"malformed If-Match", "PUT", base, `W/"x"`, squareFeature(113.6, 34.7, 0.005, "x"), 400, "If-Match"},
		{"too large", "PUT", base, "", bytes.Repeat([]byte(" "), 9<<20), 413, "exceeds"},
		{"a cut child", "PUT", h.URL + "/api/plans/edit/grids/S1", "", squareFeature(113.60, 34.70, 0.0075, "x"), 422, "cuts child grid C1"},
		{"no sibling to take the ground", "DELETE", h.URL + "/api/plans/edit/grids/C9", "", nil, 422, "C9"},
	}
	for _, c := range refusals {
		resp, body := do(t, c.method, c.url, c.ifMatch, c.body)
		var p struct{ Detail string }
		_ = json.Unmarshal(body, &p)
		if resp.StatusCode != c.status || !strings.Contains(p.Detail, c.detail) ||
			resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %d %s, want %d mentioning %q", c.name, resp.StatusCode, body, c.status, c.detail)
		}
	}
	if resp, _ := get(t, base); resp.Header.Get("ETag") != etag {
		t.Fatalf("refused edits changed the grid: ETag %s → %s", etag, resp.Header.Get("ETag"))
	}

	// C1 grows a quarter of the street east: C2 gives the ground up.
	wide := []byte(`{"type":"Feature","properties":{"name":"一社区（新）"},"geometry":{"type":"Polygon","coordinates":[[[113.60,34.70],[113.6075,34.70],[113.6075,34.71],[113.60,34.71],[113.60,34.70]]]}}`)
	resp, body := do(t, "PUT", base, etag, wide)
	if resp.StatusCode != 200 || resp.Header.Get("ETag") == etag || !strings.Contains(string(body), "一社区（新）") {
		t.Fatalf("edit: %d %s (ETag %s)", resp.StatusCode, body, resp.Header.Get("ETag"))
	}
	clean("after the reshape")
	if resp, _ := do(t, "PUT", base, etag, wide); resp.StatusCode != 412 {
		t.Errorf("the same edit on the old ETag: %d, want 412", resp.StatusCode)
	}
	// Delete C2: its ground goes to C1, the only sibling.
	if resp, body := do(t, "DELETE", h.URL+"/api/plans/edit/grids/C2", "", nil); resp.StatusCode != 204 {
		t.Fatalf("delete: %d %s", resp.StatusCode, body)
	}
	clean("after the delete")
	resp, body = get(t, h.URL+"/api/plans/edit/grids?level=2")
	if resp.StatusCode != 200 || strings.Count(string(body), `"code":`) != 1 {
		t.Errorf("after the delete: %s", body)
	}
	if resp, _ := get(t, h.URL+"/api/plans/edit/findings?check=nope"); resp.StatusCode != 400 {
		t.Errorf("bad check: %d", resp.StatusCode)
	}
}

func httpapiNew(t *testing.T, db *store.DB, a *audit.Auditor) *httptest.Server {
	t.Helper()
	return signedServer(t, db, httpapi.Options{Auditor: a})
}

// signedServer serves db with opts, editing on opts.Auditor's checks, and
// with accounts. These tests are about edits, not credentials
// (security_test.go is): a request without one acts as an admin of every
// plan db holds now.
func signedServer(t *testing.T, db *store.DB, opts httpapi.Options) *httptest.Server {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	opts.Access = access.New(db, log, access.Options{BcryptCost: bcrypt.MinCost})
	opts.Editing = editing.New(db, opts.Auditor, log, editing.Options{})
	h := httpapi.New(db, log, opts)
	ts := httptest.NewServer(pgtest.Signed(h, pgtest.AdminToken(t, db, opts.Access)))
	t.Cleanup(ts.Close)
	return ts
}
