package store

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"
)

// GridHit is one grid a search found: enough for the map to list it and
// zoom to it (bbox in WGS84).
type GridHit struct {
	Code  string     `json:"code"`
	Name  string     `json:"name"`
	Level int        `json:"level"`
	Kind  string     `json:"kind"`
	BBox  [4]float64 `json:"bbox"`
}

// SearchQuery is a prefix search over a workspace's grids by code or name,
// read a page at a time in (level, code) order: After is the last hit of
// the previous page (AfterLevel 0: from the start).
type SearchQuery struct {
	Prefix     string
	Limit      int
	AfterLevel int
	AfterCode  string
}

// SearchGrids finds the grids of workspace ws whose code or name starts
// with q.Prefix, coarse levels first. It reads Limit+1 rows so the caller
// can tell whether another page follows.
func (db *DB) SearchGrids(ctx context.Context, ws int64, q SearchQuery) ([]GridHit, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT code, coalesce(name, ''), level, kind,
		       ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom)
		  FROM grid
		 WHERE ws_id = @ws
		   AND (code LIKE @pattern OR name LIKE @pattern)
		   AND (level, code) > (@after_level, @after_code)
		 ORDER BY level, code
		 LIMIT @limit`,
		pgx.NamedArgs{"ws": ws, "pattern": likePrefix(q.Prefix), "after_level": q.AfterLevel,
			"after_code": q.AfterCode, "limit": q.Limit + 1})
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (GridHit, error) {
		var h GridHit
		err := r.Scan(&h.Code, &h.Name, &h.Level, &h.Kind, &h.BBox[0], &h.BBox[1], &h.BBox[2], &h.BBox[3])
		return h, err
	})
}

// likePrefix is a LIKE pattern matching text that starts with p: LIKE's
// own wildcards and escape in p stand for themselves.
func likePrefix(p string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(p) + "%"
}
