package geojsonio

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// lookup returns a property's value; absent and null are the same. An empty
// name (a field the caller does not map) is always absent.
func lookup(props map[string]any, name string) (any, bool) {
	if name == "" {
		return nil, false
	}
	v, ok := props[name]
	return v, ok && v != nil
}

// textValue reads a string or a number as text; a number keeps the exact
// decimal text it had in the file. ok is false for other kinds.
func textValue(v any) (s string, ok bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case json.Number:
		return v.String(), true
	}
	return "", false
}

// text reads a string or number property with surrounding space trimmed.
// A required one must be present and not empty.
func textProperty(props map[string]any, name string, required bool) (string, string) {
	v, ok := lookup(props, name)
	if !ok {
		if required {
			return "", "missing"
		}
		return "", ""
	}
	s, ok := textValue(v)
	if !ok {
		return "", fmt.Sprintf("%s is not a string or number", describe(v))
	}
	s = strings.TrimSpace(s)
	if s == "" && required {
		return "", "empty"
	}
	return s, ""
}

// wholeNumber reads an integer given as a number or a numeric string: 12,
// "12", 12.0 and 1e2 are whole, 12.5 is not. The problem says why not.
func wholeNumber(v any) (int64, string) {
	var s string
	switch v := v.(type) {
	case json.Number:
		s = v.String()
	case string:
		s = strings.TrimSpace(v)
	default:
		return 0, fmt.Sprintf("%s is not a number", describe(v))
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, ""
	}
	f, err := strconv.ParseFloat(s, 64)
	switch {
	case err != nil || math.IsNaN(f) || math.IsInf(f, 0):
		return 0, fmt.Sprintf("%s is not a number", describe(v))
	case f != math.Trunc(f):
		return 0, fmt.Sprintf("%s is not a whole number", describe(v))
	case math.Abs(f) > 1<<53:
		return 0, fmt.Sprintf("%s is too large", describe(v))
	}
	return int64(f), ""
}

// count reads a non-negative whole number (persons, households).
func count(v any) (int, string) {
	n, p := wholeNumber(v)
	switch {
	case p != "":
		return 0, p
	case n < 0:
		return 0, fmt.Sprintf("%s is negative", describe(v))
	case n > math.MaxInt32:
		return 0, fmt.Sprintf("%s is too large", describe(v))
	}
	return int(n), ""
}

// freeProperties returns the properties not mapped to a field, with numbers
// converted so they encode again as they were decoded; nil when none are
// left.
func freeProperties(props map[string]any, mapped ...string) map[string]any {
	var free map[string]any
	for k, v := range props {
		if contains(mapped, k) {
			continue
		}
		if free == nil {
			free = make(map[string]any, len(props))
		}
		free[k] = freeValue(v)
	}
	return free
}

// freeValue converts json.Number to int64 when the value is whole and fits,
// else to float64, so it encodes again to the same value. An integer beyond
// int64 (float64 would round it) or a number beyond float64's range stays a
// json.Number, which encoding/json writes back verbatim.
func freeValue(v any) any {
	switch v := v.(type) {
	case json.Number:
		if n, err := v.Int64(); err == nil {
			return n
		}
		f, err := v.Float64()
		if err != nil || isIntegerText(v.String()) { // beyond int64 or float64
			return v
		}
		if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			return int64(f)
		}
		return f
	case map[string]any:
		for k, x := range v {
			v[k] = freeValue(x)
		}
	case []any:
		for i, x := range v {
			v[i] = freeValue(x)
		}
	}
	return v
}

// isIntegerText reports whether s is written as an integer (no fraction or
// exponent).
func isIntegerText(s string) bool {
	return !strings.ContainsAny(s, ".eE")
}

// nulProperty names the first property (in name order) whose name or text
// holds a NUL character, "" when none does: PostgreSQL stores no NUL in
// text or JSON, so such a feature is refused by name rather than failing
// the whole import in the database.
func nulProperty(props map[string]any) string {
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if strings.ContainsRune(k, 0) || hasNUL(props[k]) {
			return k
		}
	}
	return ""
}

func hasNUL(v any) bool {
	switch v := v.(type) {
	case string:
		return strings.ContainsRune(v, 0)
	case map[string]any:
		for k, x := range v {
			if strings.ContainsRune(k, 0) || hasNUL(x) {
				return true
			}
		}
	case []any:
		for _, x := range v {
			if hasNUL(x) {
				return true
			}
		}
	}
	return false
}

// nulProblem is the message for a property nulProperty names.
const nulProblem = "contains a NUL character (\\u0000), which no text can hold"
