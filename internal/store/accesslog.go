package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"
)

// LogEntry is one line of the append-only access log: who (Actor, and how
// they came: Via) did what (Event) to what (Subject), on which plan.
// Revisions enter it by a trigger; grants, tokens and accounts with the
// write they record.
type LogEntry struct {
	ID      int64          `json:"id"`
	At      time.Time      `json:"at"`
	PlanID  int64          `json:"-"` // 0: not about one plan (accounts, tokens)
	Plan    string         `json:"plan,omitempty"`
	Actor   string         `json:"actor"`
	Via     string         `json:"via,omitempty"`
	Event   string         `json:"event"`
	Subject string         `json:"subject"`
	Detail  map[string]any `json:"detail"`
}

// Access-log events besides the revision kinds (edit, import, publish,
// revert, rebase, record).
const (
	EventUserAdd     = "user_add"
	EventUserRemove  = "user_remove"
	EventGrant       = "grant"
	EventUngrant     = "ungrant"
	EventTokenCreate = "token_create"
	EventTokenRevoke = "token_revoke"
)

func appendLog(ctx context.Context, tx pgx.Tx, e LogEntry) error {
	detail, err := jsonObject(e.Detail)
	if err != nil {
		return err
	}
	var plan any
	if e.PlanID != 0 {
		plan = e.PlanID
	}
	_, err = tx.Exec(ctx, `INSERT INTO access_log (plan_id, plan_name, actor, via, event, subject, detail)
		VALUES (@plan, NULLIF(@name, ''), @actor, NULLIF(@via, ''), @event, @subject, @detail)`,
		pgx.NamedArgs{"plan": plan, "name": e.Plan, "actor": e.Actor, "via": e.Via, "event": e.Event,
			"subject": e.Subject, "detail": detail})
	return err
}

// Log reads the access log, oldest first: the plan's lines (planID > 0)
// or every line (planID 0), at most limit of the newest.
func (db *DB) Log(ctx context.Context, planID int64, limit int) ([]LogEntry, error) {
	rows, err := db.pool.Query(ctx, `SELECT * FROM (
		SELECT id, at, coalesce(plan_id, 0), coalesce(plan_name, ''), actor, coalesce(via, ''), event, subject, detail
		  FROM access_log WHERE @plan = 0 OR plan_id = @plan ORDER BY id DESC LIMIT @limit) t ORDER BY id`,
		pgx.NamedArgs{"plan": planID, "limit": limit})
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (LogEntry, error) {
		var e LogEntry
		var detail []byte
		if err := r.Scan(&e.ID, &e.At, &e.PlanID, &e.Plan, &e.Actor, &e.Via, &e.Event, &e.Subject, &detail); err != nil {
			return e, err
		}
		err := json.Unmarshal(detail, &e.Detail)
		return e, err
	})
}
