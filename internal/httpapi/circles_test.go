package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/circles"
	"github.com/gridplan/gridplan/internal/domain"
)

// TestCircles serves a plan with one street, a clinic and two units, one
// within the 5-minute walk and one beyond it, through every circles route.
func TestCircles(t *testing.T) {
	ctx := context.Background()
	db := srv.NewDB(t)
	p, err := db.CreatePlan(ctx, domain.Plan{Name: "town", SRID: 4547})
	if err != nil {
		t.Fatal(err)
	}
	at := func(x, y float64) orb.Point { return orb.Point{455000 + x, 3840000 + y} }
	var nodes []domain.Node
	var edges []domain.Edge
	for i := range 5 { // a street with a node every 500 m
		nodes = append(nodes, domain.Node{ID: int64(i + 1), Point: at(float64(500*i), 0)})
		if i > 0 {
			edges = append(edges, domain.Edge{ID: int64(i), Source: int64(i), Target: int64(i + 1), LengthM: 500,
				Geometry: orb.LineString{at(float64(500*(i-1)), 0), at(float64(500*i), 0)}})
		}
	}
	if err := db.ReplaceNetwork(ctx, p.ID, nodes, edges, 4547); err != nil {
		t.Fatal(err)
	}
	if _, err := db.InsertUnits(ctx, p.ID, []domain.Unit{{Persons: 10, Households: 4, Geometry: at(100, 10)},
		{Persons: 5, Households: 2, Geometry: at(1500, 10)}}, 4547); err != nil {
		t.Fatal(err)
	}
	if err := db.InsertFacilities(ctx, p.ID, []domain.Facility{{Type: "clinic", Geometry: at(0, 10)}}, 4547); err != nil {
		t.Fatal(err)
	}
	auditor := audit.New(audit.Check{Name: audit.Circles, Checker: circles.New(db, circles.Options{})})
	ts := httpapiNew(t, db, auditor)
	base := ts.URL + "/api/plans/town/circles"

	fc := func(path string, want int) *geojson.FeatureCollection {
		t.Helper()
		resp, body := get(t, base+path)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/geo+json" {
			t.Fatalf("%s: %d %s %s", path, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
		out, err := geojson.UnmarshalFeatureCollection(body)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if len(out.Features) != want {
			t.Fatalf("%s: %d features, want %d: %s", path, len(out.Features), want, body)
		}
		return out
	}
	blind := fc("/clinic/blindspots?minutes=5", 1)
	if blind.Features[0].Properties["persons"] != 5.0 {
		t.Errorf("blind spot %v", blind.Features[0].Properties)
	}
	fc("/clinic/isochrones", 1)
	sites := fc("/clinic/suggestions?k=3", 1)
	if sites.Features[0].Properties["gain_persons"] != 5.0 || sites.Features[0].Properties["node"] != 4.0 {
		t.Errorf("site %v", sites.Features[0].Properties)
	}
	fc("/clinic/grids?minutes=5", 0) // the plan has no grids

	resp, body := get(t, base+"/")
	var summary struct {
		Rules []circles.RuleSummary `json:"rules"`
	}
	if resp.StatusCode != 200 || json.Unmarshal(body, &summary) != nil {
		t.Fatalf("summary: %d %s", resp.StatusCode, body)
	}
	for _, r := range summary.Rules {
		if r.FacilityType == "clinic" && (r.PersonsCovered != 10 || r.CoveragePct != 66.67 || r.Method != "network") {
			t.Errorf("clinic summary %+v", r)
		}
	}

	// Rules: add, replace, refuse, remove.
	put := func(path, body string) int {
		req, _ := http.NewRequest(http.MethodPut, base+path, bytes.NewBufferString(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, c := range []struct {
		path, body string
		want       int
	}{
		{"/rules/clinic/20", `{"target_pct": 90}`, 201},
		{"/rules/clinic/20", `{"speed_m_per_min": 90}`, 200},
		{"/rules/clinic/20", `{"speed_m_per_min": -1}`, 400},
		{"/rules/clinic/x", `{}`, 400},
		{"/rules/clinic/20", `{"nonsense": 1}`, 400},
	} {
		if got := put(c.path, c.body); got != c.want {
			t.Errorf("PUT %s %s: %d, want %d", c.path, c.body, got, c.want)
		}
	}
	fc("/clinic/blindspots?minutes=20", 0) // 1,800 m at 90 m/min reaches both units
	req, _ := http.NewRequest(http.MethodDelete, base+"/rules/clinic/20", nil)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 204 {
		t.Fatalf("DELETE: %v %v", resp, err)
	}
	for path, want := range map[string]string{
		"/nosuch/isochrones":             `no circle rule for facility type \"nosuch\"`,
		"/clinic/isochrones?minutes=x":   `query parameter minutes`,
		"/clinic/suggestions?k=1000":     `want a whole number from 1 to 100`,
		"/clinic/blindspots?minutes=999": `minutes 999 is outside`,
	} {
		resp, body := get(t, base+path)
		if resp.StatusCode < 400 || !strings.Contains(string(body), want) || resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %d %s", path, resp.StatusCode, body)
		}
	}
	if resp, _ := get(t, ts.URL+"/api/plans/nosuch/circles/clinic/isochrones"); resp.StatusCode != 404 {
		t.Errorf("unknown plan: %d", resp.StatusCode)
	}
}
