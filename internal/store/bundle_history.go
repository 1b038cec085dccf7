package store

import (
	"context"
	"encoding/json"
	"errors"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/gridplan/gridplan/internal/domain"
)

// A plan's history is part of what the plan is: a restored plan can be
// read, diffed, branched from and reverted at every revision the original
// had, under the same numbers, and never gives a code the original used.

// BundleHistoryVersion is the first bundle version holding the history.
const BundleHistoryVersion = 2

// EventBundleRestore enters the access log when a bundle's history is
// restored, ahead of the lines the log's triggers write for every
// revision and draft restored (with their original authors).
const EventBundleRestore = "bundle_restore"

// historyTables are the history's bundle tables. Grid versions keep their
// ids, which the revisions list, and their metric shapes: an edit builds
// grids in metres, so the metric shape is the original and the WGS84 one a
// copy, and a restore must not recompute it. Revisions name their draft.
func historyTables() []BundleTable {
	c := bundleColumns
	h := func(t BundleTable) BundleTable {
		t.Restore, t.Since = RestoreHistory, BundleHistoryVersion
		return t
	}
	return []BundleTable{
		h(BundleTable{Name: "grid_version",
			Columns: c("id", "code", "name", "level", "parent_code", "kind", "category", "mode", "properties:json", "geom_m", "geom:geom"),
			Select: `SELECT id, code, name, level, parent_code, kind, category, mode, properties,
			                encode(ST_AsEWKB(geom_m), 'hex') AS geom_m, ST_AsEWKB(geom) AS g
			           FROM grid_version WHERE plan_id = @plan ORDER BY id`}),
		h(BundleTable{Name: "draft",
			Columns: c("name", "author", "message", "base_revision", "head_revision", "state", "published_revision",
				"published_by", "published_at", "discarded_by", "discarded_at", "created_at", "updated_at"),
			OrderBy: []string{"name"}}),
		h(BundleTable{Name: "revision",
			Columns: c("number", "parent", "draft", "kind", "author", "message", "created_at", "ops:json", "grids:json"),
			Select: `SELECT r.number, r.parent, d.name AS draft, r.kind, r.author, r.message, r.created_at, r.ops, r.grids,
			                NULL::bytea AS g
			           FROM revision r LEFT JOIN draft d ON d.id = r.draft_id
			          WHERE r.plan_id = @plan ORDER BY r.number`}),
		h(BundleTable{Name: "lineage",
			Columns: c("revision", "op_index", "op", "from_code", "to_code", "households_share", "persons_share",
				"households", "persons", "created_at"),
			OrderBy: []string{"id"}}),
		h(BundleTable{Name: "plan_code", Columns: c("code"), OrderBy: []string{"code"}}),
		h(BundleTable{Name: "plan_history", Columns: c("head_revision", "next_revision"),
			Select: `SELECT head_revision, next_revision, NULL::bytea AS g FROM plan WHERE id = @plan`}),
	}
}

// RestoreBundleHistory writes a bundle's history into plan, a plan just
// created from the bundle, in one transaction: grid versions under new ids
// (drawn in the order of the old ones, so that revisions list them
// ascending as before), drafts, revisions with their numbers, authors,
// times and ops, lineage, every code ever used, the published head. The
// published grids are then the head revision's, with the bundle's grid
// table applied on top of it: a change made in the database outside
// gridplan and not recorded yet stays unrecorded, as it was. Open drafts
// get their working copy back from their head revision. Nothing is
// recorded as a new revision: the restored head is the original's.
func (db *DB) RestoreBundleHistory(ctx context.Context, plan domain.Plan, rows map[string][]BundleRow, actor domain.Actor) error {
	h, err := readBundleHistory(rows)
	if err != nil {
		return err
	}
	return db.inTx(ctx, func(tx pgx.Tx) error {
		if err := lockPlan(ctx, tx, plan.ID); err != nil {
			return err
		}
		if err := appendLog(ctx, tx, LogEntry{PlanID: plan.ID, Plan: plan.Name, Actor: actor.Name, Via: actor.Via,
			Event: EventBundleRestore, Subject: "plan " + plan.Name, Detail: map[string]any{
				"revisions": len(h.revisions), "drafts": len(rows["draft"]), "grid_versions": len(h.versions)}}); err != nil {
			return err
		}
		remap, err := restoreVersions(ctx, tx, plan.ID, h, rows["grid_version"])
		if err != nil {
			return err
		}
		if err := restoreRevisions(ctx, tx, plan.ID, h, remap, rows); err != nil {
			return err
		}
		args := pgx.NamedArgs{"plan": plan.ID, "head": h.head, "next": h.next}
		if _, err := tx.Exec(ctx, `UPDATE plan SET head_revision = @head, next_revision = @next WHERE id = @plan`, args); err != nil {
			return err
		}
		if err := restorePublished(ctx, tx, plan.ID, h.head, rows["grid"]); err != nil {
			return err
		}
		return restoreOpenDrafts(ctx, tx, plan.ID, h.open)
	})
}

