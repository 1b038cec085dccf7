package ogcapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/gridplan/gridplan/internal/pgtest"
)

const (
	geoJSON    = "application/geo+json"
	mergePatch = "application/merge-patch+json"
)

// QGIS (3.32 and later, provider oapif) against a draft's landing page:
// it reads the conformance, asks OPTIONS on the items and on the first
// feature to learn what it may do, then posts a new feature and reads its
// id from Location, patches its geometry, patches a feature's properties
// and deletes a feature, one request each. An approver then publishes the
// draft, and PostGIS judges that every level still tiles its parent.
func TestQGISEditsADraft(t *testing.T) {
	d := newDraftServer(t)
	items := d.base + "/collections/demo-level-4/items"

	var conf struct{ ConformsTo []string }
	if err := json.Unmarshal(d.call("GET", d.base+"/conformance", "", "", "").body, &conf); err != nil ||
		!slices.Contains(conf.ConformsTo, "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete") ||
		!slices.Contains(conf.ConformsTo, "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update") {
		t.Errorf("the draft's conformance lacks Part 4: %v", conf.ConformsTo)
	}
	var root struct{ ConformsTo []string }
	getJSON(t, d.ts.URL+"/conformance", &root)
	if strings.Contains(strings.Join(root.ConformsTo, " "), "features-4") {
		t.Errorf("the published plan's conformance claims Part 4: %v", root.ConformsTo)
	}
	var first page
	if err := json.Unmarshal(d.call("GET", items+"?limit=10", "", "", "").body, &first); err != nil || len(first.Features) == 0 {
		t.Fatalf("items: %v", err)
	}
	firstItem := fmt.Sprintf("%s/%d", items, first.Features[0].ID)

	// Anonymous: editing stays off.
	for _, url := range []string{items, firstItem, items + "/unknown_id"} {
		if got := d.allows(url, ""); len(got) != 3 || !got["GET"] || !got["HEAD"] || !got["OPTIONS"] {
			t.Errorf("anonymous OPTIONS %s allows %v, want GET, HEAD, OPTIONS", url, got)
		}
	}
	// The planner: POST on the items, PUT, PATCH and DELETE on a feature,
	// also on an id that does not exist (QGIS's probe of an empty layer).
	if !d.allows(items, d.planner)["POST"] {
		t.Fatalf("the planner may not POST")
	}
	for _, url := range []string{firstItem, items + "/unknown_id"} {
		got := d.allows(url, d.planner)
		if !got["PUT"] || !got["PATCH"] || !got["DELETE"] || got["POST"] {
			t.Errorf("planner OPTIONS %s allows %v", url, got)
		}
	}
	if got := d.allows(d.base+"/collections/demo-units/items", d.planner); got["POST"] {
		t.Errorf("units are read-only, yet OPTIONS allows %v", got)
	}

	// POST a grid drawn inside the largest micro-grid.
	hostID, host, parent, small, large := d.squares()
	created := fmt.Sprintf(`{"type":"Feature","properties":{"code":null,"name":"QGIS 新网格","level":4,"parent":%q,"kind":"base","persons":null},"geometry":%s}`, parent, small)
	r := d.call("POST", items, d.planner, geoJSON, created)
	loc := r.header.Get("Location")
	m := regexp.MustCompile(`/items/(\d+)$`).FindStringSubmatch(loc)
	if r.status != http.StatusCreated || m == nil || !strings.HasPrefix(loc, "/plans/demo/drafts/qgis/collections/demo-level-4/items/") {
		t.Fatalf("POST: %d %s, Location %q", r.status, r.body, loc)
	}
	newItem := items + "/" + m[1]
	r = d.call("GET", newItem, "", "", "")
	etag := r.header.Get("ETag")
	if r.status != 200 || !regexp.MustCompile(`^"\d+"$`).MatchString(etag) || !strings.Contains(string(r.body), "QGIS 新网格") {
		t.Fatalf("GET the new feature: %d %s, ETag %q", r.status, r.body, etag)
	}

	// PATCH its geometry (larger), with If-Match; the old ETag is stale then.
	r = d.call("PATCH", newItem, d.planner, mergePatch, `{"geometry":`+large+`}`, "If-Match", etag)
	if r.status != 200 || r.header.Get("ETag") == etag {
		t.Fatalf("PATCH geometry: %d %s", r.status, r.body)
	}
	if r := d.call("PATCH", newItem, d.planner, mergePatch, `{"geometry":`+small+`}`, "If-Match", etag); r.status != http.StatusPreconditionFailed {
		t.Errorf("PATCH with a stale If-Match: %d %s, want 412", r.status, r.body)
	}
	// PATCH the host's properties: a new name, a free property set and one
	// removed (null) again.
	hostItem := fmt.Sprintf("%s/%d", items, hostID)
	for _, p := range []string{`{"properties":{"name":"大网格","note":"checked"}}`, `{"properties":{"note":null}}`} {
		if r := d.call("PATCH", hostItem, d.planner, mergePatch, p); r.status != 200 {
			t.Fatalf("PATCH properties %s: %d %s", p, r.status, r.body)
		}
	}
	var host4 struct{ Properties map[string]any }
	getJSON(t, hostItem, &host4)
	if host4.Properties["name"] != "大网格" || host4.Properties["code"] != host || host4.Properties["note"] != nil {
		t.Errorf("after the patches: %v", host4.Properties)
	}
	// DELETE the new grid: with no neighbour named, its ground goes to the
	// sibling sharing the longest edge — the micro-grid it was drawn in.
	if r := d.call("DELETE", newItem, d.planner, "", ""); r.status != http.StatusNoContent {
		t.Fatalf("DELETE: %d %s", r.status, r.body)
	}
	if r := d.call("GET", newItem, "", "", ""); r.status != http.StatusNotFound {
		t.Errorf("GET after DELETE: %d", r.status)
	}
	// Published collections stay read-only.
	if r := d.call("POST", d.ts.URL+"/collections/demo-level-4/items", d.planner, geoJSON, created); r.status != http.StatusMethodNotAllowed {
		t.Errorf("POST to the published plan: %d %s", r.status, r.body)
	}
	if r := d.call("POST", d.base+"/collections/demo-units/items", d.planner, geoJSON, created); r.status != http.StatusForbidden ||
		!strings.Contains(string(r.body), "read-only") {
		t.Errorf("POST to units: %d %s", r.status, r.body)
	}

	// The planner may not publish; the approver does.
	publish := d.ts.URL + "/api/plans/demo/drafts/qgis/publish"
	if r := d.call("POST", publish, d.planner, "", ""); r.status != http.StatusForbidden {
		t.Errorf("planner publishing: %d %s", r.status, r.body)
	}
	if r := d.call("POST", publish, d.approver, "", ""); r.status != 200 {
		t.Fatalf("approver publishing: %d %s", r.status, r.body)
	}
	var ws int64
	if err := d.db.Pool().QueryRow(context.Background(), `SELECT w.id FROM workspace w JOIN plan p ON p.id = w.plan_id
		WHERE p.name = 'demo' AND w.kind = 'published'`).Scan(&ws); err != nil {
		t.Fatal(err)
	}
	// The bound is a hundredth of a square millimetre per parent: slivers
	// of double-precision overlay along kilometres of shared boundary (the
	// untouched demo shows 3·10⁻⁷ m²), not ground.
	gap, spill, overlap := pgtest.Tiling(t, d.db, ws)
	t.Logf("published plan: largest gap %.2g m², spill %.2g m², overlap %.2g m² in one parent", gap, spill, overlap)
	if gap > 1e-5 || spill > 1e-5 || overlap > 1e-5 {
		t.Errorf("the published plan does not tile")
	}
	var name string
	if err := d.db.Pool().QueryRow(context.Background(), `SELECT name FROM grid WHERE ws_id = $1 AND code = $2`, ws, host).Scan(&name); err != nil || name != "大网格" {
		t.Errorf("published %s is named %q (%v)", host, name, err)
	}
}

