package main

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/gridplan/gridplan/internal/store"
)

// The editing commands on the demo: draft create, edit
// (preview and commit), diff, publish, history, lineage, revert, and the
// reading commands' --draft; bad input exits 2 with one line.
func TestDraftCommandLine(t *testing.T) {
	dsn := srv.NewDSN(t)
	if r := gridplan(t, dsn, "demo", "--plan", "demo", "--scale", "0.1"); r.code != 0 {
		t.Fatalf("demo: %d %s", r.code, r.stderr)
	}
	db, err := store.Open(context.Background(), dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var code string
	if err := db.Pool().QueryRow(context.Background(), `SELECT code FROM grid WHERE level = 4 AND kind = 'base' ORDER BY code LIMIT 1`).Scan(&code); err != nil {
		t.Fatal(err)
	}
	if r := gridplan(t, dsn, "draft", "create", "demo", "d1", "--message", "try"); r.code != 0 || !strings.Contains(r.stdout, `draft "d1"`) {
		t.Fatalf("draft create: %d %s %s", r.code, r.stdout, r.stderr)
	}
	rename := writeFile(t, "rename.json", fmt.Sprintf(`{"message":"rename","ops":[{"op":"rename","grid":%q,"name":"新名"}]}`, code))
	r := gridplan(t, dsn, "edit", "demo", "d1", rename, "--dry-run")
	var res struct {
		Revision *int     `json:"revision"`
		Changed  []string `json:"changed"`
		Preview  bool     `json:"preview"`
	}
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &res) != nil || res.Revision != nil || !res.Preview || len(res.Changed) != 1 {
		t.Fatalf("edit --dry-run: %d %s %s", r.code, r.stdout, r.stderr)
	}
	r = gridplan(t, dsn, "edit", "demo", "d1", rename)
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &res) != nil || res.Revision == nil {
		t.Fatalf("edit: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if r := gridplan(t, dsn, "draft", "list", "demo"); r.code != 0 || !strings.Contains(r.stdout, "d1") || !strings.Contains(r.stdout, "open") {
		t.Errorf("draft list: %d %s", r.code, r.stdout)
	}
	if r := gridplan(t, dsn, "draft", "diff", "demo", "d1"); r.code != 0 || !strings.Contains(r.stdout, `"changed"`) || !strings.Contains(r.stdout, code) {
		t.Errorf("draft diff: %d %s", r.code, r.stdout)
	}
	if r := gridplan(t, dsn, "export", "demo", "--draft", "d1", "--level", "4"); r.code != 0 || !strings.Contains(r.stdout, "新名") {
		t.Errorf("export --draft: %d %.200s", r.code, r.stderr)
	}
	if r := gridplan(t, dsn, "audit", "demo", "--draft", "d1", "--checks", "coverage", "--format", "json"); r.code != 0 || !strings.Contains(r.stdout, `"draft":"d1"`) {
		t.Errorf("audit --draft: %d %.300s %s", r.code, r.stdout, r.stderr)
	}
	if r := gridplan(t, dsn, "draft", "publish", "demo", "d1"); r.code != 0 || !strings.Contains(r.stdout, "published") {
		t.Fatalf("publish: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if r := gridplan(t, dsn, "history", "demo"); r.code != 0 || !strings.Contains(r.stdout, "publish") || !strings.Contains(r.stdout, "edit") {
		t.Errorf("history: %d %s", r.code, r.stdout)
	}
	if r := gridplan(t, dsn, "history", "demo", "--grid", code); r.code != 0 || !strings.Contains(r.stdout, "新名") {
		t.Errorf("history --grid: %d %s", r.code, r.stdout)
	}
	if r := gridplan(t, dsn, "lineage", "demo"); r.code != 0 || !strings.HasPrefix(r.stdout, "old_code,new_code,revision,date,op") {
		t.Errorf("lineage: %d %s", r.code, r.stdout)
	}
	if r := gridplan(t, dsn, "revert", "demo", "1"); r.code != 0 || !strings.Contains(r.stdout, "restores revision 1") {
		t.Errorf("revert: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if r := gridplan(t, dsn, "export", "demo", "--level", "4"); r.code != 0 || strings.Contains(r.stdout, "新名") {
		t.Errorf("after the revert the rename is still published: %d", r.code)
	}

	if r := gridplan(t, dsn, "draft", "create", "demo", "gone"); r.code != 0 {
		t.Fatalf("draft create gone: %d %s", r.code, r.stderr)
	}
	if r := gridplan(t, dsn, "draft", "discard", "demo", "gone"); r.code != 0 || !strings.Contains(r.stdout, `discarded draft "gone"`) {
		t.Errorf("draft discard: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if r := gridplan(t, dsn, "draft", "list", "demo"); !regexp.MustCompile(`gone\s+discarded`).MatchString(r.stdout) {
		t.Errorf("draft list after the discard: %s", r.stdout)
	}

	before := rowCounts(t, dsn)
	bad := []struct {
		name string
		args []string
		want string
	}{
		{"unknown draft", []string{"edit", "demo", "nope", rename}, `has no draft "nope"`},
		{"bad op", []string{"edit", "demo", "published", writeFile(t, "bad.json", `{"ops":[{"op":"rename","grid":"X"}]}`)}, "ops[0].name: missing"},
		{"unknown grid", []string{"edit", "demo", "published", writeFile(t, "nope.json", `{"ops":[{"op":"rename","grid":"NOPE","name":"x"}]}`)}, `grid "NOPE" does not exist`},
		{"duplicate draft", []string{"draft", "create", "demo", "d1"}, "already has a draft"},
		{"bad draft name", []string{"draft", "create", "demo", "Bad Name"}, "draft name"},
		{"bad revision", []string{"revert", "demo", "x"}, "REV must be"},
		{"no such revision", []string{"audit", "demo", "--revision", "999"}, "no revision 999"},
		{"discard a published draft", []string{"draft", "discard", "demo", "d1"}, "only an open draft"},
		{"discard again", []string{"draft", "discard", "demo", "gone"}, "only an open draft"},
		{"edit a discarded draft", []string{"edit", "demo", "gone", rename}, `draft "gone" of plan "demo" was discarded`},
	}
	for _, c := range bad {
		r := gridplan(t, dsn, c.args...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) || strings.Count(strings.TrimSpace(r.stderr), "\n") > 0 {
			t.Errorf("%s: exit %d, stderr %q, want 2 and %q", c.name, r.code, r.stderr, c.want)
		}
	}
	if after := rowCounts(t, dsn); after != before {
		t.Errorf("refused commands changed data: %s → %s", before, after)
	}
}
