package editing

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/geojsonio"
)

// Op kinds.
const (
	OpReshape      = "reshape"
	OpMoveBoundary = "move_boundary"
	OpSplit        = "split"
	OpMerge        = "merge"
	OpReparent     = "reparent"
	OpCreate       = "create"
	OpDelete       = "delete"
	OpRename       = "rename"
	OpSet          = "set"
)

// ChangeSet is a list of ops applied as one: all of them or none.
type ChangeSet struct {
	// Base is the draft version the client read; 0 means the current one
	// (the command line's default). A grid an op touches that changed
	// after Base refuses the whole change set.
	Base    int64
	Message string
	Ops     []Op
	// Expect holds grid versions the client read (a feature's ETag sent
	// back in If-Match): each grid must still be at its version.
	Expect map[string]int64
}

// Op is one edit. Which fields it uses depends on Kind (see the README);
// geometries are WGS84.
type Op struct {
	Kind          string
	Grid          string
	Grids         []string
	Geometry      orb.MultiPolygon
	GiveTo        []string
	Line          orb.LineString
	Lines         []orb.LineString
	Names         []string
	Keep          string
	Name          *string
	Parent        string
	Recode        bool
	SplitChildren bool
	Feature       *domain.Grid
	Properties    map[string]any
	raw           json.RawMessage
}

// fields each op takes: required ones first, then optional ones.
var opFields = map[string]struct{ required, optional []string }{
	OpReshape:      {[]string{"grid", "geometry"}, []string{"give_to"}},
	OpMoveBoundary: {[]string{"grids", "line"}, nil},
	OpSplit:        {[]string{"grid", "lines"}, []string{"names", "split_children"}},
	OpMerge:        {[]string{"grids"}, []string{"keep", "name"}},
	OpReparent:     {[]string{"grid", "parent"}, []string{"recode"}},
	OpCreate:       {[]string{"feature"}, nil},
	OpDelete:       {[]string{"grid"}, []string{"give_to"}},
	OpRename:       {[]string{"grid", "name"}, nil},
	OpSet:          {[]string{"grid", "properties"}, nil},
}

// ParseChangeSet reads a change set: {"base": N, "message": "...",
// "ops": [...]}. needBase makes base required (over HTTP, where a client
// must say what it read). Errors name the op and field: ops[2].geometry.
func ParseChangeSet(body []byte, needBase bool) (ChangeSet, error) {
	var cs ChangeSet
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return cs, domain.Errorf(domain.ErrInvalid, "change set: not a JSON object: %s", jsonProblem(err))
	}
	for k := range top {
		if k != "base" && k != "message" && k != "ops" {
			return cs, domain.Errorf(domain.ErrInvalid, "change set: unknown member %q; a change set has base, message and ops", k)
		}
	}
	if raw, ok := top["base"]; ok && string(raw) != "null" {
		if err := json.Unmarshal(raw, &cs.Base); err != nil || cs.Base < 1 {
			return cs, domain.Errorf(domain.ErrInvalid, "change set: base must be the draft version you read (a positive whole number), not %s", raw)
		}
	} else if needBase {
		return cs, domain.Errorf(domain.ErrInvalid, "change set: base is missing: send the draft version you read (the ETag of the draft)")
	}
	if raw, ok := top["message"]; ok {
		if err := json.Unmarshal(raw, &cs.Message); err != nil {
			return cs, domain.Errorf(domain.ErrInvalid, "change set: message must be text")
		}
	}
	var ops []json.RawMessage
	if err := json.Unmarshal(top["ops"], &ops); err != nil || len(ops) == 0 {
		return cs, domain.Errorf(domain.ErrInvalid, "change set: ops must be a non-empty array of ops")
	}
	for i, raw := range ops {
		op, err := parseOp(raw)
		if err != nil {
			return cs, domain.Errorf(domain.ErrInvalid, "ops[%d]%s", i, err.Error())
		}
		cs.Ops = append(cs.Ops, op)
	}
	return cs, nil
}

// fieldError is a problem with one field of an op: ".field: problem".
type fieldError struct{ field, problem string }

func (e fieldError) Error() string {
	if e.field == "" {
		return ": " + e.problem
	}
	return "." + e.field + ": " + e.problem
}

func parseOp(raw json.RawMessage) (Op, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return Op{}, fieldError{"", "not a JSON object"}
	}
	op := Op{raw: raw}
	if err := json.Unmarshal(m["op"], &op.Kind); err != nil || op.Kind == "" {
		return op, fieldError{"op", "missing; say which op: " + strings.Join(opNames(), ", ")}
	}
	spec, ok := opFields[op.Kind]
	if !ok {
		return op, fieldError{"op", fmt.Sprintf("unknown op %q; ops are %s", op.Kind, strings.Join(opNames(), ", "))}
	}
	for k := range m {
		if k != "op" && !slices.Contains(spec.required, k) && !slices.Contains(spec.optional, k) {
			return op, fieldError{k, fmt.Sprintf("%s takes no %q; it takes %s", op.Kind, k,
				strings.Join(append(slices.Clone(spec.required), spec.optional...), ", "))}
		}
	}
	for _, k := range spec.required {
		if v, ok := m[k]; !ok || string(v) == "null" {
			return op, fieldError{k, "missing"}
		}
	}
	for k, v := range m {
		if err := op.field(k, v); err != nil {
			return op, err
		}
	}
	return op, nil
}

