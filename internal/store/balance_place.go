package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
)

// Roles of a balance_place row.
const (
	PlaceTile    = 't' // the tiling grid counting the unit wholly ("" grid: none)
	PlaceOverlay = 'o' // an overlay special grid counting it again
	PlacePortion = 'p' // a polygon unit's share a grid holds by area ("" grid: no grid's)
)

// BalancePlace is one row of where a unit counts at a level.
type BalancePlace struct {
	Level               int
	Unit                int64
	Role                byte
	Grid                string // "" for none
	Persons, Households int
}

// BalanceShape is a grid's shape as the balance audit measured it, in the
// plan's metric CRS.
type BalanceShape struct {
	Code        string
	AreaM2      float64
	Compactness float64
	Parts       int
	Bound       orb.Bound
}

// BalanceCount is what the stored assignments give one grid: the persons,
// households and units it counts.
type BalanceCount struct {
	Level               int
	Grid                string
	Persons, Households int64
	Units               int64
}

// BalanceTotals are the figures of all a plan's units.
type BalanceTotals struct {
	Units               int
	Persons, Households int64
}

// BalanceStoredSource receives what the balance audit stored of a view,
// row by row: grids without their geometry, the units' totals, each
// grid's counts summed from the assignments, and the assignments that
// leave a unit (or a share of it) in no grid, with that unit's figures, in
// unit order.
type BalanceStoredSource struct {
	Grid       func(BalanceGrid, BalanceShape) error
	Totals     func(BalanceTotals) error
	Count      func(BalanceCount) error
	Unassigned func(BalancePlace, BalanceUnit) error
}

// ReadBalanceStored reads, in one read-only snapshot, a view's balance
// settings and what its latest balance results were computed from: the
// grids' attributes and measured shapes, the units' persons and
// households in total, the grids' counts from the stored assignments and
// the assignments to no grid. No geometry is read. The caller checks the settings' stamp before it trusts the rows
// (see BalanceSettings.ResultsVersion).
func (db *DB) ReadBalanceStored(ctx context.Context, ws int64, src BalanceStoredSource) (BalanceSettings, error) {
	var s BalanceSettings
	err := db.readOnly(ctx, func(tx pgx.Tx) error {
		var err error
		if s, err = balanceSettings(ctx, tx, ws); err != nil {
			return err
		}
		args := pgx.NamedArgs{"ws": ws}
		err = balanceRows(ctx, tx, `
			SELECT g.code, g.name, g.level, coalesce(g.parent_code, ''), g.kind, coalesce(g.mode, ''), g.category,
			       b.area_m2, b.compactness, b.parts, b.min_x, b.min_y, b.max_x, b.max_y
			  FROM grid g JOIN balance_grid b ON b.ws_id = g.ws_id AND b.code = g.code
			 WHERE g.ws_id = @ws ORDER BY g.level, g.code`, args, func(r pgx.Rows) error {
			var g BalanceGrid
			var sh BalanceShape
			var kind, mode string
			if err := r.Scan(&g.Code, &g.Name, &g.Level, &g.Parent, &kind, &mode, &g.Category, &sh.AreaM2, &sh.Compactness,
				&sh.Parts, &sh.Bound.Min[0], &sh.Bound.Min[1], &sh.Bound.Max[0], &sh.Bound.Max[1]); err != nil {
				return err
			}
			g.Kind, g.Mode, sh.Code = domain.Kind(kind), domain.Mode(mode), g.Code
			return src.Grid(g, sh)
		})
		if err != nil {
			return err
		}
		var t BalanceTotals
		err = tx.QueryRow(ctx, `SELECT count(*), coalesce(sum(persons), 0), coalesce(sum(households), 0) FROM unit
			WHERE plan_id = (SELECT plan_id FROM workspace WHERE id = @ws)`, args).Scan(&t.Units, &t.Persons, &t.Households)
		if err != nil {
			return err
		}
		if err := src.Totals(t); err != nil {
			return err
		}
		// PostgreSQL sums the assignments: a hundred thousand rows become
		// one per grid before they cross the wire.
		err = balanceRows(ctx, tx, `SELECT level, grid_code, sum(persons), sum(households), count(*)
			FROM balance_place WHERE ws_id = @ws AND grid_code IS NOT NULL GROUP BY level, grid_code`, args,
			func(r pgx.Rows) error {
				var c BalanceCount
				if err := r.Scan(&c.Level, &c.Grid, &c.Persons, &c.Households, &c.Units); err != nil {
					return err
				}
				return src.Count(c)
			})
		if err != nil {
			return err
		}
		return balanceRows(ctx, tx, `SELECT p.level, p.unit_id, p.role, p.persons, p.households, u.persons, u.households
			  FROM balance_place p JOIN unit u ON u.id = p.unit_id
			 WHERE p.ws_id = @ws AND p.grid_code IS NULL ORDER BY p.unit_id`, args, func(r pgx.Rows) error {
			var p BalancePlace
			var u BalanceUnit
			if err := r.Scan(&p.Level, &p.Unit, &p.Role, &p.Persons, &p.Households, &u.Persons, &u.Households); err != nil {
				return err
			}
			u.ID = p.Unit
			return src.Unassigned(p, u)
		})
	})
	return s, err
}

