package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/gridplan/gridplan/internal/domain"
)

// RevisionRebase records a draft taking in what was published after it
// branched.
const RevisionRebase = "rebase"

// Draft is a named working copy of a plan's grids.
type Draft struct {
	Name         string     `json:"name"`
	Author       string     `json:"author"`
	Message      string     `json:"message"`
	BaseRevision int        `json:"base_revision"`
	HeadRevision int        `json:"head_revision"`
	State        string     `json:"state"` // open, published or discarded
	Version      int64      `json:"version"`
	Published    *int       `json:"published_revision,omitempty"`
	PublishedBy  string     `json:"published_by,omitempty"`
	PublishedAt  *time.Time `json:"published_at,omitempty"`
	DiscardedBy  string     `json:"discarded_by,omitempty"`
	DiscardedAt  *time.Time `json:"discarded_at,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	Workspace    int64      `json:"-"`
}

const draftColumns = `d.name, d.author, d.message, d.base_revision, d.head_revision, d.state, coalesce(w.version, 0),
	d.published_revision, coalesce(d.published_by, ''), d.published_at, coalesce(d.discarded_by, ''), d.discarded_at,
	d.created_at, d.updated_at, coalesce(d.ws_id, 0)`

func scanDraft(r pgx.Row) (Draft, error) {
	var d Draft
	err := r.Scan(&d.Name, &d.Author, &d.Message, &d.BaseRevision, &d.HeadRevision, &d.State, &d.Version,
		&d.Published, &d.PublishedBy, &d.PublishedAt, &d.DiscardedBy, &d.DiscardedAt, &d.CreatedAt, &d.UpdatedAt, &d.Workspace)
	return d, err
}

// CreateDraft branches a draft of plan from revision from (0: the
// published plan as it is now, recording first any change made behind
// gridplan's back). Its grids are copied with their metric shapes.
func (db *DB) CreateDraft(ctx context.Context, plan domain.Plan, name, author, message string, from int) (Draft, error) {
	if err := domain.ValidateDraftName(name); err != nil {
		return Draft{}, err
	}
	var d Draft
	fromPublished := from == 0
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		args := pgx.NamedArgs{"plan": plan.ID, "name": name, "author": author, "message": message, "from": from,
			"published": plan.Workspace}
		if from == 0 {
			if _, err := begin(ctx, tx, plan.Workspace); err != nil {
				return err
			}
			if err := tx.QueryRow(ctx, `SELECT coalesce(head_revision, 0) FROM plan WHERE id = @plan`, args).Scan(&from); err != nil {
				return err
			}
			args["from"] = from
		} else {
			var ok bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM revision WHERE plan_id = @plan AND number = @from)`, args).
				Scan(&ok); err != nil {
				return err
			}
			if !ok {
				return domain.Errorf(domain.ErrNotFound, "plan %q has no revision %d", plan.Name, from)
			}
		}
		var ws int64
		if err := tx.QueryRow(ctx, `INSERT INTO workspace (plan_id, kind) VALUES (@plan, 'draft') RETURNING id`, args).Scan(&ws); err != nil {
			return err
		}
		args["ws"] = ws
		_, err := tx.Exec(ctx, `INSERT INTO draft (plan_id, name, ws_id, author, message, base_revision, head_revision)
			VALUES (@plan, @name, @ws, @author, @message, @from, @from)`, args)
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "23505" {
			return domain.Errorf(domain.ErrConflict, "plan %q already has a draft %q", plan.Name, name)
		}
		if err != nil {
			return pgError(err, "draft")
		}
		if fromPublished {
			_, err = tx.Exec(ctx, `
				INSERT INTO grid (plan_id, ws_id, code, name, level, parent_code, kind, category, mode, properties, geom, geom_m, version_id)
				SELECT plan_id, @ws, code, name, level, parent_code, kind, category, mode, properties, geom, geom_m, version_id
				  FROM grid WHERE ws_id = @published ORDER BY level, code`, args)
			if err == nil {
				err = analyzeGrids(ctx, tx)
			}
		} else {
			err = copyRevision(ctx, tx, plan.ID, from, ws)
		}
		if err != nil {
			return err
		}
		// The copy is the draft's starting point, not a change of it.
		if _, err := tx.Exec(ctx, `UPDATE workspace SET version = 1, recorded_version = 1 WHERE id = @ws`, args); err != nil {
			return err
		}
		d, err = scanDraft(tx.QueryRow(ctx, `SELECT `+draftColumns+` FROM draft d LEFT JOIN workspace w ON w.id = d.ws_id
			WHERE d.plan_id = @plan AND d.name = @name`, args))
		return err
	})
	return d, err
}

// Drafts lists plan's drafts, open ones first, newest first.
func (db *DB) Drafts(ctx context.Context, planID int64) ([]Draft, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+draftColumns+` FROM draft d LEFT JOIN workspace w ON w.id = d.ws_id
		WHERE d.plan_id = @plan ORDER BY d.state <> 'open', d.updated_at DESC, d.name`, pgx.NamedArgs{"plan": planID})
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Draft, error) { return scanDraft(r) })
}

// Draft returns one draft of plan.
func (db *DB) Draft(ctx context.Context, plan domain.Plan, name string) (Draft, error) {
	d, err := scanDraft(db.pool.QueryRow(ctx, `SELECT `+draftColumns+` FROM draft d LEFT JOIN workspace w ON w.id = d.ws_id
		WHERE d.plan_id = @plan AND d.name = @name`, pgx.NamedArgs{"plan": plan.ID, "name": name}))
	if errors.Is(err, pgx.ErrNoRows) {
		return d, domain.Errorf(domain.ErrNotFound, "plan %q has no draft %q", plan.Name, name)
	}
	return d, err
}

// DiscardDraft gives up an open draft: its workspace and grids are deleted
// and the draft stays listed as discarded by actor. Its revisions, lineage
// and the codes it used stay: codes are never reused.
func (db *DB) DiscardDraft(ctx context.Context, plan domain.Plan, name, actor string) (Draft, error) {
	var d Draft
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		args := pgx.NamedArgs{"plan": plan.ID, "name": name, "actor": actor}
		var state string
		var ws *int64
		err := tx.QueryRow(ctx, `SELECT state, ws_id FROM draft WHERE plan_id = @plan AND name = @name FOR UPDATE`, args).Scan(&state, &ws)
		if errors.Is(err, pgx.ErrNoRows) {
			return domain.Errorf(domain.ErrNotFound, "plan %q has no draft %q", plan.Name, name)
		}
		if err != nil {
			return err
		}
		if state != "open" || ws == nil {
			return domain.Errorf(domain.ErrConflict, "draft %q of plan %q is %s, not open; only an open draft can be discarded", name, plan.Name, state)
		}
		args["ws"] = *ws
		if _, err := tx.Exec(ctx, `UPDATE draft SET state = 'discarded', discarded_by = @actor, discarded_at = now(), updated_at = now(),
			ws_id = NULL WHERE plan_id = @plan AND name = @name`, args); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM workspace WHERE id = @ws`, args); err != nil {
			return err
		}
		d, err = scanDraft(tx.QueryRow(ctx, `SELECT `+draftColumns+` FROM draft d LEFT JOIN workspace w ON w.id = d.ws_id
			WHERE d.plan_id = @plan AND d.name = @name`, args))
		return err
	})
	return d, err
}
