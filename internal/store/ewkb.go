package store

import (
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/ewkb"
)

// encodeEWKB writes g with its SRID; PostGIS reads it with ST_GeomFromEWKB.
func encodeEWKB(g orb.Geometry, srid int) ([]byte, error) {
	return ewkb.Marshal(g, srid)
}

// decodeEWKB reads what ST_AsEWKB wrote.
func decodeEWKB(b []byte) (orb.Geometry, error) {
	g, _, err := ewkb.Unmarshal(b)
	return g, err
}

// EWKB encodes g with CRS srid for PostGIS's ST_GeomFromEWKB: for tests
// and tools that write SQL of their own.
func EWKB(g orb.Geometry, srid int) ([]byte, error) { return encodeEWKB(g, srid) }

// collectGeometries reads rows of one EWKB column as geometries of type T;
// what names a row's geometry in the error when it is of another type.
func collectGeometries[T orb.Geometry](rows pgx.Rows, what string) ([]T, error) {
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (T, error) {
		var zero T
		var wkb []byte
		if err := r.Scan(&wkb); err != nil {
			return zero, err
		}
		g, err := decodeEWKB(wkb)
		if err != nil {
			return zero, err
		}
		t, ok := g.(T)
		if !ok {
			return zero, fmt.Errorf("%s is a %s", what, g.GeoJSONType())
		}
		return t, nil
	})
}
