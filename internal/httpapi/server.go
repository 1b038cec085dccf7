// Package httpapi is gridplan's HTTP surface: the application API under
// /api, health probes and the web map. It turns requests into calls on the
// store and the use-case packages, and domain errors into problem+json.
package httpapi

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/gridplan/gridplan/internal/access"
	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/editing"
	"github.com/gridplan/gridplan/internal/httpx"
	"github.com/gridplan/gridplan/internal/ogcapi"
	"github.com/gridplan/gridplan/internal/store"
	"github.com/gridplan/gridplan/internal/tiles"
)

// Options configure the server.
type Options struct {
	// Web holds the web map's static files; nil serves no map.
	Web fs.FS
	// Auditor runs plan audits; nil serves no audit endpoint.
	Auditor *audit.Auditor
	// Editing applies every write; nil serves no write endpoint.
	Editing *editing.Service
	// CacheBytes bounds the response cache and LayerBytes the tile layers
	// kept in memory (0: their defaults, 256 and 128 MiB).
	CacheBytes, LayerBytes int64
	// Access authenticates tokens and sessions; nil: every request is
	// anonymous (and so may not write).
	Access *access.Service
	// CORSOrigins may write from a browser (reads are open to every origin).
	CORSOrigins []string
	// Private makes every read need a signed-in user with a role on the
	// plan read (--private); it needs Access.
	Private bool
	// Basemap is drawn under the web map's grids; nil: none (offline).
	Basemap *Basemap
}

// Server answers HTTP requests.
type Server struct {
	db       *store.DB
	log      *slog.Logger
	problems *httpx.Problems
	web      fs.FS
	auditor  *audit.Auditor
	edits    *editing.Service
	access   *access.Service

	corsOrigins []string
	private     bool
	basemap     *Basemap
}

// New returns the HTTP handler of gridplan.
func New(db *store.DB, log *slog.Logger, opts Options) http.Handler {
	s := &Server{db: db, log: log, problems: httpx.NewProblems(log), web: opts.Web, auditor: opts.Auditor, edits: opts.Editing,
		access: opts.Access, corsOrigins: opts.CORSOrigins, private: opts.Private, basemap: opts.Basemap}
	r := chi.NewRouter()
	// Order matters: write deadlines on the connection's own writer, so
	// every write of every answer has one; ids next so every log line and
	// problem carries one, logging outside recovery so panics are logged
	// as 500s, CORS before compression so preflights stay small and before
	// authentication so preflights (which carry no credential) are
	// answered, then the actor of every request (authn.go).
	r.Use(httpx.WriteDeadlines(httpx.WriteIdle), httpx.BodyDeadlines(httpx.ReadIdle))
	r.Use(middleware.RequestID)
	r.Use(s.logRequests)
	r.Use(middleware.Recoverer)
	r.Use(s.corsHandler())
	r.Use(s.authenticate)
	r.Use(middleware.Compress(5, "application/json", "application/geo+json", "application/problem+json",
		"text/html", "text/css", "application/javascript", "text/javascript"))
	r.NotFound(s.notFound)
	r.MethodNotAllowed(s.methodNotAllowed)

	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	s.loginRoutes(r)
	r.Get("/api/map/config", s.mapConfig)
	r.Route("/api/plans", func(r chi.Router) {
		r.Get("/", s.listPlans)
		r.Route("/{plan}", func(r chi.Router) {
			r.Use(s.loadPlan)
			r.Get("/", s.getPlan)
			r.Get("/grids", s.listGrids)
			r.Get("/grids/{code}", s.getGrid)
			r.Get("/grids/{code}/history", s.gridHistory)
			r.Get("/search", s.searchGrids)
			r.Get("/findings", s.listFindings)
			r.Get("/export", s.exportPlan)
			r.Get("/revisions", s.listRevisions)
			r.Get("/revisions/{revision}/diff", s.revisionDiff)
			r.Get("/lineage", s.lineage)
			r.Get("/log", s.planLog)
			r.Get("/drafts", s.listDrafts)
			r.Get("/drafts/{draft}", s.getDraft)
			r.Get("/drafts/{draft}/diff", s.draftDiff)
			r.Route("/drafts/{draft}/suggestions", s.suggestRoutes)
			if s.edits != nil {
				r.Put("/grids/{code}", s.putGrid)
				r.Delete("/grids/{code}", s.deleteGrid)
				r.Post("/drafts", s.createDraft)
				r.Post("/drafts/{draft}/changes", s.postChanges)
				r.Post("/drafts/{draft}/publish", s.publishDraft)
				r.Delete("/drafts/{draft}", s.discardDraft)
				r.Post("/revert", s.revert)
			}
			if s.auditor != nil {
				r.Get("/audit", s.getAudit)
			}
			r.Route("/circles", s.circlesRoutes)
		})
	})
	if s.web != nil {
		r.Get("/map", s.mapRedirect)
		r.Handle("/map/*", s.staticFiles(s.web))
	}
	// OGC API - Features at the root (its HTML landing page links to the
	// map) and vector tiles under /tiles; one response cache for both.
	ogc := ogcapi.New(db, log, ogcapi.Options{WriteError: s.writeError, CacheBytes: opts.CacheBytes, Editing: s.edits})
	tileService := tiles.New(db, log, tiles.Options{WriteError: s.writeError, Cache: ogc.Cache(), LayerBytes: opts.LayerBytes})
	ogc.Routes(r)
	tileService.Routes(r)
	// Each draft and past revision has its own landing page with the same
	// collection names: /plans/{plan}/drafts/{draft}/ and
	// /plans/{plan}/revisions/{n}/, tiles included.
	ogc.ViewRoutes(r, tileService.Routes)
	return r
}

// logRequests writes one structured line per request.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		start := time.Now()
		next.ServeHTTP(ww, r)
		s.log.Info("http", "method", r.Method, "path", r.URL.Path, "status", ww.Status(),
			"bytes", ww.BytesWritten(), "ms", time.Since(start).Milliseconds(),
			"request_id", middleware.GetReqID(r.Context()))
	})
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, s.log, http.StatusOK, map[string]string{"status": "ok"})
}

// readyTimeout bounds the readiness probe's wait for the database, so a
// probe answers 503 promptly when it is down rather than hanging.
const readyTimeout = 2 * time.Second

// readyz is ready only when the database answers.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		s.log.Warn("not ready", "err", err)
		w.Header().Set("Retry-After", httpx.RetryAfterSeconds)
		s.problems.Status(w, r, http.StatusServiceUnavailable, "the database does not answer")
		return
	}
	writeJSON(w, s.log, http.StatusOK, map[string]string{"status": "ready"})
}
