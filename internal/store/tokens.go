package store

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gridplan/gridplan/internal/domain"
)

// This file keeps bearer tokens and browser sessions, both by the SHA-256
// of their secret: the secret itself is never stored.

// Token is a bearer token's record (never its secret).
type Token struct {
	ID         int64      `json:"id"`
	User       string     `json:"user"`
	Label      string     `json:"label"`
	CreatedBy  string     `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

const tokenColumns = `t.id, u.name, t.label, t.created_by, t.created_at, t.expires_at, t.revoked_at, t.last_used_at`

func scanToken(r pgx.Row) (Token, error) {
	var t Token
	err := r.Scan(&t.ID, &t.User, &t.Label, &t.CreatedBy, &t.CreatedAt, &t.ExpiresAt, &t.RevokedAt, &t.LastUsedAt)
	return t, err
}

// CreateToken stores a token of user by the hash of its secret. entry is
// logged with the new token's id as its subject.
func (db *DB) CreateToken(ctx context.Context, user, label string, hash []byte, expires *time.Time, entry LogEntry) (Token, error) {
	var t Token
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		id, err := userID(ctx, tx, user)
		if err != nil {
			return err
		}
		var tokenID int64
		err = tx.QueryRow(ctx, `INSERT INTO api_token (user_id, label, secret_hash, created_by, expires_at)
			VALUES (@id, @label, @hash, @by, @expires) RETURNING id`,
			pgx.NamedArgs{"id": id, "label": label, "hash": hash, "by": entry.Actor, "expires": expires}).Scan(&tokenID)
		if err != nil {
			return pgError(err, "token")
		}
		if t, err = scanToken(tx.QueryRow(ctx, `SELECT `+tokenColumns+` FROM api_token t JOIN app_user u ON u.id = t.user_id
			WHERE t.id = @id`, pgx.NamedArgs{"id": tokenID})); err != nil {
			return err
		}
		entry.Subject = tokenSubject(tokenID)
		return appendLog(ctx, tx, entry)
	})
	return t, err
}

func tokenSubject(id int64) string { return "token " + strconv.FormatInt(id, 10) }

// Tokens lists the tokens of user ("" for everyone's), newest first.
func (db *DB) Tokens(ctx context.Context, user string) ([]Token, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+tokenColumns+` FROM api_token t JOIN app_user u ON u.id = t.user_id
		WHERE @user = '' OR u.name = @user ORDER BY t.id DESC`, pgx.NamedArgs{"user": user})
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Token, error) { return scanToken(r) })
}

// RevokeToken revokes token id for good.
func (db *DB) RevokeToken(ctx context.Context, id int64, entry LogEntry) error {
	return db.inTx(ctx, func(tx pgx.Tx) error {
		var user string
		err := tx.QueryRow(ctx, `UPDATE api_token t SET revoked_at = coalesce(t.revoked_at, now()) FROM app_user u
			WHERE t.id = @id AND u.id = t.user_id RETURNING u.name`, pgx.NamedArgs{"id": id}).Scan(&user)
		if errors.Is(err, pgx.ErrNoRows) {
			return domain.Errorf(domain.ErrNotFound, "no token %d; gridplan token list shows them", id)
		}
		if err != nil {
			return err
		}
		entry.Subject = tokenSubject(id)
		entry.Detail = map[string]any{"user": user}
		return appendLog(ctx, tx, entry)
	})
}

// TokenUser finds the token whose secret hashes to hash, when it is
// neither revoked nor expired, and notes its use (at most once a minute,
// so that busy clients do not write on every request).
func (db *DB) TokenUser(ctx context.Context, hash []byte) (Token, bool, error) {
	t, err := scanToken(db.pool.QueryRow(ctx, `SELECT `+tokenColumns+` FROM api_token t JOIN app_user u ON u.id = t.user_id
		WHERE t.secret_hash = @hash AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())`,
		pgx.NamedArgs{"hash": hash}))
	if errors.Is(err, pgx.ErrNoRows) {
		return t, false, nil
	}
	if err != nil {
		return t, false, err
	}
	if t.LastUsedAt == nil || time.Since(*t.LastUsedAt) > time.Minute {
		if _, err := db.pool.Exec(ctx, `UPDATE api_token SET last_used_at = now() WHERE id = @id`, pgx.NamedArgs{"id": t.ID}); err != nil {
			return t, false, err
		}
	}
	return t, true, nil
}

// CreateSession stores a browser session of user by the hash of its
// secret, and forgets expired ones.
func (db *DB) CreateSession(ctx context.Context, user string, hash []byte, expires time.Time) error {
	return db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM web_session WHERE expires_at < now()`); err != nil {
			return err
		}
		id, err := userID(ctx, tx, user)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO web_session (secret_hash, user_id, expires_at) VALUES (@hash, @id, @expires)`,
			pgx.NamedArgs{"hash": hash, "id": id, "expires": expires})
		return err
	})
}

// SessionUser names the user of the unexpired session whose secret hashes
// to hash.
func (db *DB) SessionUser(ctx context.Context, hash []byte) (string, bool, error) {
	var user string
	err := db.pool.QueryRow(ctx, `SELECT u.name FROM web_session s JOIN app_user u ON u.id = s.user_id
		WHERE s.secret_hash = @hash AND s.expires_at > now()`, pgx.NamedArgs{"hash": hash}).Scan(&user)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	return user, err == nil, err
}

// DeleteSession ends a session (logout).
func (db *DB) DeleteSession(ctx context.Context, hash []byte) error {
	_, err := db.pool.Exec(ctx, `DELETE FROM web_session WHERE secret_hash = @hash`, pgx.NamedArgs{"hash": hash})
	return err
}
