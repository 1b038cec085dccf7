package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
)

// CreatePlan stores a new plan with its levels (the default hierarchy when
// p.Levels is empty). The boundary, if any, is in WGS84.
func (db *DB) CreatePlan(ctx context.Context, p domain.Plan) (domain.Plan, error) {
	if err := domain.ValidatePlanName(p.Name); err != nil {
		return domain.Plan{}, err
	}
	if p.SRID == 0 {
		p.SRID = domain.DefaultSRID
	}
	if p.Tolerance == (domain.Tolerance{}) {
		p.Tolerance = domain.DefaultTolerance
	}
	if len(p.Levels) == 0 {
		p.Levels = domain.DefaultLevels()
	}
	if err := db.checkMetricCRS(ctx, p.SRID); err != nil {
		return domain.Plan{}, err
	}
	var boundary []byte
	if p.Boundary != nil {
		var err error
		if boundary, err = encodeEWKB(p.Boundary, domain.WGS84); err != nil {
			return domain.Plan{}, domain.Errorf(domain.ErrInvalid, "plan %q boundary: %v", p.Name, err)
		}
	}
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `
			INSERT INTO plan (name, title, srid, boundary, sliver_area_m2, sliver_width_m)
			VALUES (@name, @title, @srid, ST_Multi(ST_GeomFromEWKB(@boundary)), @sliver_area, @sliver_width)
			RETURNING id, version, created_at, updated_at`,
			pgx.NamedArgs{"name": p.Name, "title": p.Title, "srid": p.SRID, "boundary": boundary,
				"sliver_area": p.Tolerance.SliverAreaM2, "sliver_width": p.Tolerance.SliverWidthM},
		).Scan(&p.ID, &p.DataVersion, &p.CreatedAt, &p.UpdatedAt)
		if err != nil {
			return pgError(err, "plan \""+p.Name+"\"")
		}
		// A trigger gave the plan its published workspace.
		err = tx.QueryRow(ctx, `SELECT id, version FROM workspace WHERE plan_id = @plan AND kind = 'published'`,
			pgx.NamedArgs{"plan": p.ID}).Scan(&p.Workspace, &p.GridVersion)
		if err != nil {
			return err
		}
		p.Version = p.DataVersion + p.GridVersion
		return insertLevels(ctx, tx, p.ID, p.Levels)
	})
	return p, err
}

func insertLevels(ctx context.Context, tx pgx.Tx, planID int64, levels []domain.Level) error {
	for _, l := range levels {
		_, err := tx.Exec(ctx, `
			INSERT INTO plan_level (plan_id, level, name, min_persons, max_persons, min_households, max_households)
			VALUES (@plan, @level, @name, NULLIF(@min_p, 0), NULLIF(@max_p, 0), NULLIF(@min_h, 0), NULLIF(@max_h, 0))`,
			pgx.NamedArgs{"plan": planID, "level": l.Level, "name": l.Name,
				"min_p": l.Band.MinPersons, "max_p": l.Band.MaxPersons,
				"min_h": l.Band.MinHouseholds, "max_h": l.Band.MaxHouseholds})
		if err != nil {
			return pgError(err, "level")
		}
	}
	return nil
}

// checkMetricCRS accepts only projected CRSs measured in metres, because
// every area and distance gridplan reports is computed in the plan's CRS.
func (db *DB) checkMetricCRS(ctx context.Context, srid int) error {
	var metric bool
	err := db.pool.QueryRow(ctx,
		`SELECT proj4text LIKE '%+units=m%' FROM spatial_ref_sys WHERE srid = @srid`,
		pgx.NamedArgs{"srid": srid}).Scan(&metric)
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.Errorf(domain.ErrInvalid, "CRS EPSG:%d is unknown to PostGIS", srid)
	}
	if err != nil {
		return err
	}
	if !metric {
		return domain.Errorf(domain.ErrInvalid, "CRS EPSG:%d is not a projected CRS in metres; use one such as EPSG:4547 (CGCS2000 / 3-degree Gauss-Kruger CM 114E)", srid)
	}
	return nil
}

