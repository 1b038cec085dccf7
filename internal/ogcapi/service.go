// Package ogcapi serves a store's plans as OGC API - Features (Part 1: Core,
// GeoJSON, HTML, OpenAPI 3.0) at the root of the HTTP surface, so QGIS, GDAL
// and other GIS clients load each grid level, the units, the facilities and
// the latest audit's findings as layers. On a draft's landing page the grid
// collections also take Part 4 (create, replace, update, delete), each
// request a change set of the editing layer. It sits between httpapi, which
// mounts its routes and owns the mapping of domain errors to problem+json,
// and the store, which pages through the layers.
//
// Responses stream feature by feature; whole responses are also kept in a
// bounded cache keyed by the plan's data stamp, so a repeated request is
// served from memory and a client's If-None-Match is answered with 304.
package ogcapi

import (
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/gridplan/gridplan/internal/editing"
	"github.com/gridplan/gridplan/internal/httpx"
	"github.com/gridplan/gridplan/internal/store"
)

// Limits of the items endpoint.
const (
	DefaultLimit = 100
	// MaxLimit is large enough for a whole level-4 layer of a district
	// (≈ 6,800 micro-grids) in one response; larger values are clamped.
	MaxLimit = 10000
)

// Options configure the service.
type Options struct {
	// WriteError answers a request with err as problem+json; httpapi's
	// writeError, the one place that maps domain errors to HTTP.
	WriteError func(w http.ResponseWriter, r *http.Request, err error)
	// CacheBytes bounds the response cache; 0 means 256 MiB, negative
	// disables it.
	CacheBytes int64
	// Editing takes the writes of Part 4 on drafts' landing pages; nil
	// serves every collection read-only.
	Editing *editing.Service
}

// Service answers OGC API - Features requests.
type Service struct {
	db       *store.DB
	log      *slog.Logger
	fail     func(w http.ResponseWriter, r *http.Request, err error)
	cache    *Cache
	edits    *editing.Service
	openAPI  []byte
	maxEntry int64
}

// New returns the service on db.
func New(db *store.DB, log *slog.Logger, opts Options) *Service {
	budget := opts.CacheBytes
	if budget == 0 {
		budget = 256 << 20
	}
	s := &Service{db: db, log: log, fail: opts.WriteError, cache: NewCache(budget), edits: opts.Editing}
	s.maxEntry = budget / 4
	if s.fail == nil {
		s.fail = httpx.NewProblems(log).Write
	}
	s.openAPI = openAPIDocument()
	return s
}

// Cache returns the response cache, shared with the tile service so both
// stay within one memory budget.
func (s *Service) Cache() *Cache { return s.cache }

// Routes mounts the OGC API at the root of r: /, /conformance, /api,
// /collections, /collections/{collectionId}[/items[/{featureId}]]. GET and
// HEAD both answer.
func (s *Service) Routes(r chi.Router) {
	handle := func(pattern string, h http.HandlerFunc) {
		r.Get(pattern, h)
		r.Head(pattern, h)
	}
	handle("/", s.landing)
	handle("/conformance", s.conformance)
	handle("/api", s.api)
	handle("/collections", s.collections)
	handle("/collections/{collectionId}", s.collection)
	handle("/collections/{collectionId}/items", s.items)
	handle("/collections/{collectionId}/items/{featureId}", s.item)
	// OPTIONS says what the caller may do (QGIS asks before it offers
	// editing): everywhere, so a read-only collection says so too.
	r.Options("/collections/{collectionId}/items", s.itemsOptions)
	r.Options("/collections/{collectionId}/items/{featureId}", s.itemOptions)
}
