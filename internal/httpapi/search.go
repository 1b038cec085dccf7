package httpapi

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/httpx"
	"github.com/gridplan/gridplan/internal/store"
)

// Search limits: a page is what the map's find box lists.
const (
	defaultSearchLimit = 20
	maxSearchLimit     = 100
	maxSearchPrefix    = 64
)

// searchGrids finds the view's grids whose code or name starts with ?q=,
// a page of ?limit= at a time in (level, code) order; ?after= is the
// previous page's next cursor ("level:code").
func (s *Server) searchGrids(w http.ResponseWriter, r *http.Request) {
	q, err := parseSearch(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	p := planOf(r)
	hits, err := s.db.SearchGrids(r.Context(), p.Workspace, q)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := struct {
		Grids []store.GridHit `json:"grids"`
		Next  *string         `json:"next"`
	}{Grids: hits}
	if len(hits) > q.Limit {
		out.Grids = hits[:q.Limit]
		last := out.Grids[q.Limit-1]
		next := strconv.Itoa(last.Level) + ":" + last.Code
		out.Next = &next
	}
	if out.Grids == nil {
		out.Grids = []store.GridHit{}
	}
	writeJSON(w, s.log, http.StatusOK, out)
}

func parseSearch(r *http.Request) (store.SearchQuery, error) {
	prefix, err := httpx.Query(r, "q")
	if err != nil {
		return store.SearchQuery{}, err
	}
	q := store.SearchQuery{Prefix: strings.TrimSpace(prefix)}
	switch {
	case q.Prefix == "":
		return q, domain.Errorf(domain.ErrInvalid, "q: give the start of a grid code or name")
	case utf8.RuneCountInString(q.Prefix) > maxSearchPrefix:
		return q, domain.Errorf(domain.ErrInvalid, "q: at most %d characters", maxSearchPrefix)
	}
	if q.Limit, err = httpx.QueryInt(r, "limit", defaultSearchLimit, 1, maxSearchLimit); err != nil {
		return q, err
	}
	after, err := httpx.Query(r, "after")
	if err != nil || after == "" {
		return q, err
	}
	level, code, ok := strings.Cut(after, ":")
	n, err := httpx.ParseInt("after", level, 1, httpx.MaxInt32)
	if !ok || err != nil || code == "" {
		return q, domain.Errorf(domain.ErrInvalid, "after %q: want the next cursor of the previous page (level:code)", after)
	}
	q.AfterLevel, q.AfterCode = int(n), code
	return q, nil
}
