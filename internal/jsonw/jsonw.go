// Package jsonw writes the long tables of the audit report — a row per
// grid, ninety thousand at scale 10 — as JSON by appending to a buffer,
// which takes a fraction of the time reflection does. The output is what
// encoding/json writes for the same values, byte for byte.
package jsonw

import (
	"encoding/json"
	"math"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"unicode/utf8"
)

// Appender is a value that appends its own JSON to a buffer: a report
// section of megabytes is then written once, into the report's buffer.
type Appender interface {
	AppendJSON(b []byte) ([]byte, error)
}

// Array appends rows as a JSON array of objects, each written by row. A
// long table is written in parts side by side, one per core, so row must
// not change shared state. The first part goes straight into b; b and the
// other parts' buffers are sized once (Size): growing a buffer of
// megabytes by doubling copies it again and again.
func Array[T any](b []byte, rows []T, row func(o *Object, r *T)) []byte {
	b = append(b, '[')
	if len(rows) > 2*sampleRows { // a short table is not worth writing twice
		b = slices.Grow(b, Size(rows, row))
	}
	parts := min(runtime.GOMAXPROCS(0), len(rows)/parallelRows)
	if parts < 2 {
		return append(objects(b, rows, row), ']')
	}
	part := func(p int) []T { return rows[p*len(rows)/parts : (p+1)*len(rows)/parts] }
	bufs := make([][]byte, parts)
	var wg sync.WaitGroup
	for p := 1; p < parts; p++ {
		wg.Go(func() { bufs[p] = objects(make([]byte, 0, Size(part(p), row)), part(p), row) })
	}
	b = objects(b, part(0), row)
	wg.Wait()
	for _, buf := range bufs[1:] {
		b = append(append(b, ','), buf...)
	}
	return append(b, ']')
}

// parallelRows is how many rows make writing a part on another core worth
// starting it.
const parallelRows = 2048

// objects appends rows as comma-separated JSON objects.
func objects[T any](b []byte, rows []T, row func(o *Object, r *T)) []byte {
	o := new(Object) // one for every row: row, a func value, makes it escape
	for i := range rows {
		if i > 0 {
			b = append(b, ',')
		}
		o.b, o.first = append(b, '{'), true
		row(o, &rows[i])
		b = o.End()
	}
	return b
}

// sampleRows is how many rows Size writes to learn their size.
const sampleRows = 64

// Size is about how many bytes Array writes of rows (an eighth more, to
// spare), from the size of their first rows: what Array, or a writer of
// several tables, grows its buffer by once.
func Size[T any](rows []T, row func(o *Object, r *T)) int {
	sample := rows[:min(len(rows), sampleRows)]
	if len(sample) == 0 {
		return 2
	}
	n := len(objects(nil, sample, row))
	return n*len(rows)/len(sample)*9/8 + 2
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
	// Member names are the report's own field names, plain ASCII with
	// nothing to escape: written as they are.
	o.b = append(o.b, '"')
	o.b = append(o.b, k...)
	o.b = append(o.b, '"', ':')
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
	mark := len(b)
	b = append(b, '"')
	start := 0       // s[start:i] is still to be copied as it is
	checked := false // whether s[i:] is known to be valid UTF-8
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !attention[c] {
			continue
		}
		if c >= utf8.RuneSelf {
			if !checked {
				// Most of the report's text is codes and words in ASCII:
				// only text with other characters is checked, once.
				if !utf8.ValidString(s[i:]) {
					enc, _ := json.Marshal(s) // rare: the library's own replacement of bad bytes
					return append(b[:mark], enc...)
				}
				checked = true
			}
			// U+2028 and U+2029, JavaScript's line separators, are E2 80
			// A8/A9; any other character is passed over whole.
			if c == 0xe2 && i+2 < len(s) && s[i+1] == 0x80 && s[i+2]&^1 == 0xa8 {
				b = append(b, s[start:i]...)
				b = append(b, '\\', 'u', '2', '0', '2', hex[8+s[i+2]&1])
				start = i + 3
			}
			i += runeBytes(c) - 1
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// attention marks the bytes AppendString looks at: those encoding/json
// escapes (controls, quote, backslash, HTML characters), and every byte
// beyond ASCII, which starts a character (the text is then checked to be
// UTF-8; E2 may start U+2028 or U+2029).
var attention = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	for _, c := range []byte(`"\<>&`) {
		t[c] = true
	}
	for c := utf8.RuneSelf; c < 256; c++ {
		t[c] = true
	}
	return t
}()

const hex = "0123456789abcdef"

// runeBytes is the length of the UTF-8 sequence lead byte c starts.
func runeBytes(c byte) int {
	switch {
	case c < 0xe0:
		return 2
	case c < 0xf0:
		return 3
	}
	return 4
}

// AppendFloat appends f as encoding/json writes a float64: the shortest
// decimal, in exponent form only below 1e-6 or from 1e21, with a
// two-digit exponent at least.
func AppendFloat(b []byte, f float64) []byte {
	if out, ok := appendShortDecimal(b, f); ok {
		return out
	}
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

// appendShortDecimal appends f when it is a decimal of at most three
// places, as the report's rounded figures are, with integer arithmetic: a
// fraction of what strconv's shortest form takes, and the same digits.
// Below 1e12 two such decimals are farther apart than f's precision, so
// the one with the fewest places that gives f back is f's shortest form.
func appendShortDecimal(b []byte, f float64) ([]byte, bool) {
	if a := math.Abs(f); !(a >= 1e-3 && a < 1e12) {
		return b, false
	}
	scale := uint64(1)
	for range 4 {
		n := math.Round(f * float64(scale))
		if n/float64(scale) != f {
			scale *= 10
			continue
		}
		if n < 0 {
			b, n = append(b, '-'), -n
		}
		u := uint64(n)
		b = strconv.AppendUint(b, u/scale, 10)
		if scale > 1 {
			b = append(b, '.')
			for d := scale / 10; d > 0; d /= 10 {
				b = append(b, byte('0'+u%scale/d%10))
			}
		}
		return b, true
	}
	return b, false
}
