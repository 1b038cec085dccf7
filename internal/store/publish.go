package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/gridplan/gridplan/internal/domain"
)

// A state is what a view's grids are, code by code, as grid_version ids:
// two states differ for a code when its id differs or one lacks it.
type state map[string]int64

func wsState(ctx context.Context, q querier, ws int64) (state, error) {
	rows, err := q.Query(ctx, `SELECT code, coalesce(version_id, 0) FROM grid WHERE ws_id = @ws`, pgx.NamedArgs{"ws": ws})
	return collectState(rows, err)
}

func revisionState(ctx context.Context, q querier, planID int64, rev int) (state, error) {
	if rev == 0 {
		return state{}, nil
	}
	rows, err := q.Query(ctx, `SELECT v.code, v.id FROM revision r CROSS JOIN unnest(r.grids) AS t(id)
		JOIN grid_version v ON v.id = t.id WHERE r.plan_id = @plan AND r.number = @rev`,
		pgx.NamedArgs{"plan": planID, "rev": rev})
	return collectState(rows, err)
}

func collectState(rows pgx.Rows, err error) (state, error) {
	if err != nil {
		return nil, err
	}
	s := state{}
	var code string
	var id int64
	_, err = pgx.ForEachRow(rows, []any{&code, &id}, func() error {
		s[code] = id
		return nil
	})
	return s, err
}

// changedCodes lists, sorted, the codes whose grid differs between a and b.
func changedCodes(a, b state) []string {
	var out []string
	for c, id := range a {
		if b[c] != id {
			out = append(out, c)
		}
	}
	for c := range b {
		if _, ok := a[c]; !ok {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out
}

// setGrids makes workspace ws hold, for each of codes, the grid that
// target has (a grid_version, copied byte for byte with its metric shape),
// or no grid when target lacks the code; the rows written take version
// next.
func setGrids(ctx context.Context, tx pgx.Tx, ws, next int64, codes []string, target state) error {
	var ids []int64
	var gone []string
	for _, c := range codes {
		if id, ok := target[c]; ok && id != 0 {
			ids = append(ids, id)
		} else {
			gone = append(gone, c)
		}
	}
	args := pgx.NamedArgs{"ws": ws, "next": next, "ids": ids, "gone": gone}
	if _, err := tx.Exec(ctx, `DELETE FROM grid WHERE ws_id = @ws AND code = ANY(@gone::text[])`, args); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `
		INSERT INTO grid (plan_id, ws_id, code, name, level, parent_code, kind, category, mode, properties, geom, geom_m,
		                  version_id, changed_at)
		SELECT v.plan_id, @ws, v.code, v.name, v.level, v.parent_code, v.kind, v.category, v.mode, v.properties,
		       v.geom, v.geom_m, v.id, @next
		  FROM grid_version v WHERE v.id = ANY(@ids::bigint[]) ORDER BY v.level, v.code
		ON CONFLICT (ws_id, code) DO UPDATE SET name = excluded.name, level = excluded.level,
		       parent_code = excluded.parent_code, kind = excluded.kind, category = excluded.category, mode = excluded.mode,
		       properties = excluded.properties, geom = excluded.geom, geom_m = excluded.geom_m,
		       version_id = excluded.version_id, changed_at = excluded.changed_at`, args)
	return err
}

// quietBump starts a write that bumps workspace ws's version once itself
// (the statement triggers stand aside) and returns the new version.
func quietBump(ctx context.Context, tx pgx.Tx, ws int64) (int64, error) {
	if _, err := tx.Exec(ctx, `SELECT set_config('gridplan.change_set', 'on', true)`); err != nil {
		return 0, err
	}
	var next int64
	err := tx.QueryRow(ctx, `UPDATE workspace SET version = version + 1 WHERE id = @ws RETURNING version`,
		pgx.NamedArgs{"ws": ws}).Scan(&next)
	return next, err
}

// ErrBothChanged is a rebase or publish that cannot go ahead: the draft
// and the published plan changed the same grids since the draft branched.
type ErrBothChanged struct{ Codes []string }

func (e *ErrBothChanged) Error() string {
	return "the draft and the published plan both changed grids " + strings.Join(e.Codes, ", ")
}

// Rebase takes into draft d what was published since it branched, when
// the two changed different grids (else *ErrBothChanged, nothing written),
// and records that as a revision of the draft. It returns the codes it
// changed in the draft; none when the draft is already on the head.
func (db *DB) Rebase(ctx context.Context, plan domain.Plan, d Draft, author string) ([]string, error) {
	var changed []string
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := begin(ctx, tx, plan.Workspace); err != nil {
			return err
		}
		var head, base int
		if err := tx.QueryRow(ctx, `SELECT coalesce(p.head_revision, 0), d.base_revision FROM plan p JOIN draft d ON d.plan_id = p.id
			WHERE p.id = @plan AND d.ws_id = @ws FOR UPDATE OF d`, pgx.NamedArgs{"plan": plan.ID, "ws": d.Workspace}).
			Scan(&head, &base); err != nil {
			return err
		}
		if head == base {
			return nil
		}
		if _, err := begin(ctx, tx, d.Workspace); err != nil {
			return err
		}
		baseState, err := revisionState(ctx, tx, plan.ID, base)
		if err != nil {
			return err
		}
		draft, err := wsState(ctx, tx, d.Workspace)
		if err != nil {
			return err
		}
		published, err := revisionState(ctx, tx, plan.ID, head)
		if err != nil {
			return err
		}
		ours, theirs := changedCodes(baseState, draft), changedCodes(baseState, published)
		var both []string
		for _, c := range theirs {
			if _, found := slices.BinarySearch(ours, c); found {
				both = append(both, c)
			}
		}
		if len(both) > 0 {
			return &ErrBothChanged{Codes: both}
		}
		next, err := quietBump(ctx, tx, d.Workspace)
		if err != nil {
			return err
		}
		if err := setGrids(ctx, tx, d.Workspace, next, theirs, published); err != nil {
			return err
		}
		if _, err := record(ctx, tx, d.Workspace, Record{Kind: RevisionRebase, Author: author,
			Message: fmt.Sprintf("took in revisions %d to %d of the published plan", base+1, head)}); err != nil {
			return err
		}
		changed = theirs
		_, err = tx.Exec(ctx, `UPDATE draft SET base_revision = @head WHERE ws_id = @ws`, pgx.NamedArgs{"head": head, "ws": d.Workspace})
		return err
	})
	return changed, err
}

