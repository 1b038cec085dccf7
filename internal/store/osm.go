package store

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/gridplan/gridplan/internal/domain"
)

// ReplaceSourceFacilities replaces the plan's facilities whose "source"
// property is source (e.g. "openstreetmap") with the given ones, in one
// transaction, leaving facilities from elsewhere alone: re-importing an
// extract does not duplicate its facilities. Points are WGS84.
func (db *DB) ReplaceSourceFacilities(ctx context.Context, planID int64, source string, facilities []domain.Facility) (removed int64, err error) {
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		if err := lockPlan(ctx, tx, planID); err != nil {
			return err
		}
		args := pgx.NamedArgs{"plan": planID, "source": source}
		tag, err := tx.Exec(ctx, `DELETE FROM facility WHERE plan_id = @plan AND properties->>'source' = @source`, args)
		if err != nil {
			return err
		}
		removed = tag.RowsAffected()
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE osm_facility_in (
				ord int, type text, name text, properties jsonb, wkb bytea) ON COMMIT DROP`); err != nil {
			return err
		}
		_, err = tx.CopyFrom(ctx, pgx.Identifier{"osm_facility_in"},
			[]string{"ord", "type", "name", "properties", "wkb"},
			pgx.CopyFromSlice(len(facilities), func(i int) ([]any, error) {
				f := facilities[i]
				wkb, err := encodeEWKB(f.Geometry, domain.WGS84)
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
			SELECT @plan, type, name, properties, ST_GeomFromEWKB(wkb) FROM osm_facility_in ORDER BY ord`, args)
		return pgError(err, "facility")
	})
	return removed, err
}
