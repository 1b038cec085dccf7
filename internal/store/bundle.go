package store

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
)

// A plan bundle is every table a plan is, one row set per table. The list
// below is the whole of it: dumping and restoring are generic over it, so a
// new table joins bundles by being added here.

// BundleColumn is one column a bundle carries.
type BundleColumn struct {
	Name string
	// JSON marks jsonb and array columns, carried as JSON text so that
	// their JSON types survive the table formats in between.
	JSON bool
	// Geometry marks the table's geometry column (WGS84), at most one.
	Geometry bool
}

// Restore says how a bundle table is restored into a new plan.
type Restore string

const (
	// RestorePlan updates the new plan's own row.
	RestorePlan Restore = "plan"
	// RestoreRows replaces the new plan's rows (the defaults a plan is
	// created with included).
	RestoreRows Restore = "rows"
	// RestoreGrids, RestoreUnits and RestoreFacilities go through the
	// feature imports, which check them as any import does.
	RestoreGrids      Restore = "grids"
	RestoreUnits      Restore = "units"
	RestoreFacilities Restore = "facilities"
	// RestoreHistory tables (the plan's revisions and what they are made
	// of) are written by RestoreBundleHistory, in one transaction, which
	// then restores the published grids from them instead of the import.
	RestoreHistory Restore = "history"
)

// BundleVersion is the version of the bundle format this gridplan writes;
// it reads every version from 1 up to it. Version 2 added the plan's
// history (BundleHistoryVersion).
const BundleVersion = 2

// BundleTable is one table of a plan bundle. Name and column names are
// SQL identifiers from this list only, never from input.
type BundleTable struct {
	Name    string
	Columns []BundleColumn
	OrderBy []string
	Restore Restore
	// Published marks tables of workspace rows: only the published
	// plan's are bundled.
	Published bool
	// Since is the bundle version that added the table (0: the first);
	// older bundles lack it and restore without it.
	Since int
	// Select, when set, is the fixed query that reads the table's rows of
	// plan @plan, its geometry as EWKB named g: for tables whose bundle
	// columns are not the database's own (a draft named instead of its
	// id). Tables without it read their own columns.
	Select string
}

// BundleTables lists, in restore order, every table a plan bundle holds and
// the columns that make a plan what it is: not ids the database assigns
// (but for grid_version's, which revisions name and a restore maps),
// metric copies kept by triggers, or audit results (an audit recomputes
// them).
func BundleTables() []BundleTable {
	c := bundleColumns
	tables := []BundleTable{
		{Name: "plan", Columns: c("title", "srid", "sliver_area_m2", "sliver_width_m", "boundary:geom"), OrderBy: []string{"id"}, Restore: RestorePlan},
		{Name: "plan_level", Columns: c("level", "name", "min_persons", "max_persons", "min_households", "max_households", "target_persons"), OrderBy: []string{"level"}, Restore: RestoreRows},
		{Name: "plan_balance", Columns: c("polygon_units"), OrderBy: []string{"plan_id"}, Restore: RestoreRows},
		{Name: "coverage_settings", Columns: c("noise_m"), OrderBy: []string{"plan_id"}, Restore: RestoreRows},
		{Name: "coverage_mask", Columns: c("name", "geom:geom"), OrderBy: []string{"id"}, Restore: RestoreRows},
		{Name: "circle_rule", Columns: c("facility_type", "minutes", "speed_m_per_min", "target_pct", "also_types:json", "note"), OrderBy: []string{"facility_type", "minutes"}, Restore: RestoreRows},
		{Name: "net_node", Columns: c("id", "geom:geom"), OrderBy: []string{"id"}, Restore: RestoreRows},
		{Name: "net_edge", Columns: c("id", "source", "target", "length_m", "highway", "osm_way", "geom:geom"), OrderBy: []string{"id"}, Restore: RestoreRows},
	}
	tables = append(tables, historyTables()...)
	return append(tables,
		BundleTable{Name: "grid", Columns: c("code", "name", "level", "parent_code", "kind", "category", "mode", "properties:json", "geom:geom"), OrderBy: []string{"level", "code"}, Restore: RestoreGrids, Published: true},
		BundleTable{Name: "unit", Columns: c("name", "persons", "households", "properties:json", "geom:geom"), OrderBy: []string{"id"}, Restore: RestoreUnits},
		BundleTable{Name: "facility", Columns: c("type", "name", "properties:json", "geom:geom"), OrderBy: []string{"id"}, Restore: RestoreFacilities},
	)
}

