package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/coverage"
	"github.com/gridplan/gridplan/internal/httpapi"
	"github.com/gridplan/gridplan/internal/store"
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

// Grid edits: precise refusals that change nothing, If-Match, and an
// accepted edit the coverage audit sees at once.
func TestGridEdit(t *testing.T) {
	_, db := newServer(t)
	auditor := audit.New(map[string]audit.Checker{audit.Coverage: coverage.New(db, coverage.Options{})})
	h := httpapiNew(t, db, auditor)
	base := h.URL + "/api/plans/erqi/grids/S1"

	resp, _ := get(t, base)
	etag := resp.Header.Get("ETag")
	if resp.StatusCode != 200 || etag == "" {
		t.Fatalf("GET grid: %d, ETag %q", resp.StatusCode, etag)
	}
	resp, body := get(t, h.URL+"/api/plans/erqi/audit?checks=coverage")
	if resp.StatusCode != 200 || strings.Contains(string(body), `"kind":"outside_parent"`) {
		t.Fatalf("audit before: %d %s", resp.StatusCode, body)
	}
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
		{"unknown grid", "PUT", h.URL + "/api/plans/erqi/grids/NOPE", "", squareFeature(113.6, 34.7, 0.005, "x"), 404, "NOPE"},
		{"unknown plan", "PUT", h.URL + "/api/plans/nope/grids/S1", "", squareFeature(113.6, 34.7, 0.005, "x"), 404, "nope"},
		{"stale If-Match", "PUT", base, `"1"`, squareFeature(113.6, 34.7, 0.005, "x"), 412, "version"},
		{"malformed If-Match", "PUT", base, `W/"x"`, squareFeature(113.6, 34.7, 0.005, "x"), 400, "If-Match"},
		{"too large", "PUT", base, "", bytes.Repeat([]byte(" "), 9<<20), 413, "exceeds"},
		{"delete a parent", "DELETE", base, "", nil, 409, "child"},
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
		t.Fatalf("refused edits changed the plan: ETag %s → %s", etag, resp.Header.Get("ETag"))
	}

	// Shrink street S1: its community C1 now reaches outside it.
	resp, body = do(t, "PUT", base, etag, squareFeature(113.60, 34.70, 0.005, "一街（新）"))
	if resp.StatusCode != 200 || resp.Header.Get("ETag") == etag || !strings.Contains(string(body), "一街（新）") {
		t.Fatalf("edit: %d %s (ETag %s)", resp.StatusCode, body, resp.Header.Get("ETag"))
	}
	resp, body = get(t, h.URL+"/api/plans/erqi/audit?checks=coverage")
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"kind":"outside_parent"`) {
		t.Fatalf("audit after the edit: %d %s", resp.StatusCode, body)
	}
	resp, body = get(t, h.URL+"/api/plans/erqi/findings?check=coverage")
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"FeatureCollection"`) || !strings.Contains(string(body), `"outside_parent"`) {
		t.Errorf("findings: %d %s", resp.StatusCode, body)
	}
	if resp, _ := get(t, h.URL+"/api/plans/erqi/findings?check=nope"); resp.StatusCode != 400 {
		t.Errorf("bad check: %d", resp.StatusCode)
	}
	// Delete the community: the audit is clean again.
	resp, _ = do(t, "DELETE", h.URL+"/api/plans/erqi/grids/C1", "", nil)
	if resp.StatusCode != 204 {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	resp, body = get(t, h.URL+"/api/plans/erqi/audit?checks=coverage")
	if resp.StatusCode != 200 || strings.Contains(string(body), `"kind":"outside_parent"`) {
		t.Errorf("audit after the delete: %d %s", resp.StatusCode, body)
	}
}

func httpapiNew(t *testing.T, db *store.DB, a *audit.Auditor) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(httpapi.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), httpapi.Options{Auditor: a}))
	t.Cleanup(ts.Close)
	return ts
}
