package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
)

// InsertGrids adds grids to workspace ws in transaction tx: either all are
// stored or none. Geometries are in the CRS srid and stored in WGS84.
// Codes already in the workspace, codes the plan retired, and parents that
// are neither in the batch nor in the workspace are refused with a
// *FeatureError; invalid geometries are stored and returned as warnings for
// the coverage audit to explain. The caller records the revision.
func InsertGrids(ctx context.Context, tx pgx.Tx, ws int64, grids []domain.Grid, srid int) ([]Warning, error) {
	var warnings []Warning
	err := func() error {
		if err := checkGridCodes(ctx, tx, ws, grids); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE grid_in (
				ord int, code text, name text, level int, parent_code text, kind text,
				category text, mode text, properties jsonb, wkb bytea) ON COMMIT DROP`); err != nil {
			return err
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"grid_in"},
			[]string{"ord", "code", "name", "level", "parent_code", "kind", "category", "mode", "properties", "wkb"},
			pgx.CopyFromSlice(len(grids), func(i int) ([]any, error) {
				g := grids[i]
				wkb, err := encodeEWKB(g.Geometry, srid)
				if err != nil {
					return nil, &FeatureError{Index: i, Field: "geometry", Problem: err.Error()}
				}
				props, err := jsonObject(g.Properties)
				if err != nil {
					return nil, &FeatureError{Index: i, Field: "properties", Problem: err.Error()}
				}
				kind := g.Kind
				if kind == "" {
					kind = domain.KindBase
				}
				return []any{i, g.Code, g.Name, g.Level, nullIfEmpty(g.Parent), string(kind),
					g.Category, nullIfEmpty(string(g.Mode)), props, wkb}, nil
			}))
		if err != nil {
			return copyError(err, "grid")
		}
		warnings, err = invalidGeometries(ctx, tx, "grid_in")
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `
			INSERT INTO grid (plan_id, ws_id, code, name, level, parent_code, kind, category, mode, properties, geom)
			SELECT (SELECT plan_id FROM workspace WHERE id = @ws), @ws, code, name, level, parent_code, kind, category,
			       mode, properties, ST_Multi(ST_Transform(ST_GeomFromEWKB(wkb), 4326))
			  FROM grid_in ORDER BY ord`, pgx.NamedArgs{"ws": ws})
		if err != nil {
			return pgError(err, "grid")
		}
		if _, err := tx.Exec(ctx, `ANALYZE grid_in`); err != nil {
			return err
		}
		if err := analyzeGrids(ctx, tx); err != nil {
			return err
		}
		misplaced, err := misplacedGrids(ctx, tx, ws)
		warnings = append(warnings, misplaced...)
		return err
	}()
	slices.SortStableFunc(warnings, func(a, b Warning) int { return a.Index - b.Index })
	return warnings, err
}

// checkGridCodes refuses codes already in the workspace or retired by the
// plan, and parents that exist neither in the batch nor in the workspace.
// Duplicates inside the batch are the caller's to report (it knows both
// feature indexes).
func checkGridCodes(ctx context.Context, tx pgx.Tx, ws int64, grids []domain.Grid) error {
	inBatch := make(map[string]bool, len(grids))
	codes := make([]string, 0, len(grids))
	var parents []string
	for _, g := range grids {
		inBatch[g.Code] = true
		codes = append(codes, g.Code)
	}
	for _, g := range grids {
		if g.Parent != "" && !inBatch[g.Parent] {
			parents = append(parents, g.Parent)
		}
	}
	existing, err := existingCodes(ctx, tx, ws, append(codes, parents...))
	if err != nil {
		return err
	}
	used, err := usedCodes(ctx, tx, ws, codes)
	if err != nil {
		return err
	}
	for i, g := range grids {
		if existing[g.Code] {
			return &FeatureError{Index: i, Field: "code", Problem: fmt.Sprintf("grid %q already exists in the plan", g.Code)}
		}
		if used[g.Code] {
			return &FeatureError{Index: i, Field: "code", Problem: fmt.Sprintf("code %q was used by a grid the plan retired; codes are never reused", g.Code)}
		}
	}
	for i, g := range grids {
		if g.Parent != "" && !inBatch[g.Parent] && !existing[g.Parent] {
			return &FeatureError{Index: i, Field: "parent", Problem: fmt.Sprintf("unknown parent %q: it is neither in the file nor in the plan", g.Parent)}
		}
	}
	return nil
}

func existingCodes(ctx context.Context, tx pgx.Tx, ws int64, codes []string) (map[string]bool, error) {
	rows, err := tx.Query(ctx, `SELECT code FROM grid WHERE ws_id = @ws AND code = ANY(@codes)`,
		pgx.NamedArgs{"ws": ws, "codes": codes})
	return codeSet(rows, err)
}

// usedCodes lists which of codes the plan of ws has used at some time.
func usedCodes(ctx context.Context, q querier, ws int64, codes []string) (map[string]bool, error) {
	rows, err := q.Query(ctx, `SELECT code FROM plan_code WHERE plan_id = (SELECT plan_id FROM workspace WHERE id = @ws)
		AND code = ANY(@codes)`, pgx.NamedArgs{"ws": ws, "codes": codes})
	return codeSet(rows, err)
}

func codeSet(rows pgx.Rows, err error) (map[string]bool, error) {
	if err != nil {
		return nil, err
	}
	found, err := pgx.CollectRows(rows, pgx.RowTo[string])
	set := make(map[string]bool, len(found))
	for _, c := range found {
		set[c] = true
	}
	return set, err
}

// invalidGeometries lists the staged rows whose geometry is not OGC-valid,
// with PostGIS's reason (which names the location of a self-intersection).
func invalidGeometries(ctx context.Context, tx pgx.Tx, staging string) ([]Warning, error) {
	// staging is one of this package's temp table names, never user input.
	rows, err := tx.Query(ctx, `SELECT ord, ST_IsValidReason(ST_GeomFromEWKB(wkb)) FROM `+pgx.Identifier{staging}.Sanitize()+`
		WHERE NOT ST_IsValid(ST_GeomFromEWKB(wkb)) ORDER BY ord`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Warning, error) {
		var w Warning
		var reason string
		err := r.Scan(&w.Index, &reason)
		w.Problem = "invalid (" + reason + "); stored as it is, the coverage audit reports it"
		return w, err
	})
}

// copyError unwraps the *FeatureError a CopyFromSlice callback returned.
func copyError(err error, what string) error {
	var fe *FeatureError
	if errors.As(err, &fe) {
		return fe
	}
	return pgError(err, what)
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func jsonObject(m map[string]any) ([]byte, error) {
	if m == nil {
		return []byte("{}"), nil
	}
	return json.Marshal(m)
}

// GridFilter selects grids of a plan. Zero values select everything.
type GridFilter struct {
	Level int
	// BBox, in WGS84, keeps grids that intersect it.
	BBox *orb.Bound
}

func scanGrid(row pgx.Row) (domain.Grid, error) {
	var g domain.Grid
	var kind, mode string
	var wkb []byte
	var persons, households *int
	var deviation *float64
	var band *string
	if err := row.Scan(&g.ID, &g.Code, &g.Name, &g.Level, &g.Parent, &kind, &g.Category, &mode, &g.Properties, &wkb,
		&g.Version, &persons, &households, &deviation, &band); err != nil {
		return g, err
	}
	g.Kind, g.Mode = domain.Kind(kind), domain.Mode(mode)
	if persons != nil {
		g.Stats = &domain.GridStats{Persons: *persons, Households: *households}
		if deviation != nil {
			g.Stats.DeviationPct = *deviation
		}
		if band != nil {
			g.Stats.Band = *band
		}
	}
	geom, err := decodeEWKB(wkb)
	if err != nil {
		return g, err
	}
	g.Geometry, _ = geom.(orb.MultiPolygon)
	return g, nil
}

// EachGrid streams workspace ws's grids matching f, ordered by level and
// code, to fn without holding them all in memory. fn's error stops the
// stream. It is the feature layers' own read (Features.Each), in code
// order.
func (db *DB) EachGrid(ctx context.Context, ws int64, f GridFilter, fn func(domain.Grid) error) error {
	q := FeatureQuery{Workspace: ws, Layer: LayerGrids, Level: f.Level, BBox: f.BBox, ByCode: true}
	return db.Features().Each(ctx, q, func(v any) error { return fn(v.(domain.Grid)) })
}

// Grid returns one grid of workspace ws by code.
func (db *DB) Grid(ctx context.Context, ws int64, code string) (domain.Grid, error) {
	var g domain.Grid
	found := false
	err := db.Features().Each(ctx, FeatureQuery{Workspace: ws, Layer: LayerGrids, Code: code}, func(v any) error {
		g, found = v.(domain.Grid), true
		return nil
	})
	if err == nil && !found {
		err = domain.Errorf(domain.ErrNotFound, "grid %q does not exist in this plan", code)
	}
	return g, err
}

// analyzeGrids brings the planner's statistics of grid up to date after a
// workspace was filled. They know nothing of its rows otherwise (a new
// plan's or draft's are all of them): the planner takes the workspace for
// one row, and its joins — the checks' first reads, the tiles' layer with
// grid_stats — loop for seconds over what they should look up (a fresh
// draft's first level-4 layer at scale 1: 15.7 s instead of 23 ms). A
// sample of 3,000 rows tells the workspaces' sizes within a few percent in
// a tenth of the default sample's time (27 against 250 ms at scale 1);
// autovacuum analyses with the full sample later (the lower target lasts
// to the end of the transaction).
func analyzeGrids(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, `SET LOCAL default_statistics_target = 10`); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `ANALYZE grid (ws_id, code, parent_code, level)`)
	return err
}
