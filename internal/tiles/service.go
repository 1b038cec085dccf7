// Package tiles serves a plan's layers as Mapbox vector tiles
// (/tiles/{collection}/{z}/{x}/{y}.mvt, with TileJSON at
// /tiles/{collection}.json) for the web map and GIS clients. It sits beside
// ogcapi (same collections, same data stamps and response cache) between
// httpapi, which mounts it, and the store.
//
// Tiles are cut in Go from an in-memory copy of the layer in Web Mercator,
// simplified per zoom with geo.SimplifyShared so neighbouring grids keep
// sharing their boundaries, and encoded with orb's encoding/mvt. ST_AsMVT
// would simplify each grid on its own (cracks and overlaps between
// neighbours at overview zooms) and rebuild the geometry on every request;
// holding the layer costs a few MB per level and version.
package tiles

import (
	"fmt"
	"hash/fnv"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"golang.org/x/sync/singleflight"

	"github.com/gridplan/gridplan/internal/cache"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/httpx"
	"github.com/gridplan/gridplan/internal/ogcapi"
	"github.com/gridplan/gridplan/internal/store"
)

// Zoom range served. Beyond MaxZoom clients overzoom the last tiles.
const (
	MinZoom = 0
	MaxZoom = 16
	// Overview tiles (z ≤ OverviewZoom) carry only what styling needs;
	// clients read the rest from the OGC API by feature id.
	OverviewZoom = 12
)

// Options configure the service.
type Options struct {
	// WriteError answers with problem+json (httpapi's writeError).
	WriteError func(w http.ResponseWriter, r *http.Request, err error)
	// Cache holds encoded tiles; nil keeps none.
	Cache *ogcapi.Cache
	// LayerBytes bounds the memory of the layers kept (collection × view
	// × datum, each kept up to date in place); 0 means 128 MiB.
	LayerBytes int64
}

// Service answers tile requests.
type Service struct {
	db      *store.DB
	log     *slog.Logger
	fail    func(w http.ResponseWriter, r *http.Request, err error)
	cache   *ogcapi.Cache
	layers  *cache.Cache[layerKey, *layer]
	loading singleflight.Group // first reads of a layer, shared
}

// New returns the service on db.
func New(db *store.DB, log *slog.Logger, opts Options) *Service {
	budget := opts.LayerBytes
	if budget == 0 {
		budget = 128 << 20
	}
	s := &Service{db: db, log: log, fail: opts.WriteError, cache: opts.Cache,
		layers: cache.New[layerKey](budget, (*layer).size)}
	if s.fail == nil {
		s.fail = httpx.NewProblems(log).Write
	}
	if s.cache == nil {
		s.cache = ogcapi.NewCache(0)
	}
	return s
}

// Routes mounts /tiles/{collection}.json and /tiles/{collection}/{z}/{x}/{y}.mvt.
func (s *Service) Routes(r chi.Router) {
	for _, m := range []string{http.MethodGet, http.MethodHead} {
		r.MethodFunc(m, "/tiles/{tileset}", s.tileJSON)
		r.MethodFunc(m, "/tiles/{collectionId}/{z}/{x}/{y}", s.tile)
	}
}

// tileRequest is a parsed tile address.
type tileRequest struct {
	z, x, y int
	gcj02   bool
}

func parseTile(r *http.Request) (tileRequest, error) {
	var t tileRequest
	y, ok := strings.CutSuffix(chi.URLParam(r, "y"), ".mvt")
	if !ok {
		return t, domain.Errorf(domain.ErrNotFound, "no tile at %s: tiles end in .mvt", r.URL.Path)
	}
	var err error
	for _, p := range []struct {
		v   string
		dst *int
	}{{chi.URLParam(r, "z"), &t.z}, {chi.URLParam(r, "x"), &t.x}, {y, &t.y}} {
		if *p.dst, err = strconv.Atoi(p.v); err != nil || *p.dst < 0 {
			return t, domain.Errorf(domain.ErrNotFound, "no tile at %s: z, x and y are non-negative integers", r.URL.Path)
		}
	}
	if t.z > 24 || t.x >= 1<<t.z || t.y >= 1<<t.z {
		return t, domain.Errorf(domain.ErrNotFound, "no tile %d/%d/%d: x and y must be below 2^z and z at most 24", t.z, t.x, t.y)
	}
	if err := onlyParams(r, "datum", "v"); err != nil {
		return t, err
	}
	switch d := r.URL.Query().Get("datum"); d {
	case "", "wgs84":
	case "gcj02":
		t.gcj02 = true
	default:
		return t, domain.Errorf(domain.ErrInvalid, "datum %q: want wgs84 (the default) or gcj02", d)
	}
	return t, nil
}

