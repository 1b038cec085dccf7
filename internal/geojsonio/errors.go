package geojsonio

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/gridplan/gridplan/internal/domain"
)

// FeatureMessage formats the one-line location every import error uses:
//
//	grids.geojson: features[12]: field "code": missing
//
// field is the property name as the user gave it ("geometry" for geometry
// problems). An index < 0 leaves out features[N] and an empty field leaves out
// the field, for problems with the file as a whole. The command line also uses
// it for errors the database reports about a feature, so all import messages
// look alike. Line breaks in problem are folded so the message stays one line.
func FeatureMessage(file string, index int, field, problem string) string {
	var b strings.Builder
	b.WriteString(file)
	b.WriteString(": ")
	if index >= 0 {
		b.WriteString("features[")
		b.WriteString(strconv.Itoa(index))
		b.WriteString("]: ")
	}
	if field != "" {
		b.WriteString("field ")
		b.WriteString(strconv.Quote(field))
		b.WriteString(": ")
	}
	b.WriteString(strings.Join(strings.Fields(problem), " "))
	return b.String()
}

// featureError is the invalid-input error for one field of one feature.
func featureError(file string, index int, field, problem string) *domain.Error {
	return &domain.Error{Code: domain.ErrInvalid, Message: FeatureMessage(file, index, field, problem)}
}

// fileError is the invalid-input error for the file as a whole.
func fileError(file, format string, args ...any) *domain.Error {
	return featureError(file, -1, "", fmt.Sprintf(format, args...))
}

// describe renders a decoded JSON value for a message: strings quoted,
// numbers as written, containers by kind.
func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(v)
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	default:
		return fmt.Sprintf("%v", v)
	}
}

// describeToken renders a json.Token for a message.
func describeToken(t json.Token) string {
	switch t := t.(type) {
	case json.Delim:
		switch t {
		case '[':
			return "an array"
		case '{':
			return "an object"
		}
		return strconv.Quote(t.String())
	default:
		return describe(t)
	}
}
