package ogcapi

import (
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// commonParams are the items endpoint's parameters on every collection.
var commonParams = []string{"limit", "bbox", "datetime", "after", "datum"}

// filterParams are the property filters each layer takes.
var filterParams = map[store.Layer][]string{
	store.LayerGrids:      {"parent", "kind", "category"},
	store.LayerUnits:      {},
	store.LayerFacilities: {"type"},
	store.LayerFindings:   {"parent", "kind", "severity", "check"},
}

func itemsParams(l store.Layer) []string {
	return append(append([]string{}, commonParams...), filterParams[l]...)
}

// itemsQuery is a parsed items request.
type itemsQuery struct {
	store.FeatureQuery
	limit int  // features per page, clamped to MaxLimit
	gcj02 bool // convert output coordinates to GCJ-02
	raw   url.Values
}

// parseItems reads the items endpoint's parameters; names were already
// checked by negotiate. Malformed values are domain.ErrInvalid.
func parseItems(q url.Values, c CollectionID) (itemsQuery, error) {
	p := itemsQuery{limit: DefaultLimit, raw: q}
	p.Layer, p.Level = c.Layer, c.Level
	if v, ok := q["limit"]; ok {
		n, err := strconv.Atoi(v[0])
		if err != nil || n < 1 {
			return p, domain.Errorf(domain.ErrInvalid, "limit %q: want a positive integer (at most %d)", v[0], MaxLimit)
		}
		p.limit = min(n, MaxLimit)
	}
	if v, ok := q["after"]; ok {
		n, err := strconv.ParseInt(v[0], 10, 64)
		if err != nil || n < 0 {
			return p, domain.Errorf(domain.ErrInvalid, "after %q: want a feature id (a non-negative integer) as the next link gives it", v[0])
		}
		p.After = n
	}
	if v, ok := q["bbox"]; ok {
		b, err := parseBBox(v[0])
		if err != nil {
			return p, err
		}
		p.BBox = &b
	}
	if v, ok := q["datetime"]; ok {
		if err := checkDatetime(v[0]); err != nil {
			return p, err
		}
	}
	var err error
	if p.gcj02, err = parseDatum(q); err != nil {
		return p, err
	}
	p.Parent, p.Kind, p.Category = q.Get("parent"), q.Get("kind"), q.Get("category")
	p.Type, p.Severity, p.Check = q.Get("type"), q.Get("severity"), q.Get("check")
	return p, nil
}

// parseDatum reads datum=wgs84|gcj02.
func parseDatum(q url.Values) (bool, error) {
	switch v := q.Get("datum"); v {
	case "", "wgs84":
		return false, nil
	case "gcj02":
		return true, nil
	default:
		return false, domain.Errorf(domain.ErrInvalid, "datum %q: want wgs84 (the default) or gcj02", v)
	}
}

// parseBBox reads "minLon,minLat,maxLon,maxLat" (or the six-number form
// with heights, which are ignored) in CRS84.
func parseBBox(v string) (orb.Bound, error) {
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

// checkDatetime accepts an RFC 3339 instant or date, or an interval of
// them with ".." or nothing for an open end. The layers carry no time, so a
// valid value selects everything.
func checkDatetime(v string) error {
	ends := strings.Split(v, "/")
	if len(ends) > 2 {
		return domain.Errorf(domain.ErrInvalid, "datetime %q: want an instant or an interval start/end", v)
	}
	for _, e := range ends {
		if len(ends) == 2 && (e == ".." || e == "") {
			continue
		}
		if _, err := time.Parse(time.RFC3339, e); err == nil {
			continue
		}
		if _, err := time.Parse(time.DateOnly, e); err == nil {
			continue
		}
		return domain.Errorf(domain.ErrInvalid, "datetime %q: %q is not an RFC 3339 date or date-time", v, e)
	}
	if len(ends) == 2 && (ends[0] == ".." || ends[0] == "") && (ends[1] == ".." || ends[1] == "") {
		return domain.Errorf(domain.ErrInvalid, "datetime %q: an interval needs at least one end", v)
	}
	return nil
}

// urlValues is the query of a link to another page of the same request:
// the clamped limit, the given after (0: first page) and format f.
func urlValues(p itemsQuery, f string, after int64) string {
	v := url.Values{}
	for k, vs := range p.raw {
		v[k] = vs
	}
	v.Del("after")
	if after != 0 {
		v.Set("after", strconv.FormatInt(after, 10))
	}
	if _, ok := v["limit"]; ok {
		v.Set("limit", strconv.Itoa(p.limit))
	}
	v.Del("f")
	if f == "html" {
		v.Set("f", "html")
	}
	return v.Encode()
}
