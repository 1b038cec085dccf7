package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

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

// BalanceCount is what the latest balance audit stored of one grid's
// counts: the persons, households and units it counts.
type BalanceCount struct {
	Persons, Households int64
	Units               int64
}

// BalanceTotals are the figures of all a plan's units.
type BalanceTotals struct {
	Units               int
	Persons, Households int64
}

// BalanceStoredSource receives what the balance audit stored of a view,
// row by row: grids without their geometry, with their measured shapes and
// counts (complete false: the audit stored no shape or no count of that
// grid), the units' totals, and the assignments that leave a unit (or a
// share of it) in no grid, with that unit's figures, in unit order.
type BalanceStoredSource struct {
	Grid       func(g BalanceGrid, sh BalanceShape, c BalanceCount, complete bool) error
	Totals     func(BalanceTotals) error
	Unassigned func(BalancePlace, BalanceUnit) error
}

// ReadBalanceStored reads, in one read-only snapshot, a view's balance
// settings and what its latest balance results were computed from: the
// grids' attributes, measured shapes and counts, the units' persons and
// households in total, and the assignments to no grid. No geometry is
// read, and no assignment that puts a unit in a grid: the grid's stored
// counts already sum them. The caller checks the settings' stamp before it
// trusts the rows (see BalanceSettings.ResultsVersion).
func (db *DB) ReadBalanceStored(ctx context.Context, ws int64, src BalanceStoredSource) (BalanceSettings, error) {
	var s BalanceSettings
	var stored storedBalance
	err := db.readOnly(ctx, func(tx pgx.Tx) error {
		var err error
		if s, err = balanceSettings(ctx, tx, ws); err != nil {
			return err
		}
		return stored.read(ctx, db, tx, pgx.NamedArgs{"ws": ws, "plan": s.PlanID})
	})
	if err != nil {
		return s, err
	}
	return s, stored.pass(src)
}

// storedBalance is what ReadBalanceStored reads, held until every read is
// done: they run side by side.
type storedBalance struct {
	shapes     map[string]BalanceShape
	counts     map[string]BalanceCount
	grids      []BalanceGrid
	totals     BalanceTotals
	unassigned []BalancePlace
	units      []BalanceUnit
}

func (b *storedBalance) read(ctx context.Context, db *DB, tx pgx.Tx, args pgx.NamedArgs) error {
	return db.alongside(ctx, tx, func(tx pgx.Tx) error {
		return balanceRows(ctx, tx, `SELECT code, name, level, coalesce(parent_code, ''), kind, coalesce(mode, ''), category
			FROM grid WHERE ws_id = @ws`, args, func(r pgx.Rows) error {
			var g BalanceGrid
			var kind, mode string
			if err := r.Scan(&g.Code, &g.Name, &g.Level, &g.Parent, &kind, &mode, &g.Category); err != nil {
				return err
			}
			g.Kind, g.Mode = domain.Kind(kind), domain.Mode(mode)
			b.grids = append(b.grids, g)
			return nil
		})
	}, func(tx pgx.Tx) error {
		b.shapes = map[string]BalanceShape{}
		return balanceRows(ctx, tx, `SELECT code, area_m2, compactness, parts, min_x, min_y, max_x, max_y
			FROM balance_grid WHERE ws_id = @ws`, args, func(r pgx.Rows) error {
			var sh BalanceShape
			if err := r.Scan(&sh.Code, &sh.AreaM2, &sh.Compactness, &sh.Parts,
				&sh.Bound.Min[0], &sh.Bound.Min[1], &sh.Bound.Max[0], &sh.Bound.Max[1]); err != nil {
				return err
			}
			b.shapes[sh.Code] = sh
			return nil
		})
	}, func(tx pgx.Tx) error {
		b.counts = map[string]BalanceCount{}
		return balanceRows(ctx, tx, `SELECT code, persons, households, units FROM grid_stats WHERE ws_id = @ws AND units IS NOT NULL`,
			args, func(r pgx.Rows) error {
				var code string
				var c BalanceCount
				if err := r.Scan(&code, &c.Persons, &c.Households, &c.Units); err != nil {
					return err
				}
				b.counts[code] = c
				return nil
			})
	}, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT count(*), coalesce(sum(persons), 0), coalesce(sum(households), 0) FROM unit
			WHERE plan_id = @plan`, args).Scan(&b.totals.Units, &b.totals.Persons, &b.totals.Households)
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
			b.unassigned, b.units = append(b.unassigned, p), append(b.units, u)
			return nil
		})
	})
}

// pass hands what was read to src: the grids in level and code order, each
// with its stored shape and counts, then the totals, then the assignments
// to no grid.
func (b *storedBalance) pass(src BalanceStoredSource) error {
	order := make([]int32, len(b.grids)) // sorting the rows themselves moves more
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(x, y int32) int {
		return cmp.Or(cmp.Compare(b.grids[x].Level, b.grids[y].Level), strings.Compare(b.grids[x].Code, b.grids[y].Code))
	})
	for _, i := range order {
		g := b.grids[i]
		sh, shaped := b.shapes[g.Code]
		c, counted := b.counts[g.Code]
		if err := src.Grid(g, sh, c, shaped && counted); err != nil {
			return err
		}
	}
	if err := src.Totals(b.totals); err != nil {
		return err
	}
	for i, p := range b.unassigned {
		if err := src.Unassigned(p, b.units[i]); err != nil {
			return err
		}
	}
	return nil
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