// restoreVersions inserts the bundle's grid versions under ids drawn from
// the database and returns the map from the bundle's ids to them.
func restoreVersions(ctx context.Context, tx pgx.Tx, planID int64, h bundleHistory, rows []BundleRow) (map[int64]int64, error) {
	q, err := tx.Query(ctx, `SELECT nextval(pg_get_serial_sequence('grid_version', 'id')) FROM generate_series(1, @n)`,
		pgx.NamedArgs{"n": len(h.versions)})
	if err != nil {
		return nil, err
	}
	drawn, err := pgx.CollectRows(q, pgx.RowTo[int64])
	if err != nil {
		return nil, err
	}
	slices.Sort(drawn)
	remap := make(map[int64]int64, len(drawn))
	for i, old := range h.versions {
		remap[old] = drawn[i]
	}
	moved := make([]BundleRow, len(rows))
	for i, r := range rows {
		moved[i] = r.with("id", remapped(r.Values["id"], remap))
	}
	doc, err := bundleJSON(bundleTable("grid_version"), moved)
	if err != nil {
		return nil, err
	}
	_, err = tx.Exec(ctx, `
		INSERT INTO grid_version (id, plan_id, code, name, level, parent_code, kind, category, mode, properties, geom, geom_m)
		OVERRIDING SYSTEM VALUE
		SELECT r.id, @plan, r.code, r.name, r.level, r.parent_code, r.kind, r.category, r.mode, r.properties, r.geom, r.geom_m
		  FROM jsonb_populate_recordset(NULL::grid_version, @rows::jsonb) r ORDER BY r.id`,
		pgx.NamedArgs{"plan": planID, "rows": doc})
	if err != nil {
		return nil, pgError(err, "bundle table grid_version")
	}
	// The metric shapes are what the audits measure: in another CRS than
	// the plan's they would be measured wrong.
	var code string
	var srid, want int
	err = tx.QueryRow(ctx, `SELECT v.code, ST_SRID(v.geom_m), p.srid FROM grid_version v JOIN plan p ON p.id = v.plan_id
		WHERE v.plan_id = @plan AND ST_SRID(v.geom_m) <> p.srid LIMIT 1`, pgx.NamedArgs{"plan": planID}).Scan(&code, &srid, &want)
	if err == nil {
		return nil, historyError("grid_version, grid %s: its metric shape is in EPSG:%d, the plan's CRS is EPSG:%d", code, srid, want)
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return nil, err
	}
	return remap, nil
}

// restoreRevisions inserts drafts (without working copies yet), revisions
// with their grid versions remapped and their drafts found by name,
// lineage in the bundle's order, and the codes the plan ever used.
func restoreRevisions(ctx context.Context, tx pgx.Tx, planID int64, h bundleHistory, remap map[int64]int64, rows map[string][]BundleRow) error {
	revs := make([]BundleRow, len(rows["revision"]))
	for i, r := range rows["revision"] {
		ids := make([]int64, len(h.revisions[i]))
		for j, id := range h.revisions[i] {
			ids[j] = remap[id]
		}
		slices.Sort(ids)
		text, _ := json.Marshal(ids)
		revs[i] = r.with("grids", string(text))
	}
	steps := []struct{ table, sql string }{
		{"draft", `INSERT INTO draft (plan_id, name, author, message, base_revision, head_revision, state, published_revision,
		                              published_by, published_at, discarded_by, discarded_at, created_at, updated_at)
			SELECT @plan, r.name, r.author, r.message, r.base_revision, r.head_revision, r.state, r.published_revision,
			       r.published_by, r.published_at, r.discarded_by, r.discarded_at, r.created_at, r.updated_at
			  FROM jsonb_populate_recordset(NULL::draft, @rows::jsonb) r ORDER BY r.created_at, r.name`},
		{"revision", `INSERT INTO revision (plan_id, number, parent, draft_id, kind, author, message, created_at, ops, grids)
			SELECT @plan, r.number, r.parent, d.id, r.kind, r.author, r.message, r.created_at, r.ops, r.grids
			  FROM jsonb_to_recordset(@rows::jsonb) AS r(number integer, parent integer, draft text, kind text, author text,
			       message text, created_at timestamptz, ops jsonb, grids bigint[])
			  LEFT JOIN draft d ON d.plan_id = @plan AND d.name = r.draft
			 ORDER BY r.number`},
		{"lineage", `INSERT INTO lineage (plan_id, revision, op_index, op, from_code, to_code, households_share, persons_share,
		                                  households, persons, created_at)
			SELECT @plan, r.revision, r.op_index, r.op, r.from_code, r.to_code, r.households_share, r.persons_share,
			       r.households, r.persons, r.created_at
			  FROM jsonb_array_elements(@rows::jsonb) WITH ORDINALITY AS e(doc, n)
			 CROSS JOIN LATERAL jsonb_populate_record(NULL::lineage, e.doc) r ORDER BY e.n`},
		{"plan_code", `INSERT INTO plan_code (plan_id, code)
			SELECT @plan, r.code FROM jsonb_populate_recordset(NULL::plan_code, @rows::jsonb) r ON CONFLICT DO NOTHING`},
	}
	for _, s := range steps {
		table := rows[s.table]
		if s.table == "revision" {
			table = revs
		}
		doc, err := bundleJSON(bundleTable(s.table), table)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, s.sql, pgx.NamedArgs{"plan": planID, "rows": doc}); err != nil {
			return pgError(err, "bundle table "+s.table)
		}
	}
	return nil
}

