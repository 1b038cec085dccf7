package store

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/gridplan/gridplan/internal/domain"
)

// ReplaceFindings stores the findings of one check's latest audit of a view
// of a plan (workspace ws), replacing that check's previous findings in one
// transaction. Geometries are WGS84.
func (db *DB) ReplaceFindings(ctx context.Context, ws int64, check string, findings []domain.Finding) error {
	return db.inTx(ctx, func(tx pgx.Tx) error {
		args := pgx.NamedArgs{"ws": ws, "check": check}
		if _, err := tx.Exec(ctx, `DELETE FROM finding WHERE ws_id = @ws AND check_name = @check`, args); err != nil {
			return err
		}
		rows := make([][]any, len(findings))
		for i, f := range findings {
			var wkb []byte
			if f.Geometry != nil {
				var err error
				if wkb, err = encodeEWKB(f.Geometry, domain.WGS84); err != nil {
					return err
				}
			}
			grids := f.Grids
			if grids == nil {
				grids = []string{}
			}
			rows[i] = []any{i, f.Kind, f.Severity, nullIfZero(f.Level), nullIfEmpty(f.Parent), grids, f.AreaM2, f.WidthM, f.Reason, wkb}
		}
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE finding_in (ord int, kind text, severity text, level int,
			parent_code text, grids text[], area_m2 float8, width_m float8, reason text, wkb bytea) ON COMMIT DROP`); err != nil {
			return err
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"finding_in"},
			[]string{"ord", "kind", "severity", "level", "parent_code", "grids", "area_m2", "width_m", "reason", "wkb"},
			pgx.CopyFromRows(rows)); err != nil {
			return pgError(err, "finding")
		}
		_, err := tx.Exec(ctx, `
			INSERT INTO finding (plan_id, ws_id, check_name, kind, severity, level, parent_code, grids, area_m2, width_m, reason, geom)
			SELECT (SELECT plan_id FROM workspace WHERE id = @ws), @ws, @check, kind, severity, level, parent_code, grids,
			       area_m2, width_m, reason, ST_GeomFromEWKB(wkb)
			  FROM finding_in ORDER BY ord`, args)
		return pgError(err, "finding")
	})
}

// EachFinding streams the stored findings of every check of a view of a
// plan (workspace ws), in id order.
func (db *DB) EachFinding(ctx context.Context, ws int64, fn func(domain.Finding) error) error {
	rows, err := db.pool.Query(ctx, `SELECT `+findingColumns+` FROM finding WHERE ws_id = @ws ORDER BY id`,
		pgx.NamedArgs{"ws": ws})
	return eachRow(rows, err, scanFinding, fn)
}

const findingColumns = `id, check_name, kind, severity, coalesce(level, 0), coalesce(parent_code, ''),
	grids, coalesce(area_m2, 0), coalesce(width_m, 0), reason, ST_AsEWKB(geom)`

func scanFinding(r pgx.Row) (domain.Finding, error) {
	var f domain.Finding
	var wkb []byte
	if err := r.Scan(&f.ID, &f.Check, &f.Kind, &f.Severity, &f.Level, &f.Parent, &f.Grids, &f.AreaM2, &f.WidthM, &f.Reason, &wkb); err != nil {
		return f, err
	}
	var err error
	if wkb != nil {
		f.Geometry, err = decodeEWKB(wkb)
	}
	return f, err
}

func nullIfZero(n int) any {
	if n == 0 {
		return nil
	}
	return n
}
