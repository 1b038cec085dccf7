package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// farDegrees is how far beyond where the plan is a grid must lie to be
// called misplaced: half a degree, some 50 km, more than any district's
// neighbour but less than a wrong CRS or swapped coordinates move a shape.
const farDegrees = 0.5

// misplacedGrids warns of grids just stored from staging table grid_in
// that no audit can judge: a shape that became a line of no area in the
// plan's metric CRS (a polygon round the whole world, or one beyond where
// that CRS is defined), and a shape far from the plan — beyond its
// boundary, or without one far from the middle of its grids (the median
// of their centres, with the spread of nine in ten of them as the
// yardstick). Both are stored as given; the warning says what to check.
func misplacedGrids(ctx context.Context, tx pgx.Tx, ws int64) ([]Warning, error) {
	rows, err := tx.Query(ctx, `
		WITH plan_of AS (SELECT p.srid, p.boundary FROM plan p JOIN workspace w ON w.plan_id = p.id WHERE w.id = @ws),
		     centres AS (SELECT (ST_XMin(geom) + ST_XMax(geom)) / 2 AS x, (ST_YMin(geom) + ST_YMax(geom)) / 2 AS y
		                   FROM grid WHERE ws_id = @ws),
		     middle AS (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) AS x,
		                       percentile_cont(0.5) WITHIN GROUP (ORDER BY y) AS y FROM centres),
		     spread AS (SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY greatest(abs(c.x - m.x), abs(c.y - m.y))) AS r
		                  FROM centres c, middle m),
		     staged AS (SELECT i.ord, g.geom, g.geom_m,
		                       ST_SetSRID(ST_MakePoint((ST_XMin(g.geom) + ST_XMax(g.geom)) / 2, (ST_YMin(g.geom) + ST_YMax(g.geom)) / 2), 4326) AS centre
		                  FROM grid_in i JOIN grid g ON g.ws_id = @ws AND g.code = i.code)
		SELECT s.ord, ST_Area(s.geom_m) = 0 AND ST_Area(s.geom) > 0, p.srid,
		       CASE WHEN p.boundary IS NOT NULL THEN
		                 CASE WHEN NOT (ST_Expand(p.boundary::box2d, @far)::geometry && s.geom)
		                      THEN ST_Distance(s.centre::geography, ST_ClosestPoint(p.boundary, s.centre)::geography) / 1000 END
		            WHEN greatest(abs(ST_X(s.centre) - m.x), abs(ST_Y(s.centre) - m.y)) > 3 * sp.r + @far
		            THEN ST_Distance(s.centre::geography, ST_SetSRID(ST_MakePoint(m.x, m.y), 4326)::geography) / 1000 END,
		       p.boundary IS NOT NULL
		  FROM staged s, plan_of p, middle m, spread sp
		 WHERE (ST_Area(s.geom_m) = 0 AND ST_Area(s.geom) > 0)
		    OR (p.boundary IS NOT NULL AND NOT (ST_Expand(p.boundary::box2d, @far)::geometry && s.geom))
		    OR (p.boundary IS NULL AND greatest(abs(ST_X(s.centre) - m.x), abs(ST_Y(s.centre) - m.y)) > 3 * sp.r + @far)
		 ORDER BY s.ord`, pgx.NamedArgs{"ws": ws, "far": farDegrees})
	if err != nil {
		return nil, err
	}
	var out []Warning
	var ord, srid int
	var flat, boundary bool
	var km *float64
	_, err = pgx.ForEachRow(rows, []any{&ord, &flat, &srid, &km, &boundary}, func() error {
		if flat {
			out = append(out, Warning{Index: ord, Problem: fmt.Sprintf("becomes a line of no area in the plan's CRS EPSG:%d "+
				"(a polygon round the whole world, or one beyond where that CRS is defined); stored as it is, the audits see nothing of it", srid)})
		}
		switch {
		case km != nil && boundary:
			out = append(out, Warning{Index: ord, Problem: fmt.Sprintf("lies %.0f km outside the plan boundary; check its coordinates and CRS", *km)})
		case km != nil:
			out = append(out, Warning{Index: ord, Problem: fmt.Sprintf("lies %.0f km from the middle of the plan's grids; check its coordinates and CRS", *km)})
		}
		return nil
	})
	return out, err
}
