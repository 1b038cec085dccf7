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
)

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
}

// BundleTables lists, in restore order, every table a plan bundle holds and
// the columns that make a plan what it is: not ids the database assigns,
// timestamps, metric copies (kept by triggers) or audit results (an audit
// recomputes them).
func BundleTables() []BundleTable {
	c := func(names ...string) []BundleColumn {
		cols := make([]BundleColumn, len(names))
		for i, n := range names {
			cols[i].Name = strings.TrimSuffix(strings.TrimSuffix(n, ":json"), ":geom")
			cols[i].JSON = strings.HasSuffix(n, ":json")
			cols[i].Geometry = strings.HasSuffix(n, ":geom")
		}
		return cols
	}
	return []BundleTable{
		{"plan", c("title", "srid", "sliver_area_m2", "sliver_width_m", "boundary:geom"), []string{"id"}, RestorePlan, false},
		{"plan_level", c("level", "name", "min_persons", "max_persons", "min_households", "max_households", "target_persons"), []string{"level"}, RestoreRows, false},
		{"plan_balance", c("polygon_units"), []string{"plan_id"}, RestoreRows, false},
		{"coverage_settings", c("noise_m"), []string{"plan_id"}, RestoreRows, false},
		{"coverage_mask", c("name", "geom:geom"), []string{"id"}, RestoreRows, false},
		{"circle_rule", c("facility_type", "minutes", "speed_m_per_min", "target_pct", "also_types:json", "note"), []string{"facility_type", "minutes"}, RestoreRows, false},
		{"net_node", c("id", "geom:geom"), []string{"id"}, RestoreRows, false},
		{"net_edge", c("id", "source", "target", "length_m", "highway", "osm_way", "geom:geom"), []string{"id"}, RestoreRows, false},
		{"grid", c("code", "name", "level", "parent_code", "kind", "category", "mode", "properties:json", "geom:geom"), []string{"level", "code"}, RestoreGrids, true},
		{"unit", c("name", "persons", "households", "properties:json", "geom:geom"), []string{"id"}, RestoreUnits, false},
		{"facility", c("type", "name", "properties:json", "geom:geom"), []string{"id"}, RestoreFacilities, false},
	}
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

// EachBundleRow streams a plan's rows of one bundle table in a fixed order.
func (db *DB) EachBundleRow(ctx context.Context, planID int64, t BundleTable, fn func(BundleRow) error) error {
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
	// Identifiers come from BundleTables only; the plan is an argument.
	sql := `SELECT to_jsonb(r) - 'g', r.g FROM (SELECT ` + strings.Join(cols, ", ") + ", " + geom + ` AS g FROM ` +
		pgx.Identifier{t.Name}.Sanitize() + ` WHERE ` + owner + ` = @plan ORDER BY ` + strings.Join(order, ", ") + `) r`
	rows, err := db.pool.Query(ctx, sql, pgx.NamedArgs{"plan": planID})
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
