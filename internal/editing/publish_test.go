package editing_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/domain"
)

// shapes fingerprints a view's grids, geometry bytes included.
func (f *fixture) shapes(p domain.Plan) string {
	f.t.Helper()
	var h string
	if err := f.db.Pool().QueryRow(context.Background(), `SELECT md5(string_agg(concat_ws(',', code, name, level, parent_code,
		ST_AsEWKB(geom)::text, ST_AsEWKB(geom_m)::text), '|' ORDER BY code)) FROM grid WHERE ws_id = $1`,
		f.view(p.View).Workspace).Scan(&h); err != nil {
		f.t.Fatal(err)
	}
	return h
}

// A draft's edits publish; a revert restores an earlier revision byte for
// byte; the diff's residents matrix is PostGIS's own count.
func TestPublishRevertDiff(t *testing.T) {
	f := newFixture(t, 0.1)
	original := f.shapes(f.plan)
	first := f.plan.HeadRevision
	d := f.draft("pub")
	x := f.pick(d, `g.level = 4 AND g.kind = 'base' AND ST_NPoints(g.geom) > 8`)
	ring, at, centre := f.innerVertex(d, x)
	f.apply(d, fmt.Sprintf(`{"ops":[{"op":"reshape","grid":%q,"geometry":%s}]}`, x, geometryJSON(moved(ring, at, centre, 0.4))))
	y := f.pick(d, `g.level = 4 AND g.kind = 'base' AND g.code > $2`, x)
	yg := f.grid(d, y)
	res := f.apply(d, fmt.Sprintf(`{"ops":[{"op":"split","grid":%q,"lines":[%s]}]}`, y, geometryJSON(across(yg.Geometry.Bound(), false))))

	// The diff against the published plan, and PostGIS's own count of
	// the residents that moved between grids.
	diff, err := f.svc.Diff(f.ctx(), f.plan, domain.View{}, domain.View{Draft: "pub"})
	if err != nil {
		t.Fatal(err)
	}
	if len(diff.Added) != 2 || len(diff.Removed) != 1 || diff.Removed[0].Code != y || len(diff.Moved) == 0 {
		t.Fatalf("diff: added %v removed %v moved %v", diff.Added, diff.Removed, diff.Moved)
	}
	ref := f.referenceMoves(f.plan.Workspace, d.Workspace)
	got := map[string][2]int64{}
	for _, m := range diff.Residents {
		got[m.From+">"+m.To] = [2]int64{m.Persons, m.Households}
	}
	if fmt.Sprint(got) != fmt.Sprint(ref) {
		t.Errorf("residents moved:\n%v\nPostGIS:\n%v", got, ref)
	}
	if len(diff.Lineage) < len(res.Lineage) {
		t.Errorf("diff lineage %d rows, the split alone made %d", len(diff.Lineage), len(res.Lineage))
	}

	pub, err := f.svc.Publish(f.ctx(), f.plan, "pub", "test publish")
	if err != nil {
		t.Fatal(err)
	}
	published := f.view(domain.View{})
	if published.HeadRevision != pub.Revision || f.shapes(published) != f.shapes(f.view(domain.View{Revision: pub.Revision})) {
		t.Fatalf("published head %d, publish answered %d", published.HeadRevision, pub.Revision)
	}
	f.judgeTiling(published)
	if _, err := f.svc.Publish(f.ctx(), f.plan, "pub", ""); domain.ErrorCode(err) != domain.ErrConflict {
		t.Errorf("publishing twice: %v", err)
	}
	// Revert to the first revision: byte-identical grids.
	if _, _, err := f.svc.Revert(f.ctx(), published, first); err != nil {
		t.Fatal(err)
	}
	if got := f.shapes(f.view(domain.View{})); got != original {
		t.Error("the revert did not restore the first revision's grids byte for byte")
	}
}

