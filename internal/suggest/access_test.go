package suggest

import (
	"context"
	"testing"

	"github.com/gridplan/gridplan/internal/domain"
)

// TestPreviewNeedsAPlanner: previews are dry runs of the editing layer, so
// a caller it would not let edit the draft is told so, not offered an
// empty list, and the draft is unchanged.
func TestPreviewNeedsAPlanner(t *testing.T) {
	f := newFixture(t)
	over := f.codes(`g.code FROM grid g JOIN grid_stats s ON s.ws_id = g.ws_id AND s.code = g.code
		WHERE g.ws_id = $1 AND g.level = 3 AND g.kind = 'base' AND s.band = 'over'`)
	if len(over) == 0 {
		t.Fatal("the demo has no over-band grid")
	}
	d := f.draft("anon")
	anonymous := context.Background()
	for _, code := range over {
		_, err := f.svc.Split(anonymous, d, code, SplitOptions{Preview: true})
		if domain.ErrorCode(err) == domain.ErrInvalid {
			continue // no number of parts fits: refused before any preview
		}
		if domain.ErrorCode(err) != domain.ErrUnauthorized {
			t.Fatalf("anonymous split preview of %s: %v, want unauthorized", code, err)
		}
		view, err := f.db.PlanView(anonymous, d.Name, d.View)
		if err != nil {
			t.Fatal(err)
		}
		if view.GridVersion != d.GridVersion {
			t.Errorf("draft moved from version %d to %d", d.GridVersion, view.GridVersion)
		}
		return
	}
	t.Fatal("no over-band grid reached a preview")
}
