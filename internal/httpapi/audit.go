package httpapi

import (
	"net/http"
)

// getAudit runs the requested checks (?checks=coverage,balance; default
// all) and answers with the report of DESIGN §4.
func (s *Server) getAudit(w http.ResponseWriter, r *http.Request) {
	p := planOf(r)
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
