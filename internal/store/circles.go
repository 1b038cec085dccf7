package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
)

// CircleRules returns the plan's service-circle rules, shortest circle first.
func (db *DB) CircleRules(ctx context.Context, planID int64) ([]domain.CircleRule, error) {
	rows, err := db.pool.Query(ctx, `SELECT facility_type, minutes, speed_m_per_min, target_pct, also_types, note
		FROM circle_rule WHERE plan_id = @plan ORDER BY minutes, facility_type`, pgx.NamedArgs{"plan": planID})
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.CircleRule, error) {
		var c domain.CircleRule
		err := r.Scan(&c.FacilityType, &c.Minutes, &c.SpeedMPerMin, &c.TargetPct, &c.AlsoTypes, &c.Note)
		if len(c.AlsoTypes) == 0 {
			c.AlsoTypes = nil
		}
		return c, err
	})
}

// PutCircleRule adds a rule, or replaces the plan's rule for the same
// facility type and minutes; created says which.
func (db *DB) PutCircleRule(ctx context.Context, planID int64, r domain.CircleRule) (created bool, err error) {
	if err := r.Validate(); err != nil {
		return false, err
	}
	also := r.AlsoTypes
	if also == nil {
		also = []string{}
	}
	err = db.pool.QueryRow(ctx, `
		INSERT INTO circle_rule (plan_id, facility_type, minutes, speed_m_per_min, target_pct, also_types, note)
		VALUES (@plan, @type, @minutes, @speed, @target, @also, @note)
		ON CONFLICT (plan_id, facility_type, minutes) DO UPDATE
		   SET speed_m_per_min = EXCLUDED.speed_m_per_min, target_pct = EXCLUDED.target_pct,
		       also_types = EXCLUDED.also_types, note = EXCLUDED.note
		RETURNING xmax = 0`,
		pgx.NamedArgs{"plan": planID, "type": r.FacilityType, "minutes": r.Minutes, "speed": r.SpeedMPerMin,
			"target": r.TargetPct, "also": also, "note": r.Note}).Scan(&created)
	return created, pgError(err, "circle rule")
}

// DeleteCircleRule removes the plan's rule for a facility type and minutes.
func (db *DB) DeleteCircleRule(ctx context.Context, planID int64, facilityType string, minutes int) error {
	tag, err := db.pool.Exec(ctx, `DELETE FROM circle_rule
		WHERE plan_id = @plan AND facility_type = @type AND minutes = @minutes`,
		pgx.NamedArgs{"plan": planID, "type": facilityType, "minutes": minutes})
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return domain.Errorf(domain.ErrNotFound, "no circle rule for %s within %d minutes", facilityType, minutes)
	}
	return nil
}

// Place is a unit or facility reduced to one point, in the plan's metric
// CRS (Metric) and in WGS84 (LonLat). A polygon unit is represented by a
// point on its surface.
type Place struct {
	ID         int64
	Type       string // facilities only
	Name       string
	Persons    int // units only
	Households int // units only
	Metric     orb.Point
	LonLat     orb.Point
}

// UnitPlaces returns the plan's units as points, in id order.
func (db *DB) UnitPlaces(ctx context.Context, planID int64) ([]Place, error) {
	rows, err := db.pool.Query(ctx, `SELECT id, persons, households, ST_X(m), ST_Y(m), ST_X(w), ST_Y(w)
		FROM (SELECT id, persons, households, ST_PointOnSurface(geom_m) AS m, ST_PointOnSurface(geom) AS w
		        FROM unit WHERE plan_id = @plan) u ORDER BY id`, pgx.NamedArgs{"plan": planID})
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Place, error) {
		var p Place
		err := r.Scan(&p.ID, &p.Persons, &p.Households, &p.Metric[0], &p.Metric[1], &p.LonLat[0], &p.LonLat[1])
		return p, err
	})
}

// FacilityPlaces returns the plan's facilities of the given types (all
// types when types is nil), in id order.
func (db *DB) FacilityPlaces(ctx context.Context, planID int64, types []string) ([]Place, error) {
	rows, err := db.pool.Query(ctx, `SELECT id, type, name, ST_X(geom_m), ST_Y(geom_m), ST_X(geom), ST_Y(geom)
		FROM facility WHERE plan_id = @plan AND (@types::text[] IS NULL OR type = ANY(@types)) ORDER BY id`,
		pgx.NamedArgs{"plan": planID, "types": types})
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Place, error) {
		var p Place
		err := r.Scan(&p.ID, &p.Type, &p.Name, &p.Metric[0], &p.Metric[1], &p.LonLat[0], &p.LonLat[1])
		return p, err
	})
}

