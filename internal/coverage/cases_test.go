package coverage

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// The hand-built cases of the acceptance 1, on a 100 m × 100 m
// plan: street A is the west half; B and C split the east half. A and the
// boundary lack the vertex at (50, 50) that B and C share, and A's
// children meet A's boundary where A has no vertex: T-junctions that must
// pass as clean.
var (
	square = rect(0, 0, 100, 100)
	gA     = grid("A", "", 1, rect(0, 0, 50, 100))
	gB     = grid("B", "", 1, rect(50, 0, 100, 50))
	gC     = grid("C", "", 1, rect(50, 50, 100, 100))
	gA1    = grid("A1", "A", 2, rect(0, 0, 50, 30))
	gA2    = grid("A2", "A", 2, rect(0, 30, 50, 100))
)

func with(g domain.Grid, geom orb.MultiPolygon) domain.Grid {
	g.Geometry = geom
	return g
}

func TestHandBuiltCases(t *testing.T) {
	db := srv.NewDB(t)
	cases := []struct {
		name     string
		boundary orb.MultiPolygon
		grids    []domain.Grid
		sql      []string // breaks the stored plan in ways imports refuse
		mask     []orb.MultiPolygon
		wants    []want
	}{
		{name: "clean tiling with T-junctions", boundary: square, grids: []domain.Grid{gA, gB, gC, gA1, gA2}},
		{name: "gap", boundary: square, grids: []domain.Grid{gA, gB},
			wants: []want{{KindGap, []string{"A", "B"}, 2500}}},
		{name: "overlap", boundary: square, grids: []domain.Grid{with(gA, rect(0, 0, 55, 100)), gB, gC},
			wants: []want{{KindOverlap, []string{"A", "B"}, 250}, {KindOverlap, []string{"A", "C"}, 250}}},
		{name: "spill over the parent", boundary: square, grids: []domain.Grid{gA, gB, with(gC, rect(50, 50, 100, 110))},
			wants: []want{{KindOutside, []string{"C"}, 500}}},
		{name: "spill of a child over its parent", boundary: square,
			grids: []domain.Grid{gA, gB, gC, with(gA1, rect(0, 0, 52, 30)), gA2},
			wants: []want{{KindOutside, []string{"A1"}, 60}}},
		{name: "gap thinner than the sliver width", boundary: square, grids: []domain.Grid{gA, gB, with(gC, rect(50.4, 50, 100, 100))},
			wants: []want{{KindSliverGap, []string{"A", "B", "C"}, 20}}},
		{name: "gap just wider than the sliver width", boundary: square, grids: []domain.Grid{gA, gB, with(gC, rect(50.6, 50, 100, 100))},
			wants: []want{{KindGap, []string{"A", "B", "C"}, 30}}},
		{name: "gap smaller than the sliver area", boundary: square,
			grids: []domain.Grid{gA, gB, with(gC, ring(50.9, 50, 100, 50, 100, 100, 50, 100, 50, 50.9, 50.9, 50.9))},
			wants: []want{{KindSliverGap, []string{"A", "B", "C"}, 0.81}}},
		{name: "bow-tie", boundary: square, grids: []domain.Grid{gA, gB, with(gC, ring(50, 50, 100, 100, 100, 50, 50, 100))},
			wants: []want{{KindInvalid, []string{"C"}, 0}, {KindGap, []string{"A", "B", "C"}, 625}, {KindGap, []string{"A", "C"}, 625}}},
		{name: "multipart", boundary: square, grids: []domain.Grid{gA, gB,
			with(gC, orb.MultiPolygon{rect(50, 50, 100, 75)[0], rect(50, 85, 100, 100)[0]}), grid("E", "", 1, rect(50, 75, 100, 85))},
			wants: []want{{KindMultipart, []string{"C"}, 750}}},
		{name: "unfilled hole", boundary: square, grids: []domain.Grid{gA, gB, with(gC, withHole(gC.Geometry, rect(60, 60, 70, 70)))},
			wants: []want{{KindGap, []string{"C"}, 100}}},
		{name: "hole filled by a sibling", boundary: square,
			grids: []domain.Grid{gA, gB, with(gC, withHole(gC.Geometry, rect(60, 60, 70, 70))), grid("F", "", 1, rect(60, 60, 70, 70))}},
		{name: "unknown parent", boundary: square, grids: []domain.Grid{gA, gB, gC, gA1, gA2},
			sql:   []string{`UPDATE grid SET parent_code = 'nope' WHERE code = 'A1'`},
			wants: []want{{KindUnknownParent, []string{"A1"}, 0}, {KindGap, []string{"A2"}, 1500}}},
		{name: "level not the parent's plus one", boundary: square, grids: []domain.Grid{gA, gB, gC, gA1, gA2},
			sql:   []string{`UPDATE grid SET level = 3 WHERE code = 'A2'`},
			wants: []want{{KindLevelMismatch, []string{"A2"}, 0}}},
		{name: "missing parent", boundary: square, grids: []domain.Grid{gA, gB, gC, gA1, gA2},
			sql:   []string{`UPDATE grid SET parent_code = NULL WHERE code = 'A2'`},
			wants: []want{{KindMissingParent, []string{"A2"}, 0}, {KindGap, []string{"A1"}, 3500}}},
		{name: "overlay special grid across streets, tiled by its children", boundary: square, grids: []domain.Grid{gA, gB, gC,
			special("S", "", 1, domain.ModeOverlay, rect(40, 40, 60, 60)),
			special("S1", "S", 2, domain.ModeOverlay, rect(40, 40, 60, 50)), special("S2", "S", 2, domain.ModeOverlay, rect(40, 50, 60, 60))}},
		{name: "overlay special grid not tiled by its children", boundary: square, grids: []domain.Grid{gA, gB, gC,
			special("S", "", 1, domain.ModeOverlay, rect(40, 40, 60, 60)), special("S1", "S", 2, domain.ModeOverlay, rect(40, 40, 60, 50))},
			wants: []want{{KindGap, []string{"S1"}, 200}}},
		{name: "overlay special grid outside the boundary", boundary: square, grids: []domain.Grid{gA, gB, gC,
			special("S", "", 1, domain.ModeOverlay, rect(90, 40, 110, 60))},
			wants: []want{{KindOutside, []string{"S"}, 200}}},
		{name: "carve-out special grid tiles with the streets", boundary: square, grids: []domain.Grid{gA, gB,
			special("K", "", 1, domain.ModeCarveOut, gC.Geometry),
			special("K1", "K", 2, domain.ModeCarveOut, rect(50, 50, 100, 75)), special("K2", "K", 2, domain.ModeCarveOut, rect(50, 75, 100, 100))}},
		{name: "carve-out special grid overlapping a street", boundary: square, grids: []domain.Grid{gA, gB,
			special("K", "", 1, domain.ModeCarveOut, rect(45, 50, 100, 100))},
			wants: []want{{KindOverlap, []string{"A", "K"}, 250}}},
		{name: "allowed-gap mask", boundary: square, grids: []domain.Grid{gA, gB}, mask: []orb.MultiPolygon{gC.Geometry}},
		{name: "allowed-gap mask over part of a gap", boundary: square, grids: []domain.Grid{gA, gB},
			mask:  []orb.MultiPolygon{rect(50, 50, 100, 75), rect(60, 50, 100, 70)}, // overlapping mask polygons
			wants: []want{{KindGap, []string{"A"}, 1250}}},
		{name: "no boundary: a hole enclosed by the top level is a gap", grids: []domain.Grid{
			grid("T1", "", 1, rect(0, 0, 60, 40)), grid("T2", "", 1, rect(60, 0, 100, 60)),
			grid("T3", "", 1, rect(40, 60, 100, 100)), grid("T4", "", 1, rect(0, 40, 40, 100))},
			wants: []want{{KindGap, []string{"T1", "T2", "T3", "T4"}, 400}}},
		{name: "no boundary, no hole", grids: []domain.Grid{gA, gB, gC, gA1, gA2}},
	}
	ctx := context.Background()
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			name := "case_" + string(rune('a'+i/26)) + string(rune('a'+i%26))
			plan := newPlan(t, db, name, c.boundary, c.grids)
			for _, q := range c.sql {
				exec(t, db, q+` AND plan_id = $1`, plan.ID)
			}
			if c.mask != nil {
				wgs, err := db.Transform(ctx, []orb.Geometry{c.mask[0], c.mask[len(c.mask)-1]}, 4547, domain.WGS84)
				if err != nil {
					t.Fatal(err)
				}
				mask := []orb.MultiPolygon{wgs[0].(orb.MultiPolygon), wgs[1].(orb.MultiPolygon)}
				if err := db.ReplaceCoverageMask(ctx, plan.ID, mask, []string{"river", "park"}); err != nil {
					t.Fatal(err)
				}
			}
			plan = reload(t, db, name)
			s := check(t, New(db, Options{}), plan)
			expect(t, s.Findings(), c.wants...)
			if t.Failed() {
				t.Logf("findings:\n%s", describe(s.Findings()))
			}
		})
	}
}

