package ogcapi_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/gridplan/gridplan/internal/demo"
	"github.com/gridplan/gridplan/internal/httpapi"
	"github.com/gridplan/gridplan/internal/pgtest"
	"github.com/gridplan/gridplan/internal/store"
)

var srv *pgtest.Server

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m, &srv)) }

// demoServer serves the demo district at scale 0.1 (about 1,700 grids,
// 680 on level 4) from a fresh database.
func demoServer(t *testing.T) (*httptest.Server, *store.DB) {
	t.Helper()
	db := srv.NewDB(t)
	if _, err := demo.Load(context.Background(), db, demo.LoadOptions{Plan: "demo", Seed: 1, Scale: 0.1}); err != nil {
		t.Fatalf("demo: %v", err)
	}
	ts := httptest.NewServer(httpapi.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), httpapi.Options{}))
	t.Cleanup(ts.Close)
	return ts, db
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func do(t *testing.T, method, url string, header ...string) response {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{resp.StatusCode, resp.Header, b}
}

func getJSON(t *testing.T, url string, v any) response {
	t.Helper()
	r := do(t, http.MethodGet, url)
	if r.status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, r.status, r.body)
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return r
}

type link struct{ Href, Rel, Type string }

type page struct {
	Type           string `json:"type"`
	NumberMatched  int    `json:"numberMatched"`
	NumberReturned int    `json:"numberReturned"`
	Links          []link `json:"links"`
	Features       []struct {
		ID         int64          `json:"id"`
		Properties map[string]any `json:"properties"`
		Geometry   struct {
			Type        string          `json:"type"`
			Coordinates json.RawMessage `json:"coordinates"`
		} `json:"geometry"`
	} `json:"features"`
}

func (p page) next() string {
	for _, l := range p.Links {
		if l.Rel == "next" {
			return l.Href
		}
	}
	return ""
}

func sqlIDs(t *testing.T, db *store.DB, sql string, args pgx.NamedArgs) []int64 {
	t.Helper()
	rows, err := db.Pool().Query(context.Background(), sql, args)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestLandingConformanceAPI(t *testing.T) {
	ts, _ := demoServer(t)
	var landing struct{ Links []link }
	getJSON(t, ts.URL+"/", &landing)
	rels := map[string]string{}
	for _, l := range landing.Links {
		rels[l.Rel] = l.Href
	}
	for _, rel := range []string{"service-desc", "conformance", "data"} {
		if rels[rel] == "" {
			t.Errorf("landing page has no %q link: %v", rel, landing.Links)
		}
	}
	// A browser gets HTML that leads to the map.
	r := do(t, http.MethodGet, ts.URL+"/", "Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	if !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !strings.Contains(string(r.body), `href="/map/"`) {
		t.Errorf("a browser asking for / got %s without a link to /map/", r.header.Get("Content-Type"))
	}
	var conf struct{ ConformsTo []string }
	getJSON(t, ts.URL+"/conformance", &conf)
	if !strings.Contains(strings.Join(conf.ConformsTo, " "), "ogcapi-features-1/1.0/conf/core") {
		t.Errorf("conformance lacks core: %v", conf.ConformsTo)
	}
	var api struct {
		OpenAPI string `json:"openapi"`
		Paths   map[string]struct {
			Get struct {
				Parameters []struct {
					Name   string         `json:"name"`
					Schema map[string]any `json:"schema"`
				} `json:"parameters"`
			} `json:"get"`
		} `json:"paths"`
	}
	getJSON(t, ts.URL+"/api", &api)
	var max any
	for _, p := range api.Paths["/collections/{collectionId}/items"].Get.Parameters {
		if p.Name == "limit" {
			max = p.Schema["maximum"]
		}
	}
	if !strings.HasPrefix(api.OpenAPI, "3.0") || max != float64(10000) {
		t.Errorf("/api: openapi %q, limit maximum %v; want 3.0.x and 10000", api.OpenAPI, max)
	}
}

func TestCollections(t *testing.T) {
	ts, _ := demoServer(t)
	var cs struct {
		Collections []struct {
			ID     string
			Extent struct{ Spatial struct{ BBox [][]float64 } }
		}
	}
	getJSON(t, ts.URL+"/collections", &cs)
	got := map[string][]float64{}
	for _, c := range cs.Collections {
		var b []float64
		if len(c.Extent.Spatial.BBox) > 0 {
			b = c.Extent.Spatial.BBox[0]
		}
		got[c.ID] = b
	}
	for _, id := range []string{"demo-level-1", "demo-level-2", "demo-level-3", "demo-level-4", "demo-units", "demo-facilities", "demo-findings"} {
		if _, ok := got[id]; !ok {
			t.Errorf("no collection %s in %v", id, got)
		}
	}
	if b := got["demo-level-4"]; len(b) != 4 || b[0] < 113 || b[2] > 114 || b[1] < 34 || b[3] > 35 {
		t.Errorf("demo-level-4 bbox %v, want Erqi's (lon 113.x, lat 34.x)", b)
	}
}
