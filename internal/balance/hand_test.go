package balance_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/balance"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

func TestHandComputed(t *testing.T) {
	ctx := context.Background()
	db := srv.NewDB(t)
	plan := handPlan(t, db)
	s := check(t, balance.New(db, balance.Options{}), plan)
	rows := gridRows(s)

	// Every figure below is worked out by hand in handPlan's comment's
	// terms; see the notes per grid.
	tests := []struct {
		code                string
		persons, households int64
		units               int64
		deviation           float64
		band                string
	}{
		// u1 + u2 (on the G1|G2 edge: the smaller code takes it); ideal (130+65+60)/3 = 85.
		{"G1", 130, 50, 2, 52.94, balance.Over},
		// u5 (where G2, G3, G4 meet: G2 is the smallest code) + P's 1,600 of 3,600 m²:
		// 101×16/36 = 44.9 → 44 + the largest remainder = 45; 31×16/36 = 13.8 → 14.
		{"G2", 65, 22, 2, -23.53, balance.Within},
		{"G3", 60, 20, 1, -29.41, balance.Under},
		// P's 56 and 17, and Q's 1,200 of 2,000 m²: 11×0.6 = 6.6 → 7, 5×0.6 = 3; alone under C2.
		{"G4", 63, 20, 2, 0, balance.Under},
		{"X", 40, 15, 1, 0, balance.Under},
		// The overlay school counts u2 (on its edge) and u4 again, apart.
		{"Y", 90, 30, 2, 0, balance.Within},
		// u5 on the C1|C2 edge goes to C1; ideal (255+103)/2 = 179.
		{"C1", 255, 92, 5, 42.46, balance.Within},
		{"C2", 103, 35, 3, -42.46, balance.Under},
		// Everything but u7 and Q's outside part (4 persons, 2 households).
		{"S1", 358, 127, 7, 0, balance.Under},
	}
	for _, tt := range tests {
		g, ok := rows[tt.code]
		if !ok {
			t.Errorf("grid %s missing from the report", tt.code)
			continue
		}
		if g.Persons != tt.persons || g.Households != tt.households || g.Units != tt.units ||
			g.DeviationPct != tt.deviation || g.Band != tt.band {
			t.Errorf("grid %s: %d persons, %d households, %d units, %.2f%%, %s; want %d, %d, %d, %.2f%%, %s",
				tt.code, g.Persons, g.Households, g.Units, g.DeviationPct, g.Band,
				tt.persons, tt.households, tt.units, tt.deviation, tt.band)
		}
	}
	if len(s.Grids) != len(tests) {
		t.Errorf("%d grid rows, want %d", len(s.Grids), len(tests))
	}

	// Levels: base grids only, and conservation with carve-outs and the unassigned.
	l3 := s.Levels[2]
	if l3.Level != 3 || l3.Grids != 4 || l3.Persons != 318 || l3.Households != 112 || l3.SpecialPersons != 40 ||
		l3.UnassignedPersons != 11 || l3.UnassignedHouseholds != 5 || l3.TotalPersons != 369 || !l3.Conserved ||
		l3.MinPersons != 60 || l3.MaxPersons != 130 || l3.IdealPersons != 79.5 || l3.MaxDeviationPct != 52.94 ||
		l3.OutOfBand != 3 || l3.Under != 2 || l3.Over != 1 {
		t.Errorf("level 3 row: %+v", l3)
	}
	for _, l := range s.Levels {
		if !l.Conserved || l.Persons+l.SpecialPersons+l.UnassignedPersons != 369 {
			t.Errorf("level %d does not conserve persons: %+v", l.Level, l)
		}
	}
	if len(s.Levels) != 3 {
		t.Errorf("levels %v: level 4 has no grids and is not audited", s.Levels)
	}
	if want := []balance.SpecialRow{{Level: 3, Mode: "carve_out", Grids: 1, Persons: 40, Households: 15, OutOfBand: 1},
		{Level: 3, Mode: "overlay", Grids: 1, Persons: 90, Households: 30}}; !slices.Equal(s.Specials, want) {
		t.Errorf("specials %+v, want %+v", s.Specials, want)
	}

	// Suggestions on the crafted parent C1.
	if want := []balance.Split{{Code: "G1", Level: 3, Parent: ref("C1"), Persons: 130, Households: 50, Parts: 2,
		PersonsPerPart: 65, HouseholdsPerPart: 25, InBand: true}}; !slices.EqualFunc(s.SplitCandidates, want, equalSplit) {
		t.Errorf("splits %+v, want %+v", s.SplitCandidates, want)
	}
	if len(s.MergeCandidates) != 1 {
		t.Fatalf("merges %+v, want G2+G3 only", s.MergeCandidates)
	}
	m := s.MergeCandidates[0]
	// 125 persons and 42 households: within 21–45; fit 1 − |42−33|/12 = 0.25.
	if m.Grids != [2]string{"G2", "G3"} || m.Persons != 125 || m.Households != 42 || m.Fit != 0.25 ||
		!slices.Equal(m.Under, []string{"G3"}) || m.SharedBoundaryM < 99.99 || m.SharedBoundaryM > 100.01 {
		t.Errorf("merge %+v", m)
	}

	// Unassigned: u7 wholly, Q's outside part; both are errors.
	if s.Unassigned.Units != 2 || s.Unassigned.Persons != 11 || s.Errors() != 2 {
		t.Errorf("unassigned %+v, errors %d", s.Unassigned, s.Errors())
	}
	u7 := s.Unassigned.Items[0]
	if u7.Name != "u7" || u7.Persons != 7 || !slices.Equal(u7.Levels, []int{1, 2, 3}) || u7.Location == nil {
		t.Errorf("first unassigned %+v", u7)
	} else if p := u7.Location.Coordinates.(orb.Point); p[0] < 113 || p[0] > 114 || p[1] < 34 || p[1] > 35 {
		t.Errorf("unassigned location %v is not WGS84 near Zhengzhou", p)
	}

	// Stored: grid_stats through the grid endpoint's store call, and findings.
	g1, err := db.Grid(ctx, plan.Workspace, "G1")
	if err != nil {
		t.Fatal(err)
	}
	if g1.Stats == nil || *g1.Stats != (domain.GridStats{Persons: 130, Households: 50, DeviationPct: 52.94, Band: "over"}) {
		t.Errorf("stored stats of G1: %+v", g1.Stats)
	}
	kinds := map[string]int{}
	err = db.EachFinding(ctx, plan.Workspace, func(f domain.Finding) error {
		kinds[f.Kind+"/"+f.Severity]++
		if f.Geometry == nil {
			t.Errorf("finding %s %v without a place", f.Kind, f.Grids)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Out of band: G1 over; G3, G4, C2, S1 under (X is special: reported, no finding).
	if kinds["unassigned_population/error"] != 2 || kinds["over_band/warning"] != 1 || kinds["under_band/warning"] != 4 {
		t.Errorf("findings %v", kinds)
	}
	var text strings.Builder
	if err := s.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"369 persons", "G2 + G3", "-> 2 parts", "Unassigned population (errors): 2 units, 11 persons"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, text.String())
		}
	}
}

