package domain

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// JSONProblem describes a JSON decoding error in the words of the JSON a
// client sent — "at byte 12: invalid character 'x'", "properties: an array,
// where an object belongs" — and never with the Go types it was decoded
// into, which mean nothing to the sender.
func JSONProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("not valid JSON at byte %d: %s", se.Offset, se.Error())
	case errors.As(err, &te):
		where := ""
		if te.Field != "" {
			where = te.Field + ": "
		}
		return fmt.Sprintf("%s%s, where %s belongs", where, JSONKind(te.Value), jsonKindOf(te.Type))
	case err != nil && err.Error() == "unexpected EOF":
		return "the JSON ends too early"
	case err != nil:
		// Unknown fields (DisallowUnknownFields) name only the field.
		if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			return "unknown member " + f
		}
		return "not valid JSON"
	}
	return ""
}

// JSONKind names a JSON value kind as encoding/json reports it ("object",
// "array", "string", "number", "bool") with its article.
func JSONKind(v string) string {
	switch v {
	case "object", "array":
		return "an " + v
	case "string", "number", "bool":
		return "a " + v
	}
	if n, ok := strings.CutPrefix(v, "number "); ok {
		return "the number " + n // out of range for the field
	}
	return v
}

// jsonKindOf is the JSON kind a Go type decodes from.
func jsonKindOf(t reflect.Type) string {
	if t == nil {
		return "another kind of value"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "another kind of value"
}
