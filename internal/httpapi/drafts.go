package httpapi

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/editing"
	"github.com/gridplan/gridplan/internal/httpx"
	"github.com/gridplan/gridplan/internal/store"
)

// draftJSON is the API's view of a draft, with links to what it offers.
type draftJSON struct {
	store.Draft
	Links []link `json:"links"`
}

func toDraftJSON(p domain.Plan, d store.Draft) draftJSON {
	base := "/api/plans/" + url.PathEscape(p.Name) + "/drafts/" + url.PathEscape(d.Name)
	j := draftJSON{Draft: d, Links: []link{{Href: base, Rel: "self", Type: "application/json"}}}
	if d.State == "open" {
		j.Links = append(j.Links,
			link{Href: base + "/changes", Rel: "edit", Type: "application/json", Title: "POST a change set (?dry_run=true previews)"},
			link{Href: base + "/diff", Rel: "related", Type: "application/json", Title: "what the draft changes"},
			link{Href: base + "/publish", Rel: "related", Type: "application/json", Title: "POST to publish"},
			link{Href: "/plans/" + url.PathEscape(p.Name) + "/drafts/" + url.PathEscape(d.Name) + "/", Rel: "alternate",
				Type: "application/json", Title: "the draft as OGC API - Features"})
	}
	return j
}

