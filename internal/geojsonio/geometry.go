package geojsonio

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// decodeGeometry decodes a feature's geometry with orb and checks that it is
// one of the wanted GeoJSON types and well formed: rings of at least four
// positions that close, positions of at least two finite numbers, inside
// the longitude/latitude range when geographic (projected coordinates are
// left to PostGIS's transform). It does not look for self-intersections;
// the coverage audit reports those. The problem comes back as text for FeatureMessage.
func decodeGeometry(raw json.RawMessage, geographic bool, want ...string) (orb.Geometry, string) {
	return decodeGeometryFor("this import", raw, geographic, want...)
}

// decodeGeometryFor is decodeGeometry with who needs the types named in
// the problem ("this import", "this op").
func decodeGeometryFor(who string, raw json.RawMessage, geographic bool, want ...string) (orb.Geometry, string) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, "missing"
	}
	var g geojson.Geometry
	// raw came whole from the decoder, so it is valid JSON: call orb's
	// decoder directly instead of json.Unmarshal, which would scan it again.
	if err := g.UnmarshalJSON(raw); err != nil {
		return nil, decodeProblem(raw, err)
	}
	geom := g.Geometry()
	typ := geom.GeoJSONType()
	if !contains(want, typ) {
		return nil, fmt.Sprintf("%s; %s needs %s", typ, who, strings.Join(want, " or "))
	}
	if p := structureProblem(geom); p != "" {
		return nil, p
	}
	if n, ok := shortPosition(raw); ok {
		what := "is empty"
		if n == 1 {
			what = "has only one number"
		}
		return nil, "a position " + what + "; a GeoJSON position is [longitude, latitude]"
	}
	return geom, positionsProblem(geom, geographic)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// decodeProblem explains why orb could not decode a geometry.
func decodeProblem(raw json.RawMessage, err error) string {
	var head struct {
		Type any `json:"type"`
	}
	if json.Unmarshal(raw, &head) != nil {
		return "not a GeoJSON geometry object"
	}
	var ute *json.UnmarshalTypeError
	switch {
	case errors.Is(err, geojson.ErrInvalidGeometry):
		return fmt.Sprintf("not a GeoJSON geometry: \"type\" is %s", describe(head.Type))
	case errors.As(err, &ute) && strings.HasPrefix(ute.Value, "number ") && ute.Type != nil && ute.Type.Kind() == reflect.Float64:
		return fmt.Sprintf("coordinate %s is not a finite number", strings.TrimPrefix(ute.Value, "number "))
	default:
		t, _ := head.Type.(string)
		return fmt.Sprintf("the coordinates are not nested as a %s's are (%v)", t, err)
	}
}

// structureProblem checks the counts: polygons with rings, rings of at least
// four positions.
func structureProblem(g orb.Geometry) string {
	switch g := g.(type) {
	case orb.Polygon:
		return polygonProblem(g, "")
	case orb.MultiPolygon:
		if len(g) == 0 {
			return "the MultiPolygon has no polygons"
		}
		for i, p := range g {
			if s := polygonProblem(p, fmt.Sprintf("polygon %d, ", i)); s != "" {
				return s
			}
		}
	}
	return ""
}

func polygonProblem(p orb.Polygon, where string) string {
	if len(p) == 0 {
		return where + "the polygon has no rings"
	}
	for i, r := range p {
		if len(r) < 4 {
			return fmt.Sprintf("%sring %d has %d positions; a closed ring needs at least 4", where, i, len(r))
		}
	}
	return ""
}

// shortPosition reports a position with fewer than two numbers, which orb
// would read as zeros. It looks for the innermost arrays of the raw JSON,
// skipping strings, and counts their elements.
func shortPosition(raw []byte) (int, bool) {
	for i := 0; i < len(raw); i++ {
		switch raw[i] {
		case '"':
			for i++; i < len(raw) && raw[i] != '"'; i++ {
				if raw[i] == '\\' {
					i++
				}
			}
		case '[':
			j := i + 1
			for j < len(raw) && isSpace(raw[j]) {
				j++
			}
			if j >= len(raw) || raw[j] == '[' || raw[j] == '{' {
				continue
			}
			n := 0
			if raw[j] != ']' {
				n = 1
			}
			for ; j < len(raw) && raw[j] != ']'; j++ {
				if raw[j] == ',' {
					n++
				}
			}
			if n < 2 {
				return n, true
			}
			i = j
		}
	}
	return 0, false
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// positionsProblem checks every position and that rings close.
func positionsProblem(g orb.Geometry, geographic bool) string {
	switch g := g.(type) {
	case orb.Point:
		return pointProblem(g, geographic, "position ")
	case orb.Polygon:
		return ringsProblem(g, geographic, "")
	case orb.MultiPolygon:
		for i, p := range g {
			if s := ringsProblem(p, geographic, fmt.Sprintf("polygon %d, ", i)); s != "" {
				return s
			}
		}
	}
	return ""
}

func ringsProblem(p orb.Polygon, geographic bool, where string) string {
	for i, r := range p {
		at := fmt.Sprintf("%sring %d", where, i)
		for j, pt := range r {
			if s := pointProblem(pt, geographic, at+", position "+strconv.Itoa(j)+" "); s != "" {
				return s
			}
		}
		if first, last := r[0], r[len(r)-1]; first != last {
			return fmt.Sprintf("%s is not closed: its first position %s differs from its last %s", at, formatPoint(first), formatPoint(last))
		}
	}
	return ""
}

func pointProblem(p orb.Point, geographic bool, where string) string {
	x, y := p[0], p[1]
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0) || math.IsNaN(y) || math.IsInf(y, 0):
		return fmt.Sprintf("%s%s is not finite", where, formatPoint(p))
	case !geographic || (math.Abs(x) <= 180 && math.Abs(y) <= 90):
		return ""
	case math.Abs(x) <= 90 && math.Abs(y) <= 180:
		return fmt.Sprintf("%s%s is outside the longitude/latitude range; are longitude and latitude swapped? "+
			"RFC 7946 GeoJSON positions are [longitude, latitude] in WGS84", where, formatPoint(p))
	default:
		return fmt.Sprintf("%s%s is outside the longitude/latitude range; the coordinates look projected, "+
			"but the file names no CRS, so they are read as WGS84 longitude/latitude (as RFC 7946 GeoJSON is): give the CRS "+
			"(--source-crs EPSG:N, e.g. EPSG:4547 for CGCS2000 / 3-degree Gauss-Kruger CM 114E) or reproject to EPSG:4326",
			where, formatPoint(p))
	}
}

func formatPoint(p orb.Point) string {
	return "[" + strconv.FormatFloat(p[0], 'g', -1, 64) + ", " + strconv.FormatFloat(p[1], 'g', -1, 64) + "]"
}

// Geometry decodes one GeoJSON geometry of the wanted types and checks it
// as imports do; the problem comes back as text ("" when it is fine) for
// callers that name the place themselves, such as a change set's op.
func Geometry(raw json.RawMessage, want ...string) (orb.Geometry, string) {
	return decodeGeometryFor("this op", raw, true, want...)
}
