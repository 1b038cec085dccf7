package bench_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/gridplan/gridplan/internal/access"
	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/balance"
	"github.com/gridplan/gridplan/internal/bench"
	"github.com/gridplan/gridplan/internal/circles"
	"github.com/gridplan/gridplan/internal/coverage"
	"github.com/gridplan/gridplan/internal/editing"
	"github.com/gridplan/gridplan/internal/httpapi"
	"github.com/gridplan/gridplan/internal/pgtest"
)

var srv *pgtest.Server

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m, &srv)) }

// TestLoad runs the load check briefly on the small demo: readers on
// items, tiles and grids of a draft while a writer edits it, every request
// answered without error.
func TestLoad(t *testing.T) {
	db := srv.NewDB(t)
	ctx := context.Background()
	plan := pgtest.Demo(t, db)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	acc := access.New(db, log, access.Options{BcryptCost: bcrypt.MinCost})
	token := pgtest.AdminToken(t, db, acc)
	s := bench.Setup{DB: db, Plan: plan, Runs: 1, Duration: 4 * time.Second,
		NewAuditor: func() *audit.Auditor {
			return audit.New(audit.Check{Name: audit.Coverage, Checker: coverage.New(db, coverage.Options{})},
				audit.Check{Name: audit.Balance, Checker: balance.New(db, balance.Options{Log: log})},
				audit.Check{Name: audit.Circles, Checker: circles.New(db, circles.Options{})})
		},
		NewHandler: func(a *audit.Auditor) http.Handler {
			return httpapi.New(db, log, httpapi.Options{Auditor: a, Editing: editing.New(db, a, log, editing.Options{}), Access: acc})
		},
		Token: func(context.Context) (string, error) { return token, nil }}
	results, err := bench.Load(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		t.Logf("%s: %s", r.Name, r.Note)
		if strings.Contains(r.Note, "req/s") && (!strings.Contains(r.Note, " 0 errors") || strings.HasPrefix(r.Note, "0 req/s")) {
			t.Errorf("%s: %s", r.Name, r.Note)
		}
	}
}
