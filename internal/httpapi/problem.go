package httpapi

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/gridplan/gridplan/internal/domain"
)

// writeError answers with err as application/problem+json through the
// one writer every HTTP surface shares (httpx.Problems, where domain
// error codes become statuses).
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	s.problems.Write(w, r, err)
}

// notFound answers unknown paths with problem+json too.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.writeError(w, r, domain.Errorf(domain.ErrNotFound, "no resource at %s", r.URL.Path))
}

func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	s.problems.Status(w, r, http.StatusMethodNotAllowed, r.Method+" is not allowed on "+r.URL.Path)
}

func writeJSON(w http.ResponseWriter, log *slog.Logger, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		log.Warn("write response", "err", err)
	}
}