// planColumns read a plan p as seen through workspace w.
const planColumns = `p.id, p.name, p.title, p.srid, ST_AsEWKB(p.boundary), p.sliver_area_m2, p.sliver_width_m,
	p.version, w.id, w.version, coalesce(p.head_revision, 0), p.created_at, p.updated_at`

// publishedFrom joins each plan p to its published workspace w.
const publishedFrom = ` FROM plan p JOIN workspace w ON w.plan_id = p.id AND w.kind = 'published' `

func scanPlan(row pgx.Row) (domain.Plan, error) {
	var p domain.Plan
	var boundary []byte
	err := row.Scan(&p.ID, &p.Name, &p.Title, &p.SRID, &boundary,
		&p.Tolerance.SliverAreaM2, &p.Tolerance.SliverWidthM, &p.DataVersion, &p.Workspace, &p.GridVersion,
		&p.HeadRevision, &p.CreatedAt, &p.UpdatedAt)
	if err != nil {
		return p, err
	}
	p.Version = p.DataVersion + p.GridVersion
	if boundary != nil {
		g, err := decodeEWKB(boundary)
		if err != nil {
			return p, err
		}
		p.Boundary, _ = g.(orb.MultiPolygon)
	}
	return p, nil
}

// Plan returns the published plan named name with its levels.
func (db *DB) Plan(ctx context.Context, name string) (domain.Plan, error) {
	p, err := scanPlan(db.pool.QueryRow(ctx, `SELECT `+planColumns+publishedFrom+`WHERE p.name = @name`,
		pgx.NamedArgs{"name": name}))
	if errors.Is(err, pgx.ErrNoRows) {
		return p, domain.Errorf(domain.ErrNotFound, "plan %q does not exist", name)
	}
	if err != nil {
		return p, err
	}
	p.Levels, err = db.levels(ctx, p.ID)
	return p, err
}

// Plans lists every published plan, by name, with its levels.
func (db *DB) Plans(ctx context.Context) ([]domain.Plan, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+planColumns+publishedFrom+`ORDER BY p.name`)
	if err != nil {
		return nil, err
	}
	plans, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.Plan, error) { return scanPlan(r) })
	if err != nil {
		return nil, err
	}
	for i := range plans {
		if plans[i].Levels, err = db.levels(ctx, plans[i].ID); err != nil {
			return nil, err
		}
	}
	return plans, nil
}

func (db *DB) levels(ctx context.Context, planID int64) ([]domain.Level, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT level, name, coalesce(min_persons, 0), coalesce(max_persons, 0),
		       coalesce(min_households, 0), coalesce(max_households, 0)
		  FROM plan_level WHERE plan_id = @plan ORDER BY level`, pgx.NamedArgs{"plan": planID})
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.Level, error) {
		var l domain.Level
		err := r.Scan(&l.Level, &l.Name, &l.Band.MinPersons, &l.Band.MaxPersons, &l.Band.MinHouseholds, &l.Band.MaxHouseholds)
		return l, err
	})
}

// DeletePlan removes a plan and everything in it.
func (db *DB) DeletePlan(ctx context.Context, name string) error {
	tag, err := db.pool.Exec(ctx, `DELETE FROM plan WHERE name = @name`, pgx.NamedArgs{"name": name})
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return domain.Errorf(domain.ErrNotFound, "plan %q does not exist", name)
	}
	return nil
}

// lockPlan serialises writers of one plan's own data (units, facilities,
// network, settings) so that the checks an import makes still hold when it
// commits.
func lockPlan(ctx context.Context, tx pgx.Tx, planID int64) error {
	var id int64
	err := tx.QueryRow(ctx, `SELECT id FROM plan WHERE id = @plan FOR UPDATE`, pgx.NamedArgs{"plan": planID}).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.Errorf(domain.ErrNotFound, "plan %d does not exist", planID)
	}
	return err
}
