package httpapi_test

import (
	"net/url"
	"strings"
	"testing"
)

// The map's login form: a relative redirect to a path of this server
// only, its cookie, and refusals in the page.
func TestLoginForm(t *testing.T) {
	s := newSecured(t, false)
	if a := s.do(request{method: "GET", path: "/login"}); a.status != 200 || !strings.Contains(a.body, `<form method="post" action="/login">`) {
		t.Fatalf("login page: %d %s", a.status, a.body)
	}
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	post := func(user, password, next string, header map[string]string) answer {
		v := url.Values{"name": {user}, "password": {password}, "next": {next}}
		return s.do(request{method: "POST", path: "/login", body: v.Encode(), header: merge(form, header)})
	}
	cases := []struct {
		name, user, password, next string
		header                     map[string]string
		status                     int
		location, text             string
	}{
		{"wrong password", "planner", "nope", "/map/", nil, 401, "", "wrong user name or password"},
		{"unknown user", "ghost", "pw-of-ghost-12345", "/map/", nil, 401, "", "wrong user name or password"},
		{"from another site", "planner", "pw-of-planner-12345", "/map/", map[string]string{"Origin": "https://evil.example"}, 403, "", "origin"},
		{"next elsewhere", "planner", "pw-of-planner-12345", "//evil.example/x", nil, 303, "/map/", ""},
		{"next a URL", "planner", "pw-of-planner-12345", "https://evil.example/", nil, 303, "/map/", ""},
		{"next here", "planner", "pw-of-planner-12345", "/plans/edit/drafts/d1/", nil, 303, "/plans/edit/drafts/d1/", ""},
	}
	for _, c := range cases {
		a := post(c.user, c.password, c.next, c.header)
		if a.status != c.status || a.header.Get("Location") != c.location || !strings.Contains(a.body, c.text) {
			t.Errorf("%s: %d Location %q %s", c.name, a.status, a.header.Get("Location"), a.body)
		}
		if c.status == 303 && !strings.Contains(a.header.Get("Set-Cookie"), "HttpOnly") {
			t.Errorf("%s: cookie %q", c.name, a.header.Get("Set-Cookie"))
		}
	}
	// Over TLS (as a proxy in front says) the cookie is Secure.
	a := post("planner", "pw-of-planner-12345", "/map/", map[string]string{"X-Forwarded-Proto": "https"})
	if !strings.Contains(a.header.Get("Set-Cookie"), "Secure") {
		t.Errorf("cookie behind TLS: %q", a.header.Get("Set-Cookie"))
	}
}

// A private server: reads need a signed-in user with a role on the plan;
// the health probes and the login answer everyone.
func TestPrivateServer(t *testing.T) {
	s := newSecured(t, true)
	cases := []struct {
		path, caller string
		status       int
	}{
		{"/healthz", "", 200}, {"/login", "", 200}, {"/api/session", "", 200},
		{"/api/plans", "", 401}, {"/collections", "", 401}, {"/api/plans/edit/grids?level=1", "", 401},
		{"/api/plans/edit/grids?level=1", "viewer", 200}, {"/collections/edit-level-1/items", "viewer", 200},
		{"/plans/edit/drafts/d1/collections/edit-level-2/items", "scoped", 200}, {"/tiles/edit-level-1.json", "viewer", 200},
		{"/api/plans/edit/grids?level=1", "nobody", 403}, {"/collections/edit-level-1/items", "nobody", 403},
		{"/plans/edit/drafts/d1/", "nobody", 403}, {"/api/plans/edit/log", "revoked", 401},
	}
	for _, c := range cases {
		var h map[string]string
		if c.caller != "" {
			h = bearer(s.tokens[c.caller])
		}
		if a := s.do(request{method: "GET", path: c.path, header: h}); a.status != c.status {
			t.Errorf("GET %s as %q: %d %s, want %d", c.path, c.caller, a.status, a.body, c.status)
		}
	}
}
