package ogcapi

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/editing"
	"github.com/gridplan/gridplan/internal/geojsonio"
)

// This file turns Part 4's bodies into the editing layer's ops, written
// as the JSON a change set takes.

// computed are properties the audits write on grid features; a client
// sends them back (QGIS sends every field) but cannot set them.
func computed(k string) bool {
	switch k {
	case "persons", "households", "deviation_pct", "band", "id":
		return true
	}
	return false
}

// decode reads a JSON object keeping numbers exact.
func decode(b []byte, what string) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil || m == nil {
		return nil, domain.Errorf(domain.ErrInvalid, "%s: the body is not a JSON object", what)
	}
	return m, nil
}

func decodeProperties(raw json.RawMessage) (map[string]any, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return map[string]any{}, nil
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var props map[string]any
	if err := d.Decode(&props); err != nil {
		return nil, domain.Errorf(domain.ErrInvalid, "properties: want an object")
	}
	return props, nil
}

// createOps is the create op of a feature POSTed to the collection of
// level: its level is the collection's, its code (when left out) a new one.
func createOps(body []byte, level int) ([]map[string]any, error) {
	f, err := decode(body, "feature")
	if err != nil {
		return nil, err
	}
	var kind string
	if json.Unmarshal(f["type"], &kind); kind != "Feature" {
		return nil, domain.Errorf(domain.ErrInvalid, "the body must be a GeoJSON Feature, not %s", f["type"])
	}
	props, err := decodeProperties(f["properties"])
	if err != nil {
		return nil, err
	}
	if v, ok := props["level"]; ok && v != nil {
		if n, isNum := v.(json.Number); !isNum || n.String() != jsonInt(level) {
			return nil, domain.Errorf(domain.ErrInvalid, "properties.level %v: this collection holds level %d", v, level)
		}
	}
	props["level"] = level
	maps.DeleteFunc(props, func(k string, v any) bool { return computed(k) && k != "level" })
	feature := map[string]any{"type": "Feature", "properties": props, "geometry": f["geometry"]}
	return []map[string]any{{"op": editing.OpCreate, "feature": feature}}, nil
}

func jsonInt(n int) string { b, _ := json.Marshal(n); return string(b) }

// changeOps are the ops a PUT (replace: the body is the whole feature) or
// a PATCH (a merge patch of it) makes of grid g: a reshape when the
// geometry differs, a rename, a set of kind, category, mode and free
// properties, a reparent. Code and level are not edited here; none of the
// ops is made for what did not change.
func changeOps(g domain.Grid, body []byte, replace bool) ([]map[string]any, error) {
	f, err := decode(body, "feature")
	if err != nil {
		return nil, err
	}
	var ops []map[string]any
	geom, hasGeom := f["geometry"]
	if replace && !hasGeom {
		return nil, domain.Errorf(domain.ErrInvalid, "PUT replaces the whole feature: give its geometry")
	}
	if hasGeom {
		shape, problem := geojsonio.Geometry(geom, "Polygon", "MultiPolygon")
		if problem != "" {
			return nil, domain.Errorf(domain.ErrInvalid, "geometry: %s (a grid keeps its ground: delete it instead)", problem)
		}
		if !orb.Equal(editing.MultiPolygon(shape), g.Geometry) {
			ops = append(ops, map[string]any{"op": editing.OpReshape, "grid": g.Code, "geometry": geom})
		}
	}
	props, err := decodeProperties(f["properties"])
	if err != nil {
		return nil, err
	}
	attrs, err := attributeOps(g, props, replace)
	return append(ops, attrs...), err
}

// attributeOps are the rename, set and reparent ops of props.
func attributeOps(g domain.Grid, props map[string]any, replace bool) ([]map[string]any, error) {
	var ops []map[string]any
	set := map[string]any{}
	parent := g.Parent
	refuse := func(k string, format string, args ...any) error {
		return domain.Errorf(domain.ErrRefused, "properties.%s: "+format, append([]any{k}, args...)...)
	}
	for _, k := range slices.Sorted(maps.Keys(props)) {
		v := props[k]
		text, isText := v.(string)
		if v != nil && !isText && (k == "name" || k == "parent" || k == "kind" || k == "category" || k == "mode") {
			return nil, refuse(k, "want text")
		}
		switch {
		case computed(k):
		case k == "code":
			if v != nil && textOf(v) != g.Code {
				return nil, refuse(k, "a grid keeps its code (%s); codes are given by the plan", g.Code)
			}
		case k == "level":
			if v != nil && textOf(v) != jsonInt(g.Level) {
				return nil, refuse(k, "grid %s is level %d; a collection holds one level", g.Code, g.Level)
			}
		case k == "name":
			if text != g.Name {
				ops = append(ops, map[string]any{"op": editing.OpRename, "grid": g.Code, "name": text})
			}
		case k == "parent":
			if text == "" && g.Parent != "" {
				return nil, refuse(k, "grid %s has parent %s; give another parent's code to move it", g.Code, g.Parent)
			}
			parent = text
		case k == "kind" || k == "category" || k == "mode":
			if text != attribute(g, k) {
				set[k] = text
			}
		default:
			if _, had := g.Properties[k]; (v == nil && had) || (v != nil && !sameJSON(v, g.Properties[k])) {
				set[k] = v // null removes it (RFC 7396)
			}
		}
	}
	if replace {
		for k := range g.Properties {
			if _, sent := props[k]; !sent {
				set[k] = nil // PUT replaces: what it leaves out goes
			}
		}
	}
	if len(set) > 0 {
		ops = append(ops, map[string]any{"op": editing.OpSet, "grid": g.Code, "properties": set})
	}
	if parent != g.Parent {
		// Last: the grid moves with the ground and attributes it now has.
		ops = append(ops, map[string]any{"op": editing.OpReparent, "grid": g.Code, "parent": parent})
	}
	return ops, nil
}

// attribute is one of a grid's kind, category and mode as text.
func attribute(g domain.Grid, k string) string {
	switch k {
	case "kind":
		return string(g.Kind)
	case "category":
		return g.Category
	}
	return string(g.Mode)
}

// textOf is a string or number property as text.
func textOf(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// sameJSON reports whether two property values are the same JSON.
func sameJSON(a, b any) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}
