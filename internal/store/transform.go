package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
)

// Transform reprojects geometries from one EPSG CRS to another with PostGIS
// (PROJ), in one round trip. The demo uses it to work in metres.
func (db *DB) Transform(ctx context.Context, geoms []orb.Geometry, from, to int) ([]orb.Geometry, error) {
	return transform(ctx, db.pool, geoms, from, to)
}

func transform(ctx context.Context, q querier, geoms []orb.Geometry, from, to int) ([]orb.Geometry, error) {
	in := make([][]byte, len(geoms))
	for i, g := range geoms {
		b, err := encodeEWKB(g, from)
		if err != nil {
			return nil, fmt.Errorf("geometry %d: %w", i, err)
		}
		in[i] = b
	}
	rows, err := q.Query(ctx, `SELECT ST_AsEWKB(ST_Transform(ST_GeomFromEWKB(g), @to::int))
		FROM unnest(@geoms::bytea[]) WITH ORDINALITY AS t(g, n) ORDER BY n`,
		pgx.NamedArgs{"geoms": in, "to": to})
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (orb.Geometry, error) {
		var b []byte
		if err := r.Scan(&b); err != nil {
			return nil, err
		}
		return decodeEWKB(b)
	})
	if err != nil {
		return nil, err
	}
	if len(out) != len(geoms) {
		return nil, fmt.Errorf("transform returned %d geometries for %d", len(out), len(geoms))
	}
	return out, nil
}
