package editing_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/editing"
)

// rowHash fingerprints everything a change set could touch: every
// workspace's grids, the revisions, drafts, lineage and claimed codes.
func (f *fixture) rowHash() string {
	f.t.Helper()
	var h string
	err := f.db.Pool().QueryRow(context.Background(), `SELECT md5(concat_ws('|',
		(SELECT string_agg(md5(concat_ws(',', ws_id, code, name, level, parent_code, kind, category, mode, properties::text,
		        ST_AsEWKB(geom)::text, ST_AsEWKB(geom_m)::text, changed_at, version_id)), '' ORDER BY ws_id, code) FROM grid),
		(SELECT string_agg(md5(concat_ws(',', number, parent, kind, author, message, grids::text)), '' ORDER BY number) FROM revision),
		(SELECT string_agg(md5(concat_ws(',', name, ws_id, base_revision, head_revision, state)), '' ORDER BY name) FROM draft),
		(SELECT string_agg(md5(concat_ws(',', revision, op_index, op, from_code, to_code)), '' ORDER BY id) FROM lineage),
		(SELECT string_agg(code, ',' ORDER BY code) FROM plan_code),
		(SELECT string_agg(concat_ws(',', id, version), ',' ORDER BY id) FROM workspace)))`).Scan(&h)
	if err != nil {
		f.t.Fatal(err)
	}
	return h
}

// Every refusal names the op, the field or the grid and why, and leaves
// everything as it was.
func TestRefusals(t *testing.T) {
	f := newFixture(t, 0.1)
	d := f.draft("refuse")
	x := f.pick(d, `g.level = 4 AND g.kind = 'base'`)
	other := f.pick(d, `g.level = 4 AND g.kind = 'base' AND g.parent_code <> (SELECT parent_code FROM grid WHERE ws_id = g.ws_id AND code = $2)`, x)
	g3 := f.grid(d, f.grid(d, x).Parent)
	far := f.pick(d, `g.level = 4 AND g.kind = 'base' AND NOT ST_Intersects(g.geom, (SELECT geom FROM grid WHERE ws_id = g.ws_id AND code = $2))
		AND g.parent_code = (SELECT parent_code FROM grid WHERE ws_id = g.ws_id AND code = $2)`, x)
	square := `{"type":"Polygon","coordinates":[[[113.6,34.7],[113.601,34.7],[113.601,34.701],[113.6,34.701],[113.6,34.7]]]}`
	bowtie := `{"type":"Polygon","coordinates":[[[113.6,34.7],[113.601,34.701],[113.601,34.7],[113.6,34.701],[113.6,34.7]]]}`
	cases := []struct {
		name, cs string
		code     domain.Code
		want     string
	}{
		{"not JSON", `{"ops":`, domain.ErrInvalid, "not a JSON object"},
		{"no ops", `{"ops":[]}`, domain.ErrInvalid, "ops must be a non-empty array"},
		{"unknown op", `{"ops":[{"op":"explode","grid":"X"}]}`, domain.ErrInvalid, `ops[0].op: unknown op "explode"`},
		{"unknown field", `{"ops":[{"op":"rename","grid":"X","name":"n","gird":"Y"}]}`, domain.ErrInvalid, `ops[0].gird: rename takes no "gird"`},
		{"missing field", `{"ops":[{"op":"split","grid":"X"}]}`, domain.ErrInvalid, "ops[0].lines: missing"},
		{"bad geometry", `{"ops":[{"op":"reshape","grid":"X","geometry":{"type":"Point","coordinates":[113.6,34.7]}}]}`, domain.ErrInvalid, "ops[0].geometry: Point; this op needs Polygon or MultiPolygon"},
		{"NUL in a name", `{"ops":[{"op":"rename","grid":"X","name":"a\u0000b"}]}`, domain.ErrInvalid, "ops[0].name: a name cannot contain a NUL"},
		{"unknown code", `{"ops":[{"op":"rename","grid":"NOPE","name":"n"}]}`, domain.ErrRefused, `ops[0] (rename): grid "NOPE" does not exist`},
		{"invalid shape", fmt.Sprintf(`{"ops":[{"op":"reshape","grid":%q,"geometry":%s}]}`, x, bowtie), domain.ErrRefused, "not a valid polygon"},
		{"not adjacent", fmt.Sprintf(`{"ops":[{"op":"merge","grids":[%s]}]}`, quote(x, far)), domain.ErrRefused, "not all adjacent"},
		{"different parents", fmt.Sprintf(`{"ops":[{"op":"merge","grids":[%s]}]}`, quote(x, other)), domain.ErrRefused, "are not siblings"},
		{"line misses the grid", fmt.Sprintf(`{"ops":[{"op":"split","grid":%q,"lines":[%s]}]}`, x,
			`{"type":"LineString","coordinates":[[113.0,34.0],[113.0001,34.0001]]}`), domain.ErrRefused, "does not cut"},
		{"cuts a child", fmt.Sprintf(`{"ops":[{"op":"split","grid":%q,"lines":[%s]}]}`, g3.Code,
			geometryJSON(across(f.grid(d, g3.Code).Geometry.Bound(), true))), domain.ErrRefused, "cuts child grid"},
		{"reparent to a wrong level", fmt.Sprintf(`{"ops":[{"op":"reparent","grid":%q,"parent":%q}]}`, x, x), domain.ErrRefused, "must be level"},
		{"shape outside the parent", fmt.Sprintf(`{"ops":[{"op":"reshape","grid":%q,"geometry":%s}]}`, x,
			`{"type":"Polygon","coordinates":[[[100,20],[100.001,20],[100.001,20.001],[100,20.001],[100,20]]]}`), domain.ErrRefused, "outside its parent"},
		{"a taken code", fmt.Sprintf(`{"ops":[{"op":"create","feature":{"type":"Feature","properties":{"code":%q,"level":4,"parent":%q},"geometry":%s}}]}`,
			x, g3.Code, square), domain.ErrRefused, "codes are never reused"},
		{"stale base", fmt.Sprintf(`{"base":99,"ops":[{"op":"rename","grid":%q,"name":"n"}]}`, x), domain.ErrPrecondition, "newer than"},
		{"one bad op of two", fmt.Sprintf(`{"ops":[{"op":"rename","grid":%q,"name":"ok"},{"op":"rename","grid":"NOPE","name":"n"}]}`, x), domain.ErrRefused, "ops[1]"},
	}
	before := f.rowHash()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.try(d, c.cs, false)
			if domain.ErrorCode(err) != c.code || !strings.Contains(domain.ErrorMessage(err), c.want) {
				t.Errorf("got %v (%s), want %s mentioning %q", err, domain.ErrorCode(err), c.code, c.want)
			}
		})
	}
	if after := f.rowHash(); after != before {
		t.Error("a refused change set changed the stored data")
	}
	// The published plan is not the draft: refusals there change nothing either.
	if _, err := f.svc.Apply(f.ctx(), f.view(domain.View{Revision: 1}), mustParse(t, `{"ops":[{"op":"rename","grid":"X","name":"n"}]}`), false); domain.ErrorCode(err) != domain.ErrConflict {
		t.Errorf("an edit of a past revision: %v", err)
	}
}

