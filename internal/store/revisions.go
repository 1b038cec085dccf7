package store

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/gridplan/gridplan/internal/domain"
)

// Record describes a revision to record: what made it, who and why.
type Record struct {
	Kind    string // import, edit, publish, revert or record
	Author  string
	Message string
	Ops     json.RawMessage // the change set's ops; nil for none
}

// Revision kinds.
const (
	RevisionImport  = "import"
	RevisionEdit    = "edit"
	RevisionPublish = "publish"
	RevisionRevert  = "revert"
	// RevisionRecord records changes made behind gridplan's back (SQL
	// straight into the tables) before a new revision builds on them.
	RevisionRecord = "record"
)

// lockWorkspace locks workspace ws for the rest of tx, so that change sets
// and imports of one view run one after another (other views, and readers,
// are not held up), and returns its version and kind.
func lockWorkspace(ctx context.Context, tx pgx.Tx, ws int64) (version int64, kind string, err error) {
	err = tx.QueryRow(ctx, `SELECT version, kind FROM workspace WHERE id = @ws FOR UPDATE`, pgx.NamedArgs{"ws": ws}).
		Scan(&version, &kind)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, "", domain.Errorf(domain.ErrNotFound, "workspace %d does not exist", ws)
	}
	return version, kind, err
}

// begin locks workspace ws for a write (see lockWorkspace) and first
// records, as a revision of their own, any changes made behind gridplan's
// back since its last revision, so that history tells them apart from what
// the write is about to do. It returns the version the write starts from.
func begin(ctx context.Context, tx pgx.Tx, ws int64) (int64, error) {
	version, kind, err := lockWorkspace(ctx, tx, ws)
	if err != nil || kind == "revision" {
		return version, err
	}
	var pending bool
	if err := tx.QueryRow(ctx, `SELECT version <> recorded_version AND EXISTS (SELECT 1 FROM grid WHERE ws_id = @ws)
		FROM workspace WHERE id = @ws`, pgx.NamedArgs{"ws": ws}).Scan(&pending); err != nil || !pending {
		return version, err
	}
	_, err = record(ctx, tx, ws, Record{Kind: RevisionRecord, Author: "database",
		Message: "changes made in the database outside gridplan"})
	return version, err
}

// record records workspace ws's grids as a new revision and moves the
// head of its line — the published plan's or the draft's — to it.
func record(ctx context.Context, tx pgx.Tx, ws int64, r Record) (int, error) {
	var planID int64
	var kind string
	var draftID *int64
	var parent *int
	err := tx.QueryRow(ctx, `
		SELECT w.plan_id, w.kind, d.id, CASE WHEN w.kind = 'draft' THEN d.head_revision ELSE p.head_revision END
		  FROM workspace w JOIN plan p ON p.id = w.plan_id LEFT JOIN draft d ON d.ws_id = w.id
		 WHERE w.id = @ws`, pgx.NamedArgs{"ws": ws}).Scan(&planID, &kind, &draftID, &parent)
	if err != nil {
		return 0, err
	}
	if kind == "revision" {
		return 0, domain.Errorf(domain.ErrConflict, "a past revision is read-only; create a draft from it to change it")
	}
	ops := r.Ops
	if ops == nil {
		ops = json.RawMessage("[]")
	}
	var n int
	err = tx.QueryRow(ctx, `SELECT gridplan_record(@ws, @kind, @author, @message, @ops, @parent, @draft)`,
		pgx.NamedArgs{"ws": ws, "kind": r.Kind, "author": r.Author, "message": r.Message, "ops": ops,
			"parent": parent, "draft": draftID}).Scan(&n)
	if err != nil {
		return 0, pgError(err, "revision")
	}
	if draftID != nil {
		_, err = tx.Exec(ctx, `UPDATE draft SET head_revision = @n, updated_at = now() WHERE id = @draft`,
			pgx.NamedArgs{"n": n, "draft": *draftID})
	} else {
		_, err = tx.Exec(ctx, `UPDATE plan SET head_revision = @n WHERE id = @plan`, pgx.NamedArgs{"n": n, "plan": planID})
	}
	return n, err
}

// ImportGrids stores grids in workspace ws in one transaction and records
// them as a revision: either all are stored or none. See InsertGrids for
// what is refused.
func (db *DB) ImportGrids(ctx context.Context, ws int64, grids []domain.Grid, srid int, r Record) (warnings []Warning, revision int, err error) {
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := begin(ctx, tx, ws); err != nil {
			return err
		}
		if warnings, err = InsertGrids(ctx, tx, ws, grids, srid); err != nil {
			return err
		}
		revision, err = record(ctx, tx, ws, r)
		return err
	})
	return warnings, revision, err
}
