package httpapi

import (
	"net/http"

	"github.com/gridplan/gridplan/internal/httpx"
	"github.com/gridplan/gridplan/internal/store"
)

// planLog answers who changed what on the plan: its access-log lines
// (revisions, publishes, grants), oldest first, the newest ?limit= (100;
// at most 10,000).
func (s *Server) planLog(w http.ResponseWriter, r *http.Request) {
	limit, err := httpx.QueryInt(r, "limit", 100, 1, httpx.MaxInt32)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	p := planOf(r)
	entries, err := s.db.Log(r.Context(), p.ID, min(limit, 10000))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if entries == nil {
		entries = []store.LogEntry{}
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, s.log, http.StatusOK, map[string]any{"plan": p.Name, "entries": entries})
}