func (s *Server) listDrafts(w http.ResponseWriter, r *http.Request) {
	p := planOf(r)
	ds, err := s.db.Drafts(r.Context(), p.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := struct {
		Drafts []draftJSON `json:"drafts"`
	}{Drafts: []draftJSON{}}
	for _, d := range ds {
		out.Drafts = append(out.Drafts, toDraftJSON(p, d))
	}
	writeJSON(w, s.log, http.StatusOK, out)
}

// getDraft answers with the draft; its ETag is the draft's version, the
// base a change set sends.
func (s *Server) getDraft(w http.ResponseWriter, r *http.Request) {
	p := planOf(r)
	name, err := httpx.PathParam(r, "draft")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	d, err := s.db.Draft(r.Context(), p, name)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("ETag", versionETag(d.Version))
	writeJSON(w, s.log, http.StatusOK, toDraftJSON(p, d))
}

// createDraft branches a draft: {"name": "...", "from": "published" | N,
// "message": "..."}.
func (s *Server) createDraft(w http.ResponseWriter, r *http.Request) {
	p := planOf(r)
	body, err := readBody(w, r, 64<<10, "draft")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in struct {
		Name    string          `json:"name"`
		From    json.RawMessage `json:"from"`
		Message string          `json:"message"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		s.writeError(w, r, domain.Errorf(domain.ErrInvalid, `draft: want {"name": "...", "from": "published" or a revision number, "message": "..."}`))
		return
	}
	from := 0
	if len(in.From) > 0 && string(in.From) != `"published"` && string(in.From) != "null" {
		if err := json.Unmarshal(in.From, &from); err != nil || from < 1 {
			s.writeError(w, r, domain.Errorf(domain.ErrInvalid, `draft: from must be "published" or a revision number, not %s`, in.From))
			return
		}
	}
	d, err := s.edits.CreateDraft(r.Context(), p, in.Name, from, in.Message)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	j := toDraftJSON(p, d)
	w.Header().Set("Location", j.Links[0].Href)
	w.Header().Set("ETag", versionETag(d.Version))
	writeJSON(w, s.log, http.StatusCreated, j)
}

// draftView is the plan as draft {draft} of the path shows it.
func (s *Server) draftView(r *http.Request) (domain.Plan, error) {
	name, err := httpx.PathParam(r, "draft")
	if err != nil {
		return domain.Plan{}, err
	}
	return s.db.PlanView(r.Context(), planOf(r).Name, domain.View{Draft: name})
}

// postChanges applies a change set to a draft (?dry_run=true: previews
// it) and answers with the result; the draft's new version is the ETag.
func (s *Server) postChanges(w http.ResponseWriter, r *http.Request) {
	p, err := s.draftView(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	body, err := readBody(w, r, maxEditBytes, "change set")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	cs, err := editing.ParseChangeSet(body, true)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	dry := r.URL.Query().Get("dry_run")
	if dry != "" && dry != "true" && dry != "false" {
		s.writeError(w, r, domain.Errorf(domain.ErrInvalid, "dry_run %q: want true or false", dry))
		return
	}
	res, err := s.edits.Apply(r.Context(), p, cs, dry == "true")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("ETag", versionETag(res.DraftVersion))
	writeJSON(w, s.log, http.StatusOK, res)
}

// publishDraft publishes a draft: {"message": "..."} (optional).
func (s *Server) publishDraft(w http.ResponseWriter, r *http.Request) {
	p := planOf(r)
	body, err := readBody(w, r, 64<<10, "publish")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in struct {
		Message string `json:"message"`
	}
	if len(body) > 0 {
		if err := json.Unmarshal(body, &in); err != nil {
			s.writeError(w, r, domain.Errorf(domain.ErrInvalid, `publish: want {"message": "..."} or no body`))
			return
		}
	}
	name, err := httpx.PathParam(r, "draft")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := s.edits.Publish(r.Context(), p, name, in.Message)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, s.log, http.StatusOK, out)
}

// discardDraft gives up an open draft; the answer is the draft, now
// discarded.
func (s *Server) discardDraft(w http.ResponseWriter, r *http.Request) {
	name, err := httpx.PathParam(r, "draft")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	d, err := s.edits.DiscardDraft(r.Context(), planOf(r), name)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, s.log, http.StatusOK, d)
}

// revert records a new published revision equal to an earlier one:
// {"revision": N}.
func (s *Server) revert(w http.ResponseWriter, r *http.Request) {
	p := planOf(r)
	body, err := readBody(w, r, 64<<10, "revert")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in struct {
		Revision int `json:"revision"`
	}
	if err := json.Unmarshal(body, &in); err != nil || in.Revision < 1 {
		s.writeError(w, r, domain.Errorf(domain.ErrInvalid, `revert: want {"revision": N}`))
		return
	}
	rev, changed, err := s.edits.Revert(r.Context(), p, in.Revision)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if changed == nil {
		changed = []string{}
	}
	writeJSON(w, s.log, http.StatusOK, map[string]any{"revision": rev, "reverted_to": in.Revision, "changed": changed})
}

func (s *Server) listRevisions(w http.ResponseWriter, r *http.Request) {
	p := planOf(r)
	revs, err := s.db.Revisions(r.Context(), p.ID, r.URL.Query().Get("draft"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if revs == nil {
		revs = []store.Revision{}
	}
	writeJSON(w, s.log, http.StatusOK, map[string]any{"plan": p.Name, "head": p.HeadRevision, "revisions": revs})
}

// against reads ?against=published|N, the older side of a diff.
func against(r *http.Request) (domain.View, error) {
	v := r.URL.Query().Get("against")
	if v == "" || v == "published" {
		return domain.View{}, nil
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil || n < 1 {
		return domain.View{}, domain.Errorf(domain.ErrInvalid, "against %q: want published or a revision number", v)
	}
	return domain.View{Revision: int(n)}, nil
}

func (s *Server) draftDiff(w http.ResponseWriter, r *http.Request) {
	from, err := against(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	name, err := httpx.PathParam(r, "draft")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.diff(w, r, from, domain.View{Draft: name})
}

func (s *Server) revisionDiff(w http.ResponseWriter, r *http.Request) {
	from, err := against(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	n, err := strconv.ParseInt(chi.URLParam(r, "revision"), 10, 32)
	if err != nil || n < 1 {
		s.writeError(w, r, domain.Errorf(domain.ErrNotFound, "no revision %q", chi.URLParam(r, "revision")))
		return
	}
	s.diff(w, r, from, domain.View{Revision: int(n)})
}

// diff answers a diff as JSON, or with ?f=geojson as the moved ground.
func (s *Server) diff(w http.ResponseWriter, r *http.Request, from, to domain.View) {
	f := r.URL.Query().Get("f")
	if f != "" && f != "json" && f != "geojson" {
		s.writeError(w, r, domain.Errorf(domain.ErrInvalid, "f %q: want json or geojson", f))
		return
	}
	d, err := s.edits.Diff(r.Context(), planOf(r), from, to)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if f == "geojson" {
		writeGeoJSON(w, s, d.GeoJSON())
		return
	}
	writeJSON(w, s.log, http.StatusOK, d)
}

func (s *Server) gridHistory(w http.ResponseWriter, r *http.Request) {
	p := planOf(r)
	code, err := httpx.PathParam(r, "code")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	versions, lineage, err := s.db.GridHistory(r.Context(), p.ID, code)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if len(versions) == 0 && len(lineage) == 0 {
		s.writeError(w, r, domain.Errorf(domain.ErrNotFound, "plan %q has never had grid %q", p.Name, code))
		return
	}
	if lineage == nil {
		lineage = []store.LineageRow{}
	}
	writeJSON(w, s.log, http.StatusOK, map[string]any{"code": code, "versions": versions, "lineage": lineage})
}

// lineage answers the lineage table: ?format=csv (a correspondence table:
// old code, new code, revision, date, op, shares) or json.
func (s *Server) lineage(w http.ResponseWriter, r *http.Request) {
	p := planOf(r)
	format := r.URL.Query().Get("format")
	if format != "" && format != "json" && format != "csv" {
		s.writeError(w, r, domain.Errorf(domain.ErrInvalid, "format %q: want csv or json", format))
		return
	}
	rows, err := s.db.Lineage(r.Context(), p.ID, r.URL.Query().Get("grid"), p.View.Draft)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		_ = editing.WriteLineageCSV(w, rows)
		return
	}
	if rows == nil {
		rows = []store.LineageRow{}
	}
	writeJSON(w, s.log, http.StatusOK, map[string]any{"plan": p.Name, "lineage": rows})
}
