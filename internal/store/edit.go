package store

import (
	"context"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
)

// Edit is one change set's transaction on one workspace: the editing layer
// reads and writes the view's grids through it, and it commits or rolls
// back as one. Opening it locks the workspace row (change sets of one view
// run one after another; other views and readers are not held up) and
// bumps the workspace version once for the whole change set.
type Edit struct {
	tx      pgx.Tx
	ws      int64
	PlanID  int64
	SRID    int
	Version int64 // the workspace version the change set starts from
	Next    int64 // the version it commits as
}

// Edit runs fn in a change-set transaction on workspace ws, committing
// when commit is set and fn succeeds, rolling back otherwise (a preview).
func (db *DB) Edit(ctx context.Context, ws int64, commit bool, fn func(*Edit) error) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	e := &Edit{tx: tx, ws: ws}
	if e.Version, err = begin(ctx, tx, ws); err != nil {
		return err
	}
	// From here on the change set bumps the version itself, once.
	if _, err := tx.Exec(ctx, `SELECT set_config('gridplan.change_set', 'on', true)`); err != nil {
		return err
	}
	err = tx.QueryRow(ctx, `UPDATE workspace w SET version = w.version + 1, used_at = now() FROM plan p
		WHERE w.id = @ws AND p.id = w.plan_id RETURNING w.version, p.id, p.srid`, pgx.NamedArgs{"ws": ws}).
		Scan(&e.Next, &e.PlanID, &e.SRID)
	if err != nil {
		return err
	}
	if err := fn(e); err != nil {
		return err
	}
	if !commit {
		return nil
	}
	return tx.Commit(ctx)
}

// editGridColumns read a grid inside the change set, its shape in the
// plan's metric CRS: edits are built there, where the audits measure.
const editGridColumns = `g.id, g.code, g.name, g.level, coalesce(g.parent_code, ''), g.kind, g.category, coalesce(g.mode, ''),
	g.properties, ST_AsBinary(g.geom_m), g.changed_at`

func scanEditGrid(row pgx.Row) (domain.Grid, error) {
	var g domain.Grid
	var kind, mode string
	var wkb []byte
	if err := row.Scan(&g.ID, &g.Code, &g.Name, &g.Level, &g.Parent, &kind, &g.Category, &mode, &g.Properties, &wkb,
		&g.Version); err != nil {
		return g, err
	}
	g.Kind, g.Mode = domain.Kind(kind), domain.Mode(mode)
	var err error
	g.Geometry, err = decodeMultiPolygon(wkb)
	return g, err
}

func (e *Edit) grids(ctx context.Context, where string, args pgx.NamedArgs) ([]domain.Grid, error) {
	args["ws"] = e.ws
	// where is one of this file's fixed conditions; values are arguments.
	rows, err := e.tx.Query(ctx, `SELECT `+editGridColumns+` FROM grid g WHERE g.ws_id = @ws AND `+where+` ORDER BY g.level, g.code`, args)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.Grid, error) { return scanEditGrid(r) })
}

// Grid reads one grid as the change set has it so far, its Geometry in
// the plan's CRS; ok is false when there is none of that code.
func (e *Edit) Grid(ctx context.Context, code string) (g domain.Grid, ok bool, err error) {
	gs, err := e.grids(ctx, `g.code = @code`, pgx.NamedArgs{"code": code})
	if err != nil || len(gs) == 0 {
		return g, false, err
	}
	return gs[0], true, nil
}

// Children reads the grids whose parent is code ("" for top-level grids).
func (e *Edit) Children(ctx context.Context, code string) ([]domain.Grid, error) {
	if code == "" {
		return e.grids(ctx, `g.parent_code IS NULL`, pgx.NamedArgs{})
	}
	return e.grids(ctx, `g.parent_code = @parent`, pgx.NamedArgs{"parent": code})
}

