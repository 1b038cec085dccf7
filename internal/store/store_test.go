package store_test

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/pgtest"
	"github.com/gridplan/gridplan/internal/store"
)

var srv *pgtest.Server

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m, &srv)) }

func square(x, y, size float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x, y}, {x + size, y}, {x + size, y + size}, {x, y + size}, {x, y}}}}
}

func newPlan(t *testing.T, db *store.DB, name string) domain.Plan {
	t.Helper()
	p, err := db.CreatePlan(context.Background(), domain.Plan{Name: name, Title: "Test"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCreatePlan(t *testing.T) {
	ctx := context.Background()
	db := srv.NewDB(t)
	p := newPlan(t, db, "erqi")
	if p.SRID != domain.DefaultSRID || len(p.Levels) != 4 || p.Tolerance != domain.DefaultTolerance {
		t.Fatalf("defaults not applied: %+v", p)
	}
	got, err := db.Plan(ctx, "erqi")
	if err != nil {
		t.Fatal(err)
	}
	if got.Levels[2].Band.MaxHouseholds != 500 || got.Levels[3].Name != "micro-grid" {
		t.Fatalf("levels not stored: %+v", got.Levels)
	}

	tests := []struct {
		name string
		plan domain.Plan
		code domain.Code
	}{
		{"duplicate", domain.Plan{Name: "erqi"}, domain.ErrConflict},
		{"bad name", domain.Plan{Name: "Erqi District"}, domain.ErrInvalid},
		{"degrees are not metric", domain.Plan{Name: "wgs", SRID: 4326}, domain.ErrInvalid},
		{"unknown crs", domain.Plan{Name: "nowhere", SRID: 999999}, domain.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.CreatePlan(ctx, tt.plan)
			if domain.ErrorCode(err) != tt.code {
				t.Fatalf("got %v (%s), want code %s", err, domain.ErrorCode(err), tt.code)
			}
		})
	}
	if _, err := db.Plan(ctx, "missing"); domain.ErrorCode(err) != domain.ErrNotFound {
		t.Fatalf("unknown plan: got %v", err)
	}
}

func TestInsertGrids(t *testing.T) {
	ctx := context.Background()
	db := srv.NewDB(t)
	p := newPlan(t, db, "demo")
	streets := []domain.Grid{
		{Code: "A", Name: "街道A", Level: 1, Kind: domain.KindBase, Geometry: square(113.60, 34.70, 0.01),
			Properties: map[string]any{"note": "x"}},
		{Code: "A1", Level: 2, Parent: "A", Geometry: square(113.60, 34.70, 0.005)},
	}
	warnings, _, err := db.ImportGrids(ctx, p.Workspace, streets, domain.WGS84, store.Record{Kind: store.RevisionImport, Author: "test"})
	if err != nil || len(warnings) != 0 {
		t.Fatalf("insert: %v %v", err, warnings)
	}
	g, err := db.Grid(ctx, p.Workspace, "A")
	if err != nil {
		t.Fatal(err)
	}
	if g.Name != "街道A" || g.Properties["note"] != "x" || g.Kind != domain.KindBase || !orb.Equal(g.Geometry, streets[0].Geometry) {
		t.Fatalf("grid did not round-trip exactly: %+v", g)
	}
	before, _ := db.Plan(ctx, "demo")

	bad := []struct {
		name  string
		grids []domain.Grid
		index int
		field string
	}{
		{"code exists", []domain.Grid{{Code: "B", Level: 1, Geometry: square(0, 0, 1)}, {Code: "A", Level: 1, Geometry: square(0, 0, 1)}}, 1, "code"},
		{"unknown parent", []domain.Grid{{Code: "B", Level: 1, Geometry: square(0, 0, 1)}, {Code: "B1", Level: 2, Parent: "Z", Geometry: square(0, 0, 1)}}, 1, "parent"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := db.ImportGrids(ctx, p.Workspace, tt.grids, domain.WGS84, store.Record{Kind: store.RevisionImport, Author: "test"})
			var fe *store.FeatureError
			if !errors.As(err, &fe) || fe.Index != tt.index || fe.Field != tt.field {
				t.Fatalf("got %v, want feature %d field %s", err, tt.index, tt.field)
			}
			if domain.ErrorCode(err) != domain.ErrInvalid {
				t.Fatalf("code %s", domain.ErrorCode(err))
			}
		})
	}
	var n int
	if err := db.Pool().QueryRow(ctx, "SELECT count(*) FROM grid").Scan(&n); err != nil || n != 2 {
		t.Fatalf("refused imports must store nothing: %d grids, %v", n, err)
	}
	after, _ := db.Plan(ctx, "demo")
	if after.Version != before.Version {
		t.Fatalf("refused imports changed the version %d -> %d", before.Version, after.Version)
	}

	// A bow-tie is stored (the audit explains it) and reported as a warning.
	bowtie := orb.MultiPolygon{{{{0, 0}, {1, 1}, {1, 0}, {0, 1}, {0, 0}}}}
	warnings, _, err = db.ImportGrids(ctx, p.Workspace, []domain.Grid{{Code: "BT", Level: 1, Geometry: bowtie}}, domain.WGS84, store.Record{Kind: store.RevisionImport, Author: "test"})
	if err != nil || len(warnings) != 1 || warnings[0].Index != 0 {
		t.Fatalf("bow-tie: %v %+v", err, warnings)
	}
	after2, _ := db.Plan(ctx, "demo")
	if after2.Version <= after.Version {
		t.Fatalf("insert did not bump the version")
	}

	var level2 []string
	err = db.EachGrid(ctx, p.Workspace, store.GridFilter{Level: 2}, func(g domain.Grid) error {
		level2 = append(level2, g.Code)
		return nil
	})
	if err != nil || len(level2) != 1 || level2[0] != "A1" {
		t.Fatalf("level filter: %v %v", level2, err)
	}
	var inBox []string
	box := orb.Bound{Min: orb.Point{113.606, 34.706}, Max: orb.Point{113.607, 34.707}}
	err = db.EachGrid(ctx, p.Workspace, store.GridFilter{BBox: &box}, func(g domain.Grid) error {
		inBox = append(inBox, g.Code)
		return nil
	})
	if err != nil || len(inBox) != 1 || inBox[0] != "A" {
		t.Fatalf("bbox filter: %v %v", inBox, err)
	}
}

func TestMetricCopyAndTransform(t *testing.T) {
	ctx := context.Background()
	db := srv.NewDB(t)
	p := newPlan(t, db, "demo")
	// A 100 m square given in EPSG:4547 is stored in WGS84 and its metric copy
	// measures 10,000 m².
	sq := square(468000, 3846000, 100)
	if _, _, err := db.ImportGrids(ctx, p.Workspace, []domain.Grid{{Code: "S", Level: 1, Geometry: sq}}, 4547, store.Record{Kind: store.RevisionImport, Author: "test"}); err != nil {
		t.Fatal(err)
	}
	var area float64
	if err := db.Pool().QueryRow(ctx, "SELECT ST_Area(geom_m) FROM grid WHERE code = 'S'").Scan(&area); err != nil {
		t.Fatal(err)
	}
	if area < 9999.99 || area > 10000.01 {
		t.Fatalf("metric area %v, want 10000", area)
	}
	out, err := db.Transform(ctx, []orb.Geometry{orb.Point{113.65, 34.75}}, 4326, 4547)
	if err != nil {
		t.Fatal(err)
	}
	pt := out[0].(orb.Point)
	if pt[0] < 400000 || pt[0] > 500000 {
		t.Fatalf("EPSG:4547 easting %v", pt[0])
	}
}

func TestDeletePlanCascades(t *testing.T) {
	ctx := context.Background()
	db := srv.NewDB(t)
	p := newPlan(t, db, "gone")
	if _, _, err := db.ImportGrids(ctx, p.Workspace, []domain.Grid{{Code: "A", Level: 1, Geometry: square(0, 0, 1)}}, domain.WGS84, store.Record{Kind: store.RevisionImport, Author: "test"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.InsertUnits(ctx, p.ID, []domain.Unit{{Persons: 10, Households: 4, Geometry: orb.Point{0.5, 0.5}}}, domain.WGS84); err != nil {
		t.Fatal(err)
	}
	if err := db.DeletePlan(ctx, "gone"); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.Pool().QueryRow(ctx, "SELECT (SELECT count(*) FROM grid) + (SELECT count(*) FROM unit)").Scan(&n); err != nil || n != 0 {
		t.Fatalf("rows left after delete: %d %v", n, err)
	}
	if err := db.DeletePlan(ctx, "gone"); domain.ErrorCode(err) != domain.ErrNotFound {
		t.Fatalf("second delete: %v", err)
	}
}

func TestNetworkAndCounts(t *testing.T) {
	ctx := context.Background()
	db := srv.NewDB(t)
	p := newPlan(t, db, "net")
	nodes := []domain.Node{{ID: 1, Point: orb.Point{468000, 3846000}}, {ID: 2, Point: orb.Point{468100, 3846000}}}
	edges := []domain.Edge{{ID: 1, Source: 1, Target: 2, LengthM: 100, Highway: "footway",
		Geometry: orb.LineString{nodes[0].Point, nodes[1].Point}}}
	if err := db.ReplaceNetwork(ctx, p.ID, nodes, edges, 4547); err != nil {
		t.Fatal(err)
	}
	if err := db.InsertFacilities(ctx, p.ID, []domain.Facility{{Type: "clinic", Name: "诊所", Geometry: orb.Point{113.6, 34.7}}}, domain.WGS84); err != nil {
		t.Fatal(err)
	}
	c, err := db.Count(ctx, p.Workspace)
	if err != nil {
		t.Fatal(err)
	}
	if c.Nodes != 2 || c.Edges != 1 || c.WalkableKM != 0.1 || c.Facilities != 1 {
		t.Fatalf("counts %+v", c)
	}
	var cost, reverse float64
	if err := db.Pool().QueryRow(ctx, "SELECT cost, reverse_cost FROM net_edge").Scan(&cost, &reverse); err != nil || cost != 100 || reverse != 100 {
		t.Fatalf("pgRouting columns: %v %v %v", cost, reverse, err)
	}
	// Replacing keeps only the new network.
	if err := db.ReplaceNetwork(ctx, p.ID, nodes[:1], nil, 4547); err != nil {
		t.Fatal(err)
	}
	if c, _ = db.Count(ctx, p.Workspace); c.Nodes != 1 || c.Edges != 0 {
		t.Fatalf("after replace: %+v", c)
	}
}

func TestReplaceFindings(t *testing.T) {
	ctx := context.Background()
	db := srv.NewDB(t)
	p := newPlan(t, db, "audited")
	first := []domain.Finding{
		{Kind: "gap", Severity: domain.SeverityError, Level: 3, Parent: "C1", Grids: []string{"G1", "G2"}, AreaM2: 12.5,
			Reason: "ground covered by no grid", Geometry: square(113.6, 34.7, 0.0001)[0]},
		{Kind: "multipart", Severity: domain.SeverityWarning, Level: 1},
	}
	if err := db.ReplaceFindings(ctx, p.ID, "coverage", "", first); err != nil {
		t.Fatal(err)
	}
	if err := db.ReplaceFindings(ctx, p.ID, "balance", "", []domain.Finding{{Kind: "over_band", Severity: domain.SeverityWarning}}); err != nil {
		t.Fatal(err)
	}
	// A new coverage audit replaces only coverage findings.
	if err := db.ReplaceFindings(ctx, p.ID, "coverage", "", first[:1]); err != nil {
		t.Fatal(err)
	}
	var got []domain.Finding
	if err := db.EachFinding(ctx, p.Workspace, func(f domain.Finding) error { got = append(got, f); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Check != "balance" || got[1].Kind != "gap" || got[1].Parent != "C1" ||
		len(got[1].Grids) != 2 || got[1].AreaM2 != 12.5 || got[1].Geometry == nil || got[0].Geometry != nil {
		t.Fatalf("findings: %+v", got)
	}
}

func TestGridStatsJoined(t *testing.T) {
	ctx := context.Background()
	db := srv.NewDB(t)
	p := newPlan(t, db, "stats")
	if _, _, err := db.ImportGrids(ctx, p.Workspace, []domain.Grid{{Code: "A", Level: 1, Geometry: square(0, 0, 1)}, {Code: "B", Level: 1, Geometry: square(1, 0, 1)}}, domain.WGS84, store.Record{Kind: store.RevisionImport, Author: "test"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Pool().Exec(ctx, `INSERT INTO grid_stats (plan_id, ws_id, code, persons, households, deviation_pct, band)
		VALUES ($1, $2, 'A', 120, 50, -12.5, 'under')`, p.ID, p.Workspace); err != nil {
		t.Fatal(err)
	}
	a, err := db.Grid(ctx, p.Workspace, "A")
	if err != nil || a.Stats == nil || a.Stats.Persons != 120 || a.Stats.Households != 50 || a.Stats.DeviationPct != -12.5 || a.Stats.Band != "under" {
		t.Fatalf("stats of A: %+v %v", a.Stats, err)
	}
	b, err := db.Grid(ctx, p.Workspace, "B")
	if err != nil || b.Stats != nil {
		t.Fatalf("B has no stats yet: %+v %v", b.Stats, err)
	}
}
