package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/gridplan/gridplan/internal/domain"
)

// maxOpenRevisions bounds the past revisions kept materialised per plan for
// reading; the least recently read one is dropped first (it is rebuilt from
// history when asked for again).
const maxOpenRevisions = 4

// PlanView returns plan name as seen in view: the published plan, a draft
// or a past revision. A revision is materialised into a read-only
// workspace on first use, so every read path serves it like any other.
func (db *DB) PlanView(ctx context.Context, name string, view domain.View) (domain.Plan, error) {
	p, err := db.Plan(ctx, name)
	if err != nil || view.Published() {
		return p, err
	}
	p.View = view
	switch {
	case view.Draft != "":
		var ws *int64
		var state string
		var published int
		err = db.pool.QueryRow(ctx, `SELECT d.ws_id, coalesce(w.version, 0), d.state, coalesce(d.published_revision, 0)
			  FROM draft d LEFT JOIN workspace w ON w.id = d.ws_id
			 WHERE d.plan_id = @plan AND d.name = @draft`, pgx.NamedArgs{"plan": p.ID, "draft": view.Draft}).
			Scan(&ws, &p.GridVersion, &state, &published)
		if errors.Is(err, pgx.ErrNoRows) {
			return p, domain.Errorf(domain.ErrNotFound, "plan %q has no draft %q", name, view.Draft)
		}
		if err != nil {
			return p, err
		}
		if ws == nil && state == "discarded" {
			return p, domain.Errorf(domain.ErrNotFound, "draft %q of plan %q was discarded", view.Draft, name)
		}
		if ws == nil {
			return p, domain.Errorf(domain.ErrConflict, "draft %q of plan %q was published as revision %d; read the published plan or that revision",
				view.Draft, name, published)
		}
		p.Workspace = *ws
	default:
		if p.Workspace, p.GridVersion, err = db.openRevision(ctx, p, view.Revision); err != nil {
			return p, err
		}
	}
	p.Version = p.DataVersion + p.GridVersion
	return p, nil
}

// openRevision returns the read-only workspace holding revision rev of p,
// materialising it from history when it is not open yet.
func (db *DB) openRevision(ctx context.Context, p domain.Plan, rev int) (ws, version int64, err error) {
	args := pgx.NamedArgs{"plan": p.ID, "rev": rev}
	err = db.pool.QueryRow(ctx, `UPDATE workspace SET used_at = now()
		WHERE plan_id = @plan AND kind = 'revision' AND revision = @rev RETURNING id, version`, args).Scan(&ws, &version)
	if err == nil || !errors.Is(err, pgx.ErrNoRows) {
		return ws, version, err
	}
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM revision WHERE plan_id = @plan AND number = @rev)`, args).
			Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return domain.Errorf(domain.ErrNotFound, "plan %q has no revision %d", p.Name, rev)
		}
		// Two readers opening the same revision: the second waits on the
		// unique index, finds the row and uses the first one's copy.
		err := tx.QueryRow(ctx, `INSERT INTO workspace (plan_id, kind, revision) VALUES (@plan, 'revision', @rev)
			ON CONFLICT (plan_id, revision) WHERE kind = 'revision' DO NOTHING RETURNING id, version`, args).Scan(&ws, &version)
		if errors.Is(err, pgx.ErrNoRows) {
			return tx.QueryRow(ctx, `SELECT id, version FROM workspace WHERE plan_id = @plan AND kind = 'revision' AND revision = @rev`,
				args).Scan(&ws, &version)
		}
		if err != nil {
			return err
		}
		if err := copyRevision(ctx, tx, p.ID, rev, ws); err != nil {
			return err
		}
		// Keep only the most recently read revisions open.
		_, err = tx.Exec(ctx, `DELETE FROM workspace WHERE id IN (
			SELECT id FROM workspace WHERE plan_id = @plan AND kind = 'revision'
			 ORDER BY used_at DESC, id DESC OFFSET @keep)`, pgx.NamedArgs{"plan": p.ID, "keep": maxOpenRevisions})
		return err
	})
	return ws, version, err
}

// copyRevision fills workspace ws with the grids of revision rev, metric
// geometry and all, so nothing is transformed again, and tells the planner.
func copyRevision(ctx context.Context, tx pgx.Tx, planID int64, rev int, ws int64) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO grid (plan_id, ws_id, code, name, level, parent_code, kind, category, mode, properties, geom, geom_m,
		                  version_id)
		SELECT v.plan_id, @ws, v.code, v.name, v.level, v.parent_code, v.kind, v.category, v.mode, v.properties,
		       v.geom, v.geom_m, v.id
		  FROM revision r CROSS JOIN unnest(r.grids) AS t(id) JOIN grid_version v ON v.id = t.id
		 WHERE r.plan_id = @plan AND r.number = @rev
		 ORDER BY v.level, v.code`, pgx.NamedArgs{"plan": planID, "rev": rev, "ws": ws})
	if err != nil {
		return err
	}
	return analyzeGrids(ctx, tx)
}
