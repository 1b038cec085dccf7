package store

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
)

// InsertUnits adds population units to a plan in one transaction.
func (db *DB) InsertUnits(ctx context.Context, planID int64, units []domain.Unit, srid int) ([]Warning, error) {
	var warnings []Warning
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		if err := lockPlan(ctx, tx, planID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE unit_in (
				ord int, name text, persons int, households int, properties jsonb, wkb bytea) ON COMMIT DROP`); err != nil {
			return err
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"unit_in"},
			[]string{"ord", "name", "persons", "households", "properties", "wkb"},
			pgx.CopyFromSlice(len(units), func(i int) ([]any, error) {
				u := units[i]
				wkb, err := encodeEWKB(u.Geometry, srid)
				if err != nil {
					return nil, &FeatureError{Index: i, Field: "geometry", Problem: err.Error()}
				}
				props, err := jsonObject(u.Properties)
				if err != nil {
					return nil, &FeatureError{Index: i, Field: "properties", Problem: err.Error()}
				}
				return []any{i, u.Name, u.Persons, u.Households, props, wkb}, nil
			}))
		if err != nil {
			return copyError(err, "unit")
		}
		if warnings, err = invalidGeometries(ctx, tx, "unit_in"); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `
			INSERT INTO unit (plan_id, name, persons, households, properties, geom)
			SELECT @plan, name, persons, households, properties, ST_Transform(ST_GeomFromEWKB(wkb), 4326)
			  FROM unit_in ORDER BY ord`, pgx.NamedArgs{"plan": planID})
		return pgError(err, "unit")
	})
	return warnings, err
}

// EachUnit streams the plan's units in id order.
func (db *DB) EachUnit(ctx context.Context, planID int64, fn func(domain.Unit) error) error {
	rows, err := db.pool.Query(ctx, `SELECT `+unitColumns+` FROM unit WHERE plan_id = @plan ORDER BY id`,
		pgx.NamedArgs{"plan": planID})
	return eachRow(rows, err, scanUnit, fn)
}

const unitColumns = `id, name, persons, households, properties, ST_AsEWKB(geom)`

func scanUnit(r pgx.Row) (domain.Unit, error) {
	var u domain.Unit
	var wkb []byte
	if err := r.Scan(&u.ID, &u.Name, &u.Persons, &u.Households, &u.Properties, &wkb); err != nil {
		return u, err
	}
	var err error
	u.Geometry, err = decodeEWKB(wkb)
	return u, err
}

// InsertFacilities adds service facilities to a plan in one transaction.
func (db *DB) InsertFacilities(ctx context.Context, planID int64, facilities []domain.Facility, srid int) error {
	return db.inTx(ctx, func(tx pgx.Tx) error {
		if err := lockPlan(ctx, tx, planID); err != nil {
			return err
		}
		return insertFacilities(ctx, tx, planID, facilities, srid)
	})
}

// insertFacilities stages facilities with COPY and inserts them, in tx.
func insertFacilities(ctx context.Context, tx pgx.Tx, planID int64, facilities []domain.Facility, srid int) error {
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE facility_in (
			ord int, type text, name text, properties jsonb, wkb bytea) ON COMMIT DROP`); err != nil {
		return err
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"facility_in"},
		[]string{"ord", "type", "name", "properties", "wkb"},
		pgx.CopyFromSlice(len(facilities), func(i int) ([]any, error) {
			f := facilities[i]
			wkb, err := encodeEWKB(f.Geometry, srid)
			if err != nil {
				return nil, &FeatureError{Index: i, Field: "geometry", Problem: err.Error()}
			}
			props, err := jsonObject(f.Properties)
			if err != nil {
				return nil, &FeatureError{Index: i, Field: "properties", Problem: err.Error()}
			}
			return []any{i, f.Type, f.Name, props, wkb}, nil
		}))
	if err != nil {
		return copyError(err, "facility")
	}
	_, err = tx.Exec(ctx, `
		INSERT INTO facility (plan_id, type, name, properties, geom)
		SELECT @plan, type, name, properties, ST_Transform(ST_GeomFromEWKB(wkb), 4326)
		  FROM facility_in ORDER BY ord`, pgx.NamedArgs{"plan": planID})
	return pgError(err, "facility")
}

// EachFacility streams the plan's facilities in id order.
func (db *DB) EachFacility(ctx context.Context, planID int64, fn func(domain.Facility) error) error {
	rows, err := db.pool.Query(ctx, `SELECT `+facilityColumns+` FROM facility WHERE plan_id = @plan ORDER BY id`,
		pgx.NamedArgs{"plan": planID})
	return eachRow(rows, err, scanFacility, fn)
}

const facilityColumns = `id, type, name, properties, ST_AsEWKB(geom)`

func scanFacility(r pgx.Row) (domain.Facility, error) {
	var f domain.Facility
	var wkb []byte
	if err := r.Scan(&f.ID, &f.Type, &f.Name, &f.Properties, &wkb); err != nil {
		return f, err
	}
	g, err := decodeEWKB(wkb)
	f.Geometry, _ = g.(orb.Point)
	return f, err
}
