package store

import (
	"context"
	"errors"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
)

// Polygon-unit rules of the balance audit (plan_balance.polygon_units).
const (
	PolygonUnitsAreaShare     = "area_share"     // shared among grids by the area each holds
	PolygonUnitsInteriorPoint = "interior_point" // wholly to the grid holding ST_PointOnSurface
)

// BalanceLevel is one level's band and its optional target size.
type BalanceLevel struct {
	domain.Level
	// TargetPersons, when positive, is the ideal size of the level's grids;
	// zero means the mean of each grid's siblings.
	TargetPersons int `json:"target_persons,omitempty"`
}

// BalanceSettings are what the balance audit reads of a plan besides its
// grids and units, with the stamps that tell whether cached counts are
// still good: Version changes with any data change, UnitsEpoch only when
// units change.
type BalanceSettings struct {
	PlanID       int64 // the view's plan: its units are read by it, which the planner can estimate
	Version      int64
	UnitsEpoch   int64
	PolygonUnits string
	Levels       []BalanceLevel
	// The plan version and settings key the stored results were computed
	// for (SetBalanceResults); 0 and "" when unknown.
	ResultsVersion int64
	ResultsKey     string
	StatsRows      int // grid_stats rows of the plan
}

// BalanceGrid is a grid as the balance audit needs it: its geometry in the
// plan's metric CRS.
type BalanceGrid struct {
	Code, Name, Parent string
	Level              int
	Kind               domain.Kind
	Mode               domain.Mode
	Category           string
	Geometry           orb.MultiPolygon // metric CRS
}

// BalanceUnit is a population unit reduced to what counting needs: a
// point in the metric CRS (the unit itself, or ST_PointOnSurface of a
// polygon) and, for polygons, their area in m².
type BalanceUnit struct {
	ID                  int64
	Persons, Households int
	AreaM2              float64 // 0 for point units
	X, Y                float64
}

// BalanceShare is the area (m²) a polygon unit has in a grid.
type BalanceShare struct {
	Unit   int64
	Grid   string
	AreaM2 float64
}

// BalanceSource receives a plan's balance input, row by row.
type BalanceSource struct {
	Grid  func(BalanceGrid) error
	Unit  func(BalanceUnit) error
	Share func(BalanceShare) error // polygon units' overlaps, only under the area-share rule
}

// ErrBalanceMoved says the plan changed while ReadBalance read it; read
// again.
var ErrBalanceMoved = errors.New("the plan changed while it was being read")

// ReadBalance reads a plan's settings, grids, units and (under the
// area-share rule) polygon units' overlaps with grids, as of one version of
// the plan, so the counts match the version they are cached under. Grids
// and units are read at once on two connections, each in a read-only
// snapshot that also reads the plan's version: every change to grids or
// units bumps it in the same transaction, so equal versions mean both saw
// the same data. When they differ (an edit landed in between), nothing has
// been passed to src.Grid and ErrBalanceMoved asks the caller to start
// over. Units stream to src.Unit; grids and shares follow.
func (db *DB) ReadBalance(ctx context.Context, ws int64, src BalanceSource) (BalanceSettings, error) {
	// Grids are read in two halves at once as well: their geometry is
	// most of the bytes, and two server processes encode it in half the
	// time on two cores.
	const parts = 2
	var grids [parts][]BalanceGrid
	var gridVersion [parts]int64
	var gridErr [parts]error
	var wg sync.WaitGroup
	for part := range parts {
		wg.Go(func() {
			gridErr[part] = db.readOnly(ctx, func(tx pgx.Tx) error {
				args := pgx.NamedArgs{"ws": ws, "parts": parts, "part": part}
				if err := tx.QueryRow(ctx, viewVersionSQL, args).Scan(&gridVersion[part]); err != nil {
					return err
				}
				return balanceRows(ctx, tx, balanceGridColumns+`WHERE ws_id = @ws AND id % @parts = @part ORDER BY level, code`,
					args, func(r pgx.Rows) error {
						g, err := scanBalanceGrid(r)
						grids[part] = append(grids[part], g)
						return err
					})
			})
		})
	}
	var s BalanceSettings
	var shares []BalanceShare
	err := db.readOnly(ctx, func(tx pgx.Tx) error {
		var err error
		if s, err = balanceSettings(ctx, tx, ws); err != nil {
			return err
		}
		polygons := false
		err = balanceRows(ctx, tx, `
			SELECT id, persons, households, CASE WHEN ST_Dimension(geom_m) = 0 THEN 0 ELSE ST_Area(geom_m) END,
			       ST_X(point_m), ST_Y(point_m)
			  FROM unit WHERE plan_id = @plan`,
			pgx.NamedArgs{"plan": s.PlanID}, func(r pgx.Rows) error {
				var u BalanceUnit
				if err := r.Scan(&u.ID, &u.Persons, &u.Households, &u.AreaM2, &u.X, &u.Y); err != nil {
					return err
				}
				polygons = polygons || u.AreaM2 > 0
				return src.Unit(u)
			})
		if err != nil || !polygons || s.PolygonUnits != PolygonUnitsAreaShare {
			return err
		}
		return eachBalanceShare(ctx, tx, ws, func(sh BalanceShare) error {
			shares = append(shares, sh)
			return nil
		})
	})
	wg.Wait()
	err = errors.Join(append([]error{err}, gridErr[:]...)...)
	if err != nil {
		return s, err
	}
	for part := range parts {
		if gridVersion[part] != s.Version {
			return s, ErrBalanceMoved
		}
		for _, g := range grids[part] {
			if err := src.Grid(g); err != nil {
				return s, err
			}
		}
	}
	for _, sh := range shares {
		if err := src.Share(sh); err != nil {
			return s, err
		}
	}
	return s, nil
}

