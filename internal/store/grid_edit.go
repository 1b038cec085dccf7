package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
)

// GridEdit is a change to one grid: a new shape, a new name, or both.
type GridEdit struct {
	Geometry orb.MultiPolygon // WGS84; nil keeps the shape
	Name     *string          // nil keeps the name
	// IfVersion, when not 0, is the plan version the edit was made on; the
	// edit is refused (precondition failed) if the plan has moved on.
	IfVersion int64
}

// UpdateGrid applies edit to grid code of plan in one transaction and
// returns the plan's new version. A shape PostGIS finds invalid is stored
// with its reason as the warning, as imports do: the coverage audit is
// where it is explained. On any error nothing changes.
func (db *DB) UpdateGrid(ctx context.Context, plan domain.Plan, code string, edit GridEdit) (version int64, warning string, err error) {
	if edit.Geometry == nil && edit.Name == nil {
		return 0, "", domain.Errorf(domain.ErrInvalid, "grid %q of plan %q: nothing to change: give a geometry, a name or both", code, plan.Name)
	}
	var wkb []byte
	if edit.Geometry != nil {
		if wkb, err = encodeEWKB(edit.Geometry, domain.WGS84); err != nil {
			return 0, "", domain.Errorf(domain.ErrInvalid, "grid %q of plan %q: geometry: %v", code, plan.Name, err)
		}
	}
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		if err := checkVersion(ctx, tx, plan, edit.IfVersion); err != nil {
			return err
		}
		var reason *string
		err := tx.QueryRow(ctx, `
			UPDATE grid SET geom = coalesce(ST_Multi(ST_GeomFromEWKB(@wkb)), geom), name = coalesce(@name, name)
			 WHERE plan_id = @plan AND code = @code
			RETURNING CASE WHEN NOT ST_IsValid(geom) THEN ST_IsValidReason(geom) END`,
			pgx.NamedArgs{"plan": plan.ID, "code": code, "wkb": wkb, "name": edit.Name}).Scan(&reason)
		if errors.Is(err, pgx.ErrNoRows) {
			return domain.Errorf(domain.ErrNotFound, "grid %q does not exist in plan %q", code, plan.Name)
		}
		if err != nil {
			return pgError(err, "grid \""+code+"\"")
		}
		if reason != nil {
			warning = *reason
		}
		return tx.QueryRow(ctx, `SELECT version FROM plan WHERE id = @plan`, pgx.NamedArgs{"plan": plan.ID}).Scan(&version)
	})
	return version, warning, err
}

// DeleteGrid removes grid code of plan and returns the plan's new version.
// A grid that still has children is refused (conflict): deleting it would
// orphan them.
func (db *DB) DeleteGrid(ctx context.Context, plan domain.Plan, code string, ifVersion int64) (version int64, err error) {
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		if err := checkVersion(ctx, tx, plan, ifVersion); err != nil {
			return err
		}
		args := pgx.NamedArgs{"plan": plan.ID, "code": code}
		var children int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM grid WHERE plan_id = @plan AND parent_code = @code`, args).
			Scan(&children); err != nil {
			return err
		}
		if children > 0 {
			return domain.Errorf(domain.ErrConflict, "grid %q of plan %q still has %d child grid(s); delete or re-parent them first",
				code, plan.Name, children)
		}
		tag, err := tx.Exec(ctx, `DELETE FROM grid WHERE plan_id = @plan AND code = @code`, args)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return domain.Errorf(domain.ErrNotFound, "grid %q does not exist in plan %q", code, plan.Name)
		}
		return tx.QueryRow(ctx, `SELECT version FROM plan WHERE id = @plan`, args).Scan(&version)
	})
	return version, err
}

// checkVersion locks the plan row (serialising edits of one plan) and,
// when want is not 0, refuses an edit made on another version.
func checkVersion(ctx context.Context, tx pgx.Tx, plan domain.Plan, want int64) error {
	var have int64
	err := tx.QueryRow(ctx, `SELECT version FROM plan WHERE id = @plan FOR UPDATE`, pgx.NamedArgs{"plan": plan.ID}).Scan(&have)
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.Errorf(domain.ErrNotFound, "plan %q does not exist", plan.Name)
	}
	if err != nil {
		return err
	}
	if want != 0 && have != want {
		return domain.Errorf(domain.ErrPrecondition, "plan %q is at version %d, not %d: reload the grid and edit again", plan.Name, have, want)
	}
	return nil
}
