package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
)

// Faces nodes the rings of polygons and the lines together (CRS srid) and
// returns the faces they enclose, outside any change set: the
// redistricting assistant builds its atoms from them, as the editing layer
// builds its ops.
func (db *DB) Faces(ctx context.Context, srid int, polygons []orb.MultiPolygon, lines []orb.LineString) ([]orb.Polygon, error) {
	return faces(ctx, db.pool, srid, polygons, lines)
}

// faces nodes the rings of polygons and the lines together and returns
// the faces they enclose (PostGIS's ST_Node and ST_Polygonize, in CRS
// srid): a planar arrangement whose faces share edges with identical
// vertices. Rings are dumped one by one: the boundary of a polygon with a
// hole (or of several polygons) is a MultiLineString, and collected with
// LineStrings it would make a GeometryCollection, which ST_Node refuses.
func faces(ctx context.Context, q querier, srid int, polygons []orb.MultiPolygon, lines []orb.LineString) ([]orb.Polygon, error) {
	var wkbs [][]byte
	for _, p := range polygons {
		b, err := encodeEWKB(p, srid)
		if err != nil {
			return nil, err
		}
		wkbs = append(wkbs, b)
	}
	var lwkbs [][]byte
	for _, l := range lines {
		b, err := encodeEWKB(l, srid)
		if err != nil {
			return nil, err
		}
		lwkbs = append(lwkbs, b)
	}
	rows, err := q.Query(ctx, `
		WITH lines AS (
			SELECT (ST_Dump(ST_Boundary(ST_GeomFromEWKB(w)))).geom AS l FROM unnest(@polys::bytea[]) AS t(w)
			UNION ALL SELECT ST_GeomFromEWKB(w) FROM unnest(@lines::bytea[]) AS t(w))
		SELECT ST_AsEWKB((ST_Dump(ST_Polygonize(n))).geom)
		  FROM (SELECT ST_Node(ST_Collect(l)) AS n FROM lines) t`,
		pgx.NamedArgs{"polys": wkbs, "lines": lwkbs})
	if err != nil {
		return nil, pgError(err, "edit geometry")
	}
	out, err := collectGeometries[orb.Polygon](rows, "a polygonized face")
	if err != nil {
		var pgErr interface{ SQLState() string }
		if errors.As(err, &pgErr) && pgErr.SQLState() == "XX000" {
			return nil, domain.Errorf(domain.ErrInvalid, "PostGIS could not node the edit's lines with the grids' boundaries (%v); draw the line a little differently", err)
		}
		return nil, err
	}
	return out, nil
}