func ref(s string) *string { return &s }

func equalSplit(a, b balance.Split) bool {
	return a.Code == b.Code && a.Level == b.Level && *a.Parent == *b.Parent && a.Persons == b.Persons &&
		a.Households == b.Households && a.Parts == b.Parts && a.PersonsPerPart == b.PersonsPerPart &&
		a.HouseholdsPerPart == b.HouseholdsPerPart && a.InBand == b.InBand
}

// Bands and targets are per plan level; changing them re-derives the
// figures without recounting, and the interior-point rule moves whole
// polygon units.
func TestSettingsChange(t *testing.T) {
	ctx := context.Background()
	db := srv.NewDB(t)
	plan := handPlan(t, db)
	c := balance.New(db, balance.Options{})
	first := reportJSON(t, check(t, c, plan))

	// A new checker (a restarted server) on the unchanged plan counts
	// afresh, gives the same report and rewrites nothing: the stored
	// results carry the version and settings they were computed for.
	before := rowVersions(t, db, plan.ID)
	if again := reportJSON(t, check(t, balance.New(db, balance.Options{}), plan)); again != first {
		t.Errorf("a fresh audit of the unchanged plan differs:\n%s\n%s", first, again)
	}
	if after := rowVersions(t, db, plan.ID); after != before {
		t.Errorf("a fresh audit of the unchanged plan rewrote stored rows: %s, then %s", before, after)
	}

	err := db.SetLevelBand(ctx, plan.ID, store.BalanceLevel{TargetPersons: 200,
		Level: domain.Level{Level: 2, Name: "community", Band: domain.Band{MinPersons: 100, MaxPersons: 300}}})
	if err != nil {
		t.Fatal(err)
	}
	s := check(t, c, plan)
	rows := gridRows(s)
	// Against the target 200: (255−200)/200 = 27.5%, (103−200)/200 = −48.5%; C2 is now within 100–300.
	if rows["C1"].DeviationPct != 27.5 || rows["C2"].DeviationPct != -48.5 || rows["C2"].Band != balance.Within ||
		s.Levels[1].IdealPersons != 200 || s.Levels[1].TargetPersons != 200 {
		t.Errorf("after the target: C1 %+v, C2 %+v, level %+v", rows["C1"], rows["C2"], s.Levels[1])
	}
	if g, _ := db.Grid(ctx, plan.Workspace, "C2"); g.Stats == nil || g.Stats.Band != "within" || g.Stats.DeviationPct != -48.5 {
		t.Errorf("stored C2 stats not rewritten: %+v", g.Stats)
	}

	if err := db.SetPolygonUnits(ctx, plan.ID, store.PolygonUnitsInteriorPoint); err != nil {
		t.Fatal(err)
	}
	s = check(t, c, plan)
	rows = gridRows(s)
	// ST_PointOnSurface puts P at (205, 40) and Q at (395, 170), both in G4.
	if rows["G2"].Persons != 20 || rows["G4"].Persons != 112 || rows["G4"].Households != 36 ||
		s.Unassigned.Persons != 7 || !s.Levels[2].Conserved {
		t.Errorf("interior point: G2 %+v, G4 %+v, unassigned %+v", rows["G2"], rows["G4"], s.Unassigned)
	}
	if err := db.SetPolygonUnits(ctx, plan.ID, "centroid"); domain.ErrorCode(err) != domain.ErrInvalid {
		t.Errorf("an unknown rule must be refused: %v", err)
	}
}