// Concurrent writes to one draft: 20 PATCHes of different features all
// land; 20 PUTs of one feature sent with the same If-Match (its current
// ETag) let exactly one win, the others being stale by then.
func TestConcurrentWrites(t *testing.T) {
	d := newDraftServer(t)
	items := d.base + "/collections/demo-level-4/items"
	var pg page
	getJSON(t, items+"?limit=21", &pg)
	if len(pg.Features) < 21 {
		t.Fatalf("only %d features", len(pg.Features))
	}
	statuses := func(n int, send func(i int) int) map[int]int {
		out := map[int]int{}
		var mu sync.Mutex
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				s := send(i)
				mu.Lock()
				out[s]++
				mu.Unlock()
			})
		}
		wg.Wait()
		return out
	}
	got := statuses(20, func(i int) int {
		return d.call("PATCH", fmt.Sprintf("%s/%d", items, pg.Features[i].ID), d.planner, mergePatch,
			fmt.Sprintf(`{"properties":{"name":"并发 %d"}}`, i)).status
	})
	if got[200] != 20 {
		t.Errorf("20 PATCHes of different features: statuses %v, want 20 × 200", got)
	}
	for i := range 20 {
		var f struct{ Properties map[string]any }
		getJSON(t, fmt.Sprintf("%s/%d", items, pg.Features[i].ID), &f)
		if f.Properties["name"] != fmt.Sprintf("并发 %d", i) {
			t.Errorf("feature %d is named %v", pg.Features[i].ID, f.Properties["name"])
		}
	}

	one := fmt.Sprintf("%s/%d", items, pg.Features[20].ID)
	r := d.call("GET", one, "", "", "")
	etag := r.header.Get("ETag")
	var f map[string]any
	if err := json.Unmarshal(r.body, &f); err != nil {
		t.Fatal(err)
	}
	got = statuses(20, func(i int) int {
		f := maps(f)
		f["properties"].(map[string]any)["name"] = fmt.Sprintf("替换 %d", i)
		b, _ := json.Marshal(f)
		return d.call("PUT", one, d.planner, geoJSON, string(b), "If-Match", etag).status
	})
	if got[200] != 1 || got[412] != 19 {
		t.Errorf("20 PUTs with one If-Match: statuses %v, want 1 × 200 and 19 × 412", got)
	}
}

// maps copies a decoded feature deeply enough to change its properties.
func maps(f map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range f {
		out[k] = v
	}
	props := map[string]any{}
	for k, v := range f["properties"].(map[string]any) {
		props[k] = v
	}
	out["properties"] = props
	return out
}