// bundleColumns reads column names with their kind as a suffix: ":json"
// for JSON, ":geom" for the geometry.
func bundleColumns(names ...string) []BundleColumn {
	cols := make([]BundleColumn, len(names))
	for i, n := range names {
		cols[i].Name = strings.TrimSuffix(strings.TrimSuffix(n, ":json"), ":geom")
		cols[i].JSON = strings.HasSuffix(n, ":json")
		cols[i].Geometry = strings.HasSuffix(n, ":geom")
	}
	return cols
}

// BundleRow is one row: its columns by name (numbers as json.Number, JSON
// columns as their text) and its geometry.
type BundleRow struct {
	Values   map[string]any
	Geometry orb.Geometry
}

// geometryColumn is the table's geometry column, "" when it has none.
func (t BundleTable) geometryColumn() string {
	for _, c := range t.Columns {
		if c.Geometry {
			return c.Name
		}
	}
	return ""
}

// BundleReader streams a plan's rows of one bundle table in a fixed order.
type BundleReader func(t BundleTable, fn func(BundleRow) error) error

// ReadBundle runs fn with a reader of plan planID's bundle tables that all
// read one snapshot of the database (a read-only, repeatable-read
// transaction), so that the revisions a bundle holds name exactly the grid
// versions it holds, whatever is edited while it is written.
func (db *DB) ReadBundle(ctx context.Context, planID int64, fn func(BundleReader) error) error {
	return db.readOnly(ctx, func(tx pgx.Tx) error {
		return fn(func(t BundleTable, each func(BundleRow) error) error {
			return eachBundleRow(ctx, tx, planID, t, each)
		})
	})
}

func eachBundleRow(ctx context.Context, q querier, planID int64, t BundleTable, fn func(BundleRow) error) error {
	sql := t.Select
	if sql == "" {
		sql = t.ownRows()
	}
	// Identifiers and queries come from BundleTables only; the plan is an argument.
	rows, err := q.Query(ctx, `SELECT to_jsonb(r) - 'g', r.g FROM (`+sql+`) r`, pgx.NamedArgs{"plan": planID})
	scan := func(r pgx.Row) (BundleRow, error) {
		var doc []byte
		var wkb []byte
		if err := r.Scan(&doc, &wkb); err != nil {
			return BundleRow{}, err
		}
		row := BundleRow{}
		dec := json.NewDecoder(strings.NewReader(string(doc)))
		dec.UseNumber()
		if err := dec.Decode(&row.Values); err != nil {
			return row, err
		}
		for _, c := range t.Columns {
			if v, ok := row.Values[c.Name]; c.JSON && ok && v != nil {
				b, _ := json.Marshal(v)
				row.Values[c.Name] = string(b)
			}
		}
		if wkb != nil {
			var err error
			row.Geometry, err = decodeEWKB(wkb)
			return row, err
		}
		return row, nil
	}
	return eachRow(rows, err, scan, fn)
}

