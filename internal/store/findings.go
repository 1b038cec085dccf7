package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/gridplan/gridplan/internal/domain"
)

// ReplaceFindings stores the findings of one check's latest audit of a view
// of a plan (workspace ws), replacing all that check's previous findings in
// one transaction, and records stamp — what they were computed for, in the
// check's own words — beside them (see FindingsStamp). Geometries are WGS84.
func (db *DB) ReplaceFindings(ctx context.Context, ws int64, check, stamp string, findings []domain.Finding) error {
	return db.replaceFindings(ctx, ws, check, FindingScope{All: true}, findings, stamp)
}

// FindingsStamp is the stamp the view's stored findings of check were
// written with ("" when none was).
func (db *DB) FindingsStamp(ctx context.Context, ws int64, check string) (string, error) {
	var stamp string
	err := db.pool.QueryRow(ctx, `SELECT coalesce((SELECT stamp FROM finding_stamp WHERE ws_id = @ws AND check_name = @check), '')`,
		pgx.NamedArgs{"ws": ws, "check": check}).Scan(&stamp)
	return stamp, err
}

// FindingScope says which of a check's stored findings a write replaces:
// all of them, or those naming one of Grids or of one of Kinds.
type FindingScope struct {
	All   bool
	Grids []string
	Kinds []string
}

// ReplaceFindingsIn replaces the findings of check within scope by
// findings, in one transaction. A finding without a geometry that names
// exactly one grid gets that grid's outline, copied in the database, so
// callers working in the metric CRS need not fetch WGS84 shapes.
func (db *DB) ReplaceFindingsIn(ctx context.Context, ws int64, check string, scope FindingScope, findings []domain.Finding) error {
	return db.replaceFindings(ctx, ws, check, scope, findings, "")
}

// replaceFindings replaces the findings in scope and records stamp (none
// when ""; a scoped write clears it, being one the stamp no longer covers).
func (db *DB) replaceFindings(ctx context.Context, ws int64, check string, scope FindingScope, findings []domain.Finding, stamp string) error {
	return db.inTx(ctx, func(tx pgx.Tx) error {
		if err := lockResults(ctx, tx, ws); err != nil {
			return err
		}
		args := pgx.NamedArgs{"ws": ws, "check": check, "all": scope.All,
			"grids": balanceNonNil(scope.Grids), "kinds": balanceNonNil(scope.Kinds)}
		if _, err := tx.Exec(ctx, `DELETE FROM finding WHERE ws_id = @ws AND check_name = @check
			AND (@all OR grids && @grids::text[] OR kind = ANY(@kinds::text[]))`, args); err != nil {
			return err
		}
		args["stamp"] = stamp
		if _, err := tx.Exec(ctx, `DELETE FROM finding_stamp WHERE ws_id = @ws AND check_name = @check`, args); err != nil {
			return err
		}
		if stamp != "" {
			if _, err := tx.Exec(ctx, `INSERT INTO finding_stamp (ws_id, check_name, stamp) VALUES (@ws, @check, @stamp)`, args); err != nil {
				return err
			}
		}
		if len(findings) == 0 {
			return nil
		}
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE finding_in (ord int, kind text, severity text, level int,
			parent_code text, grids text[], area_m2 float8, width_m float8, reason text, wkb bytea) ON COMMIT DROP`); err != nil {
			return err
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"finding_in"},
			[]string{"ord", "kind", "severity", "level", "parent_code", "grids", "area_m2", "width_m", "reason", "wkb"},
			pgx.CopyFromSlice(len(findings), func(i int) ([]any, error) {
				f := findings[i]
				var wkb []byte
				if f.Geometry != nil {
					var err error
					if wkb, err = encodeEWKB(f.Geometry, domain.WGS84); err != nil {
						return nil, fmt.Errorf("finding %d: %w", i, err)
					}
				}
				return []any{i, f.Kind, f.Severity, nullIfZero(f.Level), nullIfEmpty(f.Parent), balanceNonNil(f.Grids),
					f.AreaM2, f.WidthM, f.Reason, wkb}, nil
			}))
		if err != nil {
			return pgError(err, "finding")
		}
		_, err = tx.Exec(ctx, `
			INSERT INTO finding (plan_id, ws_id, check_name, kind, severity, level, parent_code, grids, area_m2, width_m, reason, geom)
			SELECT (SELECT plan_id FROM workspace WHERE id = @ws), @ws, @check, f.kind, f.severity, f.level, f.parent_code, f.grids, f.area_m2, f.width_m, f.reason,
			       coalesce(ST_GeomFromEWKB(f.wkb), g.geom)
			  FROM finding_in f
			  LEFT JOIN grid g ON f.wkb IS NULL AND cardinality(f.grids) = 1 AND g.ws_id = @ws AND g.code = f.grids[1]
			 ORDER BY f.ord`, args)
		return pgError(err, "finding")
	})
}

// lockResults serialises, per workspace, the transactions that replace
// derived results (findings, grid statistics). Each deletes rows and
// inserts their successors; two of them side by side under READ COMMITTED
// would each delete only the rows committed before it began and so keep
// both sets of successors. The lock is an advisory one, so readers and
// change sets are never held up by it.
func lockResults(ctx context.Context, tx pgx.Tx, ws int64) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('gridplan results', @ws))`, pgx.NamedArgs{"ws": ws})
	return err
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
