package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
)

// Revision is one recorded state of a plan's grids.
type Revision struct {
	Number    int             `json:"revision"`
	Parent    *int            `json:"parent"`
	Draft     string          `json:"draft,omitempty"`
	Kind      string          `json:"kind"`
	Author    string          `json:"author"`
	Message   string          `json:"message"`
	CreatedAt time.Time       `json:"created_at"`
	Grids     int             `json:"grids"`
	Ops       json.RawMessage `json:"ops,omitempty"`
}

// Revisions lists plan's revisions, newest first: the published line and
// every draft's, or only draft's when draft is not empty.
func (db *DB) Revisions(ctx context.Context, planID int64, draft string) ([]Revision, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT r.number, r.parent, coalesce(d.name, ''), r.kind, r.author, r.message, r.created_at,
		       cardinality(r.grids), r.ops
		  FROM revision r LEFT JOIN draft d ON d.id = r.draft_id
		 WHERE r.plan_id = @plan AND (@draft = '' OR d.name = @draft)
		 ORDER BY r.number DESC`, pgx.NamedArgs{"plan": planID, "draft": draft})
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Revision, error) {
		var v Revision
		err := r.Scan(&v.Number, &v.Parent, &v.Draft, &v.Kind, &v.Author, &v.Message, &v.CreatedAt, &v.Grids, &v.Ops)
		return v, err
	})
}

// GridVersion is one recorded state of one grid, with the revision that
// first recorded it.
type GridVersion struct {
	Revision  int       `json:"revision"`
	Draft     string    `json:"draft,omitempty"`
	Kind      string    `json:"kind"`
	Author    string    `json:"author"`
	Message   string    `json:"message"`
	CreatedAt time.Time `json:"created_at"`
	Name      string    `json:"name"`
	Parent    string    `json:"parent"`
	Level     int       `json:"level"`
	AreaM2    float64   `json:"area_m2"`
}

// GridHistory lists the recorded states of grid code, oldest first, and
// the lineage rows that name it.
func (db *DB) GridHistory(ctx context.Context, planID int64, code string) ([]GridVersion, []LineageRow, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT DISTINCT ON (v.id) r.number, coalesce(d.name, ''), r.kind, r.author, r.message, r.created_at,
		       v.name, coalesce(v.parent_code, ''), v.level, ST_Area(v.geom_m)
		  FROM grid_version v
		  JOIN revision r ON r.plan_id = v.plan_id AND v.id = ANY(r.grids)
		  LEFT JOIN draft d ON d.id = r.draft_id
		 WHERE v.plan_id = @plan AND v.code = @code
		 ORDER BY v.id, r.number`, pgx.NamedArgs{"plan": planID, "code": code})
	if err != nil {
		return nil, nil, err
	}
	versions, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (GridVersion, error) {
		var v GridVersion
		err := r.Scan(&v.Revision, &v.Draft, &v.Kind, &v.Author, &v.Message, &v.CreatedAt, &v.Name, &v.Parent, &v.Level, &v.AreaM2)
		return v, err
	})
	if err != nil {
		return nil, nil, err
	}
	lineage, err := db.Lineage(ctx, planID, code, "")
	return versions, lineage, err
}