// Near reads the grids whose shape comes within the box b (plan's CRS).
func (e *Edit) Near(ctx context.Context, b orb.Bound) ([]domain.Grid, error) {
	return e.grids(ctx, `g.geom_m && ST_MakeEnvelope(@minx, @miny, @maxx, @maxy, @srid::int)`,
		pgx.NamedArgs{"minx": b.Min[0], "miny": b.Min[1], "maxx": b.Max[0], "maxy": b.Max[1], "srid": e.SRID})
}

// Invalid says why a shape (plan's CRS) is not a valid polygon, with the
// place; "" when it is valid.
func (e *Edit) Invalid(ctx context.Context, g orb.MultiPolygon) (string, error) {
	wkb, err := encodeEWKB(g, e.SRID)
	if err != nil {
		return "", err
	}
	var reason string
	err = e.tx.QueryRow(ctx, `SELECT CASE WHEN ST_IsValid(g) THEN '' ELSE ST_IsValidReason(ST_Transform(g, 4326)) END
		FROM ST_GeomFromEWKB(@wkb) g`, pgx.NamedArgs{"wkb": wkb}).Scan(&reason)
	return reason, err
}

// ToMetric moves WGS84 geometries into the plan's CRS (as PostGIS does
// for every stored shape).
func (e *Edit) ToMetric(ctx context.Context, geoms []orb.Geometry) ([]orb.Geometry, error) {
	return transform(ctx, e.tx, geoms, domain.WGS84, e.SRID)
}

// Faces nodes the rings of polygons and the lines together and returns
// the faces they enclose, in the plan's CRS (see faces).
func (e *Edit) Faces(ctx context.Context, polygons []orb.MultiPolygon, lines []orb.LineString) ([]orb.Polygon, error) {
	return faces(ctx, e.tx, e.SRID, polygons, lines)
}

// ErrStale says a grid changed after the change set's base.
type ErrStale struct{ Code string }

func (e *ErrStale) Error() string { return "grid " + e.Code + " changed after the change set's base" }

// Put writes grid g, its Geometry in the plan's CRS: it is stored as it
// is (geom_m, what the audits measure) and in WGS84 (geom). It updates the
// grid of that code when it has not changed after base (compare and swap
// in the statement itself), or inserts it when create is set. The grid's
// version becomes the change set's.
func (e *Edit) Put(ctx context.Context, g domain.Grid, base int64, create bool) error {
	wkb, err := encodeEWKB(g.Geometry, e.SRID)
	if err != nil {
		return domain.Errorf(domain.ErrInvalid, "grid %q: geometry: %v", g.Code, err)
	}
	props, err := jsonObject(g.Properties)
	if err != nil {
		return domain.Errorf(domain.ErrInvalid, "grid %q: properties: %v", g.Code, err)
	}
	kind := g.Kind
	if kind == "" {
		kind = domain.KindBase
	}
	args := pgx.NamedArgs{"ws": e.ws, "code": g.Code, "name": g.Name, "level": g.Level, "parent": nullIfEmpty(g.Parent),
		"kind": string(kind), "category": g.Category, "mode": nullIfEmpty(string(g.Mode)), "props": props, "wkb": wkb,
		"next": e.Next, "base": base, "plan": e.PlanID}
	if create {
		_, err := e.tx.Exec(ctx, `
			INSERT INTO grid (plan_id, ws_id, code, name, level, parent_code, kind, category, mode, properties, geom, geom_m, changed_at)
			SELECT @plan, @ws, @code, @name, @level, @parent, @kind, @category, @mode, @props,
			       ST_Multi(ST_Transform(m, 4326)), m, @next
			  FROM (SELECT ST_Multi(ST_GeomFromEWKB(@wkb)) AS m) t`, args)
		return pgError(err, "grid \""+g.Code+"\"")
	}
	tag, err := e.tx.Exec(ctx, `
		UPDATE grid SET name = @name, level = @level, parent_code = @parent, kind = @kind, category = @category,
		       mode = @mode, properties = @props, geom = ST_Multi(ST_Transform(t.m, 4326)), geom_m = t.m,
		       changed_at = @next, version_id = NULL
		  FROM (SELECT ST_Multi(ST_GeomFromEWKB(@wkb)) AS m) t
		 WHERE ws_id = @ws AND code = @code AND changed_at <= @base`, args)
	if err != nil {
		return pgError(err, "grid \""+g.Code+"\"")
	}
	if tag.RowsAffected() == 0 {
		return &ErrStale{Code: g.Code}
	}
	return nil
}

