package store

import (
	"context"
	"errors"

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
	rows, err := db.pool.Query(ctx, `SELECT id, persons, households, ST_X(point_m), ST_Y(point_m), ST_X(point), ST_Y(point)
		FROM unit WHERE plan_id = @plan ORDER BY id`, pgx.NamedArgs{"plan": planID})
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
