package editing_test

import (
	"strings"
	"testing"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/editing"
)

// FuzzParseChangeSet feeds the change-set parser arbitrary bodies: it
// never panics, refuses only with bad-input errors in its own words (no
// Go type names), and a change set it accepts has ops of known kinds.
func FuzzParseChangeSet(f *testing.F) {
	for _, seed := range []string{
		`{"base":3,"message":"m","ops":[{"op":"rename","grid":"G1","name":"新名"}]}`,
		`{"base":1,"ops":[{"op":"split","grid":"G","lines":[{"type":"LineString","coordinates":[[0,0],[1,1]]}]}]}`,
		`{"base":1,"ops":[{"op":"merge","grids":["A","B"],"keep":"A"}]}`,
		`{"base":1,"ops":[{"op":"set","grid":"G","properties":{"category":"park","note":null}}]}`,
		`{"base":1,"ops":[{"op":"reshape","grid":"G","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}`,
		`{"base":1,"ops":[{"op":"rename","grid":"a\u0000","name":"x"}]}`,
		`{"base":"x","ops":[]}`, `{"ops":[{"op":"explode"}]}`, `[]`, `{`, ``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		cs, err := editing.ParseChangeSet(body, false)
		if err != nil {
			msg := err.Error()
			if domain.ErrorCode(err) != domain.ErrInvalid || strings.Contains(msg, "Go value") || strings.Contains(msg, "struct {") {
				t.Fatalf("refusal %q (code %s)", msg, domain.ErrorCode(err))
			}
			return
		}
		if len(cs.Ops) == 0 {
			t.Fatal("a change set without ops accepted")
		}
		for i, op := range cs.Ops {
			if op.Kind == "" || strings.ContainsRune(op.Grid, 0) {
				t.Fatalf("ops[%d] accepted: %+v", i, op)
			}
		}
	})
}
