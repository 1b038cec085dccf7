package balance_test

import (
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/balance"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/pgtest"
	"github.com/gridplan/gridplan/internal/store"
)

var srv *pgtest.Server

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m, &srv)) }

// The hand fixture is drawn in EPSG:4547 metres from this origin, near
// Zhengzhou, so the round trip through WGS84 storage is realistic.
const x0, y0 = 460000.0, 3840000.0

// rect is a rectangle in fixture metres; extra vertices may be inserted
// on its edges (so a unit sits exactly on a vertex of each neighbour).
func rect(minX, minY, maxX, maxY float64, extra ...orb.Point) orb.MultiPolygon {
	ring := orb.Ring{{minX, minY}, {maxX, minY}, {maxX, maxY}, {minX, maxY}, {minX, minY}}
	for _, p := range extra {
		for i := 0; i+1 < len(ring); i++ {
			a, b := ring[i], ring[i+1]
			if (a[0] == b[0] && p[0] == a[0] && between(p[1], a[1], b[1])) ||
				(a[1] == b[1] && p[1] == a[1] && between(p[0], a[0], b[0])) {
				ring = append(ring[:i+1], append(orb.Ring{p}, ring[i+1:]...)...)
				break
			}
		}
	}
	return shift(orb.MultiPolygon{{ring}})
}

func between(v, a, b float64) bool { return (a < v && v < b) || (b < v && v < a) }

func shift(mp orb.MultiPolygon) orb.MultiPolygon {
	out := orb.MultiPolygon{}
	for _, poly := range mp {
		var p orb.Polygon
		for _, ring := range poly {
			r := make(orb.Ring, len(ring))
			for i, q := range ring {
				r[i] = orb.Point{q[0] + x0, q[1] + y0}
			}
			p = append(p, r)
		}
		out = append(out, p)
	}
	return out
}

func pt(x, y float64) orb.Point { return orb.Point{x + x0, y + y0} }

// handPlan stores the crafted plan of the hand-computed tests:
//
//	level 1  S1  0..400 × 0..200
//	level 2  C1  0..200 (left half)           C2  200..400 (right half)
//	level 3  G1  0..100 × 0..200   (C1)        G4  C2 minus X (L-shaped)
//	         G2  100..200 × 0..100 (C1)        X   300..400 × 0..100, special carve_out (C2)
//	         G3  100..200 × 100..200 (C1)
//	         Y   50..150 × 50..150, special overlay school (C1)
//
// Units: points u1 (25,25) 100/40, u2 (100,50) 30/10 on the G1|G2 edge
// and Y's edge, u4 (120,120) 60/20, u5 (200,100) 20/8 where G2, G3, G4,
// C1 and C2 meet, u6 (350,50) 40/15 in X, u7 (500,50) 7/3 outside; polygon
// units P 160..250 × 20..60 101/31 (1,600 m² in G2, 2,000 m² in G4) and Q
// 370..420 × 150..190 11/5 (1,200 m² in G4, 800 m² outside).
func handPlan(t *testing.T, db *store.DB) domain.Plan {
	t.Helper()
	ctx := context.Background()
	plan, err := db.CreatePlan(ctx, domain.Plan{Name: "hand", SRID: 4547})
	if err != nil {
		t.Fatal(err)
	}
	grids := []domain.Grid{
		{Code: "S1", Level: 1, Geometry: rect(0, 0, 400, 200, orb.Point{200, 0}, orb.Point{200, 200})},
		{Code: "C1", Level: 2, Parent: "S1", Geometry: rect(0, 0, 200, 200, orb.Point{200, 100})},
		{Code: "C2", Level: 2, Parent: "S1", Geometry: rect(200, 0, 400, 200, orb.Point{200, 100})},
		{Code: "G1", Level: 3, Parent: "C1", Geometry: rect(0, 0, 100, 200, orb.Point{100, 50}, orb.Point{100, 100})},
		{Code: "G2", Level: 3, Parent: "C1", Geometry: rect(100, 0, 200, 100, orb.Point{100, 50})},
		{Code: "G3", Level: 3, Parent: "C1", Geometry: rect(100, 100, 200, 200)},
		{Code: "G4", Level: 3, Parent: "C2", Geometry: shift(orb.MultiPolygon{{{
			{200, 0}, {300, 0}, {300, 100}, {400, 100}, {400, 200}, {200, 200}, {200, 100}, {200, 0}}}})},
		{Code: "X", Level: 3, Parent: "C2", Kind: domain.KindSpecial, Mode: domain.ModeCarveOut, Category: "market",
			Geometry: rect(300, 0, 400, 100)},
		{Code: "Y", Level: 3, Parent: "C1", Kind: domain.KindSpecial, Mode: domain.ModeOverlay, Category: "school",
			Geometry: rect(50, 50, 150, 150, orb.Point{100, 50})},
	}
	pgtest.ImportGrids(t, db, plan, grids, 4547)
	units := []domain.Unit{
		{Name: "u1", Persons: 100, Households: 40, Geometry: pt(25, 25)},
		{Name: "u2", Persons: 30, Households: 10, Geometry: pt(100, 50)},
		{Name: "u4", Persons: 60, Households: 20, Geometry: pt(120, 120)},
		{Name: "u5", Persons: 20, Households: 8, Geometry: pt(200, 100)},
		{Name: "u6", Persons: 40, Households: 15, Geometry: pt(350, 50)},
		{Name: "u7", Persons: 7, Households: 3, Geometry: pt(500, 50)},
		{Name: "P", Persons: 101, Households: 31, Geometry: rect(160, 20, 250, 60)[0]},
		{Name: "Q", Persons: 11, Households: 5, Geometry: rect(370, 150, 420, 190)[0]},
	}
	if _, err := db.InsertUnits(ctx, plan.ID, units, 4547); err != nil {
		t.Fatal(err)
	}
	bands := []store.BalanceLevel{
		{Level: domain.Level{Level: 2, Name: "community", Band: domain.Band{MinPersons: 150, MaxPersons: 300}}},
		{Level: domain.Level{Level: 3, Name: "grid", Band: domain.Band{MaxPersons: 150, MinHouseholds: 21, MaxHouseholds: 45}}},
	}
	for _, l := range bands {
		if err := db.SetLevelBand(ctx, plan.ID, l); err != nil {
			t.Fatal(err)
		}
	}
	if plan, err = db.Plan(ctx, "hand"); err != nil {
		t.Fatal(err)
	}
	return plan
}

// check runs the balance check and returns its section.
func check(t *testing.T, c *balance.Checker, plan domain.Plan) *balance.Section {
	t.Helper()
	s, err := c.Check(context.Background(), plan)
	if err != nil {
		t.Fatal(err)
	}
	return s.(*balance.Section)
}

func gridRows(s *balance.Section) map[string]balance.GridRow {
	out := map[string]balance.GridRow{}
	for _, g := range s.Grids {
		out[g.Code] = g
	}
	return out
}

// reportJSON is the section as the API sends it, for comparing runs.
func reportJSON(t *testing.T, s audit.Section) string {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
