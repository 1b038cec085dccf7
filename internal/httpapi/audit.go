package httpapi

import (
	"net/http"
)

// getAudit runs the requested checks (?checks=coverage,balance; default
// all) and answers with the audit report (docs/report.md).
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
	b, err := report.MarshalJSON()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(append(b, '\n'))
}