// referenceMoves counts with PostGIS, unit by unit, the persons and
// households whose grid at some level differs between two workspaces.
func (f *fixture) referenceMoves(a, b int64) map[string][2]int64 {
	f.t.Helper()
	rows, err := f.db.Pool().Query(context.Background(), `
		WITH changed AS (
			SELECT code FROM grid x WHERE ws_id = $1 AND NOT EXISTS (SELECT 1 FROM grid y WHERE y.ws_id = $2 AND y.code = x.code
			       AND ST_AsEWKB(y.geom) = ST_AsEWKB(x.geom) AND y.level = x.level)
			UNION SELECT code FROM grid y WHERE ws_id = $2 AND NOT EXISTS (SELECT 1 FROM grid x WHERE x.ws_id = $1 AND x.code = y.code
			       AND ST_AsEWKB(x.geom) = ST_AsEWKB(y.geom) AND x.level = y.level)),
		ga AS (SELECT code, level, geom_m FROM grid WHERE ws_id = $1 AND code IN (SELECT code FROM changed)),
		gb AS (SELECT code, level, geom_m FROM grid WHERE ws_id = $2 AND code IN (SELECT code FROM changed)),
		u AS (SELECT persons, households, CASE WHEN GeometryType(geom_m) = 'POINT' THEN geom_m ELSE ST_PointOnSurface(geom_m) END AS p
		        FROM unit WHERE plan_id = (SELECT plan_id FROM workspace WHERE id = $1)),
		l AS (SELECT DISTINCT level FROM ga),
		m AS (SELECT fa.code AS f, fb.code AS t, u.persons, u.households FROM u CROSS JOIN l
		        JOIN LATERAL (SELECT code FROM ga WHERE ga.level = l.level AND ST_Intersects(ga.geom_m, u.p) ORDER BY code LIMIT 1) fa ON true
		        JOIN LATERAL (SELECT code FROM gb WHERE gb.level = l.level AND ST_Intersects(gb.geom_m, u.p) ORDER BY code LIMIT 1) fb ON true)
		SELECT f, t, sum(persons), sum(households) FROM m WHERE f <> t GROUP BY f, t`, a, b)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	out := map[string][2]int64{}
	for rows.Next() {
		var from, to string
		var p, h int64
		if err := rows.Scan(&from, &to, &p, &h); err != nil {
			f.t.Fatal(err)
		}
		out[from+">"+to] = [2]int64{p, h}
	}
	return out
}

