// Package reference holds the plain PostGIS and pgRouting queries that
// gridplan's checks are measured and judged against: the naive coverage
// audit, the spatial-join population count and pgRouting's driving
// distance. Only the benchmarks (internal/bench) and the differential
// tests use them; gridplan itself never runs them.
package reference

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// NaiveCoverage is what the naive SQL coverage audit finds: the reference
// gridplan's audit is measured against.
type NaiveCoverage struct {
	Differences int     // non-empty ST_Difference(parent, ST_Union(children)) results
	GapArea     float64 // their total area, m²
	Pairs       int     // touching sibling pairs intersected
	Overlaps    int     // of which with a non-empty intersection
	OverlapArea float64
	Invalid     int
}

// Coverage runs the straightforward SQL coverage audit of a view of a
// plan (workspace ws): per
// parent (the plan boundary for level 1) ST_Difference(parent,
// ST_Union(children)), ST_Intersection of every touching pair of siblings,
// and ST_IsValid of every grid. It is the benchmark's reference.
func Coverage(ctx context.Context, pool *pgxpool.Pool, ws int64) (NaiveCoverage, error) {
	var n NaiveCoverage
	args := pgx.NamedArgs{"ws": ws}
	// Children of a parent: base grids and carve-out special grids; an
	// overlay special grid's own children tile it.
	err := pool.QueryRow(ctx, `
		WITH tiling AS (
			SELECT c.code, c.parent_code, c.level, c.geom_m FROM grid c
			  LEFT JOIN grid p ON p.ws_id = c.ws_id AND p.code = c.parent_code
			 WHERE c.ws_id = @ws
			   AND (c.kind = 'base' OR c.mode = 'carve_out' OR p.mode = 'overlay')),
		diff AS (
			SELECT ST_Difference(p.geom_m, ST_Union(c.geom_m)) AS d
			  FROM grid p JOIN tiling c ON c.parent_code = p.code
			 WHERE p.ws_id = @ws GROUP BY p.id
			UNION ALL
			SELECT ST_Difference(ST_Transform(pl.boundary, pl.srid), ST_Union(c.geom_m))
			  FROM plan pl JOIN tiling c ON c.parent_code IS NULL AND c.level = 1
			 WHERE pl.id = (SELECT plan_id FROM workspace WHERE id = @ws) AND pl.boundary IS NOT NULL GROUP BY pl.id)
		SELECT count(*) FILTER (WHERE NOT ST_IsEmpty(d)), coalesce(sum(ST_Area(d)), 0) FROM diff`, args).
		Scan(&n.Differences, &n.GapArea)
	if err != nil {
		return n, err
	}
	// Pairs straight from the grid table, so the join runs on its spatial
	// index as a hand-written query would.
	err = pool.QueryRow(ctx, `
		WITH pairs AS (
			SELECT ST_Intersection(a.geom_m, b.geom_m) AS i
			  FROM grid a JOIN grid b ON b.ws_id = a.ws_id AND a.id < b.id AND b.level = a.level
			   AND coalesce(b.parent_code, '') = coalesce(a.parent_code, '') AND ST_Intersects(a.geom_m, b.geom_m)
			 WHERE a.ws_id = @ws
			   AND (a.kind = 'base' OR a.mode = 'carve_out' OR EXISTS (SELECT 1 FROM grid p
			        WHERE p.ws_id = a.ws_id AND p.code = a.parent_code AND p.mode = 'overlay'))
			   AND (b.kind = 'base' OR b.mode = 'carve_out' OR EXISTS (SELECT 1 FROM grid p
			        WHERE p.ws_id = b.ws_id AND p.code = b.parent_code AND p.mode = 'overlay')))
		SELECT count(*), count(*) FILTER (WHERE ST_Area(i) > 0), coalesce(sum(ST_Area(i)), 0) FROM pairs`, args).
		Scan(&n.Pairs, &n.Overlaps, &n.OverlapArea)
	if err != nil {
		return n, err
	}
	err = pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE NOT ST_IsValid(geom_m)) FROM grid WHERE ws_id = @ws`, args).
		Scan(&n.Invalid)
	return n, err
}

// GridPersons is the reference the balance audit is judged and
// timed against: a plain PostGIS spatial join of units and grids, grouped
// by grid. A unit on the boundary of two grids counts in both, and a
// polygon unit counts wholly in every grid it touches.
func GridPersons(ctx context.Context, pool *pgxpool.Pool, ws int64) (map[string]int64, error) {
	out := make(map[string]int64)
	err := rows(ctx, pool, `
		SELECT g.code, sum(u.persons)
		  FROM grid g JOIN unit u ON u.plan_id = g.plan_id AND ST_Intersects(g.geom_m, u.geom_m)
		 WHERE g.ws_id = @ws GROUP BY g.code`, pgx.NamedArgs{"ws": ws}, func(r pgx.Rows) error {
		var code string
		var n int64
		if err := r.Scan(&code, &n); err != nil {
			return err
		}
		out[code] = n
		return nil
	})
	return out, err
}

// FacilityNodes returns, for each facility of the given types, the id of
// the network node nearest to it (by the metric geometry's KNN index): the
// sources the pgRouting reference starts from.
func FacilityNodes(ctx context.Context, pool *pgxpool.Pool, planID int64, types []string) ([]int64, error) {
	rows, err := pool.Query(ctx, `
		SELECT n.id FROM facility f
		CROSS JOIN LATERAL (SELECT id FROM net_node n WHERE n.plan_id = f.plan_id
		                     ORDER BY n.geom_m <-> f.geom_m LIMIT 1) n
		 WHERE f.plan_id = @plan AND f.type = ANY(@types) ORDER BY f.id`,
		pgx.NamedArgs{"plan": planID, "types": types})
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// EnsurePgRouting creates the pgRouting extension when it is missing. Only
// the reference comparisons (tests, `gridplan bench circles`) need it.
func EnsurePgRouting(ctx context.Context, pool *pgxpool.Pool) error {
	_, err := pool.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS pgrouting`)
	if err != nil {
		return fmt.Errorf("pgRouting is needed for the reference (install postgresql-15-pgrouting): %w", err)
	}
	return nil
}