func onlyParams(r *http.Request, allowed ...string) error {
	for name := range r.URL.Query() {
		ok := false
		for _, a := range allowed {
			ok = ok || a == name
		}
		if !ok {
			return domain.Errorf(domain.ErrInvalid, "unknown query parameter %q; tiles take %s", name, strings.Join(allowed, ", "))
		}
	}
	return nil
}

// tile answers one vector tile: 204 when nothing is in it.
func (s *Service) tile(w http.ResponseWriter, r *http.Request) {
	t, err := parseTile(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id, err := httpx.PathParam(r, "collectionId")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, st, err := ogcapi.Resolve(r.Context(), s.db.Features(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l, err := s.layer(r.Context(), c, st, t.gcj02)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l.mu.RLock()
	defer l.mu.RUnlock()
	// A tile is named by the state of what it shows, not of the whole
	// view: an edit elsewhere leaves its ETag and cache entry as they were.
	at := l.tileStamp(t.z, t.x, t.y)
	etag := tileETag(st, l.key, t, at)
	if ogcapi.NotModified(w, r, etag) {
		return
	}
	// A URL naming the current version (as TileJSON gives it) never changes.
	if v := r.URL.Query().Get("v"); v == version(st) {
		w.Header().Set("Cache-Control", "public, max-age=86400, immutable")
	}
	key := "tile|" + etag
	if e := s.cache.Get(key); e != nil {
		serveTile(w, r, e.Body)
		return
	}
	b, err := l.tile(t.z, t.x, t.y)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.cache.Put(key, mvtType, b)
	serveTile(w, r, b)
}

// tileETag names one tile at the state it shows.
func tileETag(st store.Stamp, k layerKey, t tileRequest, at stamp) string {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d|%d|%s|%v|%d/%d/%d|%d.%d", st.PlanID, k.ws, k.coll, k.gcj02, t.z, t.x, t.y, at[0], at[1])
	return `W/"` + strconv.FormatUint(h.Sum64(), 36) + `"`
}

const mvtType = "application/vnd.mapbox-vector-tile"

func serveTile(w http.ResponseWriter, r *http.Request, b []byte) {
	if len(b) == 0 {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Header().Set("Content-Type", mvtType)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	if r.Method != http.MethodHead {
		w.Write(b)
	}
}

func version(st store.Stamp) string { return fmt.Sprintf("%d.%d", st.Version, st.AuditVersion) }

// tileJSON describes a collection's tiles (TileJSON 3.0).
func (s *Service) tileJSON(w http.ResponseWriter, r *http.Request) {
	tileset, err := httpx.PathParam(r, "tileset")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id, ok := strings.CutSuffix(tileset, ".json")
	if !ok {
		s.fail(w, r, domain.Errorf(domain.ErrNotFound, "no resource at %s: TileJSON is at /tiles/{collection}.json", r.URL.Path))
		return
	}
	if err := onlyParams(r, "datum"); err != nil {
		s.fail(w, r, err)
		return
	}
	c, st, err := ogcapi.Resolve(r.Context(), s.db.Features(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if ogcapi.NotModified(w, r, ogcapi.ETag(st, r, "tilejson")) {
		return
	}
	base := ogcapi.BaseURL(r)
	q := "?v=" + version(st)
	if d := r.URL.Query().Get("datum"); d == "gcj02" {
		q += "&datum=gcj02"
	}
	doc := map[string]any{
		"tilejson": "3.0.0",
		"name":     c.String(),
		"scheme":   "xyz",
		"tiles":    []string{base + "/tiles/" + c.String() + "/{z}/{x}/{y}.mvt" + q},
		"minzoom":  MinZoom,
		"maxzoom":  MaxZoom,
		"vector_layers": []map[string]any{{"id": c.String(), "minzoom": MinZoom, "maxzoom": MaxZoom,
			"description": fmt.Sprintf("Feature ids are the OGC API ids of %s; tiles up to z%d carry only styling properties.", c, OverviewZoom),
			"fields":      fields(c.Layer, MaxZoom)}},
	}
	if ext, err := s.db.Features().Extents(r.Context(), st.Workspace); err == nil {
		for _, e := range ext {
			if e.Layer == c.Layer && e.Level == c.Level {
				doc["bounds"] = []float64{e.Bound.Min[0], e.Bound.Min[1], e.Bound.Max[0], e.Bound.Max[1]}
				doc["center"] = []float64{(e.Bound.Min[0] + e.Bound.Max[0]) / 2, (e.Bound.Min[1] + e.Bound.Max[1]) / 2, 12}
			}
		}
	}
	w.Header().Set("Content-Type", "application/json")
	if r.Method != http.MethodHead {
		writeJSON(w, doc)
	}
}