// readOnly runs fn in a read-only repeatable-read transaction: one
// snapshot for all its statements.
func (db *DB) readOnly(ctx context.Context, fn func(pgx.Tx) error) error {
	return pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		// PostGIS functions' declared costs make the planner scan units
		// with parallel workers, and passing the tuples through the
		// Gather node costs several times the scan itself (26 k units:
		// 150 ms instead of 20 ms here).
		if _, err := tx.Exec(ctx, `SET LOCAL max_parallel_workers_per_gather = 0`); err != nil {
			return err
		}
		return fn(tx)
	})
}

// BalanceSettings reads the balance settings of workspace ws's plan and
// the stamps of its view.
func (db *DB) BalanceSettings(ctx context.Context, ws int64) (BalanceSettings, error) {
	return balanceSettings(ctx, db.pool, ws)
}

// viewVersionSQL reads the version of the view that workspace @ws is.
const viewVersionSQL = `SELECT p.version + w.version FROM workspace w JOIN plan p ON p.id = w.plan_id WHERE w.id = @ws`

// balanceQuerier is what both a pool and a transaction offer.
type balanceQuerier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func balanceSettings(ctx context.Context, q balanceQuerier, ws int64) (BalanceSettings, error) {
	var s BalanceSettings
	err := q.QueryRow(ctx, `SELECT p.id, p.version + w.version, coalesce(b.units_epoch, 0), coalesce(b.polygon_units, 'area_share'),
		coalesce(w.results_version, 0), coalesce(w.results_key, ''), (SELECT count(*) FROM grid_stats WHERE ws_id = w.id)
		FROM workspace w JOIN plan p ON p.id = w.plan_id LEFT JOIN plan_balance b ON b.plan_id = p.id WHERE w.id = @ws`,
		pgx.NamedArgs{"ws": ws}).
		Scan(&s.PlanID, &s.Version, &s.UnitsEpoch, &s.PolygonUnits, &s.ResultsVersion, &s.ResultsKey, &s.StatsRows)
	if errors.Is(err, pgx.ErrNoRows) {
		return s, domain.Errorf(domain.ErrNotFound, "workspace %d does not exist", ws)
	}
	if err != nil {
		return s, err
	}
	args := pgx.NamedArgs{"plan": s.PlanID}
	rows, err := q.Query(ctx, `
		SELECT level, name, coalesce(min_persons, 0), coalesce(max_persons, 0),
		       coalesce(min_households, 0), coalesce(max_households, 0), coalesce(target_persons, 0)
		  FROM plan_level WHERE plan_id = @plan ORDER BY level`, args)
	if err != nil {
		return s, err
	}
	s.Levels, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (BalanceLevel, error) {
		var l BalanceLevel
		b := &l.Band
		err := r.Scan(&l.Level.Level, &l.Name, &b.MinPersons, &b.MaxPersons, &b.MinHouseholds, &b.MaxHouseholds, &l.TargetPersons)
		return l, err
	})
	return s, err
}

// EachGridShape streams workspace ws's grids with their shape in the
// plan's metric CRS, by level and code: what a check that locates units
// in grids reads of them.
func (db *DB) EachGridShape(ctx context.Context, ws int64, fn func(BalanceGrid) error) error {
	return balanceRows(ctx, db.pool, balanceGridColumns+`WHERE ws_id = @ws ORDER BY level, code`, pgx.NamedArgs{"ws": ws},
		func(r pgx.Rows) error {
			g, err := scanBalanceGrid(r)
			if err != nil {
				return err
			}
			return fn(g)
		})
}

