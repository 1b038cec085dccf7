package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"golang.org/x/term"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/pgcluster"
	"github.com/gridplan/gridplan/internal/store"
)

// openStore connects to DATABASE_URL, or starts the embedded PostGIS in the
// data directory, and migrates the schema. close stops what it started.
func openStore(ctx context.Context, cfg Config, log *slog.Logger) (db *store.DB, close func(), err error) {
	opts := store.Options{StatementTimeout: cfg.StatementTimeout}
	if cfg.DatabaseURL != "" {
		db, err = store.Open(ctx, cfg.DatabaseURL, opts)
		if err != nil {
			return nil, nil, err
		}
		if err := db.Migrate(ctx); err != nil {
			db.Close()
			return nil, nil, err
		}
		return db, db.Close, nil
	}
	cluster, err := pgcluster.Start(ctx, pgcluster.Options{Dir: cfg.DataDir})
	if err != nil {
		return nil, nil, err
	}
	if cluster.Owned() {
		log.Debug("embedded PostGIS started", "data_dir", cfg.DataDir)
	}
	stop := func() {
		if err := cluster.Stop(); err != nil {
			log.Error("stop embedded PostGIS", "err", err)
		}
	}
	db, err = store.Open(ctx, cluster.DSN(pgcluster.Database), opts)
	if err != nil {
		stop()
		return nil, nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		stop()
		return nil, nil, err
	}
	return db, func() { db.Close(); stop() }, nil
}

func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// withPlan is withStore for a command on one plan: fn gets the plan named
// name, or the command fails as an unknown plan does.
func withPlan(ctx context.Context, e *env, cfg Config, name string, fn func(*store.DB, domain.Plan) error) error {
	return withStore(ctx, e, cfg, func(db *store.DB) error {
		plan, err := db.Plan(ctx, name)
		if err != nil {
			return err
		}
		return fn(db, plan)
	})
}

// withStore runs fn with an open store, closing it afterwards.
func withStore(ctx context.Context, e *env, cfg Config, fn func(*store.DB) error) error {
	if err := cfg.check(); err != nil {
		return err
	}
	db, closeDB, err := openStore(ctx, cfg, newLogger(e.stderr, cfg.LogLevel))
	if err != nil {
		return fmt.Errorf("database: %w", err)
	}
	defer closeDB()
	return fn(db)
}
