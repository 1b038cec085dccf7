package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
)

// DefaultCoverageNoiseM is the noise the coverage audit forgives when a plan
// sets none (table coverage_settings): 2 cm covers coordinates rounded to 7
// decimals (about 1 cm of movement) and any projection round trip.
const DefaultCoverageNoiseM = 0.02

// CoverageGrid is a grid as the coverage audit reads it: in the plan's
// metric CRS, with PostGIS's verdict on its validity.
type CoverageGrid struct {
	Code, Name, Parent string
	Level              int
	Kind               domain.Kind
	Category           string
	Mode               domain.Mode
	// Geometry is geom_m; for an invalid grid, its ST_MakeValid repair
	// (polygonal parts only), which is what the tiling is checked with.
	Geometry orb.MultiPolygon
	Valid    bool
	Reason   string    // ST_IsValidDetail's reason when invalid
	Location orb.Point // where, in WGS84, when invalid
}

// CoverageData is everything the coverage audit reads, from one snapshot.
type CoverageData struct {
	Version   int64
	SRID      int
	Tolerance domain.Tolerance
	NoiseM    float64
	// Boundary is the plan outline in metric coordinates (repaired when
	// invalid, with BoundaryReason saying why); nil without one.
	Boundary       orb.MultiPolygon
	BoundaryReason string
	// Outline stands in for a missing boundary: the union of the top-level
	// tiling grids with its holes filled, so holes become gaps.
	Outline orb.MultiPolygon
	Mask    []orb.MultiPolygon // allowed gaps, metric
	Grids   []CoverageGrid     // by level, code
}

// coverageGridColumns read a grid g with its validity v (a LATERAL
// ST_IsValidDetail); invalid shapes come repaired, with the problem's
// location in WGS84.
const coverageGridColumns = `g.code, g.name, g.level, coalesce(g.parent_code, ''), g.kind, g.category, coalesce(g.mode, ''),
	v.valid, coalesce(v.reason, ''),
	ST_AsEWKB(CASE WHEN v.valid THEN g.geom_m ELSE ST_Multi(ST_CollectionExtract(ST_MakeValid(g.geom_m), 3)) END),
	CASE WHEN NOT v.valid AND v.location IS NOT NULL
	     THEN ST_AsEWKB(ST_Transform(ST_SetSRID(v.location, ST_SRID(g.geom_m)), 4326)) END`

// State is g in the form change sets carry it to the checks.
func (g CoverageGrid) State() domain.GridState {
	return domain.GridState{Code: g.Code, Name: g.Name, Parent: g.Parent, Level: g.Level, Kind: g.Kind,
		Category: g.Category, Mode: g.Mode, Metric: g.Geometry, Valid: g.Valid, Reason: g.Reason}
}

func scanCoverageGrid(row pgx.Row, g *CoverageGrid) error {
	var kind, mode string
	var wkb, loc []byte
	if err := row.Scan(&g.Code, &g.Name, &g.Level, &g.Parent, &kind, &g.Category, &mode, &g.Valid, &g.Reason, &wkb, &loc); err != nil {
		return err
	}
	g.Kind, g.Mode = domain.Kind(kind), domain.Mode(mode)
	var err error
	if g.Geometry, err = decodeMultiPolygon(wkb); err != nil {
		return fmt.Errorf("grid %q: %w", g.Code, err)
	}
	if loc != nil {
		p, err := decodeEWKB(loc)
		if err != nil {
			return fmt.Errorf("grid %q: %w", g.Code, err)
		}
		g.Location, _ = p.(orb.Point)
	}
	return nil
}

func decodeMultiPolygon(wkb []byte) (orb.MultiPolygon, error) {
	if wkb == nil {
		return nil, nil
	}
	g, err := decodeEWKB(wkb)
	if err != nil {
		return nil, err
	}
	switch g := g.(type) {
	case orb.MultiPolygon:
		return g, nil
	case orb.Polygon:
		return orb.MultiPolygon{g}, nil
	}
	return nil, fmt.Errorf("want a polygonal geometry, have %s", g.GeoJSONType())
}

