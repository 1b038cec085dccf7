package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/balance"
	"github.com/gridplan/gridplan/internal/circles"
	"github.com/gridplan/gridplan/internal/coverage"
	"github.com/gridplan/gridplan/internal/pgtest"
)

// Suggestions on a draft of the scale-0.1 demo (seed 1: grid
// 4101032010010004 is over its band, 4101032010010001 within; community
// 410103201001 has grids out of band): the proposals' change sets with
// their previews, precise 4xx answers, and a proposal POSTed back to the
// draft's changes applies.
func TestSuggestions(t *testing.T) {
	db := srv.NewDB(t)
	pgtest.Demo(t, db)
	a := audit.New(
		audit.Check{Name: audit.Coverage, Checker: coverage.New(db, coverage.Options{})},
		audit.Check{Name: audit.Balance, Checker: balance.New(db, balance.Options{})},
		audit.Check{Name: audit.Circles, Checker: circles.New(db, circles.Options{})},
	)
	h := httpapiNew(t, db, a)
	if resp, body := do(t, "POST", h.URL+"/api/plans/demo/drafts", "", []byte(`{"name":"s"}`)); resp.StatusCode != http.StatusCreated {
		t.Fatalf("create draft: %d %s", resp.StatusCode, body)
	}
	base := h.URL + "/api/plans/demo/drafts/s/suggestions/"
	for _, c := range []struct {
		path   string
		status int
		says   string
	}{
		{"split/nope", 404, "does not exist in plan"},
		{"split/4101032010010001", 400, "within its band"},
		{"split/4101032010010004?k=1", 400, "k must be 2 or more"},
		{"split/4101032010010004?k=5", 400, "k=5 would give parts"},
		{"split/4101032010010004?k=two", 400, "want a whole number"},
		{"merge/410103201001?rule=nope:3", 400, "unknown rule nope:3"},
		{"merge/410103201001?k=2", 400, "does not apply to a merge"},
		{"rebalance/410103003000", 400, "are within their band"},
		{"move/410103201001", 404, "suggests split, merge and rebalance"},
	} {
		resp, body := do(t, "GET", base+c.path, "", nil)
		if resp.StatusCode != c.status || !strings.Contains(string(body), c.says) ||
			resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("GET %s: %d %s, want %d saying %q", c.path, resp.StatusCode, body, c.status, c.says)
		}
	}
	var split struct {
		K         int
		Proposals []struct {
			WithinBand bool            `json:"within_band"`
			ChangeSet  json.RawMessage `json:"change_set"`
			Preview    struct {
				Preview bool
				Balance struct{ Grids []any }
			}
			Parts []struct{ Households int64 }
		}
	}
	resp, body := do(t, "GET", base+"split/4101032010010004?k=2&alternatives=2", "", nil)
	if resp.StatusCode != 200 || json.Unmarshal(body, &split) != nil || len(split.Proposals) != 2 {
		t.Fatalf("split: %d %.500s", resp.StatusCode, body)
	}
	for _, p := range split.Proposals {
		if !p.WithinBand || !p.Preview.Preview || len(p.Preview.Balance.Grids) == 0 || len(p.Parts) != 2 {
			t.Errorf("split proposal %+v", p)
		}
	}
	if resp, body = do(t, "GET", base+"merge/410103201001", "", nil); resp.StatusCode != 200 || !bytes.Contains(body, []byte(`"coverage_after_pct"`)) {
		t.Errorf("merge: %d %.300s", resp.StatusCode, body)
	}
	if resp, body = do(t, "GET", base+"rebalance/410103201001", "", nil); resp.StatusCode != 200 || !bytes.Contains(body, []byte(`"households_moved"`)) {
		t.Errorf("rebalance: %d %.300s", resp.StatusCode, body)
	}
	// The top split, POSTed to the draft, applies as it previewed.
	if resp, body = do(t, "POST", h.URL+"/api/plans/demo/drafts/s/changes", "", split.Proposals[0].ChangeSet); resp.StatusCode != 200 {
		t.Fatalf("apply the split: %d %s", resp.StatusCode, body)
	}
	if resp, body = do(t, "GET", base+"split/4101032010010004", "", nil); resp.StatusCode != 404 {
		t.Errorf("split of a grid split already: %d %s", resp.StatusCode, body)
	}
}
