package httpapi_test

import (
	"strings"
	"testing"
)

// A planner discards the draft they made; another planner may not, an
// approver of the whole plan may; a discarded draft is gone from every
// read and write, its name and codes stay taken, and the log says who.
func TestDiscardDraft(t *testing.T) {
	s := newSecured(t, false)
	s.login("planner") // the log check below wants a login in the log
	planner, other, approver := bearer(s.tokens["planner"]), bearer(s.tokens["scoped"]), bearer(s.tokens["approver"])
	if a := s.do(request{method: "POST", path: "/api/plans/edit/drafts", body: `{"name":"mine"}`, header: planner}); a.status != 201 {
		t.Fatalf("planner making a draft: %d %s", a.status, a.body)
	}
	base := strings.Trim(s.do(request{method: "GET", path: "/api/plans/edit/drafts/mine"}).header.Get("ETag"), `"`)
	split := `{"base":` + base + `,"ops":[{"op":"rename","grid":"C2","name":"改名"}]}`
	if a := s.do(request{method: "POST", path: "/api/plans/edit/drafts/mine/changes", body: split, header: planner}); a.status != 200 {
		t.Fatalf("planner editing the draft: %d %s", a.status, a.body)
	}
	var codes, drafts int
	count := func() {
		t.Helper()
		if err := s.db.Pool().QueryRow(t.Context(), `SELECT (SELECT count(*) FROM plan_code), (SELECT count(*) FROM workspace WHERE kind = 'draft')`).
			Scan(&codes, &drafts); err != nil {
			t.Fatal(err)
		}
	}
	count()
	codesBefore, draftsBefore := codes, drafts

	before := s.rowHashes()
	for _, c := range []struct {
		who    string
		header map[string]string
		status int
		detail string
	}{
		{"no credential", nil, 401, "needs a credential"},
		{"a viewer", bearer(s.tokens["viewer"]), 403, "planner role"},
		{"another planner", other, 403, "approver"},
	} {
		if a := s.do(request{method: "DELETE", path: "/api/plans/edit/drafts/mine", header: c.header}); a.status != c.status || !strings.Contains(a.detail, c.detail) {
			t.Errorf("%s discarding the planner's draft: %d %s, want %d mentioning %q", c.who, a.status, a.body, c.status, c.detail)
		}
	}
	for table, h := range s.rowHashes() {
		if before[table] != h {
			t.Errorf("refused discards changed table %s", table)
		}
	}

	a := s.do(request{method: "DELETE", path: "/api/plans/edit/drafts/mine", header: planner})
	if a.status != 200 || !strings.Contains(a.body, `"state":"discarded"`) || !strings.Contains(a.body, `"discarded_by":"planner"`) {
		t.Fatalf("the author discarding: %d %s", a.status, a.body)
	}
	count()
	if drafts != draftsBefore-1 || codes != codesBefore {
		t.Errorf("after the discard: %d draft workspaces (was %d), %d codes claimed (was %d)", drafts, draftsBefore, codes, codesBefore)
	}
	for _, rq := range []request{
		{method: "GET", path: "/api/plans/edit/grids?draft=mine"},
		{method: "GET", path: "/plans/edit/drafts/mine/collections/edit-level-2/items"},
		{method: "POST", path: "/api/plans/edit/drafts/mine/changes", body: split, header: planner},
		{method: "POST", path: "/api/plans/edit/drafts/mine/publish", header: approver},
	} {
		if a := s.do(rq); a.status != 404 || !strings.Contains(a.detail, "discarded") {
			t.Errorf("%s %s after the discard: %d %s, want 404 saying it was discarded", rq.method, rq.path, a.status, a.body)
		}
	}
	if a := s.do(request{method: "DELETE", path: "/api/plans/edit/drafts/mine", header: planner}); a.status != 409 {
		t.Errorf("discarding again: %d %s, want 409", a.status, a.body)
	}
	if a := s.do(request{method: "POST", path: "/api/plans/edit/drafts", body: `{"name":"mine"}`, header: planner}); a.status != 409 {
		t.Errorf("reusing a discarded draft's name: %d %s, want 409", a.status, a.body)
	}
	if list := s.do(request{method: "GET", path: "/api/plans/edit/drafts"}).body; !strings.Contains(list, `"name":"mine"`) {
		t.Errorf("the discarded draft is not listed: %s", list)
	}

	// Someone else's draft: an approver of the whole plan may discard it.
	if a := s.do(request{method: "DELETE", path: "/api/plans/edit/drafts/d1", header: approver}); a.status != 200 {
		t.Errorf("an approver discarding another's draft: %d %s", a.status, a.body)
	}
	log := s.do(request{method: "GET", path: "/api/plans/edit/log"}).body
	for _, want := range []string{`"actor":"planner","event":"draft_discard","subject":"draft mine"`, `"actor":"approver","event":"draft_discard","subject":"draft d1"`} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %s", want)
		}
	}
	s.noSecretsLogged()
}
