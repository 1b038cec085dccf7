package pgtest

import (
	"context"
	"testing"

	"github.com/gridplan/gridplan/internal/store"
)

// Tiling asks PostGIS whether every level of workspace ws tiles its
// parent: for each parent (the plan boundary for level 1), its ground less
// the union of its tiling children (gap), the union less the parent
// (spill), and the sum of the children's areas less the union's (overlap),
// in m². It returns the largest of each over all parents; what the
// floating-point overlay itself leaves on the untouched demo is some 1e-9
// m² per parent, so tests hold them under 1e-6 m².
func Tiling(tb testing.TB, db *store.DB, ws int64) (gap, spill, overlap float64) {
	tb.Helper()
	err := db.Pool().QueryRow(context.Background(), `
		WITH t AS (
			SELECT c.code, c.parent_code, c.level, c.geom_m FROM grid c
			  LEFT JOIN grid par ON par.ws_id = c.ws_id AND par.code = c.parent_code
			 WHERE c.ws_id = $1 AND (c.kind = 'base' OR c.mode = 'carve_out' OR par.mode = 'overlay')),
		parents AS (
			SELECT p.geom_m AS g, ST_Union(t.geom_m) AS u, sum(ST_Area(t.geom_m)) AS s
			  FROM grid p JOIN t ON t.parent_code = p.code WHERE p.ws_id = $1 GROUP BY p.id
			UNION ALL
			SELECT ST_Transform(pl.boundary, pl.srid), ST_Union(t.geom_m), sum(ST_Area(t.geom_m))
			  FROM plan pl JOIN workspace w ON w.plan_id = pl.id AND w.id = $1 JOIN t ON t.parent_code IS NULL AND t.level = 1
			 GROUP BY pl.id, pl.boundary, pl.srid)
		SELECT coalesce(max(ST_Area(ST_Difference(g, u))), 0), coalesce(max(ST_Area(ST_Difference(u, g))), 0),
		       coalesce(max(abs(s - ST_Area(u))), 0) FROM parents`, ws).Scan(&gap, &spill, &overlap)
	if err != nil {
		tb.Fatalf("pgtest: judge tiling: %v", err)
	}
	return gap, spill, overlap
}
