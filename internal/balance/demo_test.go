package balance_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/jackc/pgx/v5"

	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/balance"
	"github.com/gridplan/gridplan/internal/bench/reference"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/pgtest"
	"github.com/gridplan/gridplan/internal/store"
)

// TestDemo loads the scale-0.1 demo once and runs the checks that need it
// as subtests; the incremental one edits grids, so it runs last.
func TestDemo(t *testing.T) {
	db := srv.NewDB(t)
	plan := pgtest.Demo(t, db)
	t.Run("matches PostGIS", func(t *testing.T) { testDemoMatchesPostGIS(t, db, plan) })
	t.Run("conservation", func(t *testing.T) { testDemoConservation(t, db, plan) })
	t.Run("incremental", func(t *testing.T) { testDemoIncremental(t, db, plan) })
	t.Run("polygon units", func(t *testing.T) { testDemoPolygonUnits(t, db, plan) })
}

// Per-grid persons equal PostGIS's spatial join for every grid of every
// level, base and special.
func testDemoMatchesPostGIS(t *testing.T, db *store.DB, plan domain.Plan) {
	ctx := context.Background()
	s := check(t, balance.New(db, balance.Options{}), plan)

	naive, err := reference.GridPersons(ctx, db.Pool(), plan.Workspace)
	if err != nil {
		t.Fatal(err)
	}
	// The plain join counts a unit on a shared boundary in every grid that
	// touches it; the rule "smallest code takes it" in SQL is the judge
	// when the two differ (they do not on the demo: its buildings stand
	// inside their lattice cells).
	byRule := referenceByRule(t, db, plan.ID)
	var grids int
	for _, g := range s.Grids {
		grids++
		if g.Persons != naive[g.Code] {
			t.Errorf("grid %s (level %d %s): %d persons, PostGIS join %d", g.Code, g.Level, g.Kind, g.Persons, naive[g.Code])
		}
		if g.Persons != byRule[g.Code] {
			t.Errorf("grid %s: %d persons, PostGIS by the boundary rule %d", g.Code, g.Persons, byRule[g.Code])
		}
	}
	var want int
	if err := db.Pool().QueryRow(ctx, `SELECT count(*) FROM grid WHERE plan_id = $1`, plan.ID).Scan(&want); err != nil {
		t.Fatal(err)
	}
	if grids != want || grids < 500 {
		t.Errorf("%d grids in the report, %d in the plan", grids, want)
	}
}

