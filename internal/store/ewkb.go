package store

import (
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
