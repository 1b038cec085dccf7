package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gridplan/gridplan/internal/domain"
)

// This file keeps accounts and their grants. Every change is written with
// its line of the access log in one transaction.

// User is an account.
type User struct {
	ID           int64     `json:"-"`
	Name         string    `json:"name"`
	PasswordHash string    `json:"-"` // bcrypt; "" for a token-only account
	Demo         bool      `json:"demo,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
}

// UserGrant is one grant of a user, for listings.
type UserGrant struct {
	User      string    `json:"user"`
	Plan      string    `json:"plan"`
	Role      string    `json:"role"`
	Scope     string    `json:"scope,omitempty"`
	GrantedBy string    `json:"granted_by"`
	GrantedAt time.Time `json:"granted_at"`
}

// CreateUser adds an account; passwordHash "" makes it token-only.
func (db *DB) CreateUser(ctx context.Context, name, passwordHash string, demo bool, entry LogEntry) (User, error) {
	var u User
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO app_user (name, password_hash, demo) VALUES (@name, NULLIF(@hash, ''), @demo)
			RETURNING id, name, coalesce(password_hash, ''), demo, created_at`,
			pgx.NamedArgs{"name": name, "hash": passwordHash, "demo": demo}).
			Scan(&u.ID, &u.Name, &u.PasswordHash, &u.Demo, &u.CreatedAt)
		if err != nil {
			return pgError(err, "user "+name)
		}
		return appendLog(ctx, tx, entry)
	})
	return u, err
}

// User reads the account named name.
func (db *DB) User(ctx context.Context, name string) (User, error) {
	var u User
	err := db.pool.QueryRow(ctx, `SELECT id, name, coalesce(password_hash, ''), demo, created_at FROM app_user WHERE name = @name`,
		pgx.NamedArgs{"name": name}).Scan(&u.ID, &u.Name, &u.PasswordHash, &u.Demo, &u.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return u, domain.Errorf(domain.ErrNotFound, "no user %q", name)
	}
	return u, err
}

// Users lists the accounts by name.
func (db *DB) Users(ctx context.Context) ([]User, error) {
	rows, err := db.pool.Query(ctx, `SELECT id, name, coalesce(password_hash, ''), demo, created_at FROM app_user ORDER BY name`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (User, error) {
		var u User
		err := r.Scan(&u.ID, &u.Name, &u.PasswordHash, &u.Demo, &u.CreatedAt)
		return u, err
	})
}

// RemoveUser deletes an account with its grants, tokens and sessions.
func (db *DB) RemoveUser(ctx context.Context, name string, entry LogEntry) error {
	return db.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM app_user WHERE name = @name`, pgx.NamedArgs{"name": name})
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return domain.Errorf(domain.ErrNotFound, "no user %q", name)
		}
		return appendLog(ctx, tx, entry)
	})
}

// AddGrant gives user a role on plan (a grant that exists already is
// kept as it is).
func (db *DB) AddGrant(ctx context.Context, user string, plan domain.Plan, g domain.Grant, by string, entry LogEntry) error {
	return db.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO plan_grant (user_id, plan_id, role, scope, granted_by)
			SELECT u.id, @plan, @role, @scope, @by FROM app_user u WHERE u.name = @user
			ON CONFLICT (user_id, plan_id, role, scope) DO NOTHING`,
			pgx.NamedArgs{"user": user, "plan": plan.ID, "role": string(g.Role), "scope": g.Scope, "by": by})
		if err != nil {
			return pgError(err, "grant")
		}
		if tag.RowsAffected() == 0 {
			if _, err := userID(ctx, tx, user); err != nil {
				return err
			}
			return nil // already granted: nothing to log
		}
		return appendLog(ctx, tx, entry)
	})
}

// RemoveGrants takes user's grants on plan away: those of role, or all
// when role is "". It returns how many went.
func (db *DB) RemoveGrants(ctx context.Context, user string, plan domain.Plan, role domain.Role, entry LogEntry) (int64, error) {
	var n int64
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		id, err := userID(ctx, tx, user)
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM plan_grant WHERE user_id = @id AND plan_id = @plan AND (@role = '' OR role = @role)`,
			pgx.NamedArgs{"id": id, "plan": plan.ID, "role": string(role)})
		if err != nil {
			return err
		}
		if n = tag.RowsAffected(); n == 0 {
			return nil
		}
		return appendLog(ctx, tx, entry)
	})
	return n, err
}

func userID(ctx context.Context, q querier, name string) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `SELECT id FROM app_user WHERE name = @name`, pgx.NamedArgs{"name": name}).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, domain.Errorf(domain.ErrNotFound, "no user %q; add it with: gridplan user add %s", name, name)
	}
	return id, err
}

// GrantsOf is what user holds on the plan with id planID.
func (db *DB) GrantsOf(ctx context.Context, user string, planID int64) (domain.Grants, error) {
	rows, err := db.pool.Query(ctx, `SELECT g.role, g.scope FROM plan_grant g JOIN app_user u ON u.id = g.user_id
		WHERE u.name = @user AND g.plan_id = @plan ORDER BY g.role, g.scope`, pgx.NamedArgs{"user": user, "plan": planID})
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.Grant, error) {
		var g domain.Grant
		var role string
		err := r.Scan(&role, &g.Scope)
		g.Role = domain.Role(role)
		return g, err
	})
}

// Grants lists the grants of user ("" for every user's), by user and plan.
func (db *DB) Grants(ctx context.Context, user string) ([]UserGrant, error) {
	rows, err := db.pool.Query(ctx, `SELECT u.name, p.name, g.role, g.scope, g.granted_by, g.granted_at
		  FROM plan_grant g JOIN app_user u ON u.id = g.user_id JOIN plan p ON p.id = g.plan_id
		 WHERE @user = '' OR u.name = @user ORDER BY u.name, p.name, g.role, g.scope`, pgx.NamedArgs{"user": user})
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (UserGrant, error) {
		var g UserGrant
		err := r.Scan(&g.User, &g.Plan, &g.Role, &g.Scope, &g.GrantedBy, &g.GrantedAt)
		return g, err
	})
}
