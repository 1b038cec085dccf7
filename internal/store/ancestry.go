package store

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// Ancestry is what authorisation asks of a view: the chain of parents of
// each grid, its own code first, so a grant scoped to a code covers every
// grid whose chain reaches it.

// maxDepth bounds the walk up, so a cycle of parent codes (data made
// outside gridplan) cannot loop; plans have four or five levels.
const maxDepth = 32

func ancestry(ctx context.Context, q querier, ws int64, codes []string) (map[string][]string, error) {
	rows, err := q.Query(ctx, `
		WITH RECURSIVE up (start, code, parent, depth) AS (
			SELECT g.code, g.code, g.parent_code, 0 FROM grid g WHERE g.ws_id = @ws AND g.code = ANY(@codes::text[])
			UNION ALL
			SELECT up.start, g.code, g.parent_code, up.depth + 1
			  FROM up JOIN grid g ON g.ws_id = @ws AND g.code = up.parent
			 WHERE up.depth < @max)
		SELECT start, array_agg(code ORDER BY depth) FROM up GROUP BY start`,
		pgx.NamedArgs{"ws": ws, "codes": codes, "max": maxDepth})
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	var start string
	var chain []string
	_, err = pgx.ForEachRow(rows, []any{&start, &chain}, func() error {
		out[start] = chain
		return nil
	})
	return out, err
}

// Ancestry gives the chain of parents of each of codes in workspace ws,
// each code first; codes the view lacks are absent.
func (db *DB) Ancestry(ctx context.Context, ws int64, codes []string) (map[string][]string, error) {
	return ancestry(ctx, db.pool, ws, codes)
}

// Ancestry is DB.Ancestry inside the change set, which sees its writes.
func (e *Edit) Ancestry(ctx context.Context, codes []string) (map[string][]string, error) {
	return ancestry(ctx, e.tx, e.ws, codes)
}

// DraftChanges lists, sorted, the codes whose grid draft d changed since
// the revision it is based on: its own work, without what was published
// meanwhile.
func (db *DB) DraftChanges(ctx context.Context, planID int64, d Draft) ([]string, error) {
	base, err := revisionState(ctx, db.pool, planID, d.BaseRevision)
	if err != nil {
		return nil, err
	}
	now, err := wsState(ctx, db.pool, d.Workspace)
	if err != nil {
		return nil, err
	}
	return changedCodes(base, now), nil
}

// OverlayRoots gives, for each of codes that is an overlay special grid or
// lies under one, the nearest such grid up its chain (itself first): the
// root of the separate tiling it belongs to. Grids of the base tiling are
// absent.
func (e *Edit) OverlayRoots(ctx context.Context, codes []string) (map[string]string, error) {
	rows, err := e.tx.Query(ctx, `
		WITH RECURSIVE up (start, code, parent, overlay, depth) AS (
			SELECT g.code, g.code, g.parent_code, g.kind = 'special' AND g.mode = 'overlay', 0
			  FROM grid g WHERE g.ws_id = @ws AND g.code = ANY(@codes::text[])
			UNION ALL
			SELECT up.start, g.code, g.parent_code, g.kind = 'special' AND g.mode = 'overlay', up.depth + 1
			  FROM up JOIN grid g ON g.ws_id = @ws AND g.code = up.parent
			 WHERE up.depth < @max AND NOT up.overlay)
		SELECT start, code FROM up WHERE overlay`,
		pgx.NamedArgs{"ws": e.ws, "codes": codes, "max": maxDepth})
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	var start, root string
	_, err = pgx.ForEachRow(rows, []any{&start, &root}, func() error {
		out[start] = root
		return nil
	})
	return out, err
}