func mustParse(t *testing.T, cs string) editing.ChangeSet {
	t.Helper()
	parsed, err := editing.ParseChangeSet([]byte(cs), false)
	if err != nil {
		t.Fatal(err)
	}
	return parsed
}

// Codes are never reused: a deleted grid's code is refused for a new
// grid, and new codes continue past every code the plan ever had.
func TestCodesNeverReused(t *testing.T) {
	f := newFixture(t, 0.1)
	d := f.draft("codes")
	x := f.pick(d, `g.level = 4 AND g.kind = 'base'`)
	xg := f.grid(d, x)
	y := f.neighbours(d, x, 5)[0]
	f.apply(d, fmt.Sprintf(`{"ops":[{"op":"delete","grid":%q,"give_to":%q}]}`, x, y))
	// Re-create the ground under the deleted code: refused.
	create := func(code string) string {
		props := fmt.Sprintf(`"level":4,"parent":%q`, xg.Parent)
		if code != "" {
			props += fmt.Sprintf(`,"code":%q`, code)
		}
		return fmt.Sprintf(`{"ops":[{"op":"create","feature":{"type":"Feature","properties":{%s},"geometry":%s}}]}`, props, geometryJSON(xg.Geometry))
	}
	if _, err := f.try(d, create(x), false); domain.ErrorCode(err) != domain.ErrRefused {
		t.Fatalf("re-creating retired code %s: %v", x, err)
	}
	res := f.apply(d, create(""))
	fresh := res.Codes[0][0]
	if fresh == x || fresh <= x && strings.HasPrefix(fresh, xg.Parent) && len(fresh) == len(x) {
		t.Errorf("new code %s does not come after retired %s", fresh, x)
	}
	f.judgeTiling(d)
	// Merge then split: the parts get codes neither grid ever had.
	nb := f.neighbours(d, fresh, 5)[0]
	f.apply(d, fmt.Sprintf(`{"ops":[{"op":"merge","grids":[%s],"keep":null}]}`, quote(fresh, nb)))
	merged := f.pick(d, `g.level = 4 AND g.code NOT IN (SELECT code FROM grid WHERE ws_id = $2)`, f.plan.Workspace)
	res = f.apply(d, fmt.Sprintf(`{"ops":[{"op":"split","grid":%q,"lines":[%s]}]}`, merged,
		geometryJSON(across(f.grid(d, merged).Geometry.Bound(), true))))
	used := map[string]bool{x: true, fresh: true, nb: true, merged: true}
	for _, c := range res.Codes[0] {
		if used[c] {
			t.Errorf("split reused code %s", c)
		}
	}
	f.judgeTiling(d)
	f.judgeConserved(d)
}
