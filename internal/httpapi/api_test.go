package httpapi_test

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

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/httpapi"
	"github.com/gridplan/gridplan/internal/pgtest"
	"github.com/gridplan/gridplan/internal/store"
)

var srv *pgtest.Server

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m, &srv)) }

func box(x, y, size float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x, y}, {x + size, y}, {x + size, y + size}, {x, y + size}, {x, y}}}}
}

// newServer serves a plan "erqi" with two streets and a community.
func newServer(t *testing.T) (*httptest.Server, *store.DB) {
	t.Helper()
	ctx := context.Background()
	db := srv.NewDB(t)
	p, err := db.CreatePlan(ctx, domain.Plan{Name: "erqi", Title: "二七区"})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = db.ImportGrids(ctx, p.Workspace, []domain.Grid{
		{Code: "S1", Name: "一街", Level: 1, Geometry: box(113.60, 34.70, 0.01)},
		{Code: "S2", Name: "二街", Level: 1, Geometry: box(113.61, 34.70, 0.01)},
		{Code: "C1", Name: "一社区", Level: 2, Parent: "S1", Geometry: box(113.60, 34.70, 0.01)},
	}, domain.WGS84, store.Record{Kind: store.RevisionImport, Author: "test"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(httpapi.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), httpapi.Options{}))
	t.Cleanup(ts.Close)
	return ts, db
}

func get(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func TestPlans(t *testing.T) {
	ts, _ := newServer(t)
	resp, body := get(t, ts.URL+"/api/plans")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	var list struct {
		Plans []struct {
			Name string    `json:"name"`
			CRS  string    `json:"crs"`
			BBox []float64 `json:"bbox"`
		} `json:"plans"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Plans) != 1 || list.Plans[0].Name != "erqi" || list.Plans[0].CRS != "EPSG:4547" {
		t.Fatalf("plans: %s", body)
	}
	if b := list.Plans[0].BBox; len(b) != 4 || b[0] != 113.60 || b[2] != 113.62 {
		t.Fatalf("bbox from the grids' extent: %v", b)
	}
	resp, body = get(t, ts.URL+"/api/plans/erqi")
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"grids":2`) {
		t.Fatalf("plan: %d %s", resp.StatusCode, body)
	}
}

func TestGrids(t *testing.T) {
	ts, _ := newServer(t)
	tests := []struct {
		query string
		codes []string
	}{
		{"", []string{"S1", "S2", "C1"}},
		{"?level=1", []string{"S1", "S2"}},
		{"?level=2", []string{"C1"}},
		{"?level=1&bbox=113.615,34.705,113.616,34.706", []string{"S2"}},
		{"?level=3", nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			resp, body := get(t, ts.URL+"/api/plans/erqi/grids"+tt.query)
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/geo+json" {
				t.Fatalf("status %d type %s: %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
			}
			fc, err := geojson.UnmarshalFeatureCollection(body)
			if err != nil {
				t.Fatalf("not GeoJSON: %v: %s", err, body)
			}
			var codes []string
			for _, f := range fc.Features {
				codes = append(codes, f.Properties.MustString("code"))
			}
			if strings.Join(codes, ",") != strings.Join(tt.codes, ",") {
				t.Fatalf("codes %v, want %v", codes, tt.codes)
			}
		})
	}
	resp, body := get(t, ts.URL+"/api/plans/erqi/grids/C1")
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"parent":"S1"`) {
		t.Fatalf("one grid: %d %s", resp.StatusCode, body)
	}
}

func TestProblems(t *testing.T) {
	ts, _ := newServer(t)
	tests := []struct {
		path   string
		status int
		detail string
	}{
		{"/api/plans/nowhere", 404, `plan "nowhere"`},
		{"/api/plans/nowhere/grids", 404, `plan "nowhere"`},
		{"/api/plans/erqi/grids/NOPE", 404, `grid "NOPE"`},
		{"/api/plans/erqi/grids?level=x", 400, "level"},
		{"/api/plans/erqi/grids?level=0", 400, "level"},
		{"/api/plans/erqi/grids?bbox=1,2,3", 400, "bbox"},
		{"/api/plans/erqi/grids?bbox=1,2,a,4", 400, "bbox"},
		{"/api/plans/erqi/grids?bbox=5,2,3,4", 400, "bbox"},
		{"/api/plans/erqi/grids?bbox=0,0,500000,4000000", 400, "bbox"},
		{"/no/such/path", 404, "/no/such/path"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, body := get(t, ts.URL+tt.path)
			if resp.StatusCode != tt.status || resp.Header.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("status %d type %q, want %d problem+json: %s", resp.StatusCode, resp.Header.Get("Content-Type"), tt.status, body)
			}
			var p struct {
				Status int    `json:"status"`
				Detail string `json:"detail"`
			}
			if err := json.Unmarshal(body, &p); err != nil || p.Status != tt.status || !strings.Contains(p.Detail, tt.detail) {
				t.Fatalf("problem %s does not explain %q", body, tt.detail)
			}
		})
	}
}

func TestHealth(t *testing.T) {
	ts, db := newServer(t)
	for _, path := range []string{"/healthz", "/readyz"} {
		if resp, body := get(t, ts.URL+path); resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, body)
		}
	}
	db.Close()
	if resp, _ := get(t, ts.URL+"/readyz"); resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("readyz with the database gone: %d", resp.StatusCode)
	}
	if resp, _ := get(t, ts.URL+"/healthz"); resp.StatusCode != 200 {
		t.Fatalf("healthz is about the process, not the database: %d", resp.StatusCode)
	}
}
