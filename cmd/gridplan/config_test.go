package main

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestBadEnvironmentIsRefused: a GRIDPLAN_* variable that does not parse
// stops the command with exit 2 naming it, instead of the default being
// used without a word.
func TestBadEnvironmentIsRefused(t *testing.T) {
	dsn := srv.NewDSN(t)
	for _, c := range []struct {
		name, value string
		want        int
	}{
		{"GRIDPLAN_STATEMENT_TIMEOUT", "soon", exitBadInput},
		{"GRIDPLAN_STATEMENT_TIMEOUT", "-5s", exitBadInput},
		{"GRIDPLAN_STATEMENT_TIMEOUT", "30s", exitOK},
		{"GRIDPLAN_LOG_LEVEL", "loud", exitBadInput},
		{"GRIDPLAN_LOG_LEVEL", "debug", exitOK},
	} {
		t.Run(c.name+"="+c.value, func(t *testing.T) {
			t.Setenv(c.name, c.value)
			r := gridplan(t, dsn, "plan", "list")
			if r.code != c.want || (c.want != exitOK && !strings.Contains(r.stderr, c.name)) {
				t.Errorf("exit %d, want %d; stderr: %s", r.code, c.want, r.stderr)
			}
		})
	}
}

// TestBadMemoryLimitIsRefused: serve refuses a memory limit it cannot
// read, from the flag or the environment, before it starts anything.
func TestBadMemoryLimitIsRefused(t *testing.T) {
	dsn := srv.NewDSN(t)
	if r := gridplan(t, dsn, "serve", "--addr", "127.0.0.1:0", "--memory-limit", "lots"); r.code != exitBadInput || !strings.Contains(r.stderr, "memory-limit") {
		t.Errorf("--memory-limit lots: %+v", r)
	}
	t.Setenv("GRIDPLAN_MEMORY_LIMIT", "-1GiB")
	if r := gridplan(t, dsn, "serve", "--addr", "127.0.0.1:0"); r.code != exitBadInput || !strings.Contains(r.stderr, "GRIDPLAN_MEMORY_LIMIT") {
		t.Errorf("GRIDPLAN_MEMORY_LIMIT=-1GiB: %+v", r)
	}
}

// TestStatementTimeoutIsNotBadInput: an import whose write runs into the
// statement timeout (a GIS client holds the table locked against writes)
// could not run: exit 3 with the reason, not exit 2 as if the file were
// wrong.
func TestStatementTimeoutIsNotBadInput(t *testing.T) {
	dsn := srv.NewDSN(t)
	if r := gridplan(t, dsn, "plan", "create", "erqi"); r.code != 0 {
		t.Fatalf("plan create: %+v", r)
	}
	file := writeFile(t, "streets.geojson", streets)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `LOCK TABLE grid IN SHARE MODE`); err != nil {
		t.Fatal(err)
	}
	r := gridplan(t, dsn, "import", "grids", "erqi", file, "--statement-timeout", "300ms")
	if r.code != exitFailure || !strings.Contains(r.stderr, "statement timeout") {
		t.Errorf("import with the table locked: exit %d, want 3 naming the statement timeout; stderr: %s", r.code, r.stderr)
	}
	tx.Rollback(ctx)
	if r := gridplan(t, dsn, "import", "grids", "erqi", file); r.code != 0 {
		t.Errorf("the import afterwards: %+v", r)
	}
}
