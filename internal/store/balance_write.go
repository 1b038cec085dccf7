package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/gridplan/gridplan/internal/domain"
)

// GridStat is one grid's computed population figures, as grid_stats holds
// them.
type GridStat struct {
	Code string
	domain.GridStats
}

// WriteGridStats stores computed grid figures in one transaction: with all,
// the stats replace every row of the plan; otherwise they are upserted and
// the rows of removed codes deleted (one grid's edit rewrites only the
// rows it changed).
func (db *DB) WriteGridStats(ctx context.Context, ws int64, all bool, stats []GridStat, removed []string) error {
	return db.inTx(ctx, func(tx pgx.Tx) error {
		if err := lockResults(ctx, tx, ws); err != nil {
			return err
		}
		args := pgx.NamedArgs{"ws": ws, "removed": removed}
		var planID int64
		if err := tx.QueryRow(ctx, `SELECT plan_id FROM workspace WHERE id = @ws`, args).Scan(&planID); err != nil {
			return err
		}
		args["plan"] = planID
		if all {
			if _, err := tx.Exec(ctx, `DELETE FROM grid_stats WHERE ws_id = @ws`, args); err != nil {
				return err
			}
			_, err := tx.CopyFrom(ctx, pgx.Identifier{"grid_stats"},
				[]string{"plan_id", "ws_id", "code", "persons", "households", "units", "deviation_pct", "band"},
				pgx.CopyFromSlice(len(stats), func(i int) ([]any, error) {
					s := stats[i]
					return []any{planID, ws, s.Code, s.Persons, s.Households, s.Units, s.DeviationPct, nullIfEmpty(s.Band)}, nil
				}))
			return pgError(err, "grid stats")
		}
		if len(removed) > 0 {
			if _, err := tx.Exec(ctx, `DELETE FROM grid_stats WHERE ws_id = @ws AND code = ANY(@removed)`, args); err != nil {
				return err
			}
		}
		if len(stats) == 0 {
			return nil
		}
		codes, bands := make([]string, len(stats)), make([]*string, len(stats))
		persons, households, units := make([]int32, len(stats)), make([]int32, len(stats)), make([]int32, len(stats))
		deviations := make([]float64, len(stats))
		for i, s := range stats {
			codes[i], persons[i], households[i], units[i], deviations[i] = s.Code, int32(s.Persons), int32(s.Households), int32(s.Units), s.DeviationPct
			if s.Band != "" {
				bands[i] = &stats[i].Band
			}
		}
		args["codes"], args["persons"], args["households"], args["units"], args["deviations"], args["bands"] =
			codes, persons, households, units, deviations, bands
		_, err := tx.Exec(ctx, `
			INSERT INTO grid_stats (plan_id, ws_id, code, persons, households, units, deviation_pct, band)
			SELECT @plan, @ws, * FROM unnest(@codes::text[], @persons::int[], @households::int[], @units::int[], @deviations::float8[], @bands::text[])
			ON CONFLICT (ws_id, code) DO UPDATE SET persons = excluded.persons, households = excluded.households,
				units = excluded.units, deviation_pct = excluded.deviation_pct, band = excluded.band`, args)
		return pgError(err, "grid stats")
	})
}

func balanceNonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// SetLevelBand sets one level's name, band and target size for a plan,
// adding the level when the plan has none of that number.
func (db *DB) SetLevelBand(ctx context.Context, planID int64, l BalanceLevel) error {
	b := l.Band
	_, err := db.pool.Exec(ctx, `
		INSERT INTO plan_level (plan_id, level, name, min_persons, max_persons, min_households, max_households, target_persons)
		VALUES (@plan, @level, @name, NULLIF(@min_p, 0), NULLIF(@max_p, 0), NULLIF(@min_h, 0), NULLIF(@max_h, 0), NULLIF(@target, 0))
		ON CONFLICT (plan_id, level) DO UPDATE SET name = excluded.name,
			min_persons = excluded.min_persons, max_persons = excluded.max_persons,
			min_households = excluded.min_households, max_households = excluded.max_households,
			target_persons = excluded.target_persons`,
		pgx.NamedArgs{"plan": planID, "level": l.Level.Level, "name": l.Name,
			"min_p": b.MinPersons, "max_p": b.MaxPersons, "min_h": b.MinHouseholds, "max_h": b.MaxHouseholds,
			"target": l.TargetPersons})
	return pgError(err, fmt.Sprintf("level %d", l.Level.Level))
}

// SetPolygonUnits sets how the plan's balance audit shares polygon units
// among grids (PolygonUnitsAreaShare or PolygonUnitsInteriorPoint).
func (db *DB) SetPolygonUnits(ctx context.Context, planID int64, rule string) error {
	if rule != PolygonUnitsAreaShare && rule != PolygonUnitsInteriorPoint {
		return domain.Errorf(domain.ErrInvalid, "polygon units rule %q: want %s or %s", rule, PolygonUnitsAreaShare, PolygonUnitsInteriorPoint)
	}
	_, err := db.pool.Exec(ctx, `INSERT INTO plan_balance (plan_id, polygon_units) VALUES (@plan, @rule)
		ON CONFLICT (plan_id) DO UPDATE SET polygon_units = excluded.polygon_units`,
		pgx.NamedArgs{"plan": planID, "rule": rule})
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23503" { // foreign_key_violation
		return domain.Errorf(domain.ErrNotFound, "plan %d does not exist", planID)
	}
	return err
}

// SetBalanceResults records the view version and settings key the stored
// grid_stats rows and balance findings of workspace ws now reflect.
func (db *DB) SetBalanceResults(ctx context.Context, ws, version int64, key string) error {
	_, err := db.pool.Exec(ctx, `UPDATE workspace SET results_version = @version, results_key = @key WHERE id = @ws`,
		pgx.NamedArgs{"ws": ws, "version": version, "key": key})
	return err
}

// BalanceWritten reads what the plan's latest balance audit stored: its
// grid_stats rows by code, and a key per finding — kind, severity, level,
// parent, grids (comma-separated) and reason, joined by U+001F — so a new
// audit writes only what differs.
func (db *DB) BalanceWritten(ctx context.Context, ws int64) (map[string]domain.GridStats, []string, error) {
	args := pgx.NamedArgs{"ws": ws}
	stats := map[string]domain.GridStats{}
	// A row without units (written before they were kept) differs from
	// any count, so the next audit writes it again.
	err := balanceRows(ctx, db.pool, `SELECT code, persons, households, coalesce(units, -1), coalesce(deviation_pct, 0), coalesce(band, '')
		FROM grid_stats WHERE ws_id = @ws`, args, func(r pgx.Rows) error {
		var code string
		var s domain.GridStats
		if err := r.Scan(&code, &s.Persons, &s.Households, &s.Units, &s.DeviationPct, &s.Band); err != nil {
			return err
		}
		stats[code] = s
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	var keys []string
	err = balanceRows(ctx, db.pool, `SELECT concat_ws(chr(31), kind, severity, coalesce(level, 0), coalesce(parent_code, ''),
		array_to_string(grids, ','), reason) FROM finding WHERE ws_id = @ws AND check_name = 'balance'`, args,
		func(r pgx.Rows) error {
			var k string
			if err := r.Scan(&k); err != nil {
				return err
			}
			keys = append(keys, k)
			return nil
		})
	return stats, keys, err
}
