package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/circles"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/httpapi"
	"github.com/gridplan/gridplan/internal/pgtest"
	"github.com/gridplan/gridplan/web"
)

// hostileServer serves plan "p" whose top-level grids have codes with
// characters that need escaping in a path, with editing and the web map.
func hostileServer(t *testing.T) *httptest.Server {
	t.Helper()
	db := srv.NewDB(t)
	p, err := db.CreatePlan(context.Background(), domain.Plan{Name: "p"})
	if err != nil {
		t.Fatal(err)
	}
	var grids []domain.Grid
	for i, code := range []string{"A:1", "A/B", "a+b", "a;b", "甲 1"} {
		grids = append(grids, domain.Grid{Code: code, Name: "grid " + code, Level: 1, Geometry: box(113.60+0.01*float64(i), 34.70, 0.01)})
	}
	pgtest.ImportGrids(t, db, p, grids, domain.WGS84)
	a := audit.New(audit.Check{Name: audit.Circles, Checker: circles.New(db, circles.Options{})})
	return signedServer(t, db, httpapi.Options{Web: web.Static(), Auditor: a})
}

// TestPercentEncodedPathParameters reads and edits grids whose codes hold
// ':', '/', '+', ';' and a space, and rule types likewise: the path
// carries them percent-encoded and the API means the decoded text.
func TestPercentEncodedPathParameters(t *testing.T) {
	ts := hostileServer(t)
	for _, c := range []struct{ path, code string }{
		{"A%3A1", "A:1"}, {"A:1", "A:1"}, {"A%2FB", "A/B"}, {"a+b", "a+b"}, {"a%2Bb", "a+b"}, {"a;b", "a;b"},
		{"a%3Bb", "a;b"}, {"%E7%94%B2%201", "甲 1"},
	} {
		resp, body := get(t, ts.URL+"/api/plans/p/grids/"+c.path)
		var f struct{ Properties map[string]any }
		json.Unmarshal(body, &f)
		if resp.StatusCode != 200 || f.Properties["code"] != c.code {
			t.Errorf("GET grids/%s: %d %s, want grid %q", c.path, resp.StatusCode, body, c.code)
		}
	}
	if resp, body := do(t, "PUT", ts.URL+"/api/plans/p/grids/A%2FB", "", []byte(`{"type":"Feature","properties":{"name":"renamed"},"geometry":null}`)); resp.StatusCode != 200 || !strings.Contains(string(body), `"renamed"`) {
		t.Errorf("rename A/B: %d %s", resp.StatusCode, body)
	}
	if resp, body := get(t, ts.URL+"/api/plans/p/grids/A%2FB/history"); resp.StatusCode != 200 || !strings.Contains(string(body), `"A/B"`) {
		t.Errorf("history of A/B: %d %s", resp.StatusCode, body)
	}
	for _, typ := range []struct{ path, name string }{{"day%2Fcare", "day/care"}, {"a%3Bb", "a;b"}, {"x%3A1", "x:1"}} {
		if resp, body := do(t, "PUT", ts.URL+"/api/plans/p/circles/rules/"+typ.path+"/10", "", []byte(`{}`)); resp.StatusCode != 201 {
			t.Errorf("PUT rule %s: %d %s", typ.path, resp.StatusCode, body)
		}
	}
	resp, body := get(t, ts.URL+"/api/plans/p/circles/rules")
	for _, name := range []string{"day/care", "a;b", "x:1"} {
		if resp.StatusCode != 200 || !strings.Contains(string(body), `"`+name+`"`) {
			t.Errorf("rules: %d %s, want type %q", resp.StatusCode, body, name)
		}
	}
	if resp, body := do(t, "DELETE", ts.URL+"/api/plans/p/circles/rules/day%2Fcare/10", "", nil); resp.StatusCode != 204 {
		t.Errorf("DELETE rule day/care: %d %s", resp.StatusCode, body)
	}
}