// The details of a few findings: reasons, places, severities and the
// special grids' crossings.
func TestFindingDetails(t *testing.T) {
	db := srv.NewDB(t)
	plan := newPlan(t, db, "details", square, []domain.Grid{gA, gB, with(gC, ring(50, 50, 100, 100, 100, 50, 50, 100)),
		special("S", "", 1, domain.ModeOverlay, rect(40, 40, 60, 60))})
	s := check(t, New(db, Options{}), plan)
	var invalid *domain.Finding
	for i, f := range s.Findings() {
		if f.Kind == KindInvalid {
			invalid = &s.Findings()[i]
		}
	}
	if invalid == nil {
		t.Fatalf("no invalid_geometry finding:\n%s", describe(s.Findings()))
	}
	pt, ok := invalid.Geometry.(orb.Point)
	if !ok || !strings.Contains(invalid.Reason, "Self-intersection") || invalid.Severity != domain.SeverityError {
		t.Fatalf("bow-tie finding: %+v", *invalid)
	}
	// The crossing is at local (75, 75): check it in metres.
	back, err := db.Transform(context.Background(), []orb.Geometry{pt}, domain.WGS84, 4547)
	if err != nil {
		t.Fatal(err)
	}
	if p := back[0].(orb.Point); abs(p[0]-(x0+75)) > 0.01 || abs(p[1]-(y0+75)) > 0.01 {
		t.Errorf("self-intersection at %v, want the crossing at local (75, 75)", p)
	}
	if sp := s.Specials(); len(sp) != 1 || !slices.Equal(sp[0].Crosses, []string{"A", "B", "C"}) ||
		!strings.Contains(sp[0].Reason, "crosses 3") {
		t.Errorf("specials: %+v", sp)
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Summary  map[string]KindSummary `json:"summary"`
		Findings []map[string]any       `json:"findings"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Summary[KindGap].Count != 2 || abs(doc.Summary[KindGap].AreaM2-1250) > 1 || doc.Summary[KindOverlap].Count != 0 {
		t.Errorf("summary: %+v", doc.Summary)
	}
	for _, f := range doc.Findings {
		for _, k := range []string{"kind", "severity", "level", "parent", "grids", "area_m2", "width_m", "reason", "geometry"} {
			if _, ok := f[k]; !ok {
				t.Errorf("finding without %q: %v", k, f)
			}
		}
		if f["kind"] == KindGap && (f["parent"] != nil || f["width_m"] == nil || f["level"].(float64) != 1) {
			t.Errorf("gap finding: %v", f)
		}
	}
}

// Duplicate codes cannot reach the audit: the importer refuses them and
// the unique index backs it, so the stored plan stays as it was.
func TestDuplicateCodeRefused(t *testing.T) {
	db := srv.NewDB(t)
	plan := newPlan(t, db, "dup", square, []domain.Grid{gA, gB, gC})
	_, _, err := db.ImportGrids(context.Background(), plan.Workspace, []domain.Grid{grid("D", "", 1, rect(0, 0, 1, 1)), with(gA, rect(0, 0, 1, 1))}, 4547, store.Record{Kind: store.RevisionImport, Author: "test"})
	var fe *store.FeatureError
	if !errors.As(err, &fe) || fe.Index != 1 || !strings.Contains(fe.Problem, "already exists") {
		t.Fatalf("a duplicate code must be refused naming feature 1: %v", err)
	}
	after := reload(t, db, "dup")
	if after.Version != plan.Version {
		t.Errorf("the refused import changed the plan: version %d → %d", plan.Version, after.Version)
	}
	expect(t, check(t, New(db, Options{}), after).Findings())
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
