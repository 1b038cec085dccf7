package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/gridplan/gridplan/internal/pgtest"
	"github.com/gridplan/gridplan/internal/store"
)

var srv *pgtest.Server

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m, &srv)) }

type result struct {
	code           int
	stdout, stderr string
}

// gridplan runs the command line in-process against the database dsn.
func gridplan(t *testing.T, dsn string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	args = append(args, "--database-url", dsn, "--log-level", "warn")
	code := run(context.Background(), args, &env{stdout: &out, stderr: &errOut})
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// rowCounts is the number of rows in each data table, to prove a refused
// import changed nothing.
func rowCounts(t *testing.T, dsn string) string {
	t.Helper()
	db, err := store.Open(context.Background(), dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var grids, units, facilities, version int
	err = db.Pool().QueryRow(context.Background(), `SELECT (SELECT count(*) FROM grid), (SELECT count(*) FROM unit),
		(SELECT count(*) FROM facility), (SELECT coalesce(sum(version), 0) FROM plan)`).Scan(&grids, &units, &facilities, &version)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("grids=%d units=%d facilities=%d version=%d", grids, units, facilities, version)
}
