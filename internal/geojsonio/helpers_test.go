package geojsonio

import (
	"errors"
	"strings"
	"testing"

	"github.com/gridplan/gridplan/internal/domain"
)

// square is a small closed Polygon in Zhengzhou.
const square = `{"type":"Polygon","coordinates":[[[113.6,34.7],[113.61,34.7],[113.61,34.71],[113.6,34.7]]]}`

// point is a Point in Zhengzhou.
const point = `{"type":"Point","coordinates":[113.6,34.7]}`

// feature builds a feature from a properties object and a geometry.
func feature(props, geometry string) string {
	return `{"type":"Feature","properties":` + props + `,"geometry":` + geometry + `}`
}

// collection builds a FeatureCollection from features.
func collection(features ...string) string {
	return `{"type":"FeatureCollection","features":[` + strings.Join(features, ",") + `]}`
}

// okGrid is a valid grid feature with the given code.
func okGrid(code string) string {
	return feature(`{"code":"`+code+`","level":1}`, square)
}

// checkInvalid asserts err is one line, an ErrInvalid domain error, and
// contains every wanted part.
func checkInvalid(t *testing.T, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want one containing %q", want)
	}
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.ErrInvalid {
		t.Fatalf("error %v (%T) is not a domain.ErrInvalid error", err, err)
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") {
		t.Errorf("message has more than one line: %q", msg)
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("message %q lacks %q", msg, w)
		}
	}
}
