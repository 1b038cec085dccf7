package store

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
)

// This file serves the OGC API - Features layers: one page of a layer in id
// order (keyset paging: "ids greater than After"), exact counts, and the
// plan's data stamp that ETags and response caches key on.

// querier is what both the pool and a transaction offer.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Features reads feature layers, either straight from the pool or inside
// one read-only snapshot (see DB.Snapshot).
type Features struct{ q querier }

// Features reads from the pool, each call on its own snapshot.
func (db *DB) Features() *Features { return &Features{q: db.pool} }

// Snapshot runs fn with a reader whose every query sees the same snapshot
// (REPEATABLE READ, read only), so that a page, its count and the data
// stamp the response is cached under all agree.
func (db *DB) Snapshot(ctx context.Context, fn func(*Features) error) error {
	return pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly},
		func(tx pgx.Tx) error { return fn(&Features{q: tx}) })
}

// Stamp identifies the state of one view of a plan's data: Version changes
// with grids, units, facilities and the network, AuditVersion with
// findings and computed grid statistics.
type Stamp struct {
	PlanID       int64
	Workspace    int64
	Version      int64
	AuditVersion int64
	// HasLevel tells whether the level asked for exists (see Stamp).
	HasLevel bool
}

// Stamp returns the data stamp of view of the plan named name. With level
// > 0 it also tells whether the plan defines that grid level or has grids
// on it. A revision must have been opened (DB.PlanView) first.
func (f *Features) Stamp(ctx context.Context, name string, view domain.View, level int) (Stamp, error) {
	var s Stamp
	err := f.q.QueryRow(ctx, `SELECT p.id, w.id, p.version + w.version, w.audit_version,
		       @level > 0 AND (EXISTS (SELECT 1 FROM plan_level WHERE plan_id = p.id AND level = @level)
		                    OR EXISTS (SELECT 1 FROM grid WHERE ws_id = w.id AND level = @level))
		  FROM plan p JOIN workspace w ON w.plan_id = p.id
		 WHERE p.name = @name AND CASE
		       WHEN @draft <> '' THEN w.id = (SELECT ws_id FROM draft WHERE plan_id = p.id AND name = @draft)
		       WHEN @rev > 0 THEN w.kind = 'revision' AND w.revision = @rev
		       ELSE w.kind = 'published' END`,
		pgx.NamedArgs{"name": name, "level": level, "draft": view.Draft, "rev": view.Revision}).
		Scan(&s.PlanID, &s.Workspace, &s.Version, &s.AuditVersion, &s.HasLevel)
	if errors.Is(err, pgx.ErrNoRows) {
		if view.Published() {
			return s, domain.Errorf(domain.ErrNotFound, "plan %q does not exist", name)
		}
		return s, domain.Errorf(domain.ErrNotFound, "plan %q has no %s open for reading", name, view)
	}
	return s, err
}

// StampOf returns the data stamp of the view that workspace ws is, as
// Stamp does for a plan's name and view.
func (f *Features) StampOf(ctx context.Context, ws int64, level int) (Stamp, error) {
	var s Stamp
	err := f.q.QueryRow(ctx, `SELECT p.id, w.id, p.version + w.version, w.audit_version,
		       @level > 0 AND (EXISTS (SELECT 1 FROM plan_level WHERE plan_id = p.id AND level = @level)
		                    OR EXISTS (SELECT 1 FROM grid WHERE ws_id = w.id AND level = @level))
		  FROM plan p JOIN workspace w ON w.plan_id = p.id WHERE w.id = @ws`,
		pgx.NamedArgs{"ws": ws, "level": level}).Scan(&s.PlanID, &s.Workspace, &s.Version, &s.AuditVersion, &s.HasLevel)
	if errors.Is(err, pgx.ErrNoRows) {
		return s, domain.Errorf(domain.ErrNotFound, "workspace %d does not exist", ws)
	}
	return s, err
}

// Layer names a feature layer of a plan.
type Layer int

// The layers of a plan.
const (
	LayerGrids Layer = iota
	LayerUnits
	LayerFacilities
	LayerFindings
)

// FeatureQuery selects features of one layer of a plan. Zero values select
// everything.
type FeatureQuery struct {
	PlanID    int64 // units and facilities are the plan's
	Workspace int64 // grids and findings are the view's
	Layer     Layer
	Level     int     // grids: the level (0: all)
	ID        int64   // one feature by id
	IDs       []int64 // only these features (nil: no such filter)
	Code      string  // grids: one grid by code
	After     int64   // keyset: only ids greater than After
	Limit     int     // at most this many (0: no limit)
	// BBox, in WGS84, keeps features whose geometry intersects it.
	BBox *orb.Bound
	// Property filters (exact match). Grids: Parent, Kind, Category;
	// facilities: Type; findings: Parent, Kind, Severity, Check.
	Parent, Kind, Category, Type, Severity, Check string
	// ByCode orders grids by level and code instead of by id (keyset
	// paging is by id, so it goes with After = 0).
	ByCode bool
}

