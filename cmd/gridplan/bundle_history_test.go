package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// A bundle carries the plan's history: the restored plan has the same
// revisions (numbers, kinds, authors, messages, times, ops), each made of
// the same grids byte for byte, the same lineage and the same used codes;
// history, lineage, diffs and reverts answer as the original's do; open
// drafts come back with their working copy; a change made outside
// gridplan and not recorded yet stays unrecorded. Old bundles restore as
// before, and a history that does not hold together restores nothing.
func TestBundleHistory(t *testing.T) {
	dsn := srv.NewDSN(t)
	dir := t.TempDir()
	ctx := domain.WithActor(context.Background(), domain.CLIActor())
	if r := gridplan(t, dsn, "demo", "--plan", "orig", "--scale", "0.1"); r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	db, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	one := func(sql string, args []any, dest ...any) {
		t.Helper()
		if err := db.Pool().QueryRow(ctx, sql, args...).Scan(dest...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	run := func(args ...string) string {
		t.Helper()
		r := gridplan(t, dsn, args...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d: %s", args, r.code, r.stderr)
		}
		return r.stdout
	}
	edit := func(plan, draft, changes string) {
		t.Helper()
		run("edit", plan, draft, writeFile(t, "changes.json", changes))
	}
	published := `ws_id = (SELECT w.id FROM workspace w JOIN plan p ON p.id = w.plan_id WHERE p.name = 'orig' AND w.kind = 'published')`
	var renamed, split, sibling, open, unrecorded string
	one(`SELECT min(code) FROM grid WHERE `+published+` AND level = 4 AND kind = 'base'`, nil, &renamed)
	one(`SELECT code, (SELECT min(s.code) FROM grid s WHERE s.`+published+` AND s.parent_code = g.parent_code
			AND s.code <> g.code AND s.kind = 'base' AND ST_Area(s.geom_m) > 5000)
		FROM grid g WHERE g.`+published+` AND g.level = 4 AND g.kind = 'base' AND g.code > $1 AND ST_Area(g.geom_m) > 5000
		ORDER BY code LIMIT 1`, []any{renamed}, &split, &sibling)
	one(`SELECT max(code), min(code) FROM grid WHERE `+published+` AND level = 3`, nil, &open, &unrecorded)

	// History: an import (the demo), a draft renaming and splitting,
	// published; an open draft; a revert; then a change by SQL, unrecorded.
	run("draft", "create", "orig", "d1", "--message", "first changes")
	edit("orig", "d1", fmt.Sprintf(`{"message":"rename","ops":[{"op":"rename","grid":%q,"name":"改名网格"}]}`, renamed))
	edit("orig", "d1", fmt.Sprintf(`{"message":"split","ops":[{"op":"split","grid":%q,"lines":[%s],"names":["北","南"]}]}`,
		split, splitLine(t, db, split)))
	run("draft", "publish", "orig", "d1")
	// d2 branches from before the split, so that after the revert no
	// working copy holds the split's codes: only plan_code remembers them.
	run("draft", "create", "orig", "d2", "--from", "1", "--message", "still open")
	edit("orig", "d2", fmt.Sprintf(`{"message":"open rename","ops":[{"op":"rename","grid":%q,"name":"开着的"}]}`, open))
	run("draft", "create", "orig", "dx", "--message", "given up")
	run("draft", "discard", "orig", "dx")
	run("revert", "orig", "1")
	one(`WITH u AS (UPDATE grid SET name = 'SQL 改的' WHERE `+published+` AND code = $1 RETURNING 1) SELECT count(*) FROM u`,
		[]any{unrecorded}, new(int))

	bundle := filepath.Join(dir, "orig.gpkg")
	run("export", "orig", "--bundle", bundle)
	// What the bad bundles below break, as the bundle holds it.
	var lastVersion int64
	var firstUse int
	one(`SELECT v.id, (SELECT min(r.number) FROM revision r WHERE r.plan_id = v.plan_id AND v.id = ANY(r.grids))
		FROM grid_version v WHERE v.plan_id = (SELECT id FROM plan WHERE name = 'orig') ORDER BY v.id DESC LIMIT 1`, nil,
		&lastVersion, &firstUse)
	if out := run("import", "bundle", "copy", bundle); !strings.Contains(out, `restored plan "copy"`) {
		t.Fatalf("import bundle: %s", out)
	}

	// Revisions: every field, and the grids each is made of.
	revsA, _ := db.Revisions(ctx, planID(t, db, "orig"), "")
	revsB, _ := db.Revisions(ctx, planID(t, db, "copy"), "")
	if len(revsA) != 6 || !reflect.DeepEqual(utcRevisions(revsA), utcRevisions(revsB)) {
		t.Errorf("revisions differ:\n%+v\n%+v", revsA, revsB)
	}
	if a, b := revisionHashes(t, db, "orig"), revisionHashes(t, db, "copy"); len(a) != len(revsA) || !reflect.DeepEqual(a, b) {
		t.Errorf("revisions' grids differ:\n%v\n%v", a, b)
	}
	if a, b := versionsHash(t, db, "orig"), versionsHash(t, db, "copy"); a != b {
		t.Errorf("grid versions (in id order) hash %s in the original, %s restored", a, b)
	}
	for _, table := range store.BundleTables() {
		if table.Select == "" && (table.Restore == store.RestoreHistory || table.Restore == store.RestoreGrids) {
			if a, b := tableHash(t, dsn, table, "orig"), tableHash(t, dsn, table, "copy"); a != b {
				t.Errorf("table %s: rows hash %s in the original, %s restored", table.Name, a, b)
			}
		}
	}
	var heads [2][2]int
	one(`SELECT a.head_revision, a.next_revision, b.head_revision, b.next_revision FROM plan a, plan b
		WHERE a.name = 'orig' AND b.name = 'copy'`, nil, &heads[0][0], &heads[0][1], &heads[1][0], &heads[1][1])
	if heads[0] != heads[1] || heads[0] != [2]int{6, 7} {
		t.Errorf("head and next revision: %v in the original, %v restored", heads[0], heads[1])
	}

	// The published grids are the head's, version ids and all, but for
	// the row changed by SQL, which is still to be recorded.
	for _, plan := range []string{"orig", "copy"} {
		var grids, head, unrec int
		var pending bool
		one(`SELECT count(*), count(*) FILTER (WHERE g.version_id = ANY(r.grids)), count(*) FILTER (WHERE g.version_id IS NULL),
		            bool_and(w.version <> w.recorded_version)
		       FROM plan p JOIN workspace w ON w.plan_id = p.id AND w.kind = 'published' JOIN grid g ON g.ws_id = w.id
		       JOIN revision r ON r.plan_id = p.id AND r.number = p.head_revision WHERE p.name = $1`, []any{plan},
			&grids, &head, &unrec, &pending)
		if head != grids-1 || unrec != 1 || !pending {
			t.Errorf("%s: %d published grids, %d of them the head's grid versions, %d unrecorded (pending %v); want all but the one changed by SQL",
				plan, grids, head, unrec, pending)
		}
	}
	// same runs a command on both plans (PLAN in args) and compares what
	// they print, the plan's name aside.
	same := func(args ...string) {
		t.Helper()
		out := map[string]string{}
		for _, plan := range []string{"orig", "copy"} {
			with := make([]string, len(args))
			for i, a := range args {
				with[i] = strings.ReplaceAll(a, "PLAN", plan)
			}
			// Feature ids are row ids, which differ.
			out[plan] = stripIDs(strings.ReplaceAll(run(with...), `"`+plan+`"`, `"PLAN"`))
		}
		if out["orig"] != out["copy"] || len(out["orig"]) < 40 {
			t.Errorf("%s differs:\n%s\n%s", strings.Join(args, " "), out["orig"], out["copy"])
		}
	}
	same("history", "PLAN")
	same("history", "PLAN", "--grid", split)
	same("history", "PLAN", "--grid", renamed)
	same("lineage", "PLAN")
	same("lineage", "PLAN", "--format", "json", "--draft", "d2")
	same("draft", "diff", "PLAN", "d2", "--against", "1")
	// Exports carry the balance figures, which audits keep and bundles do
	// not (an audit recomputes them): audit the open drafts first.
	for _, plan := range []string{"orig", "copy"} {
		if r := gridplan(t, dsn, "audit", plan, "--draft", "d2", "--checks", "balance"); r.code > 1 {
			t.Fatalf("audit %s --draft d2: %+v", plan, r)
		}
	}
	same("export", "PLAN", "--draft", "d2", "--level", "3")
	if a, b := draftsOf(t, db, "orig"), draftsOf(t, db, "copy"); len(a) != 3 || !reflect.DeepEqual(a, b) {
		t.Errorf("drafts differ:\n%+v\n%+v", a, b)
	}
	for _, revs := range [][2]int{{1, 4}, {3, 6}} {
		a, b := revisionDiff(t, db, ctx, "orig", revs), revisionDiff(t, db, ctx, "copy", revs)
		if a != b || !strings.Contains(a, split) {
			t.Errorf("diff of revisions %v differs:\n%.600s\n%.600s", revs, a, b)
		}
	}
	reportA, codeA := auditReport(t, dsn, "orig")
	reportB, codeB := auditReport(t, dsn, "copy")
	if codeA != codeB || !reflect.DeepEqual(reportA, reportB) {
		t.Errorf("audit reports differ (exit %d and %d):\n%s\n%s", codeA, codeB, brief(reportA), brief(reportB))
	}
	var logged int
	one(`SELECT count(*) FROM access_log WHERE plan_name = 'copy' AND event = $1 AND actor = 'cli'`, []any{store.EventBundleRestore}, &logged)
	if logged != 1 {
		t.Errorf("%d bundle_restore lines in the log; want 1", logged)
	}

	// An old bundle (version 1: no history tables) restores as it did:
	// the grids imported as one revision.
	old := filepath.Join(dir, "old.gpkg")
	copyFile(t, bundle, old)
	var v1 []string
	for _, table := range store.BundleTables() {
		if table.Since > 1 {
			ogrinfo(t, old, "-sql", "DELLAYER:"+table.Name)
		} else {
			v1 = append(v1, table.Name)
		}
	}
	ogrinfo(t, old, "-sql", "UPDATE gridplan_bundle SET version = '1', tables = '"+strings.Join(v1, ",")+"'")
	run("import", "bundle", "old", old)
	if revs, _ := db.Revisions(ctx, planID(t, db, "old"), ""); len(revs) != 1 || revs[0].Kind != "import" || revs[0].Author != "cli" {
		t.Errorf("an old bundle restored with revisions %+v; want one import", revs)
	}
	var gridTable store.BundleTable
	for _, table := range store.BundleTables() {
		if table.Restore == store.RestoreGrids {
			gridTable = table
		}
	}
	if a, b := tableHash(t, dsn, gridTable, "orig"), tableHash(t, dsn, gridTable, "old"); a != b {
		t.Errorf("an old bundle restored other grids: %s, %s", a, b)
	}

	// A plan that has no history yet (no grids) restores as empty as it was.
	run("plan", "create", "empty")
	emptyBundle := filepath.Join(dir, "empty.gpkg")
	run("export", "empty", "--bundle", emptyBundle)
	run("import", "bundle", "empty2", emptyBundle)
	var emptyHead *int
	var emptyNext, emptyRevs int
	one(`SELECT head_revision, next_revision, (SELECT count(*) FROM revision r WHERE r.plan_id = p.id) FROM plan p WHERE name = 'empty2'`,
		nil, &emptyHead, &emptyNext, &emptyRevs)
	if emptyHead != nil || emptyNext != 1 || emptyRevs != 0 {
		t.Errorf("an empty plan restored with head %v, next %d, %d revisions", emptyHead, emptyNext, emptyRevs)
	}

	// A history that does not hold together: exit 2, one line naming the
	// table and the row, nothing stored.
	noVersion := filepath.Join(dir, "no-version.gpkg")
	copyFile(t, bundle, noVersion)
	ogrinfo(t, noVersion, "-sql", fmt.Sprintf("DELETE FROM grid_version WHERE id = %d", lastVersion))
	noRevision := filepath.Join(dir, "no-revision.gpkg")
	copyFile(t, bundle, noRevision)
	ogrinfo(t, noRevision, "-sql", "UPDATE lineage SET revision = 999 WHERE gpkg_fid = (SELECT min(gpkg_fid) FROM lineage)")
	otherCRS := filepath.Join(dir, "other-crs.gpkg")
	copyFile(t, bundle, otherCRS)
	ogrinfo(t, otherCRS, "-sql", "UPDATE plan SET srid = 4526")
	before := historyCounts(t, db)
	for _, c := range []struct{ file, want string }{
		{noVersion, fmt.Sprintf("no-version.gpkg: bundle table revision, revision %d: grid_version id %d is not in the bundle's grid_version table",
			firstUse, lastVersion)},
		{noRevision, "no-revision.gpkg: bundle table lineage, row 1 ("},
		{noRevision, "): revision 999 is not in the bundle's revision table"},
		{otherCRS, "other-crs.gpkg: bundle table grid_version, grid "},
		{otherCRS, ": its metric shape is in EPSG:4547, the plan's CRS is EPSG:4526"},
	} {
		r := gridplan(t, dsn, "import", "bundle", "bad", c.file)
		if msg := strings.TrimSpace(r.stderr); r.code != exitBadInput || strings.Contains(msg, "\n") || !strings.Contains(msg, c.want) {
			t.Errorf("import bundle %s: exit %d, %q; want exit 2 and one line with %q", filepath.Base(c.file), r.code, msg, c.want)
		}
		if after := historyCounts(t, db); after != before {
			t.Fatalf("refused restore changed the database: %s -> %s", before, after)
		}
	}

	// Going on from the restored history: a new split takes the codes the
	// original's takes, past every code either ever used (the first
	// split's parts, which no working copy holds now), and a revert to a
	// past revision changes what it changes in the original (the SQL
	// change is recorded first, in both).
	splitAgain := fmt.Sprintf(`{"message":"split again","ops":[{"op":"split","grid":%q,"lines":[%s]}]}`, sibling, splitLine(t, db, sibling))
	codes := map[string]string{}
	for _, plan := range []string{"orig", "copy"} {
		run("draft", "create", plan, "d3")
		out := run("edit", plan, "d3", writeFile(t, "again.json", splitAgain))
		var res struct{ Codes [][]string }
		if err := json.Unmarshal([]byte(out), &res); err != nil || len(res.Codes) != 1 || len(res.Codes[0]) < 2 {
			t.Fatalf("split in %s: %v %s", plan, err, out)
		}
		codes[plan] = strings.Join(res.Codes[0], ",")
	}
	if codes["orig"] != codes["copy"] {
		t.Errorf("the same split took codes %s in the original and %s in the restored plan", codes["orig"], codes["copy"])
	}
	same("revert", "PLAN", "4")
}

// splitLine is a line across grid code's bounding box, off its centre (the
// demo's grids lie on a lattice a centred line would follow).
func splitLine(t *testing.T, db *store.DB, code string) string {
	t.Helper()
	var line string
	err := db.Pool().QueryRow(context.Background(), `
		SELECT ST_AsGeoJSON(ST_MakeLine(ST_MakePoint(x0 - (x1 - x0) / 10, y), ST_MakePoint(x1 + (x1 - x0) / 10, y)))
		  FROM (SELECT ST_XMin(geom) x0, ST_XMax(geom) x1, ST_YMin(geom) + 0.57 * (ST_YMax(geom) - ST_YMin(geom)) y
		          FROM grid g JOIN workspace w ON w.id = g.ws_id AND w.kind = 'published'
		          JOIN plan p ON p.id = w.plan_id AND p.name = 'orig' WHERE g.code = $1) b`, code).Scan(&line)
	if err != nil {
		t.Fatal(err)
	}
	return line
}

func planID(t *testing.T, db *store.DB, name string) int64 {
	t.Helper()
	p, err := db.Plan(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return p.ID
}

// utcRevisions gives the revisions' times one location, so that equal
// instants compare equal.
func utcRevisions(revs []store.Revision) []store.Revision {
	out := make([]store.Revision, len(revs))
	for i, r := range revs {
		r.CreatedAt = r.CreatedAt.UTC()
		out[i] = r
	}
	return out
}

// revisionHashes hashes, per revision, the grids it is made of: every
// column, geometry and metric geometry as bytes.
func revisionHashes(t *testing.T, db *store.DB, plan string) map[int]string {
	t.Helper()
	rows, err := db.Pool().Query(context.Background(), `
		SELECT r.number, md5(string_agg(jsonb_build_array(v.code, v.name, v.level, v.parent_code, v.kind, v.category, v.mode,
		       v.properties, encode(ST_AsEWKB(v.geom), 'hex'), encode(ST_AsEWKB(v.geom_m), 'hex'))::text, '|' ORDER BY v.code))
		  FROM revision r CROSS JOIN unnest(r.grids) AS t(id) JOIN grid_version v ON v.id = t.id
		 WHERE r.plan_id = (SELECT id FROM plan WHERE name = $1) GROUP BY r.number`, plan)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int]string{}
	var n int
	var h string
	for rows.Next() {
		if err := rows.Scan(&n, &h); err != nil {
			t.Fatal(err)
		}
		out[n] = h
	}
	return out
}

// versionsHash hashes a plan's grid versions in id order: the restore
// keeps their order.
func versionsHash(t *testing.T, db *store.DB, plan string) string {
	t.Helper()
	var h string
	err := db.Pool().QueryRow(context.Background(), `
		SELECT md5(string_agg(jsonb_build_array(code, name, properties, encode(ST_AsEWKB(geom_m), 'hex'))::text, '|' ORDER BY id))
		  FROM grid_version WHERE plan_id = (SELECT id FROM plan WHERE name = $1)`, plan).Scan(&h)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// draftsOf lists a plan's drafts without their working copies' version
// counters (a restored working copy starts again at 1, as a new one does).
func draftsOf(t *testing.T, db *store.DB, plan string) []store.Draft {
	t.Helper()
	ds, err := db.Drafts(context.Background(), planID(t, db, plan))
	if err != nil {
		t.Fatal(err)
	}
	for i := range ds {
		d := &ds[i]
		d.Version, d.Workspace = 0, min(d.Workspace, 1)
		d.CreatedAt, d.UpdatedAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC()
		for _, at := range []**time.Time{&d.PublishedAt, &d.DiscardedAt} {
			if *at != nil {
				utc := (*at).UTC()
				*at = &utc
			}
		}
	}
	return ds
}

// revisionDiff is the diff between two past revisions, as JSON.
func revisionDiff(t *testing.T, db *store.DB, ctx context.Context, plan string, revs [2]int) string {
	t.Helper()
	p, err := db.Plan(ctx, plan)
	if err != nil {
		t.Fatal(err)
	}
	d, err := newEditing(db, nil, nil).Diff(ctx, p, domain.View{Revision: revs[0]}, domain.View{Revision: revs[1]})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(d)
	return string(b)
}

// historyCounts counts the rows of every table a restore writes, to prove
// a refused one wrote nothing.
func historyCounts(t *testing.T, db *store.DB) string {
	t.Helper()
	var n [7]int
	err := db.Pool().QueryRow(context.Background(), `SELECT (SELECT count(*) FROM plan), (SELECT count(*) FROM grid),
		(SELECT count(*) FROM grid_version), (SELECT count(*) FROM revision), (SELECT count(*) FROM draft),
		(SELECT count(*) FROM lineage), (SELECT count(*) FROM access_log)`).Scan(&n[0], &n[1], &n[2], &n[3], &n[4], &n[5], &n[6])
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(n)
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