// DrivingDistance runs pgRouting's multi-source pgr_drivingDistance on the
// plan's stored network, the reference for gridplan's own search, and
// returns every node within limit metres of the nearest source with that
// distance. With equicost false pgRouting searches from each source and
// the nearest is kept here; with equicost true pgRouting assigns each node
// to one source itself (in pgRouting 3.4 not always the nearest one, so
// only the first form is exact). The edge query is built by format() from
// the plan id, a bigint.
func DrivingDistance(ctx context.Context, pool *pgxpool.Pool, planID int64, sources []int64, limit float64, equicost bool) (map[int64]float64, error) {
	rows, err := pool.Query(ctx, `
		SELECT node, agg_cost FROM pgr_drivingDistance(
		    format('SELECT id, source, target, cost, reverse_cost FROM net_edge WHERE plan_id = %s', @plan::bigint),
		    @sources::bigint[], @limit::float8, directed => true, equicost => @equicost::boolean)`,
		pgx.NamedArgs{"plan": planID, "sources": sources, "limit": limit, "equicost": equicost})
	if err != nil {
		return nil, err
	}
	out := map[int64]float64{}
	var node int64
	var cost float64
	_, err = pgx.ForEachRow(rows, []any{&node, &cost}, func() error {
		if c, ok := out[node]; !ok || cost < c {
			out[node] = cost
		}
		return nil
	})
	return out, err
}

// rows runs sql and hands every row to fn.
func rows(ctx context.Context, pool *pgxpool.Pool, sql string, args pgx.NamedArgs, fn func(pgx.Rows) error) error {
	r, err := pool.Query(ctx, sql, args)
	if err != nil {
		return err
	}
	defer r.Close()
	for r.Next() {
		if err := fn(r); err != nil {
			return err
		}
	}
	return r.Err()
}
