package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
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
	// Wanted says, from the settings read first, whether the rest is to
	// be read (nil: always): results stamped for another version are not.
	Wanted func(BalanceSettings) bool
	// Grids is told how many grids follow, before the first.
	Grids      func(n int)
	Grid       func(g BalanceGrid, sh BalanceShape, c BalanceCount, complete bool) error
	Totals     func(BalanceTotals) error
	Unassigned func(BalancePlace, BalanceUnit) error
	// Shared receives, last, the stored shared boundary lengths measured
	// within SharedTolM (WriteBalanceShared).
	Shared     func(BalanceShared) error
	SharedTolM float64
}

// ReadBalanceStored reads, in one read-only snapshot, a view's balance
// settings and what its latest balance results were computed from: the
// grids' attributes, measured shapes and counts, the units' persons and
// households in total, the assignments to no grid and the shared boundary
// lengths of merge candidates. No geometry is
// read, and no assignment that puts a unit in a grid: the grid's stored
// counts already sum them. The caller checks the settings' stamp before it
// trusts the rows (see BalanceSettings.ResultsVersion).
func (db *DB) ReadBalanceStored(ctx context.Context, ws int64, src BalanceStoredSource) (BalanceSettings, error) {
	var s BalanceSettings
	var stored storedBalance
	wanted := false
	err := db.readOnly(ctx, func(tx pgx.Tx) error {
		var err error
		if s, err = balanceSettings(ctx, tx, ws); err != nil {
			return err
		}
		if src.Wanted != nil && !src.Wanted(s) {
			return nil
		}
		wanted = true
		return stored.read(ctx, db, tx, s.StatsRows, pgx.NamedArgs{"ws": ws, "plan": s.PlanID, "tol": src.SharedTolM})
	})
	if err != nil || !wanted {
		return s, err
	}
	return s, stored.pass(src)
}

// storedBalance is what ReadBalanceStored reads, held until every read is
// done: they run side by side.
type storedBalance struct {
	grids      []BalanceGrid
	shapes     []BalanceShape // by code
	counts     []codedCount   // by code
	totals     BalanceTotals
	unassigned []BalancePlace
	units      []BalanceUnit
	shared     []BalanceShared
}

// codedCount is a grid's stored count with its code.
type codedCount struct {
	code string
	BalanceCount
}

// read reads it; grids is about how many grids the view has, to size the
// tables by.
func (b *storedBalance) read(ctx context.Context, db *DB, tx pgx.Tx, grids int, args pgx.NamedArgs) error {
	b.grids, b.shapes, b.counts = make([]BalanceGrid, 0, grids), make([]BalanceShape, 0, grids), make([]codedCount, 0, grids)
	return db.alongside(ctx, tx, func(tx pgx.Tx) error {
		return balanceRows(ctx, tx, `SELECT code, name, level, coalesce(parent_code, ''), kind, coalesce(mode, ''), category
			FROM grid WHERE ws_id = @ws ORDER BY level, code`, args, func(r pgx.Rows) error {
			// Scanned in place: a row scanned into a local would be
			// allocated on the heap, nine thousand times at scale 1.
			b.grids = append(b.grids, BalanceGrid{})
			g := &b.grids[len(b.grids)-1]
			return r.Scan(&g.Code, &g.Name, &g.Level, &g.Parent, (*string)(&g.Kind), (*string)(&g.Mode), &g.Category)
		})
	}, func(tx pgx.Tx) error {
		// Both reads come from their primary keys alone, in code order
		// (migration 011).
		return balanceRows(ctx, tx, `SELECT code, area_m2, compactness, parts, min_x, min_y, max_x, max_y
			FROM balance_grid WHERE ws_id = @ws ORDER BY code`, args, func(r pgx.Rows) error {
			b.shapes = append(b.shapes, BalanceShape{})
			sh := &b.shapes[len(b.shapes)-1]
			return r.Scan(&sh.Code, &sh.AreaM2, &sh.Compactness, &sh.Parts,
				&sh.Bound.Min[0], &sh.Bound.Min[1], &sh.Bound.Max[0], &sh.Bound.Max[1])
		})
	}, func(tx pgx.Tx) error {
		return balanceRows(ctx, tx, `SELECT code, persons, households, units FROM grid_stats
			WHERE ws_id = @ws AND units IS NOT NULL ORDER BY code`, args, func(r pgx.Rows) error {
			b.counts = append(b.counts, codedCount{})
			c := &b.counts[len(b.counts)-1]
			return r.Scan(&c.code, &c.Persons, &c.Households, &c.Units)
		})
	}, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT count(*), coalesce(sum(persons), 0), coalesce(sum(households), 0) FROM unit
			WHERE plan_id = @plan`, args).Scan(&b.totals.Units, &b.totals.Persons, &b.totals.Households)
		if err != nil {
			return err
		}
		err = balanceRows(ctx, tx, `SELECT p.level, p.unit_id, p.role, p.persons, p.households, u.persons, u.households
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
		if err != nil {
			return err
		}
		return balanceRows(ctx, tx, `SELECT a, b, shared_m FROM balance_shared WHERE ws_id = @ws AND tol_m = @tol`, args,
			func(r pgx.Rows) error {
				b.shared = append(b.shared, BalanceShared{})
				sh := &b.shared[len(b.shared)-1]
				return r.Scan(&sh.A, &sh.B, &sh.SharedM)
			})
	})
}

