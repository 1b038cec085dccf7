package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
)

// CoverageWindow is one small place where the coverage audit needs exact
// overlay: a box round unmatched edges, the parent (an index into the
// parents passed along, or -1 for none) and the tiles that reach the box.
type CoverageWindow struct {
	Box    orb.Bound
	Parent int
	Tiles  []orb.MultiPolygon
	Mask   []orb.MultiPolygon // allowed-gap polygons near the box (they may overlap)
	// SpillOnly asks only for tile ground outside the parent.
	SpillOnly bool
}

// CoveragePiece is one connected polygon of a defect a window held.
type CoveragePiece struct {
	Window   int
	Kind     string // gap, outside_parent, overlap; error when the overlay failed (Message says why)
	I, J     int    // tiles (indexes into the window's Tiles): the spilling one, the overlapping pair; -1 if none
	Near     []int  // for a gap, the tiles within the noise distance of it
	AreaM2   float64
	Metric   orb.MultiPolygon // in the plan's CRS, to measure its width
	Geometry orb.Geometry     // WGS84
	Message  string
}

// CoverageWindows computes the exact defects of each window with PostGIS
// (gridplan_coverage_window, migration 002), in metric CRS srid, in one
// round trip. Pieces without area are left out; telling noise from
// defects by width is the caller's. Windows are small and few: the audit
// sends only the places where edges failed to match.
func (db *DB) CoverageWindows(ctx context.Context, srid int, noise float64, parents []orb.MultiPolygon, windows []CoverageWindow) ([]CoveragePiece, error) {
	if len(windows) == 0 {
		return nil, nil
	}
	enc := func(g orb.Geometry) ([]byte, error) {
		if g == nil {
			return nil, nil
		}
		return encodeEWKB(g, srid)
	}
	parentWKB := make([][]byte, len(parents))
	for i, p := range parents {
		var err error
		if parentWKB[i], err = enc(p); err != nil {
			return nil, fmt.Errorf("parent %d: %w", i, err)
		}
	}
	n := len(windows)
	boxes, tiles, masks := make([][]byte, n), make([][]byte, n), make([][]byte, n)
	parentIdx, spill := make([]int32, n), make([]bool, n)
	for i, w := range windows {
		var err error
		if boxes[i], err = enc(w.Box.ToPolygon()); err != nil {
			return nil, err
		}
		coll := make(orb.Collection, len(w.Tiles))
		for k, t := range w.Tiles {
			coll[k] = t
		}
		if tiles[i], err = enc(coll); err != nil {
			return nil, fmt.Errorf("window %d tiles: %w", i, err)
		}
		if len(w.Mask) > 0 {
			mask := make(orb.Collection, len(w.Mask))
			for k, m := range w.Mask {
				mask[k] = m
			}
			if masks[i], err = enc(mask); err != nil {
				return nil, fmt.Errorf("window %d mask: %w", i, err)
			}
		}
		parentIdx[i] = int32(w.Parent + 1) // SQL arrays count from 1; 0 is none
		spill[i] = w.SpillOnly
	}
	rows, err := db.pool.Query(ctx, `
		SELECT w.n::int - 1, r.kind, coalesce(r.i - 1, -1), coalesce(r.j - 1, -1), r.grids, coalesce(r.message, ''),
		       ST_Area(r.geom), ST_AsEWKB(r.geom), ST_AsEWKB(ST_Transform(r.geom, 4326))
		  FROM unnest(@boxes::bytea[], @tiles::bytea[], @masks::bytea[], @parent::int[], @spill::bool[])
		       WITH ORDINALITY AS w(box, tiles, mask, parent, spill, n)
		 CROSS JOIN LATERAL gridplan_coverage_window(ST_GeomFromEWKB(w.box),
		       ST_GeomFromEWKB((@parents::bytea[])[nullif(w.parent, 0)]),
		       ST_GeomFromEWKB(w.tiles), ST_GeomFromEWKB(w.mask), @noise, w.spill) r
		 WHERE r.kind = 'error' OR ST_Area(r.geom) > 0
		 ORDER BY 1, 2, 3, 4`,
		pgx.NamedArgs{"boxes": boxes, "tiles": tiles, "masks": masks, "parent": parentIdx, "spill": spill,
			"parents": parentWKB, "noise": noise})
	if err != nil {
		return nil, err
	}
	pieces, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (CoveragePiece, error) {
		var p CoveragePiece
		var near []int32
		var metric, wkb []byte
		if err := r.Scan(&p.Window, &p.Kind, &p.I, &p.J, &near, &p.Message, &p.AreaM2, &metric, &wkb); err != nil {
			return p, err
		}
		for _, k := range near {
			p.Near = append(p.Near, int(k)-1)
		}
		var err error
		if p.Metric, err = decodeMultiPolygon(metric); err != nil {
			return p, err
		}
		p.Geometry, err = decodeEWKB(wkb)
		return p, err
	})
	return pieces, err
}

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

// NaiveCoverage runs the straightforward SQL coverage audit of a view of a
// plan (workspace ws): per
// parent (the plan boundary for level 1) ST_Difference(parent,
// ST_Union(children)), ST_Intersection of every touching pair of siblings,
// and ST_IsValid of every grid. It is the benchmark's reference.
func (db *DB) NaiveCoverage(ctx context.Context, ws int64) (NaiveCoverage, error) {
	var n NaiveCoverage
	args := pgx.NamedArgs{"ws": ws}
	// Children of a parent: base grids and carve-out special grids; an
	// overlay special grid's own children tile it.
	err := db.pool.QueryRow(ctx, `
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
	err = db.pool.QueryRow(ctx, `
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
	err = db.pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE NOT ST_IsValid(geom_m)) FROM grid WHERE ws_id = @ws`, args).
		Scan(&n.Invalid)
	return n, err
}
