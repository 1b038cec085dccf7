package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/geojsonio"
	"github.com/gridplan/gridplan/internal/store"
)

// maxEditBytes bounds a grid edit's body: a micro-grid is a few kilobytes,
// a whole street some hundreds.
const maxEditBytes = 8 << 20

// planETag is the entity tag of anything whose state is the plan's data
// version; edits send it back in If-Match.
func planETag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// ifMatch reads If-Match: a plan version as sent in ETag (quoted or not);
// none or "*" is 0, edit whatever the version.
func ifMatch(r *http.Request) (int64, error) {
	v := strings.TrimSpace(r.Header.Get("If-Match"))
	if v == "" || v == "*" {
		return 0, nil
	}
	n, err := strconv.ParseInt(strings.Trim(v, `"`), 10, 64)
	if err != nil || n <= 0 {
		return 0, domain.Errorf(domain.ErrInvalid, "If-Match %q: want the plan version the grid was read at, as its ETag gave it (e.g. \"12\")", v)
	}
	return n, nil
}

// putGrid redraws and/or renames one grid. The body is a GeoJSON Feature
// (WGS84) with a Polygon or MultiPolygon geometry and optionally
// properties.name; a null geometry renames only. With If-Match, the edit
// applies only to the plan version given (else 412). On success it answers
// with the grid and its new ETag, and tells the auditor so cached audits
// update incrementally. Any error leaves the stored plan unchanged.
func (s *Server) putGrid(w http.ResponseWriter, r *http.Request) {
	p, code, ifVersion, ok := s.editTarget(w, r)
	if !ok {
		return
	}
	edit, err := readGridEdit(w, r, code)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	edit.IfVersion = ifVersion
	version, warning, err := s.db.UpdateGrid(r.Context(), p, code, edit)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	p.Version = version
	s.gridChanged(r, p, code)
	g, err := s.db.Grid(r.Context(), p.ID, code)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("ETag", planETag(version))
	if warning != "" {
		// Stored as drawn, as imports do: the coverage audit explains it.
		w.Header().Set("Warning", fmt.Sprintf(`199 gridplan %q`, "grid "+code+" is not a valid polygon: "+warning))
	}
	w.Header().Set("Content-Type", "application/geo+json")
	writeJSONBody(w, geojsonio.GridFeature(g))
}

// deleteGrid removes a grid without children (409 otherwise), honouring
// If-Match like putGrid; it answers 204 with the plan's new ETag.
func (s *Server) deleteGrid(w http.ResponseWriter, r *http.Request) {
	p, code, ifVersion, ok := s.editTarget(w, r)
	if !ok {
		return
	}
	version, err := s.db.DeleteGrid(r.Context(), p, code, ifVersion)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	p.Version = version
	s.gridChanged(r, p, code)
	w.Header().Set("ETag", planETag(version))
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) editTarget(w http.ResponseWriter, r *http.Request) (domain.Plan, string, int64, bool) {
	p := planOf(r)
	v, err := ifMatch(r)
	if err != nil {
		s.writeError(w, r, err)
		return p, "", 0, false
	}
	return p, chi.URLParam(r, "code"), v, true
}

// gridChanged tells the auditor; the edit is committed whatever it says.
func (s *Server) gridChanged(r *http.Request, p domain.Plan, code string) {
	if s.auditor == nil {
		return
	}
	if err := s.auditor.GridChanged(r.Context(), p, code); err != nil {
		s.log.Warn("audit update after a grid edit", "plan", p.Name, "grid", code, "err", err)
	}
}

// readGridEdit reads and checks the body of a grid edit.
func readGridEdit(w http.ResponseWriter, r *http.Request, code string) (store.GridEdit, error) {
	var edit store.GridEdit
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxEditBytes))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return edit, domain.Errorf(domain.ErrTooLarge, "grid %q: the body exceeds %d MiB", code, maxEditBytes>>20)
	}
	if err != nil {
		return edit, domain.Errorf(domain.ErrInvalid, "grid %q: reading the body: %v", code, err)
	}
	var f struct {
		Type       string          `json:"type"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties map[string]any  `json:"properties"`
	}
	if err := json.Unmarshal(body, &f); err != nil {
		return edit, domain.Errorf(domain.ErrInvalid, "grid %q: the body is not a GeoJSON Feature: %v", code, err)
	}
	if f.Type != "Feature" {
		return edit, domain.Errorf(domain.ErrInvalid, "grid %q: the body must be a GeoJSON Feature, not %q", code, f.Type)
	}
	if v, ok := f.Properties["name"]; ok {
		name, isText := v.(string)
		if !isText {
			return edit, domain.Errorf(domain.ErrInvalid, "grid %q: properties.name must be text", code)
		}
		edit.Name = &name
	}
	if g := bytes.TrimSpace(f.Geometry); len(g) > 0 && !bytes.Equal(g, []byte("null")) {
		// The boundary reader checks a polygon as imports do, with the
		// same precise one-line messages.
		if edit.Geometry, err = geojsonio.ReadBoundary(bytes.NewReader(body), "grid "+code); err != nil {
			return edit, err
		}
	}
	return edit, nil
}

// listFindings streams the latest audit's findings as GeoJSON for the map:
// every check's, or one check's with ?check=coverage.
func (s *Server) listFindings(w http.ResponseWriter, r *http.Request) {
	check := r.URL.Query().Get("check")
	switch check {
	case "", "coverage", "balance", "circles":
	default:
		s.writeError(w, r, domain.Errorf(domain.ErrInvalid, "check %q: want coverage, balance or circles", check))
		return
	}
	p := planOf(r)
	w.Header().Set("Content-Type", "application/geo+json")
	w.Header().Set("Cache-Control", "no-cache")
	out := geojsonio.NewWriter(w)
	err := s.db.EachFinding(r.Context(), p.ID, func(f domain.Finding) error {
		if check != "" && f.Check != check {
			return nil
		}
		return out.Write(geojsonio.FindingFeature(f))
	})
	if err == nil {
		err = out.Close()
	}
	if err != nil {
		s.log.Error("stream findings", "plan", p.Name, "err", err)
		panic(http.ErrAbortHandler)
	}
}
