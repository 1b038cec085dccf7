package coverage

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/demo"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/pgtest"
	"github.com/gridplan/gridplan/internal/store"
)

// loadDemo stores the demo district at scale 0.1 as plan name.
func loadDemo(t *testing.T, db *store.DB, name string) domain.Plan {
	t.Helper()
	if _, err := demo.Load(context.Background(), db, demo.LoadOptions{Plan: name, Seed: 1, Scale: 0.1}); err != nil {
		t.Fatalf("load demo: %v", err)
	}
	return reload(t, db, name)
}

// The clean demo district has no finding at all, not even a sliver: its
// shared boundaries went through a WGS84 round trip, and its children's
// vertices lie on their parents' edges where the parents have none.
func TestCleanDemo(t *testing.T) {
	db := srv.NewDB(t)
	plan := loadDemo(t, db, "demo")
	s := check(t, New(db, Options{}), plan)
	expect(t, s.Findings())
	crossing := 0
	for _, sp := range s.Specials() {
		if sp.Level == 1 && sp.Mode == string(domain.ModeOverlay) {
			crossing = len(sp.Crosses)
		}
	}
	if crossing != 3 {
		t.Errorf("the business district crosses %d streets, want 3: %+v", crossing, s.Specials())
	}
}

// Acceptance 2: randomly injected defects in the demo district, judged by
// PostGIS's own overlay of every parent with its children.
func TestDifferentialAgainstPostGIS(t *testing.T) {
	db := srv.NewDB(t)
	ctx := context.Background()
	plan := loadDemo(t, db, "demo")
	c := New(db, Options{})
	check(t, c, plan) // warm the cache: the defects then arrive as edits

	// Micro-grids from different communities, so no two defects touch.
	var micro []domain.Grid
	parents := map[string]domain.Grid{}
	err := db.EachGrid(ctx, plan.Workspace, store.GridFilter{}, func(g domain.Grid) error {
		parents[g.Code] = g
		if g.Level == 4 && g.Kind == domain.KindBase {
			micro = append(micro, g)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 7))
	rng.Shuffle(len(micro), func(i, j int) { micro[i], micro[j] = micro[j], micro[i] })
	usedCommunity := map[string]bool{}
	var picks []domain.Grid
	for _, g := range micro {
		community := parents[g.Parent].Parent
		if !usedCommunity[community] {
			usedCommunity[community] = true
			picks = append(picks, g)
		}
		if len(picks) == 6 {
			break
		}
	}
	moved, deleted, grown := picks[0:2], picks[2:4], picks[4:6]
	injected := map[string]bool{}
	deletedParents := map[string]float64{}
	for _, g := range moved {
		injected[g.Code] = true
		m := metric(t, db, g.Geometry)
		r := m[0][0]
		k := 1 + rng.IntN(len(r)-2)
		angle := rng.Float64() * 2 * math.Pi
		dist := 3 + 3*rng.Float64()
		r[k] = orb.Point{r[k][0] + dist*math.Cos(angle), r[k][1] + dist*math.Sin(angle)}
		edit(t, db, c, plan.Name, g.Code, wgs84(t, db, m))
	}
	for _, g := range deleted {
		deletedParents[g.Parent] += area(t, db, plan.ID, g.Code)
		pgtest.RawEdit(t, db, []audit.Preparer{c}, plan, g.Code, nil)
	}
	for _, g := range grown {
		injected[g.Code] = true
		pgtest.RawChange(t, db, []audit.Preparer{c}, plan, []string{g.Code}, func(ws int64) error {
			_, err := db.Pool().Exec(ctx, `UPDATE grid SET geom = ST_Multi(ST_Transform(ST_Buffer(geom_m, 2, 'join=mitre'), 4326))
				WHERE ws_id = $1 AND code = $2`, ws, g.Code)
			return err
		})
	}
	plan = reload(t, db, plan.Name)
	incremental := check(t, c, plan).Findings()
	fresh := check(t, New(db, Options{}), plan).Findings()
	if a, b := describe(incremental), describe(fresh); a != b {
		t.Errorf("incremental and fresh audits differ:\n%s\nfresh:\n%s", a, b)
	}

	// PostGIS's overlay, per kind, over every parent and its children.
	ref := referenceAreas(t, db, plan.ID)
	got := map[string]float64{}
	for _, f := range fresh {
		switch f.Kind {
		case KindGap, KindSliverGap:
			got["gap"] += f.AreaM2
		case KindOverlap, KindSliverOverlap:
			got["overlap"] += f.AreaM2
		case KindOutside, KindSliverOutside:
			got["outside"] += f.AreaM2
		}
	}
	for _, k := range []string{"gap", "overlap", "outside"} {
		t.Logf("%s: gridplan %.3f m², PostGIS %.3f m²", k, got[k], ref[k])
		if math.Abs(got[k]-ref[k]) > math.Max(0.005*ref[k], 0.1) {
			t.Errorf("%s: gridplan finds %.3f m², PostGIS %.3f m²", k, got[k], ref[k])
		}
	}
	if ref["gap"] < 100 || ref["overlap"] < 10 || ref["outside"] < 10 {
		t.Errorf("the injected defects should show in every kind: %v", ref)
	}
	// Every injected defect at its grids; nothing else.
	for code := range injected {
		if !slices.ContainsFunc(fresh, func(f domain.Finding) bool { return slices.Contains(f.Grids, code) }) {
			t.Errorf("no finding names the changed grid %s", code)
		}
	}
	for parent, a := range deletedParents {
		if !slices.ContainsFunc(fresh, func(f domain.Finding) bool {
			return f.Kind == KindGap && f.Parent == parent && math.Abs(f.AreaM2-a) < 0.01*a
		}) {
			t.Errorf("no gap of %.1f m² under %s where a grid was deleted", a, parent)
		}
	}
	for _, f := range fresh {
		if !slices.ContainsFunc(f.Grids, func(c string) bool { return injected[c] }) && deletedParents[f.Parent] == 0 {
			t.Errorf("unexpected finding: %s %v %.3f m²: %s", f.Kind, f.Grids, f.AreaM2, f.Reason)
		}
	}
}

// referenceAreas is the naive overlay: per parent, the ground no child
// covers, the ground sibling pairs share, and child ground outside it.
func referenceAreas(t *testing.T, db *store.DB, planID int64) map[string]float64 {
	t.Helper()
	var gap, overlap, outside float64
	err := db.Pool().QueryRow(context.Background(), `
		WITH tiling AS (
			SELECT c.id, c.parent_code, c.geom_m FROM grid c
			  LEFT JOIN grid p ON p.plan_id = c.plan_id AND p.code = c.parent_code
			 WHERE c.plan_id = $1 AND (c.parent_code IS NOT NULL OR c.level = 1)
			   AND (c.kind = 'base' OR c.mode = 'carve_out' OR p.mode = 'overlay')),
		parents AS (
			SELECT code, geom_m FROM grid WHERE plan_id = $1
			UNION ALL SELECT NULL, ST_Transform(boundary, srid) FROM plan WHERE id = $1)
		SELECT
		  (SELECT sum(ST_Area(ST_Difference(p.geom_m, u))) FROM parents p
		     JOIN LATERAL (SELECT ST_Union(geom_m) u FROM tiling c WHERE c.parent_code IS NOT DISTINCT FROM p.code) x ON u IS NOT NULL),
		  (SELECT coalesce(sum(ST_Area(ST_Intersection(a.geom_m, b.geom_m))), 0) FROM tiling a JOIN tiling b
		     ON a.parent_code IS NOT DISTINCT FROM b.parent_code AND a.id < b.id AND ST_Intersects(a.geom_m, b.geom_m)),
		  (SELECT coalesce(sum(ST_Area(ST_Difference(c.geom_m, p.geom_m))), 0) FROM tiling c
		     JOIN parents p ON p.code IS NOT DISTINCT FROM c.parent_code)`, planID).Scan(&gap, &overlap, &outside)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]float64{"gap": gap, "overlap": overlap, "outside": outside}
}