// pass hands what was read to src: the grids in level and code order, each
// with its stored shape and counts, then the totals, the assignments to no
// grid and the shared boundary lengths. The rows come sorted (by the
// database's collation, which may not be Go's: they are sorted again only
// when it is not); the grids of each level are matched with their shapes
// and counts by walking both in code order.
func (b *storedBalance) pass(src BalanceStoredSource) error {
	if src.Grids != nil {
		src.Grids(len(b.grids))
	}
	sortBy(b.shapes, func(x, y *BalanceShape) int { return strings.Compare(x.Code, y.Code) })
	sortBy(b.counts, func(x, y *codedCount) int { return strings.Compare(x.code, y.code) })
	sortBy(b.grids, func(x, y *BalanceGrid) int {
		return cmp.Or(cmp.Compare(x.Level, y.Level), strings.Compare(x.Code, y.Code))
	})
	for start := 0; start < len(b.grids); {
		end := start + 1
		for end < len(b.grids) && b.grids[end].Level == b.grids[start].Level {
			end++
		}
		s, c := 0, 0
		for i := start; i < end; i++ {
			g := &b.grids[i]
			for s < len(b.shapes) && b.shapes[s].Code < g.Code {
				s++
			}
			for c < len(b.counts) && b.counts[c].code < g.Code {
				c++
			}
			var sh BalanceShape
			var cnt BalanceCount
			shaped := s < len(b.shapes) && b.shapes[s].Code == g.Code
			counted := c < len(b.counts) && b.counts[c].code == g.Code
			if shaped {
				sh = b.shapes[s]
			}
			if counted {
				cnt = b.counts[c].BalanceCount
			}
			if err := src.Grid(*g, sh, cnt, shaped && counted); err != nil {
				return err
			}
		}
		start = end
	}
	if err := src.Totals(b.totals); err != nil {
		return err
	}
	for i, p := range b.unassigned {
		if err := src.Unassigned(p, b.units[i]); err != nil {
			return err
		}
	}
	for _, sh := range b.shared {
		if err := src.Shared(sh); err != nil {
			return err
		}
	}
	return nil
}

// sortBy sorts xs by compare unless they are sorted already, as rows the
// database ordered mostly are: checking is a tenth of sorting.
func sortBy[T any](xs []T, compare func(x, y *T) int) {
	sorted := true
	for i := 1; i < len(xs) && sorted; i++ {
		sorted = compare(&xs[i-1], &xs[i]) <= 0
	}
	if !sorted {
		slices.SortFunc(xs, func(x, y T) int { return compare(&x, &y) })
	}
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
		rewritten := slices.Clone(w.Removed)
		for _, sh := range w.Shapes {
			rewritten = append(rewritten, sh.Code)
		}
		if err := deleteBalanceShared(ctx, tx, ws, w.All, rewritten); err != nil {
			return err
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
