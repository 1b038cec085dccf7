// Package pgtest gives tests a real PostGIS: one throwaway cluster per test
// binary, started by Run from TestMain, and a fresh migrated database per
// test cloned from a template. Tests never mock the database, and they fail
// (never skip) when it cannot start.
package pgtest

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gridplan/gridplan/internal/pgcluster"
	"github.com/gridplan/gridplan/internal/store"
)

const template = "gridplan_template"

// Server is a throwaway PostGIS cluster holding a migrated template database.
type Server struct {
	cluster *pgcluster.Cluster
	next    atomic.Int64
}

// Run starts the server, stores it in *srv, runs the tests and removes the
// cluster. Use it as: func TestMain(m *testing.M) { os.Exit(pgtest.Run(m, &srv)) }.
func Run(m *testing.M, srv **Server) int {
	s, err := Start(context.Background())
	if err != nil {
		fmt.Fprintf(os.Stderr, "pgtest: cannot start PostGIS for the tests: %v\n", err)
		return 1
	}
	*srv = s
	code := m.Run()
	if err := s.cluster.Remove(); err != nil {
		fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
	}
	return code
}

// Start initialises a cluster in a fresh temporary directory and migrates a
// template database in it.
func Start(ctx context.Context) (*Server, error) {
	dir, err := os.MkdirTemp("", "gridplan-test-")
	if err != nil {
		return nil, err
	}
	// The server account (postgres, when tests run as root) must enter it.
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	c, err := pgcluster.Start(ctx, pgcluster.Options{Dir: dir, Throwaway: true})
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s := &Server{cluster: c}
	if err := s.createTemplate(ctx); err != nil {
		c.Remove()
		return nil, err
	}
	return s, nil
}

func (s *Server) createTemplate(ctx context.Context) error {
	if err := s.exec(ctx, "CREATE DATABASE "+template); err != nil {
		return err
	}
	db, err := store.Open(ctx, s.cluster.DSN(template), store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	// pgRouting is the reference for network-distance tests; it is optional
	// for gridplan itself, so only the test template gets it.
	_, err = db.Pool().Exec(ctx, "CREATE EXTENSION IF NOT EXISTS pgrouting")
	return err
}

// exec runs a maintenance statement (CREATE/DROP DATABASE) on the postgres
// database. Statements are built from this package's own names only.
func (s *Server) exec(ctx context.Context, sql string) error {
	conn, err := pgx.Connect(ctx, s.cluster.DSN("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

// NewDSN creates a fresh migrated database, dropped when the test ends,
// and returns its connection string; tests that run gridplan's command
// line pass it as --database-url.
func (s *Server) NewDSN(tb testing.TB) string {
	tb.Helper()
	ctx := context.Background()
	name := fmt.Sprintf("gridplan_test_%d_%d", os.Getpid(), s.next.Add(1))
	if err := s.exec(ctx, "CREATE DATABASE "+name+" TEMPLATE "+template); err != nil {
		tb.Fatalf("pgtest: create database: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.exec(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			tb.Errorf("pgtest: drop database: %v", err)
		}
	})
	return s.cluster.DSN(name)
}

// NewDB returns a store on a fresh migrated database that is dropped when
// the test ends.
func (s *Server) NewDB(tb testing.TB) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), s.NewDSN(tb), store.Options{StatementTimeout: 5 * time.Minute})
	if err != nil {
		tb.Fatalf("pgtest: open database: %v", err)
	}
	tb.Cleanup(db.Close)
	return db
}

// DSN returns the connection string of database db, for tests that run a
// command (gridplan itself, ogr2ogr) against the test server.
func (s *Server) DSN(db string) string { return s.cluster.DSN(db) }

// ServerDir returns a fresh directory the database server's account can
// enter (t.TempDir is 0700 and owned by the test's user, which is root in
// CI), for tests that run a cluster of their own; it is removed when the
// test ends.
func ServerDir(tb testing.TB) string {
	tb.Helper()
	dir, err := os.MkdirTemp("", "gridplan-cluster-")
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}
