package ogcapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/geo"
	"github.com/gridplan/gridplan/internal/domain"
)

func TestPagingToTheEnd(t *testing.T) {
	ts, db := demoServer(t)
	want := sqlIDs(t, db, `SELECT g.id FROM grid g JOIN plan p ON p.id = g.plan_id WHERE p.name = 'demo' AND g.level = 4 ORDER BY g.id`, nil)
	next := ts.URL + "/collections/demo-level-4/items?limit=97"
	var got []int64
	pages := 0
	for next != "" {
		var p page
		getJSON(t, next, &p)
		pages++
		if p.NumberMatched != len(want) {
			t.Fatalf("page %d: numberMatched %d, want %d", pages, p.NumberMatched, len(want))
		}
		if p.NumberReturned != len(p.Features) || p.NumberReturned > 97 {
			t.Fatalf("page %d: numberReturned %d for %d features (limit 97)", pages, p.NumberReturned, len(p.Features))
		}
		for _, l := range p.Links {
			if l.Rel == "next" && l.Type != "application/geo+json" {
				t.Errorf("next link of type %q", l.Type)
			}
		}
		for _, f := range p.Features {
			got = append(got, f.ID)
		}
		next = p.next()
	}
	if pages != (len(want)+96)/97 {
		t.Errorf("%d pages for %d features at 97 a page", pages, len(want))
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("paging returned %d ids, want the %d of the level in order, without duplicates or gaps", len(got), len(want))
	}
}

func TestLimitClampedAndDefault(t *testing.T) {
	ts, db := demoServer(t)
	n := len(sqlIDs(t, db, `SELECT id FROM unit`, nil))
	if n <= 10000 && n <= 100 {
		t.Fatalf("fixture has only %d units", n)
	}
	var p page
	getJSON(t, ts.URL+"/collections/demo-units/items", &p)
	if p.NumberReturned != 100 || p.NumberMatched != n {
		t.Errorf("default page: %d returned of %d matched; want 100 of %d", p.NumberReturned, p.NumberMatched, n)
	}
	getJSON(t, ts.URL+"/collections/demo-units/items?limit=1000000", &p)
	if p.NumberReturned != min(n, 10000) {
		t.Errorf("limit=1000000 returned %d, want it clamped to %d", p.NumberReturned, min(n, 10000))
	}
	if next := p.next(); n > 10000 && !strings.Contains(next, "limit=10000") {
		t.Errorf("next link %q does not carry the clamped limit", next)
	}
}

func TestBadRequests(t *testing.T) {
	ts, _ := demoServer(t)
	for _, q := range []string{
		"foo=1", "limit=0", "limit=abc", "bbox=1,2,3", "bbox=113.7,34,113.6,35", "bbox=a,b,c,d",
		"datetime=yesterday", "datetime=../..", "f=xml", "datum=bd09", "after=-3", "limit=5&limit=6", "type=school",
	} {
		r := do(t, http.MethodGet, ts.URL+"/collections/demo-level-4/items?"+q)
		var prob struct {
			Status int
			Detail string
		}
		json.Unmarshal(r.body, &prob)
		if r.status != 400 || r.header.Get("Content-Type") != "application/problem+json" || prob.Detail == "" {
			t.Errorf("?%s: %d %s %s, want 400 problem+json with a detail", q, r.status, r.header.Get("Content-Type"), r.body)
		}
	}
	for _, q := range []string{"datetime=2024-01-01T00:00:00Z", "datetime=2024-01-01/..", "bbox=113.5,34.6,113.7,34.8", "kind=special&category=school"} {
		if r := do(t, http.MethodGet, ts.URL+"/collections/demo-level-4/items?"+q); r.status != 200 {
			t.Errorf("?%s: %d %s, want 200", q, r.status, r.body)
		}
	}
}

