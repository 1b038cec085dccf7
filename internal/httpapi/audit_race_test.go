package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/circles"
	"github.com/gridplan/gridplan/internal/coverage"
	"github.com/gridplan/gridplan/internal/editing"
	"github.com/gridplan/gridplan/internal/httpapi"
	"github.com/gridplan/gridplan/internal/pgtest"
)

// TestConcurrentAuditsStoreOneAudit: eight clients audit a plan at once
// right after an edit (one street moved a little, straight in SQL, as a
// GIS client would): the findings table then holds exactly one audit's
// findings — as many as the report lists — and the OGC findings layer
// says so in numberMatched.
func TestConcurrentAuditsStoreOneAudit(t *testing.T) {
	ctx := context.Background()
	db := srv.NewDB(t)
	pgtest.Demo(t, db)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := audit.New(audit.Check{Name: audit.Coverage, Checker: coverage.New(db, coverage.Options{})},
		audit.Check{Name: audit.Circles, Checker: circles.New(db, circles.Options{})})
	ts := httptest.NewServer(httpapi.New(db, log, httpapi.Options{Auditor: a, Editing: editing.New(db, a, log, editing.Options{})}))
	t.Cleanup(ts.Close)

	for round := range 2 {
		// Move one micro-grid by a metre: an overlap and a gap to report.
		if _, err := db.Pool().Exec(ctx, `UPDATE grid SET geom = ST_Translate(geom, 0.00001 * @round, 0)
			WHERE id = (SELECT min(id) FROM grid WHERE level = 4)`, pgx.NamedArgs{"round": round + 1}); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		reports := make([][]byte, 8)
		for i := range reports {
			wg.Go(func() {
				resp, body := get(t, ts.URL+"/api/plans/demo/audit?checks=circles,coverage")
				if resp.StatusCode != 200 {
					t.Errorf("audit %d: %d %s", i, resp.StatusCode, body)
				}
				reports[i] = body
			})
		}
		wg.Wait()
		var r struct {
			Coverage struct {
				Findings []json.RawMessage `json:"findings"`
			} `json:"coverage"`
		}
		if err := json.Unmarshal(reports[0], &r); err != nil {
			t.Fatal(err)
		}
		var stored, distinct, coverageStored int
		err := db.Pool().QueryRow(ctx, `SELECT count(*),
			count(DISTINCT (check_name, kind, severity, level, parent_code, grids, reason, ST_AsEWKB(geom))),
			count(*) FILTER (WHERE check_name = 'coverage') FROM finding`).Scan(&stored, &distinct, &coverageStored)
		if err != nil {
			t.Fatal(err)
		}
		_, body := get(t, ts.URL+"/collections/demo-findings/items?limit=1")
		var page struct{ NumberMatched int }
		json.Unmarshal(body, &page)
		t.Logf("round %d: %d findings stored (%d coverage), %d distinct, numberMatched %d", round, stored, coverageStored, distinct, page.NumberMatched)
		if len(r.Coverage.Findings) == 0 {
			t.Fatalf("round %d: the moved grid gives no coverage finding; the test proves nothing", round)
		}
		if stored != distinct || coverageStored != len(r.Coverage.Findings) || page.NumberMatched != stored {
			t.Errorf("round %d: %d findings stored, %d distinct, %d of coverage for %d in the report, numberMatched %d",
				round, stored, distinct, coverageStored, len(r.Coverage.Findings), page.NumberMatched)
		}
	}
}