// ST_AsBinary, not ST_AsEWKB: the CRS is the plan's, and PostGIS 3.3
// writes plain WKB several times faster.
const balanceGridColumns = `SELECT code, name, level, coalesce(parent_code, ''), kind, coalesce(mode, ''), category,
	ST_AsBinary(geom_m) FROM grid `

func scanBalanceGrid(r pgx.Rows) (BalanceGrid, error) {
	var g BalanceGrid
	var kind, mode string
	var wkb []byte
	if err := r.Scan(&g.Code, &g.Name, &g.Level, &g.Parent, &kind, &mode, &g.Category, &wkb); err != nil {
		return g, err
	}
	g.Kind, g.Mode = domain.Kind(kind), domain.Mode(mode)
	geom, err := decodeEWKB(wkb)
	if err != nil {
		return g, err
	}
	g.Geometry, _ = geom.(orb.MultiPolygon)
	return g, nil
}

const balanceShareSQL = `SELECT u.id, g.code, ST_Area(ST_Intersection(u.geom_m, g.geom_m))
	FROM grid g JOIN unit u ON u.plan_id = g.plan_id AND ST_Intersects(u.geom_m, g.geom_m)`

// eachBalanceShare streams the area each polygon unit has in each grid of
// workspace ws it overlaps, computed by GEOS.
func eachBalanceShare(ctx context.Context, q balanceQuerier, ws int64, fn func(BalanceShare) error) error {
	sql := balanceShareSQL + ` WHERE g.ws_id = @ws AND GeometryType(u.geom_m) <> 'POINT'`
	return balanceRows(ctx, q, sql, pgx.NamedArgs{"ws": ws}, func(r pgx.Rows) error {
		var s BalanceShare
		if err := r.Scan(&s.Unit, &s.Grid, &s.AreaM2); err != nil {
			return err
		}
		return fn(s)
	})
}

// BalanceSharesOf streams the area each polygon unit of plan has in each
// of geoms (metric CRS), the shapes a change set gives grids, keyed by
// their index in geoms: what the balance audit needs to recount a grid
// before the shape is stored.
func (db *DB) BalanceSharesOf(ctx context.Context, planID int64, srid int, geoms []orb.MultiPolygon, fn func(i int, unit int64, areaM2 float64) error) error {
	wkbs := make([][]byte, len(geoms))
	for i, g := range geoms {
		var err error
		if wkbs[i], err = encodeEWKB(g, srid); err != nil {
			return err
		}
	}
	return balanceRows(ctx, db.pool, `
		SELECT g.i - 1, u.id, ST_Area(ST_Intersection(u.geom_m, g.geom))
		  FROM unnest(@wkbs::bytea[]) WITH ORDINALITY AS t(wkb, i)
		 CROSS JOIN LATERAL (SELECT t.i, ST_GeomFromEWKB(t.wkb) AS geom) g
		  JOIN unit u ON u.plan_id = @plan AND u.geom_m && g.geom AND ST_Intersects(u.geom_m, g.geom)
		 WHERE GeometryType(u.geom_m) <> 'POINT'`, pgx.NamedArgs{"plan": planID, "wkbs": wkbs},
		func(r pgx.Rows) error {
			var i int
			var unit int64
			var area float64
			if err := r.Scan(&i, &unit, &area); err != nil {
				return err
			}
			return fn(i, unit, area)
		})
}

func balanceRows(ctx context.Context, q balanceQuerier, sql string, args pgx.NamedArgs, fn func(pgx.Rows) error) error {
	rows, err := q.Query(ctx, sql, args)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// BalanceUnitPlace says where a unit is, for reports: its name and a point on it
// in WGS84.
type BalanceUnitPlace struct {
	Name  string
	Point orb.Point
}

// BalanceUnitPlaces reads the names and WGS84 points (ST_PointOnSurface for
// polygons) of the given units of a plan.
func (db *DB) BalanceUnitPlaces(ctx context.Context, planID int64, ids []int64) (map[int64]BalanceUnitPlace, error) {
	out := make(map[int64]BalanceUnitPlace, len(ids))
	err := balanceRows(ctx, db.pool, `
		SELECT id, name, ST_X(point), ST_Y(point) FROM unit WHERE plan_id = @plan AND id = ANY(@ids)`,
		pgx.NamedArgs{"plan": planID, "ids": ids}, func(r pgx.Rows) error {
			var id int64
			var p BalanceUnitPlace
			if err := r.Scan(&id, &p.Name, &p.Point[0], &p.Point[1]); err != nil {
				return err
			}
			out[id] = p
			return nil
		})
	return out, err
}