func TestNotFound(t *testing.T) {
	ts, db := demoServer(t)
	id := sqlIDs(t, db, `SELECT min(id) FROM grid WHERE level = 4`, nil)[0]
	for _, path := range []string{
		"/collections/nosuch-level-4", "/collections/demo-level-9/items", "/collections/demo-levels/items",
		"/collections/demo-level-04", "/collections/demo/items",
		"/collections/demo-level-4/items/999999999", "/collections/demo-level-4/items/abc",
		fmt.Sprintf("/collections/demo-level-3/items/%d", id), // a level-4 id is not in level 3
		"/nothing-here",
	} {
		r := do(t, http.MethodGet, ts.URL+path)
		if r.status != 404 || r.header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %d %s, want 404 problem+json", path, r.status, r.body)
		}
	}
	var f struct {
		ID         int64
		Properties map[string]any
	}
	getJSON(t, fmt.Sprintf("%s/collections/demo-level-4/items/%d", ts.URL, id), &f)
	if f.ID != id || f.Properties["level"] != float64(4) {
		t.Errorf("feature %d read as %d with properties %v", id, f.ID, f.Properties)
	}
}

func TestHeadETagAndChange(t *testing.T) {
	ts, db := demoServer(t)
	url := ts.URL + "/collections/demo-level-3/items?limit=5000"
	get := do(t, http.MethodGet, url)
	etag := get.header.Get("ETag")
	if get.status != 200 || etag == "" || !strings.Contains(get.header.Get("Cache-Control"), "no-cache") {
		t.Fatalf("GET: %d, ETag %q, Cache-Control %q", get.status, etag, get.header.Get("Cache-Control"))
	}
	head := do(t, http.MethodHead, url)
	if head.status != 200 || len(head.body) != 0 || head.header.Get("ETag") != etag {
		t.Errorf("HEAD: %d, %d bytes, ETag %q (GET's %q)", head.status, len(head.body), head.header.Get("ETag"), etag)
	}
	if r := do(t, http.MethodGet, url, "If-None-Match", etag); r.status != http.StatusNotModified || len(r.body) != 0 {
		t.Errorf("If-None-Match: %d with %d bytes, want 304", r.status, len(r.body))
	}
	again := do(t, http.MethodGet, url)
	if string(again.body) != string(get.body) {
		t.Error("the repeated (cached) response differs from the first")
	}
	// A change of data, made straight in SQL as QGIS would, changes the ETag.
	if _, err := db.Pool().Exec(context.Background(), `UPDATE grid SET name = name || '*' WHERE id = (SELECT min(id) FROM grid WHERE level = 3)`); err != nil {
		t.Fatal(err)
	}
	after := do(t, http.MethodGet, url, "If-None-Match", etag)
	if after.status != 200 || after.header.Get("ETag") == etag || !strings.Contains(string(after.body), `*"`) {
		t.Errorf("after an edit: %d, ETag %q (was %q); want 200, a new ETag and the edit", after.status, after.header.Get("ETag"), etag)
	}
	// Findings are data too: a new audit result changes the findings' ETag.
	furl := ts.URL + "/collections/demo-findings/items"
	f1 := do(t, http.MethodGet, furl)
	p, err := db.Plan(context.Background(), "demo")
	if err != nil {
		t.Fatal(err)
	}
	gap := domain.Finding{Kind: "gap", Severity: "error", Level: 4, Parent: "x", Grids: []string{"a"}, AreaM2: 12,
		Reason: "test", Geometry: orb.Polygon{{{113.6, 34.7}, {113.601, 34.7}, {113.601, 34.701}, {113.6, 34.7}}}}
	if err := db.ReplaceFindings(context.Background(), p.ID, "coverage", "", []domain.Finding{gap}); err != nil {
		t.Fatal(err)
	}
	f2 := do(t, http.MethodGet, furl, "If-None-Match", f1.header.Get("ETag"))
	var fp page
	json.Unmarshal(f2.body, &fp)
	if f2.status != 200 || fp.NumberMatched != 1 || fp.Features[0].Properties["kind"] != "gap" {
		t.Errorf("findings after an audit: %d %s", f2.status, f2.body)
	}
}