// Publishing is refused while the draft has coverage errors; a draft
// based on an older revision takes in what was published since when the
// two changed different grids, and is refused (409) when they changed the
// same ones.
func TestPublishRules(t *testing.T) {
	f := newFixture(t, 0.1)
	a := f.draft("a")
	b := f.draft("b")
	c := f.draft("c")
	x := f.pick(a, `g.level = 4 AND g.kind = 'base'`)
	far := f.pick(a, `g.level = 4 AND g.kind = 'base' AND g.parent_code <> (SELECT parent_code FROM grid WHERE ws_id = g.ws_id AND code = $2)`, x)
	// A raw SQL edit opens a gap in draft a: publish refused, listing it.
	if _, err := f.db.Pool().Exec(context.Background(), `UPDATE grid SET geom = ST_Multi(ST_Transform(ST_Buffer(geom_m, -3), 4326))
		WHERE ws_id = $1 AND code = $2`, a.Workspace, x); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Publish(f.ctx(), f.plan, "a", ""); domain.ErrorCode(err) != domain.ErrRefused || !contains(err, "gap") {
		t.Fatalf("publishing a draft with a gap: %v", err)
	}
	// b renames x, c renames far: both publish, the second rebased.
	f.apply(b, fmt.Sprintf(`{"ops":[{"op":"rename","grid":%q,"name":"b"}]}`, x))
	f.apply(c, fmt.Sprintf(`{"ops":[{"op":"rename","grid":%q,"name":"c"}]}`, far))
	if _, err := f.svc.Publish(f.ctx(), f.plan, "b", ""); err != nil {
		t.Fatal(err)
	}
	out, err := f.svc.Publish(f.ctx(), f.view(domain.View{}), "c", "")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(out.Rebased, x) {
		t.Errorf("c took in %v, want %s", out.Rebased, x)
	}
	if p := f.view(domain.View{}); f.grid(p, x).Name != "b" || f.grid(p, far).Name != "c" {
		t.Error("the published plan lacks one of the two drafts")
	}
	// d and e both rename x: the second to publish is refused, naming x.
	d, e := f.draft("d"), f.draft("e")
	f.apply(d, fmt.Sprintf(`{"ops":[{"op":"rename","grid":%q,"name":"d"}]}`, x))
	f.apply(e, fmt.Sprintf(`{"ops":[{"op":"rename","grid":%q,"name":"e"}]}`, x))
	if _, err := f.svc.Publish(f.ctx(), f.view(domain.View{}), "d", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Publish(f.ctx(), f.view(domain.View{}), "e", ""); domain.ErrorCode(err) != domain.ErrConflict || !contains(err, x) {
		t.Errorf("publishing a draft that changed the same grid: %v", err)
	}
	_ = e
}

func contains(err error, s string) bool {
	return err != nil && slices.ContainsFunc([]string{domain.ErrorMessage(err)}, func(m string) bool { return len(s) > 0 && len(m) > 0 && stringsContains(m, s) })
}

// 20 concurrent change sets on different grids of one draft all land; 20
// on one grid from one base: exactly one lands, the others are told the
// grid changed (412); versions stay consistent.
func TestConcurrentEdits(t *testing.T) {
	f := newFixture(t, 0.1)
	d := f.draft("con")
	base := f.view(d.View).GridVersion
	rows, err := f.db.Pool().Query(context.Background(), `SELECT code FROM grid WHERE ws_id = $1 AND level = 4 ORDER BY code LIMIT 20`, d.Workspace)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for rows.Next() {
		var c string
		rows.Scan(&c)
		codes = append(codes, c)
	}
	rows.Close()
	run := func(cs func(i int) string) []error {
		errs := make([]error, 20)
		var wg sync.WaitGroup
		for i := range 20 {
			wg.Go(func() { _, errs[i] = f.try(d, cs(i), false) })
		}
		wg.Wait()
		return errs
	}
	for i, err := range run(func(i int) string {
		return fmt.Sprintf(`{"base":%d,"ops":[{"op":"rename","grid":%q,"name":"n%d"}]}`, base, codes[i], i)
	}) {
		if err != nil {
			t.Errorf("edit %d of a different grid: %v", i, err)
		}
	}
	base = f.view(d.View).GridVersion
	won, stale := 0, 0
	for _, err := range run(func(i int) string {
		return fmt.Sprintf(`{"base":%d,"ops":[{"op":"rename","grid":%q,"name":"same%d"}]}`, base, codes[0], i)
	}) {
		switch domain.ErrorCode(err) {
		case "":
			won++
		case domain.ErrPrecondition:
			stale++
		default:
			t.Errorf("unexpected: %v", err)
		}
	}
	if won != 1 || stale != 19 {
		t.Errorf("same grid, same base: %d won, %d stale", won, stale)
	}
	if v := f.view(d.View).GridVersion; v != base+1 {
		t.Errorf("draft version %d after one more change set, want %d", v, base+1)
	}
	var revs int
	f.db.Pool().QueryRow(context.Background(), `SELECT count(*) FROM revision r JOIN draft dr ON dr.id = r.draft_id WHERE dr.name = 'con'`).Scan(&revs)
	if revs != 21 {
		t.Errorf("%d revisions in the draft, want 21", revs)
	}
}

// The checks' figures after a mixed change set, kept up to date from it,
// equal a fresh audit's.
func TestIncrementalEqualsFresh(t *testing.T) {
	f := newFixture(t, 0.1)
	d := f.draft("inc")
	f.auditor.Run(f.ctx(), d, f.auditor.Checks()) // warm every check
	x := f.pick(d, `g.level = 4 AND g.kind = 'base' AND ST_NPoints(g.geom) > 8`)
	ring, at, centre := f.innerVertex(d, x)
	y := f.pick(d, `g.level = 4 AND g.kind = 'base' AND g.parent_code <> (SELECT parent_code FROM grid WHERE ws_id = g.ws_id AND code = $2)
		AND ST_Area(g.geom_m) > 5000`, x)
	yg := f.grid(d, y)
	z := f.pick(d, `g.level = 4 AND g.kind = 'base' AND g.parent_code NOT IN (SELECT parent_code FROM grid WHERE ws_id = g.ws_id AND code IN ($2, $3))`, x, y)
	zn := f.neighbours(d, z, 5)[0]
	res := f.apply(d, fmt.Sprintf(`{"message":"mixed","ops":[
		{"op":"reshape","grid":%q,"geometry":%s},
		{"op":"split","grid":%q,"lines":[%s]},
		{"op":"merge","grids":[%s],"keep":%q},
		{"op":"rename","grid":%q,"name":"改名"}]}`,
		x, geometryJSON(moved(ring, at, centre, 0.3)), y, geometryJSON(across(yg.Geometry.Bound(), false)), quote(z, zn), z, x))
	if len(res.Checks) != 3 {
		t.Fatalf("the answer carries %d checks", len(res.Checks))
	}
	got, err := f.auditor.Run(f.ctx(), f.view(d.View), f.auditor.Checks())
	if err != nil {
		t.Fatal(err)
	}
	fresh := f.freshAudit(d)
	for _, name := range []string{audit.Coverage, audit.Balance, audit.Circles} {
		a, _ := json.Marshal(got.Section(name))
		b, _ := json.Marshal(fresh.Section(name))
		if string(a) != string(b) {
			t.Errorf("%s: the updated report differs from a fresh audit", name)
		}
	}
}