// MetricNetwork returns the plan's walking network with node points and
// edge lines in the plan's metric CRS, nodes and edges in id order, and
// each node's WGS84 point.
func (db *DB) MetricNetwork(ctx context.Context, planID int64) (nodes []domain.Node, lonlat []orb.Point, edges []domain.Edge, err error) {
	args := pgx.NamedArgs{"plan": planID}
	rows, err := db.pool.Query(ctx, `SELECT id, ST_X(geom_m), ST_Y(geom_m), ST_X(geom), ST_Y(geom)
		FROM net_node WHERE plan_id = @plan ORDER BY id`, args)
	if err != nil {
		return nil, nil, nil, err
	}
	var n domain.Node
	var ll orb.Point
	_, err = pgx.ForEachRow(rows, []any{&n.ID, &n.Point[0], &n.Point[1], &ll[0], &ll[1]}, func() error {
		nodes = append(nodes, n)
		lonlat = append(lonlat, ll)
		return nil
	})
	if err != nil {
		return nil, nil, nil, err
	}
	rows, err = db.pool.Query(ctx, `SELECT id, source, target, length_m, highway, coalesce(osm_way, 0), ST_AsEWKB(geom_m)
		FROM net_edge WHERE plan_id = @plan ORDER BY id`, args)
	if err != nil {
		return nil, nil, nil, err
	}
	edges, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.Edge, error) {
		var e domain.Edge
		var wkb []byte
		if err := r.Scan(&e.ID, &e.Source, &e.Target, &e.LengthM, &e.Highway, &e.OSMWay, &wkb); err != nil {
			return e, err
		}
		g, err := decodeEWKB(wkb)
		if err != nil {
			return e, err
		}
		ls, ok := g.(orb.LineString)
		if !ok {
			return e, errors.New("network edge geometry is not a LineString")
		}
		e.Geometry = ls
		return e, nil
	})
	return nodes, lonlat, edges, err
}

// FacilityNodes returns, for each facility of the given types, the id of
// the network node nearest to it (by the metric geometry's KNN index): the
// sources the pgRouting reference starts from.
func (db *DB) FacilityNodes(ctx context.Context, planID int64, types []string) ([]int64, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT n.id FROM facility f
		CROSS JOIN LATERAL (SELECT id FROM net_node n WHERE n.plan_id = f.plan_id
		                     ORDER BY n.geom_m <-> f.geom_m LIMIT 1) n
		 WHERE f.plan_id = @plan AND f.type = ANY(@types) ORDER BY f.id`,
		pgx.NamedArgs{"plan": planID, "types": types})
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// EnsurePgRouting creates the pgRouting extension when it is missing. Only
// the reference comparisons (tests, `gridplan bench circles`) need it.
func (db *DB) EnsurePgRouting(ctx context.Context) error {
	_, err := db.pool.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS pgrouting`)
	if err != nil {
		return fmt.Errorf("pgRouting is needed for the reference (install postgresql-15-pgrouting): %w", err)
	}
	return nil
}

// DrivingDistance runs pgRouting's multi-source pgr_drivingDistance on the
// plan's stored network, the reference for gridplan's own search, and
// returns every node within limit metres of the nearest source with that
// distance. With equicost false pgRouting searches from each source and
// the nearest is kept here; with equicost true pgRouting assigns each node
// to one source itself (in pgRouting 3.4 not always the nearest one, so
// only the first form is exact). The edge query is built by format() from
// the plan id, a bigint.
func (db *DB) DrivingDistance(ctx context.Context, planID int64, sources []int64, limit float64, equicost bool) (map[int64]float64, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT node, agg_cost FROM pgr_drivingDistance(
		    format('SELECT id, source, target, cost, reverse_cost FROM net_edge WHERE plan_id = %s', @plan::bigint),
		    @sources::bigint[], @limit::float8, directed => true, equicost => @equicost::boolean)`,
		pgx.NamedArgs{"plan": planID, "sources": sources, "limit": limit, "equicost": equicost})
	if err != nil {
		return nil, err
	}
	out := map[int64]float64{}
	var node int64
	var cost float64
	_, err = pgx.ForEachRow(rows, []any{&node, &cost}, func() error {
		if c, ok := out[node]; !ok || cost < c {
			out[node] = cost
		}
		return nil
	})
	return out, err
}