// layerSQL is the fixed SQL of each layer: the columns read, the table
// (aliased t), and the filterable columns by FeatureQuery field.
type layerSQL struct {
	columns, from string
	filters       map[string]string // FeatureQuery field → column
}

var layers = map[Layer]layerSQL{
	LayerGrids: {
		columns: `t.id, t.code, t.name, t.level, coalesce(t.parent_code, ''), t.kind, t.category, coalesce(t.mode, ''),
			t.properties, ST_AsEWKB(t.geom), t.changed_at, s.persons, s.households, s.deviation_pct, s.band`,
		from:    ` FROM grid t LEFT JOIN grid_stats s ON s.ws_id = t.ws_id AND s.code = t.code`,
		filters: map[string]string{"parent": "t.parent_code", "kind": "t.kind", "category": "t.category"},
	},
	LayerUnits: {
		columns: `t.id, t.name, t.persons, t.households, t.properties, ST_AsEWKB(t.geom)`,
		from:    ` FROM unit t`,
	},
	LayerFacilities: {
		columns: `t.id, t.type, t.name, t.properties, ST_AsEWKB(t.geom)`,
		from:    ` FROM facility t`,
		filters: map[string]string{"type": "t.type"},
	},
	LayerFindings: {
		columns: `t.id, t.check_name, t.kind, t.severity, coalesce(t.level, 0), coalesce(t.parent_code, ''),
			t.grids, coalesce(t.area_m2, 0), coalesce(t.width_m, 0), t.reason, ST_AsEWKB(t.geom)`,
		from: ` FROM finding t`,
		filters: map[string]string{"parent": "t.parent_code", "kind": "t.kind", "severity": "t.severity",
			"check": "t.check_name"},
	},
}