func TestBBoxMatchesPostGIS(t *testing.T) {
	ts, db := demoServer(t)
	box := [4]float64{113.58, 34.68, 113.62, 34.72}
	want := sqlIDs(t, db, `SELECT id FROM grid WHERE level = 4
		AND ST_Intersects(geom, ST_MakeEnvelope(@a, @b, @c, @d, 4326)) ORDER BY id`,
		pgx.NamedArgs{"a": box[0], "b": box[1], "c": box[2], "d": box[3]})
	if len(want) < 20 {
		t.Fatalf("the box holds only %d grids; move it", len(want))
	}
	var p page
	getJSON(t, fmt.Sprintf("%s/collections/demo-level-4/items?limit=10000&bbox=%g,%g,%g,%g", ts.URL, box[0], box[1], box[2], box[3]), &p)
	var got []int64
	for _, f := range p.Features {
		got = append(got, f.ID)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) || p.NumberMatched != len(want) {
		t.Errorf("bbox returned %d features (numberMatched %d), PostGIS ST_Intersects finds %d", len(got), p.NumberMatched, len(want))
	}
}

func TestFilters(t *testing.T) {
	ts, db := demoServer(t)
	want := sqlIDs(t, db, `SELECT id FROM grid WHERE level = 3 AND kind = 'special' ORDER BY id`, nil)
	var p page
	getJSON(t, ts.URL+"/collections/demo-level-3/items?kind=special&limit=10000", &p)
	if p.NumberMatched != len(want) || len(want) == 0 {
		t.Errorf("kind=special: %d matched, want %d", p.NumberMatched, len(want))
	}
	var parent string
	db.Pool().QueryRow(context.Background(), `SELECT parent_code FROM grid WHERE level = 4 LIMIT 1`).Scan(&parent)
	n := len(sqlIDs(t, db, `SELECT id FROM grid WHERE level = 4 AND parent_code = @p`, pgx.NamedArgs{"p": parent}))
	getJSON(t, ts.URL+"/collections/demo-level-4/items?parent="+url.QueryEscape(parent), &p)
	if p.NumberMatched != n {
		t.Errorf("parent=%s: %d matched, want %d", parent, p.NumberMatched, n)
	}
	var types string
	db.Pool().QueryRow(context.Background(), `SELECT type FROM facility LIMIT 1`).Scan(&types)
	getJSON(t, ts.URL+"/collections/demo-facilities/items?type="+url.QueryEscape(types), &p)
	for _, f := range p.Features {
		if f.Properties["type"] != types {
			t.Fatalf("type=%s returned a %v", types, f.Properties["type"])
		}
	}
}

func TestGCJ02Output(t *testing.T) {
	ts, db := demoServer(t)
	id := sqlIDs(t, db, `SELECT min(id) FROM facility`, nil)[0]
	read := func(q string) orb.Point {
		var f struct {
			Geometry struct{ Coordinates [2]float64 }
		}
		getJSON(t, fmt.Sprintf("%s/collections/demo-facilities/items/%d%s", ts.URL, id, q), &f)
		return orb.Point(f.Geometry.Coordinates)
	}
	wgs, gcj := read(""), read("?datum=gcj02")
	want := geo.WGS84ToGCJ02(wgs)
	if math.Abs(gcj[0]-want[0]) > 1e-12 || math.Abs(gcj[1]-want[1]) > 1e-12 {
		t.Errorf("datum=gcj02 gives %v, want %v (from WGS84 %v)", gcj, want, wgs)
	}
	if d := math.Hypot((gcj[0]-wgs[0])*91000, (gcj[1]-wgs[1])*111000); d < 100 || d > 1000 {
		t.Errorf("GCJ-02 offset %.0f m; in Zhengzhou it is a few hundred metres", d)
	}
	var p page
	getJSON(t, ts.URL+"/collections/demo-level-2/items?limit=1&datum=gcj02", &p)
	var rings [][][][2]float64
	json.Unmarshal(p.Features[0].Geometry.Coordinates, &rings)
	var plain page
	getJSON(t, ts.URL+"/collections/demo-level-2/items?limit=1", &plain)
	var prings [][][][2]float64
	json.Unmarshal(plain.Features[0].Geometry.Coordinates, &prings)
	if got, want := orb.Point(rings[0][0][0]), geo.WGS84ToGCJ02(orb.Point(prings[0][0][0])); got != want {
		t.Errorf("items datum=gcj02: first vertex %v, want %v", got, want)
	}
}
