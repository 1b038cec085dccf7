package store

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
)

// LevelCount counts a plan's grids of one level and kind.
type LevelCount struct {
	Level int    `json:"level"`
	Kind  string `json:"kind"`
	Grids int    `json:"grids"`
}

// Counts summarises what a plan holds.
type Counts struct {
	Levels     []LevelCount `json:"levels"`
	Units      int          `json:"units"`
	Persons    int64        `json:"persons"`
	Households int64        `json:"households"`
	Facilities int          `json:"facilities"`
	Nodes      int          `json:"network_nodes"`
	Edges      int          `json:"network_edges"`
	WalkableKM float64      `json:"walkable_km"`
}

// Count summarises a view of a plan: the grids of workspace ws, the plan's
// units, facilities and network.
func (db *DB) Count(ctx context.Context, ws int64) (Counts, error) {
	var c Counts
	args := pgx.NamedArgs{"ws": ws}
	rows, err := db.pool.Query(ctx, `SELECT level, kind, count(*) FROM grid WHERE ws_id = @ws
		GROUP BY level, kind ORDER BY level, kind`, args)
	if err != nil {
		return c, err
	}
	c.Levels, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (LevelCount, error) {
		var l LevelCount
		err := r.Scan(&l.Level, &l.Kind, &l.Grids)
		return l, err
	})
	if err != nil {
		return c, err
	}
	err = db.pool.QueryRow(ctx, `WITH p AS (SELECT plan_id FROM workspace WHERE id = @ws) SELECT
		(SELECT count(*) FROM unit WHERE plan_id = (SELECT plan_id FROM p)),
		(SELECT coalesce(sum(persons), 0) FROM unit WHERE plan_id = (SELECT plan_id FROM p)),
		(SELECT coalesce(sum(households), 0) FROM unit WHERE plan_id = (SELECT plan_id FROM p)),
		(SELECT count(*) FROM facility WHERE plan_id = (SELECT plan_id FROM p)),
		(SELECT count(*) FROM net_node WHERE plan_id = (SELECT plan_id FROM p)),
		(SELECT count(*) FROM net_edge WHERE plan_id = (SELECT plan_id FROM p)),
		(SELECT coalesce(sum(length_m), 0) / 1000 FROM net_edge WHERE plan_id = (SELECT plan_id FROM p))`, args).
		Scan(&c.Units, &c.Persons, &c.Households, &c.Facilities, &c.Nodes, &c.Edges, &c.WalkableKM)
	return c, err
}

// Extent returns the bounding box (WGS84) of workspace ws's grids; ok is
// false when it has none.
func (db *DB) Extent(ctx context.Context, ws int64) (b orb.Bound, ok bool, err error) {
	var minx, miny, maxx, maxy *float64
	err = db.pool.QueryRow(ctx, `SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
		FROM (SELECT ST_Extent(geom) AS e FROM grid WHERE ws_id = @ws) t`, pgx.NamedArgs{"ws": ws}).
		Scan(&minx, &miny, &maxx, &maxy)
	if err != nil || minx == nil {
		return b, false, err
	}
	return orb.Bound{Min: orb.Point{*minx, *miny}, Max: orb.Point{*maxx, *maxy}}, true, nil
}
