package httpapi_test

import (
	"context"
	"strings"
	"testing"
)

// A write endpoint and what a planner scoped to C1 is told there (""
// when the scoped planner may use it: making a draft knows no scope).
type endpoint struct {
	name   string
	req    request
	scoped string
}

// writes lists every write of the application API and of the OGC API's
// Part 4. Their bodies are valid: only the credential stands between each
// and a change.
func (s *secured) writes() []endpoint {
	base := s.do(request{method: "GET", path: "/api/plans/edit/drafts/d1"}).header.Get("ETag")
	c2 := s.featureID("C2")
	items := "/plans/edit/drafts/d1/collections/edit-level-2/items"
	geo := map[string]string{"Content-Type": "application/geo+json"}
	patch := map[string]string{"Content-Type": "application/merge-patch+json"}
	square := string(squareFeature(113.606, 34.702, 0.002, "新网格"))
	created := strings.Replace(square, `"properties":{`, `"properties":{"parent":"S1",`, 1)
	c2Feature := `{"type":"Feature","properties":{"code":"C2","name":"改名","level":2,"parent":"S1"},"geometry":{"type":"Polygon","coordinates":[[[113.605,34.70],[113.61,34.70],[113.61,34.71],[113.605,34.71],[113.605,34.70]]]}}`
	return []endpoint{
		{"PUT a published grid", request{method: "PUT", path: "/api/plans/edit/grids/C2", body: square}, "approver"},
		{"DELETE a published grid", request{method: "DELETE", path: "/api/plans/edit/grids/C2"}, "approver"},
		{"make a draft", request{method: "POST", path: "/api/plans/edit/drafts", body: `{"name":"d2"}`}, ""},
		{"a change set", request{method: "POST", path: "/api/plans/edit/drafts/d1/changes",
			body: `{"base":` + strings.Trim(base, `"`) + `,"ops":[{"op":"rename","grid":"C2","name":"x"}]}`}, "grid C2"},
		{"publish", request{method: "POST", path: "/api/plans/edit/drafts/d1/publish"}, "approver"},
		{"discard a draft", request{method: "DELETE", path: "/api/plans/edit/drafts/d1"}, "approver"},
		{"revert", request{method: "POST", path: "/api/plans/edit/revert", body: `{"revision":1}`}, "approver"},
		{"PUT a circle rule", request{method: "PUT", path: "/api/plans/edit/circles/rules/clinic/20", body: `{"speed_m_per_min":80}`}, "admin"},
		{"DELETE a circle rule", request{method: "DELETE", path: "/api/plans/edit/circles/rules/clinic/5"}, "admin"},
		{"OGC POST", request{method: "POST", path: items, body: created, header: geo}, "outside the scope"},
		{"OGC PUT", request{method: "PUT", path: items + "/" + c2, body: c2Feature, header: geo}, "grid C2"},
		{"OGC PATCH", request{method: "PATCH", path: items + "/" + c2, body: `{"properties":{"name":"x"}}`, header: patch}, "grid C2"},
		{"OGC DELETE", request{method: "DELETE", path: items + "/" + c2}, "grid C2"},
	}
}

// merge is the headers of a with those of b added.
func merge(a, b map[string]string) map[string]string {
	h := map[string]string{}
	for k, v := range a {
		h[k] = v
	}
	for k, v := range b {
		h[k] = v
	}
	return h
}

func with(rq request, header map[string]string) request {
	rq.header = merge(rq.header, header)
	return rq
}

// Every write refuses every caller who may not make it, with the status
// and reason, and nothing changes in any table.
func TestWritesRefused(t *testing.T) {
	s := newSecured(t, false)
	session, csrf := s.login("planner")
	forged := "gridplan_session=" + strings.Repeat("A", 43)
	callers := []struct {
		name   string
		header map[string]string
		status int
		detail string // "" for the endpoint's scoped detail
	}{
		{"no credential", nil, 401, "needs a credential"},
		{"a viewer", bearer(s.tokens["viewer"]), 403, "role"},
		{"a planner of C1", bearer(s.tokens["scoped"]), 403, ""},
		{"a revoked token", bearer(s.tokens["revoked"]), 401, "not valid"},
		{"an expired token", bearer(s.tokens["expired"]), 401, "not valid"},
		{"a malformed token", bearer("gpt_nope"), 401, "not valid"},
		{"a forged cookie", map[string]string{"Cookie": forged, "X-CSRF-Token": "made-up"}, 403, "X-CSRF-Token"},
		{"a cookie without CSRF token", map[string]string{"Cookie": session}, 403, "X-CSRF-Token"},
		{"a cross-site cookie write", map[string]string{"Cookie": session, "X-CSRF-Token": csrf, "Origin": "https://evil.example"}, 403, "origin"},
		{"a cross-site fetch", map[string]string{"Cookie": session, "X-CSRF-Token": csrf, "Sec-Fetch-Site": "same-site"}, 403, "own pages"},
		{"a token from an unlisted origin", merge(bearer(s.tokens["admin"]), map[string]string{"Origin": "https://evil.example"}), 403, "origin"},
	}
	before := s.rowHashes()
	for _, e := range s.writes() {
		for _, c := range callers {
			want := c.detail
			if want == "" {
				if want = e.scoped; want == "" {
					continue
				}
			}
			a := s.do(with(e.req, c.header))
			if a.status != c.status || !strings.Contains(a.detail, want) {
				t.Errorf("%s by %s: %d %s, want %d mentioning %q", e.name, c.name, a.status, a.body, c.status, want)
			}
			if c.status == 401 && !strings.Contains(a.header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("%s by %s: 401 without WWW-Authenticate: Bearer", e.name, c.name)
			}
		}
	}
	after := s.rowHashes()
	for table, h := range before {
		if after[table] != h {
			t.Errorf("refused writes changed table %s", table)
		}
	}
	s.noSecretsLogged()
}

