package store

import (
	"encoding/json"
	"slices"

	"github.com/gridplan/gridplan/internal/domain"
)

// bundleHistory is what a restore needs of a bundle's history tables, read
// and checked before anything is written: a revision naming a grid version
// the bundle lacks would restore a plan whose past cannot be read.
type bundleHistory struct {
	versions  []int64   // the bundle's grid_version ids, ascending
	revisions [][]int64 // per revision row, in bundle order: its grid_version ids
	head      *int64
	next      int64
	open      []openDraft
}

// openDraft is a draft still being edited: it is restored with its
// working copy, materialised from its head revision.
type openDraft struct {
	name string
	head int64
}

// CheckBundleHistory checks that a bundle's history tables hold together:
// every grid_version id a revision lists, every revision a revision, draft,
// lineage row or the plan's head names, every draft a revision names. The
// message names the table and the row.
func CheckBundleHistory(rows map[string][]BundleRow) error {
	_, err := readBundleHistory(rows)
	return err
}

func readBundleHistory(rows map[string][]BundleRow) (bundleHistory, error) {
	var h bundleHistory
	versions := map[int64]bool{}
	for i, r := range rows["grid_version"] {
		id, ok := bundleInt(r.Values["id"])
		if !ok {
			return h, historyError("grid_version, row %d: no id", i+1)
		}
		if versions[id] {
			return h, historyError("grid_version: id %d appears twice", id)
		}
		versions[id] = true
		h.versions = append(h.versions, id)
	}
	slices.Sort(h.versions)

	numbers := map[int64]bool{}
	last := int64(0)
	for i, r := range rows["revision"] {
		n, ok := bundleInt(r.Values["number"])
		if !ok || n < 1 {
			return h, historyError("revision, row %d: no revision number", i+1)
		}
		if numbers[n] {
			return h, historyError("revision: revision %d appears twice", n)
		}
		numbers[n] = true
		last = max(last, n)
	}
	drafts := map[string]bool{}
	for i, r := range rows["draft"] {
		name, _ := r.Values["name"].(string)
		if name == "" || drafts[name] {
			return h, historyError("draft, row %d: no name, or a name given twice", i+1)
		}
		drafts[name] = true
		for _, col := range []string{"base_revision", "head_revision"} {
			if n, ok := bundleInt(r.Values[col]); !ok || !numbers[n] {
				return h, historyError("draft, draft %q: %s %v is not in the bundle's revision table", name, col, r.Values[col])
			}
		}
		if r.Values["state"] == "open" {
			head, _ := bundleInt(r.Values["head_revision"])
			h.open = append(h.open, openDraft{name: name, head: head})
		}
	}

	for _, r := range rows["revision"] {
		n, _ := bundleInt(r.Values["number"])
		if p := r.Values["parent"]; p != nil {
			if parent, ok := bundleInt(p); !ok || !numbers[parent] {
				return h, historyError("revision, revision %d: parent %v is not in the bundle's revision table", n, p)
			}
		}
		if d := r.Values["draft"]; d != nil {
			if name, _ := d.(string); !drafts[name] {
				return h, historyError("revision, revision %d: draft %q is not in the bundle's draft table", n, name)
			}
		}
		ids, ok := bundleIDs(r.Values["grids"])
		if !ok {
			return h, historyError("revision, revision %d: grids is not a list of grid_version ids", n)
		}
		for _, id := range ids {
			if !versions[id] {
				return h, historyError("revision, revision %d: grid_version id %d is not in the bundle's grid_version table", n, id)
			}
		}
		h.revisions = append(h.revisions, ids)
	}

	for i, r := range rows["lineage"] {
		n, ok := bundleInt(r.Values["revision"])
		if !ok || !numbers[n] {
			op, _ := bundleInt(r.Values["op_index"])
			return h, historyError("lineage, row %d (%v → %v, op %d): revision %v is not in the bundle's revision table",
				i+1, orNone(r.Values["from_code"]), orNone(r.Values["to_code"]), op, r.Values["revision"])
		}
	}

	head := rows["plan_history"]
	if len(head) != 1 {
		return h, historyError("plan_history has %d rows; want 1", len(head))
	}
	if v := head[0].Values["head_revision"]; v != nil {
		n, ok := bundleInt(v)
		if !ok || !numbers[n] {
			return h, historyError("plan_history: head_revision %v is not in the bundle's revision table", v)
		}
		h.head = &n
	}
	next, ok := bundleInt(head[0].Values["next_revision"])
	if !ok || next <= last {
		return h, historyError("plan_history: next_revision %v does not come after the last revision, %d", head[0].Values["next_revision"], last)
	}
	h.next = next
	return h, nil
}

func historyError(format string, args ...any) error {
	return domain.Errorf(domain.ErrInvalid, "bundle table "+format, args...)
}

func orNone(v any) any {
	if v == nil {
		return "(none)"
	}
	return v
}

// bundleInt reads an integer column value as a bundle row holds it.
func bundleInt(v any) (int64, bool) {
	switch n := v.(type) {
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	case int64:
		return n, true
	case int:
		return int64(n), true
	}
	return 0, false
}

// bundleIDs reads a JSON column holding a list of ids (JSON text, or the
// list itself).
func bundleIDs(v any) ([]int64, bool) {
	text, ok := v.(string)
	if !ok {
		b, err := json.Marshal(v)
		if err != nil {
			return nil, false
		}
		text = string(b)
	}
	var ids []int64
	if err := json.Unmarshal([]byte(text), &ids); err != nil || ids == nil {
		return nil, false
	}
	return ids, true
}