// Lineage lists plan's lineage rows in revision and op order: those of
// the published line and of published drafts, and of draft when named;
// with code, only rows from or to it.
func (db *DB) Lineage(ctx context.Context, planID int64, code, draft string) ([]LineageRow, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT l.revision, l.op_index, l.op, coalesce(l.from_code, ''), coalesce(l.to_code, ''),
		       coalesce(l.households, 0), coalesce(l.persons, 0), coalesce(l.households_share, 0), coalesce(l.persons_share, 0),
		       to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')
		  FROM lineage l JOIN revision r ON r.plan_id = l.plan_id AND r.number = l.revision
		  LEFT JOIN draft d ON d.id = r.draft_id
		 WHERE l.plan_id = @plan AND (r.draft_id IS NULL OR d.state = 'published' OR d.name = @draft)
		   AND (@code = '' OR l.from_code = @code OR l.to_code = @code)
		 ORDER BY l.revision, l.op_index, l.id`, pgx.NamedArgs{"plan": planID, "code": code, "draft": draft})
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (LineageRow, error) {
		var l LineageRow
		err := r.Scan(&l.Revision, &l.OpIndex, &l.Op, &l.From, &l.To, &l.Households, &l.Persons, &l.HouseholdsShare,
			&l.PersonsShare, &l.CreatedAt)
		return l, err
	})
}

// Side names one side of a diff: a workspace (the published plan or a
// draft, as it is now) or a revision.
type Side struct {
	Workspace int64
	Revision  int
}

// DiffGrid is a grid on one side of a diff.
type DiffGrid struct {
	Code, Name, Parent string
	Level              int
	Geometry           orb.MultiPolygon // WGS84
}

// DiffSides reads, for the codes whose grid differs between a and b, each
// side's grid (absent on the side that lacks it).
func (db *DB) DiffSides(ctx context.Context, planID int64, a, b Side) (before, after map[string]DiffGrid, err error) {
	err = db.readOnly(ctx, func(tx pgx.Tx) error {
		sa, err := sideState(ctx, tx, planID, a)
		if err != nil {
			return err
		}
		sb, err := sideState(ctx, tx, planID, b)
		if err != nil {
			return err
		}
		changed := changedCodes(sa, sb)
		if before, err = sideGrids(ctx, tx, planID, a, sa, changed); err != nil {
			return err
		}
		after, err = sideGrids(ctx, tx, planID, b, sb, changed)
		return err
	})
	return before, after, err
}

func sideState(ctx context.Context, q querier, planID int64, s Side) (state, error) {
	if s.Workspace != 0 {
		return wsState(ctx, q, s.Workspace)
	}
	return revisionState(ctx, q, planID, s.Revision)
}

// sideGrids reads the grids of codes on side s: from the workspace's rows
// (which may hold changes not recorded yet) or from the revision's versions.
func sideGrids(ctx context.Context, q querier, planID int64, s Side, st state, codes []string) (map[string]DiffGrid, error) {
	var rows pgx.Rows
	var err error
	if s.Workspace != 0 {
		rows, err = q.Query(ctx, `SELECT code, name, coalesce(parent_code, ''), level, ST_AsEWKB(geom) FROM grid
			WHERE ws_id = @ws AND code = ANY(@codes)`, pgx.NamedArgs{"ws": s.Workspace, "codes": codes})
	} else {
		var ids []int64
		for _, c := range codes {
			if id, ok := st[c]; ok {
				ids = append(ids, id)
			}
		}
		rows, err = q.Query(ctx, `SELECT code, name, coalesce(parent_code, ''), level, ST_AsEWKB(geom) FROM grid_version
			WHERE plan_id = @plan AND id = ANY(@ids)`, pgx.NamedArgs{"plan": planID, "ids": ids})
	}
	if err != nil {
		return nil, err
	}
	out := map[string]DiffGrid{}
	var g DiffGrid
	var wkb []byte
	_, err = pgx.ForEachRow(rows, []any{&g.Code, &g.Name, &g.Parent, &g.Level, &wkb}, func() error {
		geom, err := decodeMultiPolygon(wkb)
		if err != nil {
			return err
		}
		g.Geometry = geom
		out[g.Code] = g
		return nil
	})
	return out, err
}

// MovedGround is ground that went from one grid to another between the
// sides of a diff: its shape (WGS84) and area in the plan's CRS.
type MovedGround struct {
	From, To string
	AreaM2   float64
	Geometry orb.Geometry
}

// MovedGround intersects every grid of before with every grid of after of
// the same level and a different code, keeping the pieces with area.
func (db *DB) MovedGround(ctx context.Context, plan domain.Plan, before, after map[string]DiffGrid) ([]MovedGround, error) {
	enc := func(m map[string]DiffGrid) ([]string, []int32, [][]byte, error) {
		var codes []string
		var levels []int32
		var wkbs [][]byte
		for c, g := range m {
			b, err := encodeEWKB(g.Geometry, domain.WGS84)
			if err != nil {
				return nil, nil, nil, err
			}
			codes, levels, wkbs = append(codes, c), append(levels, int32(g.Level)), append(wkbs, b)
		}
		return codes, levels, wkbs, nil
	}
	bc, bl, bw, err := enc(before)
	if err != nil {
		return nil, err
	}
	ac, al, aw, err := enc(after)
	if err != nil {
		return nil, err
	}
	rows, err := db.pool.Query(ctx, `
		WITH b AS (SELECT c, l, ST_GeomFromEWKB(w) AS g FROM unnest(@bc::text[], @bl::int[], @bw::bytea[]) AS t(c, l, w)),
		     a AS (SELECT c, l, ST_GeomFromEWKB(w) AS g FROM unnest(@ac::text[], @al::int[], @aw::bytea[]) AS t(c, l, w)),
		     x AS (SELECT b.c AS f, a.c AS t, ST_CollectionExtract(ST_Intersection(b.g, a.g), 3) AS g
		             FROM b JOIN a ON a.l = b.l AND a.c <> b.c AND b.g && a.g)
		SELECT f, t, ST_Area(ST_Transform(g, @srid::int)), ST_AsEWKB(g) FROM x
		 WHERE NOT ST_IsEmpty(g) AND ST_Area(ST_Transform(g, @srid::int)) > 0.01
		 ORDER BY f, t`, pgx.NamedArgs{"bc": bc, "bl": bl, "bw": bw, "ac": ac, "al": al, "aw": aw, "srid": plan.SRID})
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (MovedGround, error) {
		var m MovedGround
		var wkb []byte
		if err := r.Scan(&m.From, &m.To, &m.AreaM2, &wkb); err != nil {
			return m, err
		}
		var err error
		m.Geometry, err = decodeEWKB(wkb)
		return m, err
	})
}

// MovedResidents is Moved on the pool: the residents that went from the
// grids of before to those of after (WGS84 shapes).
func (db *DB) MovedResidents(ctx context.Context, plan domain.Plan, before, after map[string]orb.MultiPolygon) (map[[2]string][2]int64, error) {
	return Moved(ctx, db.pool, plan.ID, domain.WGS84, before, after)
}
