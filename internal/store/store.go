// Package store is gridplan's PostGIS persistence layer: every SQL statement
// the use-case packages need lives here, beside the function that runs it,
// with values always passed as arguments. Geometries cross the wire as EWKB
// and are orb types in Go.
package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/tern/v2/migrate"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/migrations"
)

// DB is a pool of connections to one PostGIS database.
type DB struct {
	pool *pgxpool.Pool
}

// DefaultMaxConns is the pool's size unless Options say otherwise. The
// editing layer holds up to 8 connections for change sets in flight while
// the checks prepare on others, audits read on several at once, and every
// other request takes one for a moment: 32 leaves room for all of that
// (pgx's own default, 4, let four slow requests stall the rest).
const DefaultMaxConns = 32

// Options tune the pool.
type Options struct {
	// StatementTimeout bounds every statement; zero means one minute.
	StatementTimeout time.Duration
	// MaxConns bounds the pool; zero means DefaultMaxConns.
	MaxConns int32
}

// Open connects to the database at dsn (a URL or key=value string).
func Open(ctx context.Context, dsn string, opts Options) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("database address: %w", err)
	}
	timeout := opts.StatementTimeout
	if timeout == 0 {
		timeout = time.Minute
	}
	cfg.ConnConfig.RuntimeParams["statement_timeout"] = strconv.FormatInt(timeout.Milliseconds(), 10)
	cfg.ConnConfig.RuntimeParams["application_name"] = "gridplan"
	cfg.MaxConns = DefaultMaxConns
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return &DB{pool: pool}, nil
}

// Close releases every connection.
func (db *DB) Close() { db.pool.Close() }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.pool.Ping(ctx) }

// Pool exposes the connection pool to tests and benchmarks that ask PostGIS
// directly (PostGIS is the reference they compare against).
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// Migrate brings the schema up to date. tern holds an advisory lock, so
// concurrent gridplan processes migrate once.
func (db *DB) Migrate(ctx context.Context) error {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	m, err := migrate.NewMigrator(ctx, conn.Conn(), "gridplan_schema_version")
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	files, err := migrations.FS()
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if err := m.LoadMigrations(files); err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if err := m.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate database: %w", err)
	}
	return db.checkPostGIS(ctx)
}

// checkPostGIS refuses servers older than PostGIS 3.3, the supported floor.
func (db *DB) checkPostGIS(ctx context.Context) error {
	var major, minor int
	err := db.pool.QueryRow(ctx, `SELECT split_part(postgis_lib_version(), '.', 1)::int,
	                                     split_part(postgis_lib_version(), '.', 2)::int`).Scan(&major, &minor)
	if err != nil {
		return fmt.Errorf("read PostGIS version: %w", err)
	}
	if major < 3 || (major == 3 && minor < 3) {
		return fmt.Errorf("PostGIS %d.%d is too old: gridplan needs PostGIS 3.3 or newer", major, minor)
	}
	return nil
}

// inTx runs fn in a transaction, committing when it returns nil.
func (db *DB) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, db.pool, fn)
}

// pgError translates PostgreSQL errors that mean "bad input" into domain
// errors. A cancelled statement or one past the statement timeout (57014)
// is unavailable, not bad input: the same request may succeed later, and
// domain.ErrorCode says so of the driver's error as it is. Internal errors
// (XX000: GEOS failing on a geometry, say) pass through as internal.
func pgError(err error, what string) error {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return err
	}
	switch pgErr.Code {
	case "23505": // unique_violation
		return domain.Errorf(domain.ErrConflict, "%s already exists", what)
	case "23514", "23502", "22P02": // check, not null, bad text
		return domain.Errorf(domain.ErrInvalid, "%s: %s", what, pgErr.Message)
	case "22021", "22P05": // NUL or invalid UTF-8 in text, \u0000 in JSON
		return domain.Errorf(domain.ErrInvalid, "%s: text cannot contain a NUL character or invalid UTF-8", what)
	}
	return err
}