// Publish makes draft d the published plan, when it is based on the
// published head (ErrConflict otherwise: rebase it first), and records
// that as a revision of the published line; the draft is closed and its
// working copy dropped. It returns the new revision and the codes whose
// published grid changed.
func (db *DB) Publish(ctx context.Context, plan domain.Plan, d Draft, author, message string) (rev int, changed []string, err error) {
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := begin(ctx, tx, plan.Workspace); err != nil {
			return err
		}
		var head, base int
		var open bool
		err := tx.QueryRow(ctx, `SELECT coalesce(p.head_revision, 0), d.base_revision, d.state = 'open' FROM plan p JOIN draft d ON d.plan_id = p.id
			WHERE p.id = @plan AND d.name = @name FOR UPDATE OF d`, pgx.NamedArgs{"plan": plan.ID, "name": d.Name}).
			Scan(&head, &base, &open)
		if errors.Is(err, pgx.ErrNoRows) {
			return domain.Errorf(domain.ErrNotFound, "plan %q has no draft %q", plan.Name, d.Name)
		}
		if err != nil {
			return err
		}
		if !open {
			return domain.Errorf(domain.ErrConflict, "draft %q of plan %q is already published", d.Name, plan.Name)
		}
		if head != base {
			return domain.Errorf(domain.ErrConflict, "plan %q was published again (revision %d) after draft %q was based on revision %d; publish again to take that in",
				plan.Name, head, d.Name, base)
		}
		if _, err := begin(ctx, tx, d.Workspace); err != nil {
			return err
		}
		draft, err := wsState(ctx, tx, d.Workspace)
		if err != nil {
			return err
		}
		published, err := wsState(ctx, tx, plan.Workspace)
		if err != nil {
			return err
		}
		changed = changedCodes(published, draft)
		next, err := quietBump(ctx, tx, plan.Workspace)
		if err != nil {
			return err
		}
		if err := setGrids(ctx, tx, plan.Workspace, next, changed, draft); err != nil {
			return err
		}
		if message == "" {
			message = fmt.Sprintf("published draft %s", d.Name)
		}
		if rev, err = record(ctx, tx, plan.Workspace, Record{Kind: RevisionPublish, Author: author, Message: message}); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE draft SET state = 'published', published_revision = @rev, published_by = @author,
			published_at = now(), updated_at = now(), ws_id = NULL WHERE plan_id = @plan AND name = @name`,
			pgx.NamedArgs{"rev": rev, "author": author, "plan": plan.ID, "name": d.Name})
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM workspace WHERE id = @ws`, pgx.NamedArgs{"ws": d.Workspace})
		return err
	})
	return rev, changed, err
}

// Revert records a new published revision whose grids are those of
// revision rev, byte for byte. It returns the new revision and the codes
// it changed.
func (db *DB) Revert(ctx context.Context, plan domain.Plan, rev int, author string) (int, []string, error) {
	var n int
	var changed []string
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := begin(ctx, tx, plan.Workspace); err != nil {
			return err
		}
		var ok bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM revision WHERE plan_id = @plan AND number = @rev)`,
			pgx.NamedArgs{"plan": plan.ID, "rev": rev}).Scan(&ok); err != nil {
			return err
		}
		if !ok {
			return domain.Errorf(domain.ErrNotFound, "plan %q has no revision %d", plan.Name, rev)
		}
		target, err := revisionState(ctx, tx, plan.ID, rev)
		if err != nil {
			return err
		}
		now, err := wsState(ctx, tx, plan.Workspace)
		if err != nil {
			return err
		}
		changed = changedCodes(now, target)
		next, err := quietBump(ctx, tx, plan.Workspace)
		if err != nil {
			return err
		}
		if err := setGrids(ctx, tx, plan.Workspace, next, changed, target); err != nil {
			return err
		}
		n, err = record(ctx, tx, plan.Workspace, Record{Kind: RevisionRevert, Author: author,
			Message: fmt.Sprintf("reverted to revision %d", rev)})
		return err
	})
	return n, changed, err
}