// TestHostileInput sends numbers beyond what PostgreSQL's integers hold,
// NUL characters in names, paths and rule types, and bodies of the wrong
// JSON kinds: each is a precise 4xx problem, never a 500 or an empty reply,
// and no detail names a Go type.
func TestHostileInput(t *testing.T) {
	ts := hostileServer(t)
	for _, c := range []struct {
		name, method, path, body string
		status                   int
		detail                   string
	}{
		{"level beyond int4", "GET", "/api/plans/p/grids?level=2147483648", "", 400, "level"},
		{"level far beyond int64", "GET", "/api/plans/p/grids?level=99999999999999999999", "", 400, "level"},
		{"export level beyond int4", "GET", "/api/plans/p/export?level=2147483648", "", 400, "level"},
		{"circle grids level beyond int4", "GET", "/api/plans/p/circles/clinic/grids?level=2147483648", "", 400, "level"},
		{"minutes beyond int4", "GET", "/api/plans/p/circles/clinic/blindspots?minutes=2147483648", "", 400, "minutes"},
		{"rule minutes beyond int4", "PUT", "/api/plans/p/circles/rules/clinic/2147483648", "{}", 400, "minutes"},
		{"revision beyond int4", "GET", "/api/plans/p/grids?revision=2147483648", "", 400, "revision"},
		{"collection level beyond int4", "GET", "/collections/p-level-999999999999/items", "", 404, "no collection"},
		{"collection level beyond int4, tiles", "GET", "/tiles/p-level-999999999999/1/0/0.mvt", "", 404, "no collection"},
		{"collection level beyond int4, description", "GET", "/collections/p-level-2147483648", "", 404, "no collection"},
		{"NUL in a name", "PUT", "/api/plans/p/grids/a+b", `{"type":"Feature","properties":{"name":"a\u0000b"},"geometry":null}`, 400, "properties.name"},
		{"NUL in the plan", "GET", "/api/plans/demo%00/grids", "", 400, "plan"},
		{"NUL in a grid code", "GET", "/api/plans/p/grids/A%00", "", 400, "code"},
		{"NUL in a rule type", "PUT", "/api/plans/p/circles/rules/cli%00nic/10", "{}", 400, "type"},
		{"NUL in a rule type, read", "GET", "/api/plans/p/circles/cli%00nic/blindspots?minutes=5", "", 400, "type"},
		{"NUL in a rule note", "PUT", "/api/plans/p/circles/rules/clinic/10", `{"note":"a\u0000"}`, 400, "note"},
		{"NUL in a collection", "GET", "/collections/p%00-units/items", "", 400, "collectionId"},
		{"NUL in an OGC filter", "GET", "/collections/p-level-1/items?parent=a%00", "", 400, "parent"},
		{"an array for a rule", "PUT", "/api/plans/p/circles/rules/clinic/10", `[1,2]`, 400, "an array, where an object belongs"},
		{"text for a speed", "PUT", "/api/plans/p/circles/rules/clinic/10", `{"speed_m_per_min":"fast"}`, 400, "speed_m_per_min: a string, where a number belongs"},
		{"an array for a feature", "PUT", "/api/plans/p/grids/a+b", `[]`, 400, "an array, where an object belongs"},
	} {
		resp, body := do(t, c.method, ts.URL+c.path, "", []byte(c.body))
		var p struct{ Detail string }
		_ = json.Unmarshal(body, &p)
		if resp.StatusCode != c.status || !strings.Contains(p.Detail, c.detail) || resp.Header.Get("Content-Type") != "application/problem+json" ||
			strings.Contains(p.Detail, "Go ") || strings.Contains(p.Detail, "struct") {
			t.Errorf("%s: %d %q %s, want %d mentioning %q", c.name, resp.StatusCode, resp.Header.Get("Content-Type"), body, c.status, c.detail)
		}
	}
}

// TestWebMapPaths: /map redirects to /map/, and a missing file there is a
// problem+json 404 like any other unknown path.
func TestWebMapPaths(t *testing.T) {
	ts := hostileServer(t)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(ts.URL + "/map")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/map/" {
		t.Errorf("/map: %d to %q, want 301 to /map/", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, body := get(t, ts.URL+"/map/"); resp.StatusCode != 200 || !strings.Contains(string(body), "<html") {
		t.Errorf("/map/: %d", resp.StatusCode)
	}
	for _, path := range []string{"/map/nosuch.js", "/map/vendor/nosuch.css", "/map/../etc/passwd"} {
		resp, body := get(t, ts.URL+path)
		if resp.StatusCode != 404 || resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %d %q %s, want a problem+json 404", path, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	}
}
