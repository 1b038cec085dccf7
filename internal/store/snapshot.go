package store

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/sync/errgroup"
)

// snapshotID is the shape of what pg_export_snapshot returns, checked
// because SET TRANSACTION SNAPSHOT takes no parameter.
var snapshotID = regexp.MustCompile(`^[0-9A-F]+-[0-9A-F]+-[0-9]+$`)

// siblingWait bounds the wait for another connection: when the pool has
// none to spare, a read runs in tx after the others instead of waiting on
// connections that may all be waiting in turn.
const siblingWait = 20 * time.Millisecond

// alongside runs reads side by side on the snapshot of read-only
// transaction tx: the first in tx, each other in a read-only transaction
// of its own connection set to tx's exported snapshot, so that a read split
// across connections sees one state of the database. PostgreSQL then
// scans while gridplan decodes.
func (db *DB) alongside(ctx context.Context, tx pgx.Tx, reads ...func(pgx.Tx) error) error {
	var id string
	if err := tx.QueryRow(ctx, `SELECT pg_export_snapshot()`).Scan(&id); err != nil {
		return err
	}
	if !snapshotID.MatchString(id) {
		return fmt.Errorf("unexpected snapshot id %q", id)
	}
	g, gctx := errgroup.WithContext(ctx)
	inTx := []func(pgx.Tx) error{reads[0]}
	for _, read := range reads[1:] {
		wait, cancel := context.WithTimeout(gctx, siblingWait)
		conn, err := db.pool.Acquire(wait)
		cancel()
		if err != nil {
			inTx = append(inTx, read)
			continue
		}
		g.Go(func() error {
			defer conn.Release()
			return pgx.BeginTxFunc(gctx, conn, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly},
				func(sib pgx.Tx) error {
					if _, err := sib.Exec(gctx, `SET TRANSACTION SNAPSHOT '`+id+`'`); err != nil {
						return err
					}
					if _, err := sib.Exec(gctx, `SET LOCAL max_parallel_workers_per_gather = 0`); err != nil {
						return err
					}
					return read(sib)
				})
		})
	}
	g.Go(func() error {
		for _, read := range inTx {
			if err := read(tx); err != nil {
				return err
			}
		}
		return nil
	})
	return g.Wait()
}
