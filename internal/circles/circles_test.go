package circles

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/pgtest"
	"github.com/gridplan/gridplan/internal/store"
)

var srv *pgtest.Server

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m, &srv)) }

// Coordinates of the hand-made town, in EPSG:4547 metres (near Zhengzhou),
// relative to this origin.
var origin = orb.Point{455000, 3840000}

func at(x, y float64) orb.Point { return orb.Point{origin[0] + x, origin[1] + y} }

// handMadeTown stores a plan with this street network (metres):
//
//	                C (1000,500)
//	                |
//	A (0,0) ------- B (1000,0)        D (3000,0) -- E (3100,0)   (apart)
//
// a clinic 20 m off AB at x = 100, and four units:
//
//	u1 (600,-30)  100 persons: 30 m to AB → 20 + 500 + 30 = 550 m
//	u2 (1030,300)  50 persons: 30 m to BC → 20 + 900 + 300 + 30 = 1250 m
//	u3 (3050,10)   30 persons: on the separate street → unreachable
//	u4 (50,-10)    20 persons: on the clinic's own edge → 20 + 50 + 10 = 80 m
//
// and two grids: west (u1, u4 and the clinic) and east (u2, u3).
func handMadeTown(t *testing.T, db *store.DB) domain.Plan {
	t.Helper()
	ctx := context.Background()
	plan, err := db.CreatePlan(ctx, domain.Plan{Name: "town", SRID: 4547})
	if err != nil {
		t.Fatal(err)
	}
	nodes := []domain.Node{{ID: 1, Point: at(0, 0)}, {ID: 2, Point: at(1000, 0)}, {ID: 3, Point: at(1000, 500)},
		{ID: 4, Point: at(3000, 0)}, {ID: 5, Point: at(3100, 0)}}
	edges := []domain.Edge{
		{ID: 1, Source: 1, Target: 2, LengthM: 1000, Geometry: orb.LineString{at(0, 0), at(1000, 0)}},
		{ID: 2, Source: 3, Target: 2, LengthM: 500, Geometry: orb.LineString{at(1000, 500), at(1000, 0)}}, // drawn against the walk
		{ID: 3, Source: 4, Target: 5, LengthM: 100, Geometry: orb.LineString{at(3000, 0), at(3100, 0)}},
	}
	if err := db.ReplaceNetwork(ctx, plan.ID, nodes, edges, 4547); err != nil {
		t.Fatal(err)
	}
	units := []domain.Unit{
		{Persons: 100, Households: 40, Geometry: at(600, -30)},
		{Persons: 50, Households: 20, Geometry: at(1030, 300)},
		{Persons: 30, Households: 10, Geometry: at(3050, 10)},
		{Persons: 20, Households: 8, Geometry: at(50, -10)},
	}
	if _, err := db.InsertUnits(ctx, plan.ID, units, 4547); err != nil {
		t.Fatal(err)
	}
	if err := db.InsertFacilities(ctx, plan.ID, []domain.Facility{{Type: "clinic", Name: "c", Geometry: at(100, 20)}}, 4547); err != nil {
		t.Fatal(err)
	}
	square := func(x0, x1 float64) orb.MultiPolygon {
		return orb.MultiPolygon{{{at(x0, -1000), at(x1, -1000), at(x1, 1000), at(x0, 1000), at(x0, -1000)}}}
	}
	grids := []domain.Grid{
		{Code: "W", Level: 3, Geometry: square(-1000, 800)},
		{Code: "E", Level: 3, Geometry: square(800, 4000)},
	}
	pgtest.ImportGrids(t, db, plan, grids, 4547)
	// Only the rules under test.
	for _, r := range mustRules(t, db, plan) {
		if err := db.DeleteCircleRule(ctx, plan.ID, r.FacilityType, r.Minutes); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range []domain.CircleRule{
		{FacilityType: "clinic", Minutes: 10, SpeedMPerMin: 80, TargetPct: 85},
		{FacilityType: "school", Minutes: 15, SpeedMPerMin: 80, TargetPct: 85},
	} {
		if _, err := db.PutCircleRule(ctx, plan.ID, r); err != nil {
			t.Fatal(err)
		}
	}
	plan, err = db.Plan(ctx, "town")
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

func mustRules(t *testing.T, db *store.DB, plan domain.Plan) []domain.CircleRule {
	t.Helper()
	rules, err := db.CircleRules(context.Background(), plan.ID)
	if err != nil {
		t.Fatal(err)
	}
	return rules
}

func near(a, b float64) bool {
	if math.IsInf(a, 1) || math.IsInf(b, 1) {
		return a == b
	}
	return math.Abs(a-b) < 1e-6
}

func TestNetworkTimesOnHandMadeTown(t *testing.T) {
	ctx := context.Background()
	db := srv.NewDB(t)
	plan := handMadeTown(t, db)
	c := New(db, Options{})
	res, err := c.Rule(ctx, plan, "clinic", 10)
	if err != nil {
		t.Fatal(err)
	}
	if res.Method != MethodNetwork {
		t.Fatalf("method %s", res.Method)
	}
	// Units are in id order: u1..u4.
	want := []float64{550, math.Inf(1), math.Inf(1), 80} // u2's 1250 m is beyond the 800 m search
	for i, w := range want {
		if !near(res.Cost[i], w) {
			t.Errorf("unit %d: %v m, want %v", i+1, res.Cost[i], w)
		}
	}
	if res.PersonsCovered != 120 || res.PersonsTotal() != 200 || res.HouseholdsCovered != 48 {
		t.Errorf("covered %d of %d persons, %d households", res.PersonsCovered, res.PersonsTotal(), res.HouseholdsCovered)
	}
	// With a longer walk u2 comes into reach at its exact network time; u3
	// stays unreachable on its separate street.
	long, err := c.Rule(ctx, plan, "clinic", 20) // ad hoc: 1,600 m
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range []float64{550, 1250, math.Inf(1), 80} {
		if !near(long.Cost[i], w) {
			t.Errorf("20 min, unit %d: %v m, want %v", i+1, long.Cost[i], w)
		}
	}

	sec, err := c.Check(ctx, plan)
	if err != nil {
		t.Fatal(err)
	}
	s := sec.(*Section)
	clinic, school := s.Rules[0], s.Rules[1]
	if clinic.CoveragePct != 60 || clinic.Severity != domain.SeverityWarning || clinic.BlindSpots.Units != 2 || clinic.BlindSpots.Persons != 80 {
		t.Errorf("clinic rule %+v", clinic)
	}
	if school.Facilities != 0 || school.CoveragePct != 0 || !strings.Contains(school.Reason, "no facility of type school") {
		t.Errorf("a type with no facilities: %+v", school)
	}
	grids := map[string]GridSummary{}
	for _, g := range s.Grids {
		grids[g.Code+"/"+g.FacilityType] = g
	}
	if w, e := grids["W/clinic"], grids["E/clinic"]; w.CoveragePct != 100 || e.CoveragePct != 0 || e.PersonsUncovered != 80 {
		t.Errorf("per grid: W %+v, E %+v", w, e)
	}
	// Suggestions: a site near u2 (50 persons), then one on the separate street (30).
	if sg := clinic.Suggestions; len(sg) != 2 || sg[0].GainPersons != 50 || sg[1].GainPersons != 30 ||
		sg[0].CoveragePctAfter != 85 || sg[1].CoveragePctAfter != 100 || (sg[1].Node != 4 && sg[1].Node != 5) {
		t.Errorf("suggestions %+v", sg)
	}
	if s.Errors() != 0 {
		t.Errorf("below target counted as %d errors; it is a warning", s.Errors())
	}
	var findings []domain.Finding
	if err := db.EachFinding(ctx, plan.Workspace, func(f domain.Finding) error { findings = append(findings, f); return nil }); err != nil {
		t.Fatal(err)
	}
	// Blind spots: the clinic rule's in grid E; the school rule's in both.
	if len(findings) != 3 || findings[0].Check != "circles" || findings[0].Grids[0] != "E" ||
		len(findings[0].Geometry.(orb.MultiPoint)) != 2 {
		t.Errorf("findings %+v", findings)
	}
}

func TestReportJSONKeys(t *testing.T) {
	ctx := context.Background()
	db := srv.NewDB(t)
	plan := handMadeTown(t, db)
	sec, err := New(db, Options{}).Check(ctx, plan)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(sec)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Rules []map[string]any `json:"rules"`
		Grids []map[string]any `json:"grids"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"facility_type", "minutes", "speed_m_per_min", "method", "persons_covered", "persons_total", "coverage_pct"} {
		if _, ok := doc.Rules[0][k]; !ok {
			t.Errorf("rules[0] lacks %q: %s", k, b)
		}
	}
	for _, k := range []string{"code", "facility_type", "minutes", "coverage_pct", "persons_uncovered"} {
		if _, ok := doc.Grids[0][k]; !ok {
			t.Errorf("grids[0] lacks %q", k)
		}
	}
}

func TestStraightLineFallback(t *testing.T) {
	ctx := context.Background()
	db := srv.NewDB(t)
	plan := handMadeTown(t, db)
	if err := db.ReplaceNetwork(ctx, plan.ID, nil, nil, 4547); err != nil {
		t.Fatal(err)
	}
	plan, _ = db.Plan(ctx, plan.Name)
	c := New(db, Options{})
	res, err := c.Rule(ctx, plan, "clinic", 10)
	if err != nil {
		t.Fatal(err)
	}
	if res.Method != MethodStraightLine {
		t.Fatalf("method %q, want straight_line", res.Method)
	}
	for i, w := range []float64{math.Hypot(500, 50), math.Hypot(930, 280), math.Hypot(2950, 10), math.Hypot(50, 30)} {
		if math.Abs(res.Cost[i]-w) > 1e-6 {
			t.Errorf("unit %d: %v m, want %v", i+1, res.Cost[i], w)
		}
	}
	sec, err := c.Check(ctx, plan)
	if err != nil {
		t.Fatal(err)
	}
	if r := sec.(*Section).Rules[0]; r.Method != "straight_line" || r.CoveragePct != 60 || len(r.Suggestions) != 2 {
		t.Errorf("straight-line rule %+v", r)
	}
	var text strings.Builder
	if err := sec.WriteText(&text); err != nil || !strings.Contains(text.String(), "straight_line") {
		t.Errorf("text report does not flag the method: %s", text.String())
	}
}

func TestIsochrones(t *testing.T) {
	ctx := context.Background()
	db := srv.NewDB(t)
	plan := handMadeTown(t, db)
	c := New(db, Options{})
	res, err := c.Rule(ctx, plan, "clinic", 10)
	if err != nil {
		t.Fatal(err)
	}
	fc, err := c.Isochrones(ctx, res)
	if err != nil {
		t.Fatal(err)
	}
	if len(fc.Features) != 1 {
		t.Fatalf("%d isochrones, want one for the one clinic", len(fc.Features))
	}
	area := fc.Features[0].Geometry.(orb.MultiPolygon)
	m := res.model
	for i, u := range m.units {
		// Cells are sampled, so leave a margin of a cell around the limit.
		if res.Cost[i] < 700 && !planar.MultiPolygonContains(area, u.LonLat) {
			t.Errorf("unit %d (%v m) outside the isochrone", i+1, res.Cost[i])
		}
		if math.IsInf(res.Cost[i], 1) && planar.MultiPolygonContains(area, u.LonLat) {
			t.Errorf("unit %d (out of reach) inside the isochrone", i+1)
		}
	}
	// Off the street the leg counts: 300 m off AB beside the clinic is
	// 20 + 300 m away, 790 m off it 810 m (BC is farther).
	metric := res.isochrones()[0].Area
	if !planar.MultiPolygonContains(metric, at(100, -300)) || planar.MultiPolygonContains(metric, at(100, 790)) {
		t.Errorf("isochrone %v misses the off-street leg", metric.Bound())
	}
	if a := planar.Area(metric); a < 100_000 || a > math.Pi*800*800 {
		t.Errorf("isochrone area %.0f m², more than the 800 m disc", a)
	}
}