// restorePublished makes the published workspace the head revision (grids
// that equal their grid_version, as after any recorded write), then
// applies the bundle's published grids where they differ from it: those
// rows were changed outside gridplan and not recorded, and stay so.
func restorePublished(ctx context.Context, tx pgx.Tx, planID int64, head *int64, grids []BundleRow) error {
	var ws int64
	args := pgx.NamedArgs{"plan": planID}
	if err := tx.QueryRow(ctx, `SELECT id FROM workspace WHERE plan_id = @plan AND kind = 'published'`, args).Scan(&ws); err != nil {
		return err
	}
	args["ws"] = ws
	if head != nil {
		if err := copyRevision(ctx, tx, planID, int(*head), ws); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE workspace SET recorded_version = version WHERE id = @ws`, args); err != nil {
			return err
		}
	}
	doc, err := bundleJSON(bundleTable("grid"), grids)
	if err != nil {
		return err
	}
	args["rows"] = doc
	for _, sql := range []string{
		`DELETE FROM grid g WHERE g.ws_id = @ws
		   AND g.code NOT IN (SELECT b.code FROM jsonb_populate_recordset(NULL::grid, @rows::jsonb) b)`,
		`UPDATE grid g SET name = b.name, level = b.level, parent_code = b.parent_code, kind = b.kind, category = b.category,
		        mode = b.mode, properties = b.properties, geom = b.geom
		   FROM jsonb_populate_recordset(NULL::grid, @rows::jsonb) b
		  WHERE g.ws_id = @ws AND g.code = b.code
		    AND (g.name, g.level, g.parent_code, g.kind, g.category, g.mode, g.properties, g.geom)
		        IS DISTINCT FROM (b.name, b.level, b.parent_code, b.kind, b.category, b.mode, b.properties, b.geom)`,
		`INSERT INTO grid (plan_id, ws_id, code, name, level, parent_code, kind, category, mode, properties, geom)
		 SELECT @plan, @ws, b.code, b.name, b.level, b.parent_code, b.kind, b.category, b.mode, b.properties, b.geom
		   FROM jsonb_populate_recordset(NULL::grid, @rows::jsonb) b
		  WHERE b.code NOT IN (SELECT code FROM grid WHERE ws_id = @ws) ORDER BY b.level, b.code`,
	} {
		if _, err := tx.Exec(ctx, sql, args); err != nil {
			return pgError(err, "bundle table grid")
		}
	}
	return nil
}

// restoreOpenDrafts gives each open draft its working copy: its head
// revision, as a new draft's copy is made.
func restoreOpenDrafts(ctx context.Context, tx pgx.Tx, planID int64, open []openDraft) error {
	for _, d := range open {
		args := pgx.NamedArgs{"plan": planID, "name": d.name}
		var ws int64
		if err := tx.QueryRow(ctx, `WITH w AS (INSERT INTO workspace (plan_id, kind) VALUES (@plan, 'draft') RETURNING id)
			UPDATE draft SET ws_id = (SELECT id FROM w) WHERE plan_id = @plan AND name = @name RETURNING ws_id`, args).
			Scan(&ws); err != nil {
			return err
		}
		if err := copyRevision(ctx, tx, planID, int(d.head), ws); err != nil {
			return err
		}
		// The copy is the draft's starting point, not a change of it.
		if _, err := tx.Exec(ctx, `UPDATE workspace SET version = 1, recorded_version = 1 WHERE id = @ws`,
			pgx.NamedArgs{"ws": ws}); err != nil {
			return err
		}
	}
	return nil
}

// with returns the row with one value replaced, leaving r as it was.
func (r BundleRow) with(col string, v any) BundleRow {
	values := make(map[string]any, len(r.Values))
	for k, x := range r.Values {
		values[k] = x
	}
	values[col] = v
	return BundleRow{Values: values, Geometry: r.Geometry}
}

func remapped(v any, remap map[int64]int64) any {
	id, _ := bundleInt(v)
	return remap[id]
}

// bundleTable is the bundle table called name.
func bundleTable(name string) BundleTable {
	for _, t := range BundleTables() {
		if t.Name == name {
			return t
		}
	}
	panic("store: no bundle table " + name)
}
