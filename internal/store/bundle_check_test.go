package store_test

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// A bundle's history is checked whole before anything is written, and a
// reference it cannot resolve is named by table and row.
func TestCheckBundleHistory(t *testing.T) {
	// row is a bundle row as a bundle's reader gives it: numbers as
	// json.Number.
	row := func(kv ...any) store.BundleRow {
		r := store.BundleRow{Values: map[string]any{}}
		for i := 0; i < len(kv); i += 2 {
			v := kv[i+1]
			if n, ok := v.(int); ok {
				v = json.Number(strconv.Itoa(n))
			}
			r.Values[kv[i].(string)] = v
		}
		return r
	}
	valid := func() map[string][]store.BundleRow {
		return map[string][]store.BundleRow{
			"grid_version": {row("id", 10), row("id", 11), row("id", 12)},
			"draft":        {row("name", "d1", "base_revision", 1, "head_revision", 2, "state", "published")},
			"revision": {
				row("number", 1, "grids", "[10, 11]"),
				row("number", 2, "parent", 1, "draft", "d1", "grids", "[10, 12]"),
				row("number", 3, "parent", 1, "grids", "[10, 12]"),
			},
			"lineage":      {row("revision", 2, "op_index", 0, "from_code", "A", "to_code", "B")},
			"plan_history": {row("head_revision", 3, "next_revision", 4)},
		}
	}
	if err := store.CheckBundleHistory(valid()); err != nil {
		t.Fatalf("a sound history refused: %v", err)
	}
	tests := []struct {
		name   string
		change func(map[string][]store.BundleRow)
		want   string
	}{
		{"revision lists a missing grid version", func(b map[string][]store.BundleRow) { b["grid_version"] = b["grid_version"][:2] },
			"bundle table revision, revision 2: grid_version id 12 is not in the bundle's grid_version table"},
		{"lineage names a missing revision", func(b map[string][]store.BundleRow) { b["lineage"][0].Values["revision"] = json.Number("9") },
			"bundle table lineage, row 1 (A → B, op 0): revision 9 is not in the bundle's revision table"},
		{"missing parent", func(b map[string][]store.BundleRow) { b["revision"][2].Values["parent"] = json.Number("7") },
			"bundle table revision, revision 3: parent 7 is not in the bundle's revision table"},
		{"missing draft", func(b map[string][]store.BundleRow) { b["draft"] = nil },
			`bundle table revision, revision 2: draft "d1" is not in the bundle's draft table`},
		{"draft head missing", func(b map[string][]store.BundleRow) { b["draft"][0].Values["head_revision"] = json.Number("5") },
			`bundle table draft, draft "d1": head_revision 5 is not in the bundle's revision table`},
		{"revision twice", func(b map[string][]store.BundleRow) { b["revision"] = append(b["revision"], b["revision"][0]) },
			"bundle table revision: revision 1 appears twice"},
		{"grids not ids", func(b map[string][]store.BundleRow) { b["revision"][0].Values["grids"] = `["x"]` },
			"bundle table revision, revision 1: grids is not a list of grid_version ids"},
		{"head missing", func(b map[string][]store.BundleRow) { b["plan_history"][0].Values["head_revision"] = json.Number("8") },
			"bundle table plan_history: head_revision 8 is not in the bundle's revision table"},
		{"next not past the last", func(b map[string][]store.BundleRow) { b["plan_history"][0].Values["next_revision"] = json.Number("3") },
			"bundle table plan_history: next_revision 3 does not come after the last revision, 3"},
		{"no plan_history row", func(b map[string][]store.BundleRow) { b["plan_history"] = nil },
			"bundle table plan_history has 0 rows; want 1"},
	}
	for _, tt := range tests {
		b := valid()
		tt.change(b)
		err := store.CheckBundleHistory(b)
		if domain.ErrorCode(err) != domain.ErrInvalid || domain.ErrorMessage(err) != tt.want {
			t.Errorf("%s: %v; want %q", tt.name, err, tt.want)
		}
	}
}