// BalancePlaceWrite is what a balance audit writes of its assignments: all
// of them (All), or for each level the units (Units) whose rows Places
// replace; and the shapes of grids measured again, those of Removed grids
// dropped.
type BalancePlaceWrite struct {
	All     bool
	Units   map[int][]int64 // level → units whose rows are replaced
	Places  []BalancePlace
	Shapes  []BalanceShape
	Removed []string
}

// WriteBalancePlaces stores a balance audit's assignments and grid shapes
// in one transaction, under the lock that orders every writer of the
// view's results.
func (db *DB) WriteBalancePlaces(ctx context.Context, ws int64, w BalancePlaceWrite) error {
	return db.inTx(ctx, func(tx pgx.Tx) error {
		if err := lockResults(ctx, tx, ws); err != nil {
			return err
		}
		args := pgx.NamedArgs{"ws": ws, "removed": balanceNonNil(w.Removed)}
		if w.All {
			if _, err := tx.Exec(ctx, `DELETE FROM balance_place WHERE ws_id = @ws`, args); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `DELETE FROM balance_grid WHERE ws_id = @ws`, args); err != nil {
				return err
			}
		}
		for level, units := range w.Units {
			if w.All || len(units) == 0 {
				continue
			}
			_, err := tx.Exec(ctx, `DELETE FROM balance_place WHERE ws_id = @ws AND level = @level AND unit_id = ANY(@units)`,
				pgx.NamedArgs{"ws": ws, "level": level, "units": units})
			if err != nil {
				return err
			}
		}
		if len(w.Removed) > 0 {
			if _, err := tx.Exec(ctx, `DELETE FROM balance_grid WHERE ws_id = @ws AND code = ANY(@removed)`, args); err != nil {
				return err
			}
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"balance_place"},
			[]string{"ws_id", "level", "unit_id", "role", "grid_code", "persons", "households"},
			pgx.CopyFromSlice(len(w.Places), func(i int) ([]any, error) {
				p := w.Places[i]
				return []any{ws, p.Level, p.Unit, p.Role, nullIfEmpty(p.Grid), p.Persons, p.Households}, nil
			}))
		if err != nil {
			return pgError(err, "balance assignments")
		}
		if len(w.Shapes) == 0 {
			return nil
		}
		if !w.All {
			codes := make([]string, len(w.Shapes))
			for i, sh := range w.Shapes {
				codes[i] = sh.Code
			}
			if _, err := tx.Exec(ctx, `DELETE FROM balance_grid WHERE ws_id = @ws AND code = ANY(@codes)`,
				pgx.NamedArgs{"ws": ws, "codes": codes}); err != nil {
				return err
			}
		}
		_, err = tx.CopyFrom(ctx, pgx.Identifier{"balance_grid"},
			[]string{"ws_id", "code", "area_m2", "compactness", "parts", "min_x", "min_y", "max_x", "max_y"},
			pgx.CopyFromSlice(len(w.Shapes), func(i int) ([]any, error) {
				sh := w.Shapes[i]
				return []any{ws, sh.Code, sh.AreaM2, sh.Compactness, sh.Parts, sh.Bound.Min[0], sh.Bound.Min[1],
					sh.Bound.Max[0], sh.Bound.Max[1]}, nil
			}))
		return pgError(err, "balance shapes")
	})
}

// BalanceGeometries reads the metric shapes of the given grids of a view:
// what a report built from stored assignments needs of geometry (the
// boundary merge candidates share), and nothing more.
func (db *DB) BalanceGeometries(ctx context.Context, ws int64, codes []string) (map[string]orb.MultiPolygon, error) {
	out := make(map[string]orb.MultiPolygon, len(codes))
	err := balanceRows(ctx, db.pool, `SELECT code, ST_AsBinary(geom_m) FROM grid WHERE ws_id = @ws AND code = ANY(@codes)`,
		pgx.NamedArgs{"ws": ws, "codes": codes}, func(r pgx.Rows) error {
			var code string
			var wkb []byte
			if err := r.Scan(&code, &wkb); err != nil {
				return err
			}
			g, err := decodeMultiPolygon(wkb)
			if err != nil {
				return fmt.Errorf("grid %q: %w", code, err)
			}
			out[code] = g
			return nil
		})
	return out, err
}
