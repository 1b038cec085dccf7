package httpapi

import (
	"net/http"

	"github.com/go-chi/chi/v5"
)

// getAudit runs the requested checks (?checks=coverage,balance; default
// all) and answers with the report of DESIGN §4.
func (s *Server) getAudit(w http.ResponseWriter, r *http.Request) {
	p, err := s.db.Plan(r.Context(), chi.URLParam(r, "plan"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	checks, err := s.auditor.ParseChecks(r.URL.Query().Get("checks"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	report, err := s.auditor.Run(r.Context(), p, checks)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, s.log, http.StatusOK, report)
}
