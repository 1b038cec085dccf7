package geojsonio

import (
	"bytes"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/paulmach/orb"
)

// appendScalar appends the common property values (plain strings, integers,
// finite floats, booleans, null) as the Writer's json.Encoder would; ok is
// false for anything else, which the caller leaves to the encoder.
func appendScalar(b []byte, v any) ([]byte, bool) {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...), true
	case string:
		if !plainString(v) {
			return b, false
		}
		b = append(b, '"')
		b = append(b, v...)
		return append(b, '"'), true
	case int:
		return strconv.AppendInt(b, int64(v), 10), true
	case int64:
		return strconv.AppendInt(b, v, 10), true
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return b, false // the encoder reports the error
		}
		return appendFloat(b, v), true
	case bool:
		return strconv.AppendBool(b, v), true
	}
	return b, false
}

// plainString reports whether s needs no escaping in JSON: valid UTF-8
// without control characters, quotes, backslashes or the line and paragraph
// separators (U+2028, U+2029) that encoding/json escapes.
func plainString(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || (c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && (s[i+2]|1) == 0xA9) {
			return false
		}
	}
	return utf8.ValidString(s)
}

// appendGeometry appends the GeoJSON of the geometry types gridplan stores
// (Point, Polygon, MultiPolygon), byte for byte what orb/geojson writes
// through encoding/json, but without reflection, which cost about a third of
// an export's time. ok is false for other types and for non-finite
// coordinates: the caller leaves those to orb, which reports the error.
func appendGeometry(b []byte, g orb.Geometry) ([]byte, bool) {
	start := len(b)
	switch g := g.(type) {
	case orb.Point:
		b = append(b, `{"type":"Point","coordinates":`...)
		b = appendPoint(b, g)
	case orb.Polygon:
		if g == nil {
			return b[:start], false
		}
		b = append(b, `{"type":"Polygon","coordinates":`...)
		b = appendPolygon(b, g)
	case orb.MultiPolygon:
		if g == nil {
			return b[:start], false
		}
		b = append(b, `{"type":"MultiPolygon","coordinates":[`...)
		for i, p := range g {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendPolygon(b, p)
		}
		b = append(b, ']')
	default:
		return b[:start], false
	}
	if !finite(b[start:]) {
		return b[:start], false
	}
	return append(b, '}'), true
}

// finite reports whether an encoded geometry holds no NaN or ±Inf: strconv
// writes them with an N or I, letters that neither numbers nor the type
// names written here contain.
func finite(b []byte) bool {
	return !bytes.ContainsAny(b, "NI")
}

func appendPolygon(b []byte, p orb.Polygon) []byte {
	b = append(b, '[')
	for i, r := range p {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		for j, pt := range r {
			if j > 0 {
				b = append(b, ',')
			}
			b = appendPoint(b, pt)
		}
		b = append(b, ']')
	}
	return append(b, ']')
}

func appendPoint(b []byte, p orb.Point) []byte {
	b = append(b, '[')
	b = appendFloat(b, p[0])
	b = append(b, ',')
	b = appendFloat(b, p[1])
	return append(b, ']')
}

// appendFloat formats like encoding/json: the shortest text that reads back
// to the same float64, with exponents only for very small or large values.
func appendFloat(b []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' { // e-09 to e-9, as encoding/json does
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}