// A plan with nothing in it yet audits to an empty, well-formed section.
func TestEmptyPlan(t *testing.T) {
	ctx := context.Background()
	db := srv.NewDB(t)
	plan, err := db.CreatePlan(ctx, domain.Plan{Name: "empty"})
	if err != nil {
		t.Fatal(err)
	}
	s := check(t, balance.New(db, balance.Options{}), plan)
	if got := reportJSON(t, s); got != `{"levels":[],"specials":[],"grids":[],"merge_candidates":[],"split_candidates":[],`+
		`"unassigned":{"units":0,"persons":0,"households":0,"items":[]},"totals":{"units":0,"persons":0,"households":0}}` {
		t.Errorf("empty plan: %s", got)
	}
}

// rowVersions sums the transaction ids that wrote the plan's grid_stats and
// findings rows: it changes whenever any of them is rewritten.
func rowVersions(t *testing.T, db *store.DB, planID int64) string {
	t.Helper()
	var s string
	err := db.Pool().QueryRow(context.Background(), `SELECT
		(SELECT count(*) || ':' || coalesce(sum(xmin::text::bigint), 0) FROM grid_stats WHERE plan_id = $1) || ' ' ||
		(SELECT count(*) || ':' || coalesce(sum(xmin::text::bigint), 0) FROM finding WHERE plan_id = $1)`, planID).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
