package pgcluster_test

import (
	"context"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/gridplan/gridplan/internal/pgcluster"
)

// tempDir returns a directory the server account can enter (t.TempDir is
// 0700 and owned by the test's user, which is root in CI).
func tempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "gridplan-pgcluster-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func TestStartReuseStop(t *testing.T) {
	ctx := context.Background()
	dir := tempDir(t)
	c, err := pgcluster.Start(ctx, pgcluster.Options{Dir: dir, Throwaway: true})
	if err != nil {
		t.Fatal(err)
	}
	if !c.Owned() {
		t.Fatal("first start should own the server")
	}
	conn, err := pgx.Connect(ctx, c.DSN(pgcluster.Database))
	if err != nil {
		t.Fatal(err)
	}
	var postgis string
	if err := conn.QueryRow(ctx, "CREATE EXTENSION IF NOT EXISTS postgis; SELECT postgis_lib_version()").Scan(&postgis); err != nil {
		// Multi-statement queries return the last result only with simple protocol; run separately.
		if _, err := conn.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS postgis"); err != nil {
			t.Fatal(err)
		}
		if err := conn.QueryRow(ctx, "SELECT postgis_lib_version()").Scan(&postgis); err != nil {
			t.Fatal(err)
		}
	}
	if !strings.HasPrefix(postgis, "3.") {
		t.Fatalf("postgis version %q", postgis)
	}
	conn.Close(ctx)

	// A second gridplan process finds the server running and must not stop it.
	second, err := pgcluster.Start(ctx, pgcluster.Options{Dir: dir, Throwaway: true})
	if err != nil {
		t.Fatal(err)
	}
	if second.Owned() {
		t.Fatal("second start must reuse the running server, not own it")
	}
	if err := second.Stop(); err != nil {
		t.Fatal(err)
	}
	conn, err = pgx.Connect(ctx, c.DSN(pgcluster.Database))
	if err != nil {
		t.Fatalf("server stopped by a non-owner: %v", err)
	}
	conn.Close(ctx)

	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := pgx.Connect(ctx, c.DSN(pgcluster.Database)); err == nil {
		t.Fatal("server still answers after Stop")
	}

	// Restart reuses the initialised cluster and keeps its data.
	again, err := pgcluster.Start(ctx, pgcluster.Options{Dir: dir, Throwaway: true})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Stop()
	conn, err = pgx.Connect(ctx, again.DSN(pgcluster.Database))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var has bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'postgis')").Scan(&has); err != nil || !has {
		t.Fatalf("restarted cluster lost its data: has postgis=%v err=%v", has, err)
	}
}

func TestUnreachableDataDir(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root drops privileges to the postgres account")
	}
	closed := tempDir(t)
	if err := os.Chmod(closed, 0o700); err != nil {
		t.Fatal(err)
	}
	_, err := pgcluster.Start(context.Background(), pgcluster.Options{Dir: closed + "/data"})
	if err == nil || !strings.Contains(err.Error(), "cannot enter") {
		t.Fatalf("want a clear 'cannot enter' error, got %v", err)
	}
}

func TestStalePidFile(t *testing.T) {
	ctx := context.Background()
	dir := tempDir(t)
	c, err := pgcluster.Start(ctx, pgcluster.Options{Dir: dir, Throwaway: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	// A crash leaves postmaster.pid behind with a dead pid.
	pid := dir + "/pgdata/postmaster.pid"
	if err := os.WriteFile(pid, []byte("999999\n"+dir+"/pgdata\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The server account owns the file, as it would after a real crash.
	if fi, err := os.Stat(dir + "/pgdata"); err == nil {
		st := fi.Sys().(*syscall.Stat_t)
		if err := os.Chown(pid, int(st.Uid), int(st.Gid)); err != nil {
			t.Fatal(err)
		}
	}
	again, err := pgcluster.Start(ctx, pgcluster.Options{Dir: dir, Throwaway: true})
	if err != nil {
		t.Fatalf("stale pid file should not block a start: %v", err)
	}
	again.Stop()
}
