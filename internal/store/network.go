package store

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/gridplan/gridplan/internal/domain"
)

// ReplaceNetwork swaps the plan's walking network for the given one in one
// transaction. Geometries are in the CRS srid.
func (db *DB) ReplaceNetwork(ctx context.Context, planID int64, nodes []domain.Node, edges []domain.Edge, srid int) error {
	return db.inTx(ctx, func(tx pgx.Tx) error {
		if err := lockPlan(ctx, tx, planID); err != nil {
			return err
		}
		args := pgx.NamedArgs{"plan": planID, "srid": srid}
		for _, stmt := range []string{
			`DELETE FROM net_edge WHERE plan_id = @plan`,
			`DELETE FROM net_node WHERE plan_id = @plan`,
			`CREATE TEMP TABLE node_in (id bigint, x float8, y float8) ON COMMIT DROP`,
			`CREATE TEMP TABLE edge_in (id bigint, source bigint, target bigint, length_m float8,
				highway text, osm_way bigint, wkb bytea) ON COMMIT DROP`,
		} {
			if _, err := tx.Exec(ctx, stmt, args); err != nil {
				return err
			}
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"node_in"}, []string{"id", "x", "y"},
			pgx.CopyFromSlice(len(nodes), func(i int) ([]any, error) {
				n := nodes[i]
				return []any{n.ID, n.Point[0], n.Point[1]}, nil
			}))
		if err != nil {
			return pgError(err, "network node")
		}
		_, err = tx.CopyFrom(ctx, pgx.Identifier{"edge_in"},
			[]string{"id", "source", "target", "length_m", "highway", "osm_way", "wkb"},
			pgx.CopyFromSlice(len(edges), func(i int) ([]any, error) {
				e := edges[i]
				wkb, err := encodeEWKB(e.Geometry, srid)
				if err != nil {
					return nil, &FeatureError{Index: i, Field: "geometry", Problem: err.Error()}
				}
				var way any
				if e.OSMWay != 0 {
					way = e.OSMWay
				}
				return []any{e.ID, e.Source, e.Target, e.LengthM, e.Highway, way, wkb}, nil
			}))
		if err != nil {
			return copyError(err, "network edge")
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO net_node (plan_id, id, geom)
			SELECT @plan, id, ST_Transform(ST_SetSRID(ST_MakePoint(x, y), @srid::int), 4326) FROM node_in`, args); err != nil {
			return pgError(err, "network node")
		}
		_, err = tx.Exec(ctx, `
			INSERT INTO net_edge (plan_id, id, source, target, length_m, highway, osm_way, geom)
			SELECT @plan, id, source, target, length_m, highway, osm_way, ST_Transform(ST_GeomFromEWKB(wkb), 4326)
			  FROM edge_in`, args)
		return pgError(err, "network edge")
	})
}
