// Package jsonw writes the long tables of the audit report — a row per
// grid, ninety thousand at scale 10 — as JSON by appending to a buffer,
// which takes a fraction of the time reflection does. The output is what
// encoding/json writes for the same values, byte for byte.
package jsonw

import (
	"encoding/json"
	"math"
	"strconv"
)

// Array appends rows as a JSON array of objects, each written by row.
func Array[T any](b []byte, rows []T, row func(o *Object, r *T)) []byte {
	b = append(b, '[')
	for i := range rows {
		if i > 0 {
			b = append(b, ',')
		}
		o := Begin(b)
		row(o, &rows[i])
		b = o.End()
	}
	return append(b, ']')
}

// Object appends one JSON object, member by member.
type Object struct {
	b     []byte
	first bool
}

// Begin starts an object at the end of b.
func Begin(b []byte) *Object { return &Object{b: append(b, '{'), first: true} }

// End closes the object and returns the buffer.
func (o *Object) End() []byte { return append(o.b, '}') }

func (o *Object) key(k string) {
	if !o.first {
		o.b = append(o.b, ',')
	}
	o.first = false
	o.b = AppendString(o.b, k)
	o.b = append(o.b, ':')
}

// String adds a text member; with omitEmpty an empty text is left out.
func (o *Object) String(k, v string, omitEmpty bool) {
	if omitEmpty && v == "" {
		return
	}
	o.key(k)
	o.b = AppendString(o.b, v)
}

// Ref adds a member that is null when v is nil.
func (o *Object) Ref(k string, v *string) {
	o.key(k)
	if v == nil {
		o.b = append(o.b, "null"...)
		return
	}
	o.b = AppendString(o.b, *v)
}

// Int adds an integer member.
func (o *Object) Int(k string, v int64) {
	o.key(k)
	o.b = strconv.AppendInt(o.b, v, 10)
}

// Float adds a number member.
func (o *Object) Float(k string, v float64) {
	o.key(k)
	o.b = AppendFloat(o.b, v)
}

// Value adds a member encoding/json writes (a small one: its output is
// checked and compacted by the library).
func (o *Object) Value(k string, v any) error {
	enc, err := json.Marshal(v)
	if err != nil {
		return err
	}
	o.key(k)
	o.b = append(o.b, enc...)
	return nil
}

// Append adds a member whose JSON fn appends: a long table, written
// without encoding/json going over it again.
func (o *Object) Append(k string, fn func([]byte) []byte) {
	o.key(k)
	o.b = fn(o.b)
}

// Bool adds a true or false member.
func (o *Object) Bool(k string, v bool) {
	o.key(k)
	o.b = strconv.AppendBool(o.b, v)
}

// AppendString appends s as a JSON string, escaped as encoding/json
// escapes it (HTML characters included).
func AppendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			enc, _ := json.Marshal(s) // text beyond plain ASCII: the library's own escaping
			return append(b, enc...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// AppendFloat appends f as encoding/json writes a float64: the shortest
// decimal, in exponent form only below 1e-6 or from 1e21, with a
// two-digit exponent at least.
func AppendFloat(b []byte, f float64) []byte {
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-09 → e-9, as encoding/json cleans it.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}
