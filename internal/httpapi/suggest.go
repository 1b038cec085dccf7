package httpapi

import (
	"net/http"
	"slices"

	"github.com/go-chi/chi/v5"

	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/circles"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/httpx"
	"github.com/gridplan/gridplan/internal/suggest"
)

// suggestRoutes serves the redistricting assistant under
// /api/plans/{plan}/drafts/{draft}/suggestions: split/{code}?k=&split_children=&alternatives=,
// merge/{code}?rule=TYPE:MINUTES&alternatives= (code: the parent whose
// children to merge) and rebalance/{code}. Each answers the proposals'
// change sets with their previews (dry runs on the draft); a client
// applies one by POSTing its change set to the draft's changes.
func (s *Server) suggestRoutes(r chi.Router) {
	r.Get("/{kind}/{code}", s.getSuggestion)
}

func (s *Server) getSuggestion(w http.ResponseWriter, r *http.Request) {
	if s.edits == nil {
		s.writeError(w, r, domain.Errorf(domain.ErrNotFound, "this server does not edit, so it previews no suggestions"))
		return
	}
	kind, err := httpx.PathParam(r, "kind")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if !slices.Contains([]string{suggest.KindSplit, suggest.KindMerge, suggest.KindRebalance}, kind) {
		s.writeError(w, r, domain.Errorf(domain.ErrNotFound, "no suggestion %q: the assistant suggests split, merge and rebalance", kind))
		return
	}
	code, err := httpx.PathParam(r, "code")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rule, err := httpx.Query(r, "rule")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	req := suggest.Request{Kind: kind, Code: code, Rule: rule, Preview: true}
	for _, q := range []struct {
		name  string
		to    *int
		kinds []string
	}{{"k", &req.K, []string{suggest.KindSplit}}, {"alternatives", &req.Alternatives, []string{suggest.KindSplit, suggest.KindMerge}}} {
		v, err := httpx.QueryInt(r, q.name, 0, 1, httpx.MaxInt32)
		if err == nil && r.URL.Query().Has(q.name) && !slices.Contains(q.kinds, kind) {
			err = domain.Errorf(domain.ErrInvalid, "query parameter %s does not apply to a %s suggestion", q.name, kind)
		}
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		*q.to = v
	}
	switch v := r.URL.Query().Get("split_children"); v {
	case "", "false":
	case "true":
		req.SplitChildren = true
	default:
		s.writeError(w, r, domain.Errorf(domain.ErrInvalid, "split_children %q: want true or false", v))
		return
	}
	p, err := s.draftView(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var walks *circles.Checker
	if s.auditor != nil {
		walks, _ = s.auditor.Checker(audit.Circles).(*circles.Checker)
	}
	ans, err := suggest.New(s.db, s.edits, walks, s.log).Suggest(r.Context(), p, req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("ETag", versionETag(p.GridVersion))
	writeJSON(w, s.log, http.StatusOK, ans)
}