// Remove deletes grid code when it has not changed after base.
func (e *Edit) Remove(ctx context.Context, code string, base int64) error {
	tag, err := e.tx.Exec(ctx, `DELETE FROM grid WHERE ws_id = @ws AND code = @code AND changed_at <= @base`,
		pgx.NamedArgs{"ws": e.ws, "code": code, "base": base})
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return &ErrStale{Code: code}
	}
	return nil
}

// MetricGrid is a grid's shape in the plan's CRS with PostGIS's verdict on
// its validity, as the checks see it.
type MetricGrid struct {
	Geometry orb.MultiPolygon
	Valid    bool
	Reason   string
}

// Metric reads the metric shapes and validity of grids codes as the
// change set has them (invalid ones as ST_MakeValid repairs them).
func (e *Edit) Metric(ctx context.Context, codes []string) (map[string]MetricGrid, error) {
	rows, err := e.tx.Query(ctx, `
		SELECT g.code, v.valid, coalesce(v.reason || coalesce(' at ' || ST_AsText(ST_Transform(ST_SetSRID(v.location, ST_SRID(g.geom_m)), 4326)), ''), ''),
		       ST_AsEWKB(CASE WHEN v.valid THEN g.geom_m ELSE ST_Multi(ST_CollectionExtract(ST_MakeValid(g.geom_m), 3)) END)
		  FROM grid g CROSS JOIN LATERAL ST_IsValidDetail(g.geom_m) v
		 WHERE g.ws_id = @ws AND g.code = ANY(@codes)`, pgx.NamedArgs{"ws": e.ws, "codes": codes})
	if err != nil {
		return nil, err
	}
	out := map[string]MetricGrid{}
	var code string
	var m MetricGrid
	var wkb []byte
	_, err = pgx.ForEachRow(rows, []any{&code, &m.Valid, &m.Reason, &wkb}, func() error {
		g, err := decodeMultiPolygon(wkb)
		if err != nil {
			return err
		}
		out[code] = MetricGrid{Geometry: g, Valid: m.Valid, Reason: m.Reason}
		return nil
	})
	return out, err
}

// CodesUnder lists every code the plan has ever used that is prefix and
// width more characters, with the kind of grid it was, so new codes
// continue the sequence and never reuse one. Only codes of that length
// are read: under a street of a large plan most codes are its
// communities' grids, which a new community's number does not depend on.
func (e *Edit) CodesUnder(ctx context.Context, prefix string, width int) (map[string]domain.Kind, error) {
	// Planned for this prefix each time: a cached generic plan cannot turn
	// starts_with into a range of the primary key and reads every code of
	// the plan (100 ms at 90,000 grids, once per new code's parent).
	rows, err := e.tx.Query(ctx, `
		SELECT c.code, coalesce((SELECT kind FROM grid_version v WHERE v.plan_id = c.plan_id AND v.code = c.code LIMIT 1),
		                        (SELECT g.kind FROM workspace w JOIN grid g ON g.ws_id = w.id AND g.code = c.code
		                          WHERE w.plan_id = c.plan_id LIMIT 1), 'base')
		  FROM plan_code c WHERE c.plan_id = @plan AND starts_with(c.code, @prefix) AND length(c.code) = @length`,
		pgx.QueryExecModeExec, pgx.NamedArgs{"plan": e.PlanID, "prefix": prefix, "length": utf8.RuneCountInString(prefix) + width})
	if err != nil {
		return nil, err
	}
	out := map[string]domain.Kind{}
	var code, kind string
	_, err = pgx.ForEachRow(rows, []any{&code, &kind}, func() error {
		out[code] = domain.Kind(kind)
		return nil
	})
	return out, err
}

