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
