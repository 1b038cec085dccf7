package store

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// BalanceShared is the boundary length two grids of a view share (A < B),
// as the balance audit measured it for its merge suggestions.
type BalanceShared struct {
	A, B    string
	SharedM float64
}

// WriteBalanceShared stores shared boundary lengths measured within tol
// on the grids of workspace ws at view version version. Nothing is
// written when the view has moved on since: its shapes may differ from
// those measured. A later rewrite of either grid's shape deletes the row
// (WriteBalancePlaces), so a stored length is always of current shapes.
func (db *DB) WriteBalanceShared(ctx context.Context, ws, version int64, tol float64, rows []BalanceShared) error {
	return db.inTx(ctx, func(tx pgx.Tx) error {
		if err := lockResults(ctx, tx, ws); err != nil {
			return err
		}
		args := pgx.NamedArgs{"ws": ws, "tol": tol}
		var now int64
		if err := tx.QueryRow(ctx, viewVersionSQL, args).Scan(&now); err != nil || now != version {
			return err
		}
		as, bs, lengths := make([]string, len(rows)), make([]string, len(rows)), make([]float64, len(rows))
		for i, r := range rows {
			as[i], bs[i], lengths[i] = r.A, r.B, r.SharedM
		}
		args["a"], args["b"], args["shared"] = as, bs, lengths
		_, err := tx.Exec(ctx, `
			INSERT INTO balance_shared (ws_id, a, b, tol_m, shared_m)
			SELECT @ws, a, b, @tol, s FROM unnest(@a::text[], @b::text[], @shared::float8[]) AS t(a, b, s)
			ON CONFLICT (ws_id, a, b) DO UPDATE SET tol_m = excluded.tol_m, shared_m = excluded.shared_m`, args)
		return pgError(err, "balance shared boundaries")
	})
}

// deleteBalanceShared drops the stored shared lengths of workspace ws that
// involve one of codes (all of them when all is set): their shapes are
// being written again.
func deleteBalanceShared(ctx context.Context, tx pgx.Tx, ws int64, all bool, codes []string) error {
	if !all && len(codes) == 0 {
		return nil
	}
	sql := `DELETE FROM balance_shared WHERE ws_id = @ws`
	if !all {
		sql += ` AND (a = ANY(@codes) OR b = ANY(@codes))`
	}
	_, err := tx.Exec(ctx, sql, pgx.NamedArgs{"ws": ws, "codes": codes})
	return err
}
