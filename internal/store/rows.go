package store

import (
	"github.com/jackc/pgx/v5"
)

// eachRow scans every row of a query with scan and hands it to fn, one at a
// time, so streams never hold a whole layer. fn's error stops the stream.
func eachRow[T any](rows pgx.Rows, err error, scan func(pgx.Row) (T, error), fn func(T) error) error {
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return err
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return rows.Err()
}