// where builds the WHERE clause of q from fixed fragments; values are
// always arguments. withKeyset adds the paging condition.
func (q FeatureQuery) where(withKeyset bool) (string, pgx.NamedArgs) {
	conds := []string{"t.plan_id = @plan"}
	args := pgx.NamedArgs{"plan": q.PlanID}
	if q.Layer == LayerGrids || q.Layer == LayerFindings {
		conds = []string{"t.ws_id = @ws"}
		args = pgx.NamedArgs{"ws": q.Workspace}
	}
	if q.Layer == LayerGrids && q.Level > 0 {
		conds = append(conds, "t.level = @level")
		args["level"] = q.Level
	}
	if q.ID != 0 {
		conds = append(conds, "t.id = @id")
		args["id"] = q.ID
	}
	if q.IDs != nil {
		conds = append(conds, "t.id = ANY(@ids)")
		args["ids"] = q.IDs
	}
	if q.Layer == LayerGrids && q.Code != "" {
		conds = append(conds, "t.code = @code")
		args["code"] = q.Code
	}
	if withKeyset && q.After != 0 {
		conds = append(conds, "t.id > @after")
		args["after"] = q.After
	}
	if q.BBox != nil {
		conds = append(conds, "t.geom && ST_MakeEnvelope(@minx, @miny, @maxx, @maxy, 4326)",
			"ST_Intersects(t.geom, ST_MakeEnvelope(@minx, @miny, @maxx, @maxy, 4326))")
		args["minx"], args["miny"], args["maxx"], args["maxy"] = q.BBox.Min[0], q.BBox.Min[1], q.BBox.Max[0], q.BBox.Max[1]
	}
	filters := layers[q.Layer].filters
	for _, f := range []struct{ name, value string }{
		{"parent", q.Parent}, {"kind", q.Kind}, {"category", q.Category},
		{"type", q.Type}, {"severity", q.Severity}, {"check", q.Check},
	} {
		if f.value == "" {
			continue
		}
		col, ok := filters[f.name]
		if !ok {
			conds = append(conds, "false") // the layer has no such property: nothing matches
			continue
		}
		conds = append(conds, col+" = @f_"+f.name)
		args["f_"+f.name] = f.value
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// Count returns how many features match q, ignoring its paging.
func (f *Features) Count(ctx context.Context, q FeatureQuery) (int, error) {
	where, args := q.where(false)
	var n int
	err := f.q.QueryRow(ctx, `SELECT count(*)`+layers[q.Layer].from+where, args).Scan(&n)
	return n, pgError(err, "count")
}

// Each streams the features matching q in id order to fn, as domain.Grid,
// domain.Unit, domain.Facility or domain.Finding values by layer. fn's error
// stops the stream.
func (f *Features) Each(ctx context.Context, q FeatureQuery, fn func(any) error) error {
	l := layers[q.Layer]
	where, args := q.where(true)
	order := ` ORDER BY t.id`
	if q.ByCode && q.Layer == LayerGrids {
		order = ` ORDER BY t.level, t.code`
	}
	sql := `SELECT ` + l.columns + l.from + where + order
	if q.Limit > 0 {
		sql += ` LIMIT @limit`
		args["limit"] = q.Limit
	}
	rows, err := f.q.Query(ctx, sql, args)
	if err != nil {
		return pgError(err, "features")
	}
	defer rows.Close()
	scan := scanners[q.Layer]
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return err
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return pgError(rows.Err(), "features")
}

// scanners read a row of each layer's columns, in the order the layer's
// Each* stream reads them.
var scanners = map[Layer]func(pgx.Row) (any, error){
	LayerGrids:      func(r pgx.Row) (any, error) { return scanGrid(r) },
	LayerUnits:      func(r pgx.Row) (any, error) { return scanUnit(r) },
	LayerFacilities: func(r pgx.Row) (any, error) { return scanFacility(r) },
	LayerFindings:   func(r pgx.Row) (any, error) { return scanFinding(r) },
}

// LayerExtent is the WGS84 bounding box of one layer of a plan; Level is 0
// for layers other than grids.
type LayerExtent struct {
	Layer Layer
	Level int
	Bound orb.Bound
}

// Extents returns the bounding box of every non-empty layer of a view of a
// plan (workspace ws), grid levels apiece.
func (f *Features) Extents(ctx context.Context, ws int64) ([]LayerExtent, error) {
	rows, err := f.q.Query(ctx, `
		WITH p AS (SELECT plan_id AS id FROM workspace WHERE id = @ws)
		SELECT 0 AS layer, level, ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
		  FROM (SELECT level, ST_Extent(geom) AS e FROM grid WHERE ws_id = @ws GROUP BY level) g
		UNION ALL SELECT 1, 0, ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
		  FROM (SELECT ST_Extent(geom) AS e FROM unit WHERE plan_id = (SELECT id FROM p)) u WHERE e IS NOT NULL
		UNION ALL SELECT 2, 0, ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
		  FROM (SELECT ST_Extent(geom) AS e FROM facility WHERE plan_id = (SELECT id FROM p)) f WHERE e IS NOT NULL
		UNION ALL SELECT 3, 0, ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
		  FROM (SELECT ST_Extent(geom) AS e FROM finding WHERE ws_id = @ws) x WHERE e IS NOT NULL`,
		pgx.NamedArgs{"ws": ws})
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (LayerExtent, error) {
		var e LayerExtent
		err := r.Scan(&e.Layer, &e.Level, &e.Bound.Min[0], &e.Bound.Min[1], &e.Bound.Max[0], &e.Bound.Max[1])
		return e, err
	})
}

// GridStamp is what tells a grid's tile content has changed without
// reading its geometry: the version it last changed at (the grid row's
// changed_at) and the computed figures tiles carry.
type GridStamp struct {
	ID           int64
	ChangedAt    int64
	Persons      *int
	Households   *int
	DeviationPct *float64
	Band         *string
}

// GridStamps lists the grids of one level of a view (workspace ws) with
// their stamps, in id order: a few bytes per grid, so a layer kept in
// memory learns what changed since it was read and reads only that.
func (f *Features) GridStamps(ctx context.Context, ws int64, level int) ([]GridStamp, error) {
	rows, err := f.q.Query(ctx, `SELECT t.id, t.changed_at, s.persons, s.households, s.deviation_pct, s.band
		FROM grid t LEFT JOIN grid_stats s ON s.ws_id = t.ws_id AND s.code = t.code
		WHERE t.ws_id = @ws AND t.level = @level ORDER BY t.id`, pgx.NamedArgs{"ws": ws, "level": level})
	if err != nil {
		return nil, pgError(err, "grid stamps")
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (GridStamp, error) {
		var g GridStamp
		err := r.Scan(&g.ID, &g.ChangedAt, &g.Persons, &g.Households, &g.DeviationPct, &g.Band)
		return g, err
	})
}