func opNames() []string {
	names := make([]string, 0, len(opFields))
	for k := range opFields {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// field decodes one member of an op.
func (op *Op) field(k string, v json.RawMessage) error {
	bad := func(problem string) error { return fieldError{k, problem} }
	switch k {
	case "op":
		return nil
	case "grid", "parent", "keep":
		var s string
		if err := json.Unmarshal(v, &s); err != nil || strings.TrimSpace(s) == "" {
			if k == "keep" && string(v) == "null" {
				return nil
			}
			return bad("want a grid code")
		}
		if strings.ContainsRune(s, 0) {
			return bad("a grid code cannot contain a NUL character")
		}
		switch k {
		case "grid":
			op.Grid = s
		case "parent":
			op.Parent = s
		default:
			op.Keep = s
		}
	case "grids":
		if err := json.Unmarshal(v, &op.Grids); err != nil || len(op.Grids) == 0 || slices.Contains(op.Grids, "") {
			return bad("want an array of grid codes")
		}
	case "give_to":
		var one string
		if json.Unmarshal(v, &one) == nil && one != "" {
			op.GiveTo = []string{one}
			return nil
		}
		if err := json.Unmarshal(v, &op.GiveTo); err != nil || slices.Contains(op.GiveTo, "") ||
			(op.Kind == OpDelete && len(op.GiveTo) != 1) {
			if op.Kind == OpDelete {
				return bad("want the code of the neighbour that takes the grid's ground")
			}
			return bad("want a grid code or an array of grid codes")
		}
	case "name":
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return bad("want text")
		}
		if strings.ContainsRune(s, 0) {
			return bad("a name cannot contain a NUL character")
		}
		op.Name = &s
	case "names":
		if err := json.Unmarshal(v, &op.Names); err != nil {
			return bad("want an array of names, one per part")
		}
	case "recode", "split_children":
		var b bool
		if err := json.Unmarshal(v, &b); err != nil {
			return bad("want true or false")
		}
		if k == "recode" {
			op.Recode = b
		} else {
			op.SplitChildren = b
		}
	case "geometry":
		g, problem := geojsonio.Geometry(v, "Polygon", "MultiPolygon")
		if problem != "" {
			return bad(problem)
		}
		op.Geometry = multi(g)
	case "line":
		l, err := lineString(v)
		if err != nil {
			return bad(err.Error())
		}
		op.Line = l
	case "lines":
		var raws []json.RawMessage
		if err := json.Unmarshal(v, &raws); err != nil || len(raws) == 0 {
			return bad("want an array of LineString geometries")
		}
		for i, r := range raws {
			l, err := lineString(r)
			if err != nil {
				return fieldError{fmt.Sprintf("%s[%d]", k, i), err.Error()}
			}
			op.Lines = append(op.Lines, l)
		}
	case "properties":
		if err := json.Unmarshal(v, &op.Properties); err != nil || op.Properties == nil {
			return bad("want an object of properties")
		}
	case "feature":
		if !json.Valid(v) || !bytes.HasPrefix(bytes.TrimSpace(v), []byte("{")) {
			return bad("want a GeoJSON Feature")
		}
		fc := []byte(`{"type":"FeatureCollection","features":[`)
		fc = append(append(fc, v...), ']', '}')
		fields := geojsonio.DefaultGridFields()
		fields.CodeOptional = true // left out: create gives it a new code
		grids, err := geojsonio.ReadGrids(bytes.NewReader(fc), "feature", fields)
		if err != nil {
			return fieldError{"", strings.Replace(domain.ErrorMessage(err), "feature: features[0]: ", "feature: ", 1)}
		}
		op.Feature = &grids[0]
	}
	return nil
}

func lineString(raw json.RawMessage) (orb.LineString, error) {
	g, problem := geojsonio.Geometry(raw, "LineString")
	if problem != "" {
		return nil, fmt.Errorf("%s", problem)
	}
	l := g.(orb.LineString)
	if len(l) < 2 {
		return nil, fmt.Errorf("a line needs at least two positions")
	}
	return l, nil
}

// MultiPolygon is g (a Polygon or MultiPolygon) as a MultiPolygon.
func MultiPolygon(g orb.Geometry) orb.MultiPolygon { return multi(g) }

func multi(g orb.Geometry) orb.MultiPolygon {
	switch g := g.(type) {
	case orb.Polygon:
		return orb.MultiPolygon{g}
	case orb.MultiPolygon:
		return g
	}
	return nil
}

// jsonProblem explains a JSON syntax error without Go's type names.
func jsonProblem(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("invalid JSON at byte %d: %s", se.Offset, se.Error())
	}
	return "want an object with base, message and ops"
}

// Raw is the op as the client sent it, for the revision's record.
func (op Op) Raw() json.RawMessage { return op.raw }
