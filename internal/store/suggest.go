package store

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
)

// What the redistricting assistant (internal/suggest) reads: a view's
// grids around the ground it re-partitions, with their shapes in the
// plan's metric CRS, and the units and streets on that ground.

// MetricGrids reads the grids of workspace ws named in codes or whose
// parent is one of parents, by level and code, each Geometry in the plan's
// metric CRS and Version its grid version (the If-Match of an edit).
func (db *DB) MetricGrids(ctx context.Context, ws int64, codes, parents []string) ([]domain.Grid, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+editGridColumns+` FROM grid g
		WHERE g.ws_id = @ws AND (g.code = ANY(@codes) OR g.parent_code = ANY(@parents)) ORDER BY g.level, g.code`,
		pgx.NamedArgs{"ws": ws, "codes": nonNil(codes), "parents": nonNil(parents)})
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.Grid, error) { return scanEditGrid(r) })
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// AreaUnit is a population unit on some ground, in the plan's metric CRS:
// its point (a point on the surface of a polygon unit) and, for polygon
// units, the shape, so that no new boundary is drawn through it.
type AreaUnit struct {
	ID                  int64
	Persons, Households int
	Point               orb.Point
	Shape               orb.MultiPolygon // nil for point units
}

// UnitsIn reads the plan's units whose metric geometry meets the box b.
func (db *DB) UnitsIn(ctx context.Context, planID int64, b orb.Bound) ([]AreaUnit, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT u.id, u.persons, u.households, ST_X(u.point_m), ST_Y(u.point_m),
		       CASE WHEN GeometryType(u.geom_m) IN ('POLYGON', 'MULTIPOLYGON') THEN ST_AsEWKB(ST_Multi(u.geom_m)) END
		  FROM plan pl JOIN unit u ON u.plan_id = pl.id
		 WHERE pl.id = @plan AND u.geom_m && ST_MakeEnvelope(@minx, @miny, @maxx, @maxy, pl.srid)
		 ORDER BY u.id`, boxArgs(planID, b))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (AreaUnit, error) {
		var u AreaUnit
		var wkb []byte
		if err := r.Scan(&u.ID, &u.Persons, &u.Households, &u.Point[0], &u.Point[1], &wkb); err != nil {
			return u, err
		}
		if wkb != nil {
			g, err := decodeMultiPolygon(wkb)
			if err != nil {
				return u, err
			}
			u.Shape = g
		}
		return u, nil
	})
}

// StreetsIn reads the plan's walking-network edges that meet the box b,
// as lines in the plan's metric CRS, in id order.
func (db *DB) StreetsIn(ctx context.Context, planID int64, b orb.Bound) ([]orb.LineString, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT ST_AsEWKB(e.geom_m) FROM plan pl JOIN net_edge e ON e.plan_id = pl.id
		 WHERE pl.id = @plan AND e.geom_m && ST_MakeEnvelope(@minx, @miny, @maxx, @maxy, pl.srid)
		 ORDER BY e.id`, boxArgs(planID, b))
	if err != nil {
		return nil, err
	}
	return collectGeometries[orb.LineString](rows, "a network edge")
}

func boxArgs(planID int64, b orb.Bound) pgx.NamedArgs {
	return pgx.NamedArgs{"plan": planID, "minx": b.Min[0], "miny": b.Min[1], "maxx": b.Max[0], "maxy": b.Max[1]}
}