// Claim takes code for the plan unless it was ever used: false when it was.
// A code another change set claimed and has not committed yet waits for
// it, so two drafts never give one code to two grids.
func (e *Edit) Claim(ctx context.Context, code string) (bool, error) {
	tag, err := e.tx.Exec(ctx, `INSERT INTO plan_code (plan_id, code) VALUES (@plan, @code) ON CONFLICT DO NOTHING`,
		pgx.NamedArgs{"plan": e.PlanID, "code": code})
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() == 1, nil
}

// CodeUsed reports whether the plan has ever used code.
func (e *Edit) CodeUsed(ctx context.Context, code string) (bool, error) {
	var used bool
	err := e.tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM plan_code WHERE plan_id = @plan AND code = @code)`,
		pgx.NamedArgs{"plan": e.PlanID, "code": code}).Scan(&used)
	return used, err
}

// Record records the change set as a revision of the workspace's line.
func (e *Edit) Record(ctx context.Context, r Record) (int, error) { return record(ctx, e.tx, e.ws, r) }

// LineageRow is one line of the lineage table: what became of grid From
// (empty for a grid created from nothing) in op number Op of a revision.
type LineageRow struct {
	Revision        int     `json:"revision"`
	OpIndex         int     `json:"op_index"`
	Op              string  `json:"op"`
	From            string  `json:"from"`
	To              string  `json:"to"`
	Households      int64   `json:"households"`
	Persons         int64   `json:"persons"`
	HouseholdsShare float64 `json:"households_share"`
	PersonsShare    float64 `json:"persons_share"`
	CreatedAt       string  `json:"date,omitempty"`
}

// AddLineage stores lineage rows for revision rev.
func (e *Edit) AddLineage(ctx context.Context, rev int, rows []LineageRow) error {
	for _, r := range rows {
		_, err := e.tx.Exec(ctx, `INSERT INTO lineage (plan_id, revision, op_index, op, from_code, to_code,
			households_share, persons_share, households, persons)
			VALUES (@plan, @rev, @i, @op, NULLIF(@from, ''), NULLIF(@to, ''), @hs, @ps, @h, @p)`,
			pgx.NamedArgs{"plan": e.PlanID, "rev": rev, "i": r.OpIndex, "op": r.Op, "from": r.From, "to": r.To,
				"hs": r.HouseholdsShare, "ps": r.PersonsShare, "h": r.Households, "p": r.Persons})
		if err != nil {
			return err
		}
	}
	return nil
}

// Moved counts the residents that move between grids: for every unit
// whose point (a point on the surface of polygons) lies in one of before
// and one of after (shapes by code, in CRS srid), the persons and
// households per (from, to) pair. A point on a shared boundary belongs to
// the smaller code, as in the balance audit. Pairs with from == to are
// residents that stay.
func Moved(ctx context.Context, q querier, planID int64, srid int, before, after map[string]orb.MultiPolygon) (map[[2]string][2]int64, error) {
	enc := func(m map[string]orb.MultiPolygon) ([]string, [][]byte, error) {
		var codes []string
		var wkbs [][]byte
		for c, g := range m {
			b, err := encodeEWKB(g, srid)
			if err != nil {
				return nil, nil, err
			}
			codes, wkbs = append(codes, c), append(wkbs, b)
		}
		return codes, wkbs, nil
	}
	bc, bw, err := enc(before)
	if err != nil {
		return nil, err
	}
	ac, aw, err := enc(after)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `
		WITH m AS (SELECT srid FROM plan WHERE id = @plan),
		     b AS (SELECT c, ST_Transform(ST_GeomFromEWKB(w), m.srid) AS g FROM m, unnest(@bc::text[], @bw::bytea[]) AS t(c, w)),
		     a AS (SELECT c, ST_Transform(ST_GeomFromEWKB(w), m.srid) AS g FROM m, unnest(@ac::text[], @aw::bytea[]) AS t(c, w)),
		     area AS (SELECT ST_Extent(g) AS e FROM (SELECT g FROM b UNION ALL SELECT g FROM a) x),
		     u AS (SELECT persons, households, point_m AS p FROM unit, area WHERE plan_id = @plan AND geom_m && area.e)
		SELECT f.c, t.c, sum(u.persons), sum(u.households)
		  FROM u
		  CROSS JOIN LATERAL (SELECT c FROM b WHERE ST_Intersects(b.g, u.p) ORDER BY c LIMIT 1) f
		  CROSS JOIN LATERAL (SELECT c FROM a WHERE ST_Intersects(a.g, u.p) ORDER BY c LIMIT 1) t
		 GROUP BY f.c, t.c`, pgx.NamedArgs{"plan": planID, "bc": bc, "bw": bw, "ac": ac, "aw": aw})
	if err != nil {
		return nil, err
	}
	out := map[[2]string][2]int64{}
	var from, to string
	var persons, households int64
	_, err = pgx.ForEachRow(rows, []any{&from, &to, &persons, &households}, func() error {
		out[[2]string{from, to}] = [2]int64{persons, households}
		return nil
	})
	return out, err
}

// Moved is Moved inside the change set, which sees its writes.
func (e *Edit) Moved(ctx context.Context, before, after map[string]orb.MultiPolygon) (map[[2]string][2]int64, error) {
	return Moved(ctx, e.tx, e.PlanID, e.SRID, before, after)
}

// Areas measures, in m², how much of each of shapes lies in each of
// parents (plan's CRS): out[i][k] for shapes[i] in parents[k], with
// out[i][len(parents)] the area of shapes[i] itself.
func (e *Edit) Areas(ctx context.Context, shapes, parents []orb.MultiPolygon) ([][]float64, error) {
	enc := func(gs []orb.MultiPolygon) ([][]byte, error) {
		out := make([][]byte, len(gs))
		for i, g := range gs {
			b, err := encodeEWKB(g, e.SRID)
			if err != nil {
				return nil, err
			}
			out[i] = b
		}
		return out, nil
	}
	sw, err := enc(shapes)
	if err != nil {
		return nil, err
	}
	pw, err := enc(parents)
	if err != nil {
		return nil, err
	}
	out := make([][]float64, len(shapes))
	for i := range out {
		out[i] = make([]float64, len(parents)+1)
	}
	rows, err := e.tx.Query(ctx, `
		WITH s AS (SELECT i, ST_GeomFromEWKB(w) AS g FROM unnest(@s::bytea[]) WITH ORDINALITY AS t(w, i)),
		     p AS (SELECT k, ST_GeomFromEWKB(w) AS g FROM unnest(@p::bytea[]) WITH ORDINALITY AS t(w, k))
		SELECT s.i - 1, -1, ST_Area(s.g) FROM s
		UNION ALL
		SELECT s.i - 1, p.k - 1, ST_Area(ST_Intersection(s.g, p.g)) FROM s JOIN p ON s.g && p.g`,
		pgx.NamedArgs{"s": sw, "p": pw})
	if err != nil {
		return nil, pgError(err, "edit geometry")
	}
	var i, k int
	var a float64
	_, err = pgx.ForEachRow(rows, []any{&i, &k, &a}, func() error {
		if k < 0 {
			out[i][len(parents)] = a
		} else {
			out[i][k] = a
		}
		return nil
	})
	return out, err
}
