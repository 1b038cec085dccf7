package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/editing"
	"github.com/gridplan/gridplan/internal/geojsonio"
	"github.com/gridplan/gridplan/internal/httpx"
	"github.com/gridplan/gridplan/internal/ogcapi"
)

// maxEditBytes bounds an edit's body: a micro-grid is a few kilobytes, a
// whole street some hundreds.
const maxEditBytes = 8 << 20

// versionETag is the entity tag of a version (see ogcapi.VersionETag).
func versionETag(version int64) string { return ogcapi.VersionETag(version) }

// ifMatch reads If-Match (see ogcapi.IfMatch).
func ifMatch(r *http.Request) (int64, error) { return ogcapi.IfMatch(r) }

// putGrid redraws and/or renames one grid of the view (?draft=, else the
// published plan) as a change set: a reshape, whose neighbours give or take
// the ground, and a rename. The body is a GeoJSON Feature (WGS84) with a
// Polygon or MultiPolygon geometry and optionally properties.name; a null
// geometry renames only. With If-Match (the grid's ETag) the edit applies
// only to the grid as it was read (else 412). It answers with the grid and
// its new ETag.
func (s *Server) putGrid(w http.ResponseWriter, r *http.Request) {
	p := planOf(r)
	code, err := httpx.PathParam(r, "code")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	version, err := ifMatch(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	cs, err := readGridEdit(w, r, code)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if version >= 0 {
		cs.Expect = map[string]int64{code: version}
	}
	if _, err := s.edits.Apply(r.Context(), p, cs, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	g, err := s.db.Grid(r.Context(), p.Workspace, code)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("ETag", versionETag(g.Version))
	w.Header().Set("Content-Type", "application/geo+json")
	writeJSONBody(w, geojsonio.GridFeature(g))
}

// deleteGrid removes a grid as a change set: its ground and children go
// to the sibling ?give_to= names, else to the one sharing the longest edge
// with it. It honours If-Match like putGrid and answers 204.
func (s *Server) deleteGrid(w http.ResponseWriter, r *http.Request) {
	p := planOf(r)
	code, err := httpx.PathParam(r, "code")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	version, err := ifMatch(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	to, err := httpx.Query(r, "give_to")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	op := editing.Op{Kind: editing.OpDelete, Grid: code}
	if to != "" {
		op.GiveTo = []string{to}
	}
	cs := editing.ChangeSet{Message: "delete " + code, Ops: []editing.Op{op}}
	if version >= 0 {
		cs.Expect = map[string]int64{code: version}
	}
	if _, err := s.edits.Apply(r.Context(), p, cs, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// readBody reads a request body of at most limit bytes.
func readBody(w http.ResponseWriter, r *http.Request, limit int64, what string) ([]byte, error) {
	return ogcapi.ReadBody(w, r, limit, what)
}

// readGridEdit reads the body of a grid edit into its change set.
func readGridEdit(w http.ResponseWriter, r *http.Request, code string) (editing.ChangeSet, error) {
	cs := editing.ChangeSet{Message: "edit " + code}
	body, err := readBody(w, r, maxEditBytes, "grid "+code)
	if err != nil {
		return cs, err
	}
	var f struct {
		Type       string          `json:"type"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties map[string]any  `json:"properties"`
	}
	if err := json.Unmarshal(body, &f); err != nil {
		return cs, domain.Errorf(domain.ErrInvalid, "grid %q: the body is not a GeoJSON Feature: %s", code, domain.JSONProblem(err))
	}
	if f.Type != "Feature" {
		return cs, domain.Errorf(domain.ErrInvalid, "grid %q: the body must be a GeoJSON Feature, not %q", code, f.Type)
	}
	if g := bytes.TrimSpace(f.Geometry); len(g) > 0 && !bytes.Equal(g, []byte("null")) {
		geom, problem := geojsonio.Geometry(g, "Polygon", "MultiPolygon")
		if problem != "" {
			return cs, domain.Errorf(domain.ErrInvalid, "grid %q: geometry: %s", code, problem)
		}
		cs.Ops = append(cs.Ops, editing.Op{Kind: editing.OpReshape, Grid: code, Geometry: editing.MultiPolygon(geom)})
	}
	if v, ok := f.Properties["name"]; ok {
		name, isText := v.(string)
		if !isText {
			return cs, domain.Errorf(domain.ErrInvalid, "grid %q: properties.name must be text", code)
		}
		if err := httpx.CheckText(fmt.Sprintf("grid %q: properties.name", code), name); err != nil {
			return cs, err
		}
		cs.Ops = append(cs.Ops, editing.Op{Kind: editing.OpRename, Grid: code, Name: &name})
	}
	if len(cs.Ops) == 0 {
		return cs, domain.Errorf(domain.ErrInvalid, "grid %q: nothing to change: give a geometry, properties.name or both", code)
	}
	return cs, nil
}

// listFindings streams the latest audit's findings of the view as GeoJSON
// for the map: every check's, or one check's with ?check=coverage.
func (s *Server) listFindings(w http.ResponseWriter, r *http.Request) {
	check := r.URL.Query().Get("check")
	if check != "" && (s.auditor == nil || s.auditor.Checker(check) == nil) {
		s.writeError(w, r, domain.Errorf(domain.ErrInvalid, "check %q: want one of %s", check, strings.Join(s.checks(), ", ")))
		return
	}
	p := planOf(r)
	w.Header().Set("Cache-Control", "no-cache")
	s.spooled(w, r, "application/geo+json", func(body *httpx.Spool) error {
		out := geojsonio.NewWriter(body)
		err := s.db.EachFinding(r.Context(), p.Workspace, func(f domain.Finding) error {
			if check != "" && f.Check != check {
				return nil
			}
			return out.Write(geojsonio.FindingFeature(f))
		})
		if err != nil {
			return err
		}
		return out.Close()
	})
}

func (s *Server) checks() []string {
	if s.auditor == nil {
		return nil
	}
	return s.auditor.Checks()
}