// CoverageData reads the grids of a view of a plan (workspace ws) and the
// plan's boundary, mask and settings for the coverage audit, all from one
// repeatable-read snapshot, so the version read is the version of the data.
func (db *DB) CoverageData(ctx context.Context, ws int64) (CoverageData, error) {
	var d CoverageData
	err := pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		args := pgx.NamedArgs{"ws": ws, "noise": DefaultCoverageNoiseM}
		var boundary []byte
		var reason *string
		var planID int64
		err := tx.QueryRow(ctx, `
			SELECT p.id, p.version + w.version, p.srid, p.sliver_area_m2, p.sliver_width_m, coalesce(s.noise_m, @noise),
			       ST_AsEWKB(CASE WHEN ST_IsValid(b.m) THEN b.m ELSE ST_Multi(ST_CollectionExtract(ST_MakeValid(b.m), 3)) END),
			       CASE WHEN NOT ST_IsValid(b.m) THEN ST_IsValidReason(b.m) END
			  FROM workspace w JOIN plan p ON p.id = w.plan_id
			  LEFT JOIN coverage_settings s ON s.plan_id = p.id
			  CROSS JOIN LATERAL (SELECT ST_Transform(p.boundary, p.srid) AS m) b
			 WHERE w.id = @ws`, args).Scan(&planID, &d.Version, &d.SRID, &d.Tolerance.SliverAreaM2, &d.Tolerance.SliverWidthM,
			&d.NoiseM, &boundary, &reason)
		if errors.Is(err, pgx.ErrNoRows) {
			return domain.Errorf(domain.ErrNotFound, "workspace %d does not exist", ws)
		}
		if err != nil {
			return err
		}
		if reason != nil {
			d.BoundaryReason = *reason
		}
		if d.Boundary, err = decodeMultiPolygon(boundary); err != nil {
			return fmt.Errorf("plan boundary: %w", err)
		}
		rows, err := tx.Query(ctx, `SELECT `+coverageGridColumns+`
			  FROM grid g CROSS JOIN LATERAL ST_IsValidDetail(g.geom_m) v
			 WHERE g.ws_id = @ws ORDER BY g.level, g.code`, args)
		if err != nil {
			return err
		}
		d.Grids, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (CoverageGrid, error) {
			var g CoverageGrid
			err := scanCoverageGrid(r, &g)
			return g, err
		})
		if err != nil {
			return err
		}
		if d.Mask, err = coverageMask(ctx, tx, planID); err != nil {
			return err
		}
		if d.Boundary == nil {
			d.Outline, err = topOutline(ctx, tx, ws)
		}
		return err
	})
	return d, err
}

func coverageMask(ctx context.Context, tx pgx.Tx, planID int64) ([]orb.MultiPolygon, error) {
	rows, err := tx.Query(ctx, `SELECT ST_AsEWKB(ST_Multi(ST_CollectionExtract(ST_MakeValid(geom_m), 3)))
		FROM coverage_mask WHERE plan_id = @plan ORDER BY id`, pgx.NamedArgs{"plan": planID})
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (orb.MultiPolygon, error) {
		var wkb []byte
		if err := r.Scan(&wkb); err != nil {
			return nil, err
		}
		return decodeMultiPolygon(wkb)
	})
}

// topOutline is the outline of the top-level tiling grids (level 1, no
// parent, not overlay special grids) with holes filled: for a plan without
// a boundary, the ground its top level claims to cover. The union runs on
// a noise-sized precision grid (OverlayNG), or boundaries shared up to
// noise would leave hairline cracks that split it into pieces and open
// its holes to the outside.
func topOutline(ctx context.Context, tx pgx.Tx, ws int64) (orb.MultiPolygon, error) {
	var wkb []byte
	err := tx.QueryRow(ctx, `
		SELECT ST_AsEWKB(ST_Multi(ST_Union(ST_MakePolygon(ST_ExteriorRing(d.geom)))))
		  FROM (SELECT (ST_Dump(ST_Union(CASE WHEN ST_IsValid(geom_m) THEN geom_m
		                                      ELSE ST_CollectionExtract(ST_MakeValid(geom_m), 3) END,
		                                 (SELECT coalesce(max(s.noise_m), @noise) FROM coverage_settings s
		                                   JOIN workspace w ON w.plan_id = s.plan_id WHERE w.id = @ws)))).geom
		          FROM grid
		         WHERE ws_id = @ws AND level = 1 AND parent_code IS NULL
		           AND NOT (kind = 'special' AND mode = 'overlay')) d`,
		pgx.NamedArgs{"ws": ws, "noise": DefaultCoverageNoiseM}).Scan(&wkb)
	if err != nil {
		return nil, err
	}
	return decodeMultiPolygon(wkb)
}

// CoverageGrids reads the grids of workspace ws named by codes as
// CoverageData does, with the view's current version, from one snapshot.
// Codes with no grid (deleted ones) are absent from the map.
func (db *DB) CoverageGrids(ctx context.Context, ws int64, codes []string) (grids map[string]CoverageGrid, version int64, err error) {
	grids = make(map[string]CoverageGrid, len(codes))
	err = pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		args := pgx.NamedArgs{"ws": ws, "codes": codes}
		if err := tx.QueryRow(ctx, `SELECT p.version + w.version FROM workspace w JOIN plan p ON p.id = w.plan_id
			WHERE w.id = @ws`, args).Scan(&version); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return domain.Errorf(domain.ErrNotFound, "workspace %d does not exist", ws)
			}
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+coverageGridColumns+`
			  FROM grid g CROSS JOIN LATERAL ST_IsValidDetail(g.geom_m) v
			 WHERE g.ws_id = @ws AND g.code = ANY(@codes)`, args)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var g CoverageGrid
			if err := scanCoverageGrid(rows, &g); err != nil {
				return err
			}
			grids[g.Code] = g
		}
		return rows.Err()
	})
	return grids, version, err
}