// referenceByRule counts each unit once per level and group (the tiling,
// or one parent's overlay grids), in the grid of smallest code that
// intersects it: the checker's rule, in SQL.
func referenceByRule(t *testing.T, db *store.DB, planID int64) map[string]int64 {
	t.Helper()
	rows, err := db.Pool().Query(context.Background(), `
		SELECT code, sum(persons) FROM (
			SELECT DISTINCT ON (u.id, g.level, grp) g.code, u.persons
			  FROM unit u JOIN grid g ON g.plan_id = u.plan_id AND ST_Intersects(g.geom_m, u.geom_m),
			       LATERAL (SELECT CASE WHEN g.kind = 'base' OR g.mode = 'carve_out' THEN '' ELSE 'overlay:' || coalesce(g.parent_code, '') END AS grp) k
			 WHERE u.plan_id = $1
			 ORDER BY u.id, g.level, grp, g.code) t
		GROUP BY code`, planID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var code string
		var n int64
		if err := rows.Scan(&code, &n); err != nil {
			t.Fatal(err)
		}
		out[code] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// Every level of the demo adds up to the district's residents exactly.
func testDemoConservation(t *testing.T, db *store.DB, plan domain.Plan) {
	ctx := context.Background()
	s := check(t, balance.New(db, balance.Options{}), plan)
	c, err := db.Count(ctx, plan.Workspace)
	if err != nil {
		t.Fatal(err)
	}
	if s.Totals.Persons != c.Persons || s.Totals.Households != c.Households || s.Totals.Units != c.Units {
		t.Fatalf("totals %+v, plan holds %d persons, %d households, %d units", s.Totals, c.Persons, c.Households, c.Units)
	}
	if len(s.Levels) != 4 {
		t.Fatalf("levels %+v", s.Levels)
	}
	for _, l := range s.Levels {
		if l.Persons+l.SpecialPersons+l.UnassignedPersons != c.Persons ||
			l.Households+l.SpecialHouseholds+l.UnassignedHouseholds != c.Households || !l.Conserved {
			t.Errorf("level %d: %d + %d carve-out + %d unassigned persons, plan %d", l.Level, l.Persons, l.SpecialPersons,
				l.UnassignedPersons, c.Persons)
		}
		if l.UnassignedPersons != 0 {
			t.Errorf("level %d: the demo tiles the district, yet %d persons are unassigned", l.Level, l.UnassignedPersons)
		}
	}
	if s.Errors() != 0 {
		t.Errorf("%d errors on the demo", s.Errors())
	}
	// Most micro-grids are over 20–50 households: Erqi's real arithmetic.
	if l4 := s.Levels[3]; l4.Over < l4.Grids/2 || l4.MedianHouseholds <= 50 {
		t.Errorf("level 4: %+v", l4)
	}
	if len(s.SplitCandidates) == 0 {
		t.Error("no split candidates on the demo")
	}
}

// After grid edits made straight in SQL (as QGIS or the edit endpoint
// would), GridChanged brings the cached counts up to date without a
// recount, and the report and the stored rows equal a fresh audit's.
func testDemoIncremental(t *testing.T, db *store.DB, plan domain.Plan) {
	ctx := context.Background()
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := db.Pool().Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	// Without the stamp the checker counts from the geometry, as it must
	// before it can prepare an edit.
	exec(`UPDATE workspace SET results_version = NULL WHERE id = $1`, plan.Workspace)
	c := balance.New(db, balance.Options{})
	check(t, c, plan)
	if balance.Loads(c) != 1 {
		t.Fatalf("%d loads", balance.Loads(c))
	}
	var a, b, g3 string
	err := db.Pool().QueryRow(ctx, `
		SELECT x.code, y.code FROM grid x JOIN grid y ON y.plan_id = x.plan_id AND y.level = 4 AND y.kind = 'base'
		   AND y.parent_code = x.parent_code AND y.code > x.code AND ST_Length(ST_Intersection(ST_Boundary(x.geom_m), ST_Boundary(y.geom_m))) > 10
		 WHERE x.plan_id = $1 AND x.level = 4 AND x.kind = 'base'
		   AND EXISTS (SELECT 1 FROM unit u WHERE u.plan_id = x.plan_id AND ST_Intersects(u.geom_m, y.geom_m))
		 ORDER BY x.code LIMIT 1`, plan.ID).Scan(&a, &b)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Pool().QueryRow(ctx, `SELECT code FROM grid g WHERE plan_id = $1 AND level = 3 AND kind = 'base'
		AND (SELECT count(*) FROM unit u WHERE u.plan_id = g.plan_id AND ST_Intersects(u.geom_m, g.geom_m)) > 10
		ORDER BY code LIMIT 1`, plan.ID).Scan(&g3)
	if err != nil {
		t.Fatal(err)
	}
	var x string // a grid of a merge candidate, whose shared boundary is stored
	err = db.Pool().QueryRow(ctx, `SELECT a FROM balance_shared WHERE ws_id = $1 AND shared_m > 10 ORDER BY a, b LIMIT 1`,
		plan.Workspace).Scan(&x)
	if err != nil {
		t.Fatalf("no shared boundary stored: %v", err)
	}
	var old []byte // g3 before it shrinks
	if err := db.Pool().QueryRow(ctx, `SELECT ST_AsEWKB(geom) FROM grid WHERE plan_id = $1 AND code = $2`, plan.ID, g3).Scan(&old); err != nil {
		t.Fatal(err)
	}
	edits := []struct {
		name  string
		sql   []string
		codes []string
	}{
		{"merge two micro-grids", []string{
			`UPDATE grid SET geom = ST_Multi(ST_Union(geom, (SELECT geom FROM grid WHERE plan_id = @plan AND code = @b))) WHERE plan_id = @plan AND code = @a`,
			`DELETE FROM grid WHERE plan_id = @plan AND code = @b`}, []string{a, b}},
		{"shrink a grid, leaving a peopled gap", []string{
			`UPDATE grid SET geom = ST_Transform(ST_Multi(ST_Buffer(geom_m, -60)), 4326) WHERE plan_id = @plan AND code = @g3`}, []string{g3}},
		{"add a grid filling the gap", []string{
			`INSERT INTO grid (plan_id, ws_id, code, level, parent_code, geom)
			 SELECT @plan, @ws, @g3 || 'r', 3, parent_code, ST_Multi(ST_Difference(ST_GeomFromEWKB(@old), geom)) FROM grid WHERE plan_id = @plan AND code = @g3`},
			[]string{g3 + "r"}},
		{"pull a merge candidate back from its neighbours", []string{
			`UPDATE grid SET geom = ST_Transform(ST_Multi(ST_Buffer(geom_m, -5)), 4326) WHERE plan_id = @plan AND code = @x`}, []string{x}},
	}
	for _, e := range edits {
		p := pgtest.RawChange(t, db, []audit.Preparer{c}, plan, e.codes, func(ws int64) error {
			for _, sql := range e.sql {
				exec(sql, pgx.NamedArgs{"plan": plan.ID, "ws": ws, "a": a, "b": b, "g3": g3, "old": old, "x": x})
			}
			return nil
		})
		// The change set stored the edited grids' shapes: their shared
		// boundaries, measured on the old shapes, went with them.
		for pair := range storedShared(t, db, p.Workspace) {
			if ab := strings.Split(pair, "|"); slices.Contains(e.codes, ab[0]) || slices.Contains(e.codes, ab[1]) {
				t.Errorf("%s: shared boundary %s of an edited grid outlived the edit", e.name, pair)
			}
		}
		got := check(t, c, p)
		if balance.Loads(c) != 1 {
			t.Fatalf("%s: the checker counted afresh instead of updating", e.name)
		}
		stored := storedRows(t, db, p.ID)
		// A new process builds its report from the assignments the change
		// set left stored: it must be the same report.
		lc := balance.New(db, balance.Options{})
		if lite := check(t, lc, p); reportJSON(t, got) != reportJSON(t, lite) || balance.FromStored(lc) != 1 {
			t.Errorf("%s: the report from the stored assignments (%d) differs from the updated one", e.name, balance.FromStored(lc))
		}
		// The shared boundaries stored for new processes are all of the
		// current shapes: every one a fresh measurement finds the same.
		kept := storedShared(t, db, p.Workspace)
		if len(kept) == 0 {
			t.Fatalf("%s: no shared boundary stored", e.name)
		}
		// Without the stamp, a fresh audit compares the stored rows with
		// its own and rewrites any that differ.
		exec(`UPDATE workspace SET results_version = NULL WHERE id = @ws`, pgx.NamedArgs{"ws": p.Workspace})
		fresh := check(t, balance.New(db, balance.Options{}), p)
		if reportJSON(t, got) != reportJSON(t, fresh) {
			t.Errorf("%s: the updated report differs from a fresh audit", e.name)
		}
		measured := storedShared(t, db, p.Workspace)
		for pair, l := range kept {
			if m, ok := measured[pair]; !ok || m != l {
				t.Errorf("%s: stored shared boundary %s = %g m; measured afresh: %g m (found %v)", e.name, pair, l, m, ok)
			}
		}
		if again := storedRows(t, db, p.ID); again != stored {
			t.Errorf("%s: stored stats and findings differ from a fresh audit's:\n%s\nfresh:\n%s", e.name, stored, again)
		}
		if e.name == "shrink a grid, leaving a peopled gap" && (got.Levels[2].UnassignedPersons == 0 || got.Errors() == 0) {
			t.Errorf("%s: no unassigned population at level 3: %+v", e.name, got.Levels[2])
		}
		for _, l := range got.Levels {
			if !l.Conserved {
				t.Errorf("%s: level %d not conserved", e.name, l.Level)
			}
		}
	}
	// Stored counts damaged behind a stamp that still looks right (a grid's
	// units lost, another's shape deleted): a new process counts afresh
	// and writes them again, so that the next one reads them.
	p, err := db.Plan(ctx, plan.Name)
	if err != nil {
		t.Fatal(err)
	}
	want := reportJSON(t, check(t, balance.New(db, balance.Options{}), p))
	exec(`UPDATE grid_stats SET units = NULL WHERE ws_id = @ws AND code = (SELECT min(code) FROM grid_stats WHERE ws_id = @ws)`,
		pgx.NamedArgs{"ws": p.Workspace})
	exec(`DELETE FROM balance_grid WHERE ws_id = @ws AND code = (SELECT max(code) FROM balance_grid WHERE ws_id = @ws)`,
		pgx.NamedArgs{"ws": p.Workspace})
	damaged := balance.New(db, balance.Options{})
	if got := reportJSON(t, check(t, damaged, p)); got != want || balance.FromStored(damaged) != 0 || balance.Loads(damaged) != 1 {
		t.Errorf("damaged stored counts: %d of %d counts from them; report same: %v", balance.FromStored(damaged), balance.Loads(damaged), got == want)
	}
	next := balance.New(db, balance.Options{})
	if got := reportJSON(t, check(t, next, p)); got != want || balance.FromStored(next) != 1 {
		t.Errorf("after a fresh count rewrote them, %d counts from the stored assignments; report same: %v", balance.FromStored(next), got == want)
	}
}

// storedShared reads the shared boundary lengths stored for a view, by
// "a|b".
func storedShared(t *testing.T, db *store.DB, ws int64) map[string]float64 {
	t.Helper()
	rows, err := db.Pool().Query(context.Background(), `SELECT a || '|' || b, shared_m FROM balance_shared WHERE ws_id = $1`, ws)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for rows.Next() {
		var pair string
		var l float64
		if err := rows.Scan(&pair, &l); err != nil {
			t.Fatal(err)
		}
		out[pair] = l
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// storedRows renders the plan's grid_stats and balance findings as text.
func storedRows(t *testing.T, db *store.DB, planID int64) string {
	t.Helper()
	var s string
	err := db.Pool().QueryRow(context.Background(), `SELECT
		(SELECT string_agg(format('%s %s %s %s %s', code, persons, households, deviation_pct, band), E'\n' ORDER BY code)
		   FROM grid_stats WHERE plan_id = $1) || E'\n' ||
		(SELECT coalesce(string_agg(format('%s %s %s %s %s %s', kind, severity, level, grids, reason, md5(ST_AsEWKB(geom)::text)), E'\n'
		        ORDER BY kind, grids, reason), '')
		   FROM finding WHERE plan_id = $1 AND check_name = 'balance')`, planID).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Census-block-like polygon units scattered over the demo, across grid
// boundaries and partly outside the district: each level still adds up to
// the input exactly, every grid's count is PostGIS's area-weighted sum to
// within rounding, and an edit under them updates like a fresh audit.
func testDemoPolygonUnits(t *testing.T, db *store.DB, plan domain.Plan) {
	ctx := context.Background()
	var minX, minY, maxX, maxY float64
	err := db.Pool().QueryRow(ctx, `SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
		FROM (SELECT ST_Extent(geom_m) e FROM grid WHERE plan_id = $1) t`, plan.ID).Scan(&minX, &minY, &maxX, &maxY)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 11))
	var blocks []domain.Unit
	for range 1500 {
		x := minX - 200 + rng.Float64()*(maxX-minX+400)
		y := minY - 200 + rng.Float64()*(maxY-minY+400)
		w, h := 30+rng.Float64()*170, 30+rng.Float64()*170
		persons := rng.IntN(600)
		blocks = append(blocks, domain.Unit{Name: "block", Persons: persons, Households: persons * 2 / 5,
			Geometry: orb.Polygon{{{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}, {x, y}}}})
	}
	if _, err := db.InsertUnits(ctx, plan.ID, blocks, 4547); err != nil {
		t.Fatal(err)
	}
	p, err := db.Plan(ctx, plan.Name)
	if err != nil {
		t.Fatal(err)
	}
	c := balance.New(db, balance.Options{})
	s := check(t, c, p)
	counts, err := db.Count(ctx, p.Workspace)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range s.Levels {
		if !l.Conserved || l.Persons+l.SpecialPersons+l.UnassignedPersons != counts.Persons ||
			l.Households+l.SpecialHouseholds+l.UnassignedHouseholds != counts.Households {
			t.Errorf("level %d with polygon units: %d + %d + %d persons of %d", l.Level, l.Persons, l.SpecialPersons,
				l.UnassignedPersons, counts.Persons)
		}
	}
	if s.Unassigned.Persons == 0 || s.Errors() == 0 {
		t.Error("blocks partly outside the district yield no unassigned population")
	}

	// PostGIS's overlay as the judge: a grid's persons are the points in it
	// plus each block's persons × its area share, and largest-remainder
	// rounding moves each block's share by less than one person.
	rows, err := db.Pool().Query(ctx, `
		SELECT g.code, coalesce(sum(u.persons * ST_Area(ST_Intersection(u.geom_m, g.geom_m)) / ST_Area(u.geom_m))
		                        FILTER (WHERE ST_Dimension(u.geom_m) = 2), 0),
		       coalesce(sum(u.persons) FILTER (WHERE ST_Dimension(u.geom_m) = 0), 0),
		       count(*) FILTER (WHERE ST_Dimension(u.geom_m) = 2)
		  FROM grid g JOIN unit u ON u.plan_id = g.plan_id AND ST_Intersects(u.geom_m, g.geom_m)
		 WHERE g.plan_id = $1 GROUP BY g.code`, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	rows2 := gridRows(s)
	checked := 0
	for rows.Next() {
		var code string
		var area float64
		var points int64
		var touching int
		if err := rows.Scan(&code, &area, &points, &touching); err != nil {
			t.Fatal(err)
		}
		got := float64(rows2[code].Persons - points)
		if d := got - area; d <= -float64(touching)-1e-6 || d >= float64(touching)+1e-6 {
			t.Errorf("grid %s: %.0f persons from blocks, PostGIS area shares give %.2f (%d blocks)", code, got, area, touching)
		}
		checked++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if checked < 500 {
		t.Errorf("only %d grids compared", checked)
	}

	// An edit under the blocks: the updated counts equal a fresh audit's.
	var code string
	err = db.Pool().QueryRow(ctx, `SELECT g.code FROM grid g JOIN unit u ON u.plan_id = g.plan_id AND ST_Intersects(u.geom_m, g.geom_m)
		WHERE g.plan_id = $1 AND g.level = 3 AND g.kind = 'base' AND ST_Dimension(u.geom_m) = 2 ORDER BY g.code LIMIT 1`, p.ID).Scan(&code)
	if err != nil {
		t.Fatal(err)
	}
	loads := balance.Loads(c)
	p = pgtest.RawChange(t, db, []audit.Preparer{c}, p, []string{code}, func(ws int64) error {
		_, err := db.Pool().Exec(ctx, `UPDATE grid SET geom = ST_Transform(ST_Multi(ST_Buffer(geom_m, -25)), 4326)
			WHERE ws_id = $1 AND code = $2`, ws, code)
		return err
	})
	got := check(t, c, p)
	if balance.Loads(c) != loads {
		t.Error("the checker counted afresh instead of updating")
	}
	if reportJSON(t, got) != reportJSON(t, check(t, balance.New(db, balance.Options{}), p)) {
		t.Error("after an edit under polygon units, the updated report differs from a fresh audit")
	}
}
