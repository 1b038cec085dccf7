package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/gridplan/gridplan/internal/domain"
)

// SpatialRef describes a CRS PostGIS knows: its EPSG code, name and whether
// its coordinates are longitude/latitude degrees.
type SpatialRef struct {
	EPSG       int
	Name       string
	Geographic bool
}

// SpatialRef looks up an EPSG code in PostGIS's spatial_ref_sys, the CRSs
// that imports can transform from (ST_Transform needs the row).
func (db *DB) SpatialRef(ctx context.Context, epsg int) (SpatialRef, error) {
	ref := SpatialRef{EPSG: epsg}
	err := db.pool.QueryRow(ctx, `
		SELECT coalesce(substring(srtext FROM '^[A-Z_]+\["([^"]*)"'), ''), proj4text LIKE '%+proj=longlat%'
		  FROM spatial_ref_sys WHERE auth_name = 'EPSG' AND auth_srid = @epsg AND srid = @epsg`,
		pgx.NamedArgs{"epsg": epsg}).Scan(&ref.Name, &ref.Geographic)
	if errors.Is(err, pgx.ErrNoRows) {
		return ref, domain.Errorf(domain.ErrInvalid, "EPSG:%d is unknown to PostGIS", epsg)
	}
	return ref, err
}