func metric(t *testing.T, db *store.DB, g orb.MultiPolygon) orb.MultiPolygon {
	t.Helper()
	out, err := db.Transform(context.Background(), []orb.Geometry{g}, domain.WGS84, 4547)
	if err != nil {
		t.Fatal(err)
	}
	return out[0].(orb.MultiPolygon)
}

func wgs84(t *testing.T, db *store.DB, g orb.MultiPolygon) orb.MultiPolygon {
	t.Helper()
	out, err := db.Transform(context.Background(), []orb.Geometry{g}, 4547, domain.WGS84)
	if err != nil {
		t.Fatal(err)
	}
	return out[0].(orb.MultiPolygon)
}

func area(t *testing.T, db *store.DB, planID int64, code string) float64 {
	t.Helper()
	var a float64
	if err := db.Pool().QueryRow(context.Background(), `SELECT ST_Area(geom_m) FROM grid WHERE plan_id = $1 AND code = $2`,
		planID, code).Scan(&a); err != nil {
		t.Fatal(err)
	}
	return a
}

// edit reshapes a grid straight through SQL and tells c as a change set
// would; the cache must be updated, not dropped.
func edit(t *testing.T, db *store.DB, c *Checker, planName, code string, geom orb.MultiPolygon) {
	t.Helper()
	p := pgtest.RawEdit(t, db, []audit.Preparer{c}, reload(t, db, planName), code, geom)
	if st := c.cached(p.Workspace); st == nil || st.version != p.Version {
		t.Fatalf("after editing %s the cache was dropped, not updated", code)
	}
}