// ownRows is the query reading a table's own bundle columns of plan @plan,
// its geometry as EWKB named g.
func (t BundleTable) ownRows() string {
	var cols, order []string
	for _, c := range t.Columns {
		if !c.Geometry {
			cols = append(cols, pgx.Identifier{c.Name}.Sanitize())
		}
	}
	for _, o := range t.OrderBy {
		order = append(order, pgx.Identifier{o}.Sanitize())
	}
	geom := "NULL::bytea"
	if g := t.geometryColumn(); g != "" {
		geom = "ST_AsEWKB(" + pgx.Identifier{g}.Sanitize() + ")"
	}
	owner := "plan_id"
	if t.Restore == RestorePlan {
		owner = "id"
	}
	if t.Published {
		owner = "ws_id = (SELECT id FROM workspace WHERE kind = 'published' AND plan_id = @plan) AND plan_id"
	}
	return `SELECT ` + strings.Join(cols, ", ") + ", " + geom + ` AS g FROM ` + pgx.Identifier{t.Name}.Sanitize() +
		` WHERE ` + owner + ` = @plan ORDER BY ` + strings.Join(order, ", ")
}

// RestoreBundleRows writes the plan-row and row tables of a bundle into
// the plan planID in one transaction: the plan's own row updated, every
// other table's rows replaced. Rows hold values by column name, as
// EachBundleRow gives them; JSON columns may hold JSON text or values.
func (db *DB) RestoreBundleRows(ctx context.Context, planID int64, rows map[string][]BundleRow) error {
	return db.inTx(ctx, func(tx pgx.Tx) error {
		if err := lockPlan(ctx, tx, planID); err != nil {
			return err
		}
		for _, t := range BundleTables() {
			if t.Restore != RestorePlan && t.Restore != RestoreRows {
				continue
			}
			doc, err := bundleJSON(t, rows[t.Name])
			if err != nil {
				return err
			}
			if err := restoreTable(ctx, tx, planID, t, doc); err != nil {
				return fmt.Errorf("restore %s: %w", t.Name, err)
			}
		}
		return nil
	})
}

// bundleJSON renders rows as the JSON array jsonb_populate_recordset reads:
// JSON columns as JSON, geometries as hex EWKB (which geometry's text input
// reads).
func bundleJSON(t BundleTable, rows []BundleRow) ([]byte, error) {
	out := make([]map[string]any, len(rows))
	for i, r := range rows {
		m := make(map[string]any, len(t.Columns))
		for _, c := range t.Columns {
			v := r.Values[c.Name]
			switch {
			case c.Geometry:
				if r.Geometry == nil {
					continue
				}
				wkb, err := encodeEWKB(r.Geometry, domain.WGS84)
				if err != nil {
					return nil, domain.Errorf(domain.ErrInvalid, "bundle table %s, row %d: %v", t.Name, i, err)
				}
				v = hex.EncodeToString(wkb)
			case c.JSON:
				if s, ok := v.(string); ok {
					v = json.RawMessage(s)
				}
			}
			m[c.Name] = v
		}
		out[i] = m
	}
	return json.Marshal(out)
}

func restoreTable(ctx context.Context, tx pgx.Tx, planID int64, t BundleTable, doc []byte) error {
	table := pgx.Identifier{t.Name}.Sanitize()
	var cols, from []string
	for _, c := range t.Columns {
		cols = append(cols, pgx.Identifier{c.Name}.Sanitize())
		from = append(from, "r."+pgx.Identifier{c.Name}.Sanitize())
	}
	args := pgx.NamedArgs{"plan": planID, "rows": doc}
	// Identifiers come from BundleTables only; the rows are an argument.
	if t.Restore == RestorePlan {
		_, err := tx.Exec(ctx, `UPDATE `+table+` p SET (`+strings.Join(cols, ", ")+`) = (SELECT `+strings.Join(from, ", ")+
			` FROM jsonb_populate_recordset(NULL::`+table+`, @rows::jsonb) r) WHERE p.id = @plan`, args)
		return pgError(err, t.Name)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE plan_id = @plan`, args); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO `+table+` (plan_id, `+strings.Join(cols, ", ")+`) SELECT @plan, `+strings.Join(from, ", ")+
		` FROM jsonb_populate_recordset(NULL::`+table+`, @rows::jsonb) r`, args)
	return pgError(err, t.Name)
}
