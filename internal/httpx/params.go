package httpx

import (
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
)

// PathParam is the path parameter name as the client meant it: chi routes
// on the escaped path (so a code "A/B" sent as A%2FB stays one segment)
// and hands the segment over still escaped; this decodes it. Text with a
// NUL character (%00) or a malformed escape is refused, naming the
// parameter: PostgreSQL cannot store NUL in text, and no name contains one.
func PathParam(r *http.Request, name string) (string, error) {
	raw := chi.URLParam(r, name)
	v, err := url.PathUnescape(raw)
	if err != nil {
		return "", domain.Errorf(domain.ErrInvalid, "path parameter %s %q: malformed percent-encoding", name, raw)
	}
	if err := CheckText(name, v); err != nil {
		return "", err
	}
	return v, nil
}

// CheckText refuses text that cannot be stored: NUL characters and bytes
// that are not UTF-8. what names the parameter or field in the message.
func CheckText(what, v string) error {
	if strings.ContainsRune(v, 0) {
		return domain.Errorf(domain.ErrInvalid, "%s: text cannot contain a NUL character (%%00, \\u0000)", what)
	}
	if !utf8.ValidString(v) {
		return domain.Errorf(domain.ErrInvalid, "%s: text is not valid UTF-8", what)
	}
	return nil
}

// Query reads query parameter name ("" when absent), refusing text that
// cannot be stored.
func Query(r *http.Request, name string) (string, error) {
	v := r.URL.Query().Get(name)
	if err := CheckText("query parameter "+name, v); err != nil {
		return "", err
	}
	return v, nil
}

// MaxInt32 is the largest value of a PostgreSQL integer column: levels,
// minutes and the like are stored in one, so larger numbers are refused
// as input rather than failing in the database.
const MaxInt32 = math.MaxInt32

// ParseInt reads v as a decimal integer from lo to hi; what names the
// parameter in the message.
func ParseInt(what, v string, lo, hi int64) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n < lo || n > hi {
		return 0, domain.Errorf(domain.ErrInvalid, "%s %q: want a whole number from %d to %d", what, v, lo, hi)
	}
	return n, nil
}

// QueryInt reads an optional integer query parameter from lo to hi: def
// when it is absent.
func QueryInt(r *http.Request, name string, def int, lo, hi int64) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := ParseInt("query parameter "+name, v, lo, hi)
	return int(n), err
}

// ParseBBox reads "minLon,minLat,maxLon,maxLat" in WGS84 (CRS84), or the
// six-number form with heights, which are ignored.
func ParseBBox(v string) (orb.Bound, error) {
	parts := strings.Split(v, ",")
	if len(parts) != 4 && len(parts) != 6 {
		return orb.Bound{}, domain.Errorf(domain.ErrInvalid, "bbox %q: want four numbers minLon,minLat,maxLon,maxLat", v)
	}
	n := make([]float64, len(parts))
	for i, s := range parts {
		x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return orb.Bound{}, domain.Errorf(domain.ErrInvalid, "bbox %q: %q is not a number", v, s)
		}
		n[i] = x
	}
	if len(n) == 6 {
		n = []float64{n[0], n[1], n[3], n[4]}
	}
	if n[1] > n[3] {
		return orb.Bound{}, domain.Errorf(domain.ErrInvalid, "bbox %q: minimum latitude greater than maximum", v)
	}
	if n[0] > n[2] {
		return orb.Bound{}, domain.Errorf(domain.ErrInvalid, "bbox %q: boxes across the antimeridian are not supported", v)
	}
	if n[0] < -180 || n[2] > 180 || n[1] < -90 || n[3] > 90 {
		return orb.Bound{}, domain.Errorf(domain.ErrInvalid, "bbox %q: outside the longitude/latitude range", v)
	}
	return orb.Bound{Min: orb.Point{n[0], n[1]}, Max: orb.Point{n[2], n[3]}}, nil
}