// A scoped planner edits inside the scope, and not the ground of a grid
// outside it; a session writes with its CSRF token; an approver publishes,
// and the log says who did what.
func TestWritesAllowed(t *testing.T) {
	s := newSecured(t, false)
	items := "/plans/edit/drafts/d1/collections/edit-level-2/items/"
	c1, c2 := s.featureID("C1"), s.featureID("C2")
	patch := map[string]string{"Content-Type": "application/merge-patch+json"}
	scoped := merge(bearer(s.tokens["scoped"]), patch)
	if a := s.do(request{method: "PATCH", path: items + c1, body: `{"properties":{"name":"一社区甲"}}`, header: scoped}); a.status != 200 {
		t.Fatalf("scoped planner renaming C1: %d %s", a.status, a.body)
	}
	// Growing C1 east takes ground from C2, which lies outside the scope.
	grow := `{"geometry":{"type":"Polygon","coordinates":[[[113.60,34.70],[113.607,34.70],[113.607,34.71],[113.60,34.71],[113.60,34.70]]]}}`
	if a := s.do(request{method: "PATCH", path: items + c1, body: grow, header: scoped}); a.status != 403 || !strings.Contains(a.detail, "grid C2") {
		t.Errorf("scoped planner taking C2's ground: %d %s, want 403 naming C2", a.status, a.body)
	}
	session, csrf := s.login("planner")
	cookie := merge(patch, map[string]string{"Cookie": session, "X-CSRF-Token": csrf})
	if a := s.do(request{method: "PATCH", path: items + c2, body: `{"properties":{"name":"二社区乙"}}`, header: cookie}); a.status != 200 {
		t.Fatalf("session write with its CSRF token: %d %s", a.status, a.body)
	}
	if a := s.do(request{method: "GET", path: "/api/session", header: map[string]string{"Cookie": session}}); !strings.Contains(a.body, `"user":"planner"`) ||
		!strings.Contains(a.body, csrf) {
		t.Errorf("session: %s", a.body)
	}
	if a := s.do(request{method: "POST", path: "/api/plans/edit/drafts/d1/publish", header: bearer(s.tokens["approver"])}); a.status != 200 {
		t.Fatalf("approver publishing: %d %s", a.status, a.body)
	}
	log := s.do(request{method: "GET", path: "/api/plans/edit/log"}).body
	for _, want := range []string{`"actor":"cli","event":"draft_create","subject":"draft d1"`, `"actor":"scoped","event":"edit"`, `"actor":"planner","event":"edit"`, `"actor":"approver","event":"publish"`,
		`"actor":"cli","via":"cli","event":"grant","subject":"user scoped"`} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %s:\n%s", want, log)
		}
	}
	// Logged out, the cookie writes no more.
	if a := s.do(request{method: "POST", path: "/api/logout", header: map[string]string{"Cookie": session, "X-CSRF-Token": csrf}}); a.status != 204 {
		t.Fatalf("logout: %d %s", a.status, a.body)
	}
	if a := s.do(request{method: "POST", path: "/api/plans/edit/drafts", body: `{"name":"d3"}`,
		header: map[string]string{"Cookie": session, "X-CSRF-Token": csrf}}); a.status != 401 {
		t.Errorf("write after logout: %d %s", a.status, a.body)
	}
	s.noSecretsLogged()
}

// Reads stay open to every origin; writes only to the listed ones.
func TestCORS(t *testing.T) {
	s := newSecured(t, false)
	preflight := func(origin, method string) string {
		a := s.do(request{method: "OPTIONS", path: "/api/plans/edit/grids/C1",
			header: map[string]string{"Origin": origin, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": "authorization"}})
		return a.header.Get("Access-Control-Allow-Origin")
	}
	cases := []struct{ origin, method, want string }{
		{"https://evil.example", "PUT", ""},
		{"https://evil.example", "DELETE", ""},
		{"https://evil.example", "POST", ""},
		{"https://evil.example", "GET", "https://evil.example"},
		{allowedOrigin, "PUT", allowedOrigin},
	}
	for _, c := range cases {
		if got := preflight(c.origin, c.method); got != c.want {
			t.Errorf("preflight %s from %s: Access-Control-Allow-Origin %q, want %q", c.method, c.origin, got, c.want)
		}
	}
	a := s.do(request{method: "PUT", path: "/api/plans/edit/circles/rules/clinic/20", body: `{"speed_m_per_min":80}`,
		header: merge(bearer(s.tokens["admin"]), map[string]string{"Origin": allowedOrigin})})
	if a.status >= 300 || a.header.Get("Access-Control-Allow-Origin") != allowedOrigin {
		t.Errorf("write from the listed origin: %d %s (ACAO %q)", a.status, a.body, a.header.Get("Access-Control-Allow-Origin"))
	}
}

// noSecretsLogged looks for every token, password and session secret in
// the server's log and the access log.
func (s *secured) noSecretsLogged() {
	s.t.Helper()
	var table string
	if err := s.db.Pool().QueryRow(context.Background(), `SELECT coalesce(string_agg(t::text, '|'), '') FROM access_log t`).Scan(&table); err != nil {
		s.t.Fatal(err)
	}
	logs := s.logs.String()
	if !strings.Contains(logs, "login") {
		s.t.Errorf("the server log is not captured:\n%s", logs)
	}
	for _, secret := range s.secrets {
		if strings.Contains(logs, secret) || strings.Contains(table, secret) {
			s.t.Errorf("secret %s… found in the logs", secret[:8])
		}
	}
	s.t.Logf("%d secrets, none in %d bytes of server log or %d bytes of access log", len(s.secrets), len(logs), len(table))
}
