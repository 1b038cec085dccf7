package ogcapi

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/httpx"
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
		// Larger values are clamped, as the standard asks; only values no
		// integer type holds are refused.
		n, err := strconv.ParseInt(v[0], 10, 64)
		if err != nil || n < 1 {
			return p, domain.Errorf(domain.ErrInvalid, "limit %q: want a positive integer (at most %d)", v[0], MaxLimit)
		}
		p.limit = int(min(n, MaxLimit))
	}
	if v, ok := q["after"]; ok {
		n, err := strconv.ParseInt(v[0], 10, 64)
		if err != nil || n < 0 {
			return p, domain.Errorf(domain.ErrInvalid, "after %q: want a feature id (a non-negative integer) as the next link gives it", v[0])
		}
		p.After = n
	}
	if v, ok := q["bbox"]; ok {
		b, err := httpx.ParseBBox(v[0])
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
	for _, name := range filterParams[c.Layer] {
		if err := httpx.CheckText("query parameter "+name, q.Get(name)); err != nil {
			return p, err
		}
	}
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