// CoverageOutline returns the top level's outline (see CoverageData.Outline).
func (db *DB) CoverageOutline(ctx context.Context, ws int64) (orb.MultiPolygon, error) {
	var out orb.MultiPolygon
	err := pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var err error
		out, err = topOutline(ctx, tx, ws)
		return err
	})
	return out, err
}

// CoverageSettings returns a plan's coverage noise and how many allowed-gap
// mask polygons it has.
func (db *DB) CoverageSettings(ctx context.Context, planID int64) (noiseM float64, masks int, err error) {
	err = db.pool.QueryRow(ctx, `
		SELECT coalesce((SELECT noise_m FROM coverage_settings WHERE plan_id = @plan), @noise),
		       (SELECT count(*) FROM coverage_mask WHERE plan_id = @plan)`,
		pgx.NamedArgs{"plan": planID, "noise": DefaultCoverageNoiseM}).Scan(&noiseM, &masks)
	return noiseM, masks, err
}

// SetCoverageSettings stores a plan's sliver tolerances and coverage noise.
func (db *DB) SetCoverageSettings(ctx context.Context, planID int64, tol domain.Tolerance, noiseM float64) error {
	return db.inTx(ctx, func(tx pgx.Tx) error {
		if err := lockPlan(ctx, tx, planID); err != nil {
			return err
		}
		args := pgx.NamedArgs{"plan": planID, "area": tol.SliverAreaM2, "width": tol.SliverWidthM, "noise": noiseM}
		if _, err := tx.Exec(ctx, `UPDATE plan SET sliver_area_m2 = @area, sliver_width_m = @width, updated_at = now()
			WHERE id = @plan`, args); err != nil {
			return pgError(err, "tolerance")
		}
		_, err := tx.Exec(ctx, `INSERT INTO coverage_settings (plan_id, noise_m) VALUES (@plan, @noise)
			ON CONFLICT (plan_id) DO UPDATE SET noise_m = excluded.noise_m`, args)
		return pgError(err, "noise")
	})
}

// ReplaceCoverageMask replaces a plan's allowed-gap mask with polys (WGS84),
// in one transaction.
func (db *DB) ReplaceCoverageMask(ctx context.Context, planID int64, polys []orb.MultiPolygon, names []string) error {
	return db.inTx(ctx, func(tx pgx.Tx) error {
		if err := lockPlan(ctx, tx, planID); err != nil {
			return err
		}
		args := pgx.NamedArgs{"plan": planID}
		if _, err := tx.Exec(ctx, `DELETE FROM coverage_mask WHERE plan_id = @plan`, args); err != nil {
			return err
		}
		if len(polys) == 0 {
			return nil
		}
		wkbs := make([][]byte, len(polys))
		for i, p := range polys {
			var err error
			if wkbs[i], err = encodeEWKB(p, domain.WGS84); err != nil {
				return domain.Errorf(domain.ErrInvalid, "mask polygon %d: %v", i, err)
			}
		}
		args["wkbs"], args["names"] = wkbs, names
		_, err := tx.Exec(ctx, `INSERT INTO coverage_mask (plan_id, name, geom)
			SELECT @plan, coalesce(n, ''), ST_Multi(ST_GeomFromEWKB(w))
			  FROM unnest(@wkbs::bytea[], @names::text[]) AS u(w, n)`, args)
		return pgError(err, "mask")
	})
}

// OutlineOf is topOutline for grids held in memory (metric CRS srid): the
// outline of their union on a noise-sized precision grid, holes filled.
func (db *DB) OutlineOf(ctx context.Context, srid int, noise float64, grids []CoverageGrid) (orb.MultiPolygon, error) {
	wkbs := make([][]byte, 0, len(grids))
	for _, g := range grids {
		if g.Kind == domain.KindSpecial && g.Mode == domain.ModeOverlay || len(g.Geometry) == 0 {
			continue
		}
		b, err := encodeEWKB(g.Geometry, srid)
		if err != nil {
			return nil, fmt.Errorf("grid %q: %w", g.Code, err)
		}
		wkbs = append(wkbs, b)
	}
	var wkb []byte
	err := db.pool.QueryRow(ctx, `
		SELECT ST_AsEWKB(ST_Multi(ST_Union(ST_MakePolygon(ST_ExteriorRing(d.geom)))))
		  FROM (SELECT (ST_Dump(ST_Union(ST_GeomFromEWKB(w), @noise::float8))).geom
		          FROM unnest(@wkbs::bytea[]) AS t(w)) d`, pgx.NamedArgs{"wkbs": wkbs, "noise": noise}).Scan(&wkb)
	if err != nil {
		return nil, err
	}
	return decodeMultiPolygon(wkb)
}
