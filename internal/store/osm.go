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
		return insertFacilities(ctx, tx, planID, facilities, domain.WGS84)
	})
	return removed, err
}
