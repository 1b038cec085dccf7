package ogcapi

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb/geojson"

	"github.com/gridplan/gridplan/geo"
	"github.com/gridplan/gridplan/internal/geojsonio"
	"github.com/gridplan/gridplan/internal/httpx"
	"github.com/gridplan/gridplan/internal/store"
)

// ETag names one representation of a resource at one data stamp: the
// plan's versions, the path, the canonical query and the format.
func ETag(st store.Stamp, r *http.Request, format string) string {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d|%d|%d|%d|%s|%s|%s", st.PlanID, st.Workspace, st.Version, st.AuditVersion, r.URL.Path,
		r.URL.Query().Encode(), format)
	return `W/"` + strconv.FormatUint(h.Sum64(), 36) + `"`
}

// NotModified sets the caching headers and, when the client's
// If-None-Match holds etag, answers 304 and returns true. Clients are asked
// to revalidate every time (no-cache), so a change of data shows at once.
func NotModified(w http.ResponseWriter, r *http.Request, etag string) bool {
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "public, no-cache")
	w.Header().Add("Vary", "Accept")
	for _, t := range strings.Split(r.Header.Get("If-None-Match"), ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == strings.TrimPrefix(etag, "W/") {
			w.WriteHeader(http.StatusNotModified)
			return true
		}
	}
	return false
}

// items answers /collections/{collectionId}/items.
func (s *Service) items(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathParam(r, "collectionId")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := ParseCollectionID(id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	format, err := negotiate(r, itemsParams(c.Layer), formatGeoJSON, formatHTML)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := parseItems(r.URL.Query(), c)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, st, err := Resolve(r.Context(), s.db.Features(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	etag := ETag(st, r, format.name)
	if NotModified(w, r, etag) {
		return
	}
	base := BaseURL(r)
	key := etag + "|" + base
	if e := s.cache.Get(key); e != nil {
		e.Serve(w, r)
		return
	}
	if r.Method == http.MethodHead {
		w.Header().Set("Content-Type", format.mediaType)
		return
	}
	s.stream(w, r, c, p, format, base)
}

// page is what a page being written needs to know.
type page struct {
	coll   CollectionID
	query  itemsQuery
	format format
	base   string
	out    io.Writer
}

// stream writes one page of features in one database snapshot into a
// spool, and sends it only once the snapshot is over, so a client that
// reads slowly holds no connection; a page small enough is also cached.
func (s *Service) stream(w http.ResponseWriter, r *http.Request, c CollectionID, p itemsQuery, f format, base string) {
	body := httpx.Spool{Memory: s.maxEntry}
	defer body.Close()
	pg := page{coll: c, query: p, format: f, base: base, out: &body}
	var etag string
	err := s.db.Snapshot(r.Context(), func(fs *store.Features) error {
		st, err := fs.Stamp(r.Context(), c.Plan, ViewOf(r.Context(), c.Plan), c.Level)
		if err != nil {
			return err
		}
		// The stamp read in the snapshot is the one the data matches.
		etag = ETag(st, r, f.name)
		pg.query.PlanID, pg.query.Workspace = st.PlanID, st.Workspace
		if f.name == "html" {
			return s.writeHTML(r.Context(), fs, pg)
		}
		return s.writeGeoJSON(r.Context(), fs, pg)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if b := body.Bytes(); b != nil {
		s.cache.Put(etag+"|"+base, f.mediaType, b)
	}
	w.Header().Set("ETag", etag)
	w.Header().Set("Content-Type", f.mediaType)
	if err := body.Send(w, r); err != nil {
		s.log.Info("client stopped reading", "collection", c.String(), "err", err)
	}
}

// errPageFull stops the row stream after the look-ahead row.
var errPageFull = errors.New("page full")

// eachOfPage streams up to limit features and reports the last id written
// and whether more follow (it reads one row ahead).
func eachOfPage(ctx context.Context, fs *store.Features, p itemsQuery, fn func(*geojson.Feature) error) (last int64, more bool, err error) {
	q := p.FeatureQuery
	q.Limit = p.limit + 1
	n := 0
	err = fs.Each(ctx, q, func(v any) error {
		if n == p.limit {
			more = true
			return errPageFull
		}
		n++
		f := Feature(v)
		last = featureID(v)
		if p.gcj02 && f.Geometry != nil {
			f.Geometry = geo.ToGCJ02(f.Geometry)
		}
		return fn(f)
	})
	if errors.Is(err, errPageFull) {
		err = nil
	}
	return last, more, err
}

// matched is numberMatched: known without counting when the page holds
// every match.
func matched(ctx context.Context, fs *store.Features, p itemsQuery, returned int, more bool) (int, error) {
	if p.After == 0 && !more {
		return returned, nil
	}
	return fs.Count(ctx, p.FeatureQuery)
}

func (s *Service) writeGeoJSON(ctx context.Context, fs *store.Features, pg page) error {
	out := geojsonio.NewWriter(pg.out)
	out.Member("timeStamp", time.Now().UTC().Format(time.RFC3339))
	if pg.query.gcj02 {
		out.Member("datum", "GCJ-02") // the coordinates are not CRS84: say so
	}
	last, more, err := eachOfPage(ctx, fs, pg.query, out.Write)
	if err != nil {
		return err
	}
	n, err := matched(ctx, fs, pg.query, out.Count(), more)
	if err != nil {
		return err
	}
	out.Member("numberMatched", n)
	out.Member("numberReturned", out.Count())
	out.Member("links", pageLinks(pg, last, more))
	return out.Close()
}

// pageLinks are the page's self, alternate and (when more follow) next links.
func pageLinks(pg page, last int64, more bool) []link {
	self := pg.base + "/collections/" + pg.coll.String() + "/items"
	q := pg.query
	params := func(f string, after int64) string {
		v := urlValues(q, f, after)
		if len(v) == 0 {
			return self
		}
		return self + "?" + v
	}
	links := []link{
		{Href: params("json", q.After), Rel: "self", Type: "application/geo+json", Title: "This page"},
		{Href: params("html", q.After), Rel: "alternate", Type: "text/html", Title: "This page as HTML"},
		{Href: pg.base + "/collections/" + pg.coll.String(), Rel: "collection", Type: "application/json", Title: "The collection"},
	}
	if more {
		t, f := "application/geo+json", "json"
		if pg.format.name == "html" {
			t, f = "text/html", "html"
		}
		links = append(links, link{Href: params(f, last), Rel: "next", Type: t, Title: "Next page"})
	}
	return links
}
