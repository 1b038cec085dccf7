package ogcapi

import (
	"context"
	"encoding/json"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/editing"
	"github.com/gridplan/gridplan/internal/geojsonio"
	"github.com/gridplan/gridplan/internal/httpx"
	"github.com/gridplan/gridplan/internal/store"
)

// OGC API - Features Part 4 (Create, Replace, Update and Delete,
// 1.0.0-draft.2) on a draft's landing page, /plans/{plan}/drafts/{draft}/:
// POST .../items makes a grid (a create op), PUT and PATCH .../items/{id}
// change one (reshape for its geometry, rename, set and reparent for its
// properties), DELETE removes it (a delete op: with no neighbour named, the
// sibling sharing the longest edge takes its ground and children). Each
// request is one change set through editing.Service.Apply, which also
// decides who may make it. Published plans and past revisions stay
// read-only, and so do the units, facilities and findings collections.

// maxEditBytes bounds a feature's body: a micro-grid is a few kilobytes,
// a whole street some hundreds.
const maxEditBytes = 8 << 20

const (
	readMethods = "GET, HEAD, OPTIONS"
	itemWrites  = ", PUT, PATCH, DELETE"
)

// editRoutes mounts Part 4's writes (on a draft's landing page only).
func (s *Service) editRoutes(r chi.Router) {
	r.Post("/collections/{collectionId}/items", s.createItem)
	r.Put("/collections/{collectionId}/items/{featureId}", s.replaceItem)
	r.Patch("/collections/{collectionId}/items/{featureId}", s.updateItem)
	r.Delete("/collections/{collectionId}/items/{featureId}", s.deleteItem)
}

// editable reports whether the request is under a draft's landing page
// of a server that edits.
func (s *Service) editable(r *http.Request) bool {
	sc := scopeOf(r.Context())
	return sc != nil && sc.view.Draft != "" && s.edits != nil
}

// editTarget is the draft and grid collection a write is about.
func (s *Service) editTarget(r *http.Request) (domain.Plan, CollectionID, error) {
	id, err := httpx.PathParam(r, "collectionId")
	if err != nil {
		return domain.Plan{}, CollectionID{}, err
	}
	c, _, err := Resolve(r.Context(), s.db.Features(), id)
	if err != nil {
		return domain.Plan{}, c, err
	}
	if c.Layer != store.LayerGrids {
		return domain.Plan{}, c, domain.Errorf(domain.ErrForbidden, "collection %q is read-only: only grid levels are edited here; units and facilities are imported, findings come from audits", c)
	}
	sc := scopeOf(r.Context())
	p, err := s.db.PlanView(r.Context(), sc.plan, sc.view)
	return p, c, err
}

// gridByID reads the grid that feature id fid names in collection c.
func (s *Service) gridByID(ctx context.Context, p domain.Plan, c CollectionID, fid string) (domain.Grid, bool, error) {
	id, err := strconv.ParseInt(fid, 10, 64)
	if err != nil || id < 1 {
		return domain.Grid{}, false, nil
	}
	var g domain.Grid
	found := false
	err = s.db.Features().Each(ctx, store.FeatureQuery{PlanID: p.ID, Workspace: p.Workspace, Layer: store.LayerGrids, Level: c.Level, ID: id},
		func(v any) error { g, found = v.(domain.Grid); return nil })
	return g, found, err
}

// itemsOptions answers which methods the caller may use on a collection's
// items: POST too when they may make grids in this draft.
func (s *Service) itemsOptions(w http.ResponseWriter, r *http.Request) {
	allow := readMethods
	if s.editable(r) {
		p, _, err := s.editTarget(r)
		switch {
		case domain.ErrorCode(err) == domain.ErrForbidden: // a read-only collection
		case err != nil:
			s.fail(w, r, err)
			return
		default:
			ok, err := s.edits.MayEdit(r.Context(), p, "")
			if err != nil {
				s.fail(w, r, err)
				return
			}
			if ok {
				allow += ", POST"
			}
		}
	}
	w.Header().Set("Allow", allow)
	w.WriteHeader(http.StatusOK)
}

// itemOptions answers which methods the caller may use on one feature:
// PUT, PATCH and DELETE too when their role and scope reach the grid. An
// id that names no feature (QGIS asks about "unknown_id" on an empty
// layer) answers what the role allows.
func (s *Service) itemOptions(w http.ResponseWriter, r *http.Request) {
	allow := readMethods
	if s.editable(r) {
		p, c, err := s.editTarget(r)
		switch {
		case domain.ErrorCode(err) == domain.ErrForbidden:
		case err != nil:
			s.fail(w, r, err)
			return
		default:
			g, _, err := s.gridByID(r.Context(), p, c, chi.URLParam(r, "featureId"))
			var ok bool
			if err == nil {
				ok, err = s.edits.MayEdit(r.Context(), p, g.Code)
			}
			if err != nil {
				s.fail(w, r, err)
				return
			}
			if ok {
				allow += itemWrites
			}
		}
	}
	w.Header().Set("Allow", allow)
	w.WriteHeader(http.StatusOK)
}

// checkContent refuses a body of another media type, and coordinates in
// another CRS than CRS84 (Part 2's Content-Crs): the only one offered.
func checkContent(r *http.Request, types ...string) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || !slices.Contains(types, mt) {
		return domain.Errorf(domain.ErrInvalid, "Content-Type %q: send %s", r.Header.Get("Content-Type"), strings.Join(types, " or "))
	}
	if crs := strings.Trim(r.Header.Get("Content-Crs"), "<> "); crs != "" && crs != crs84 {
		return domain.Errorf(domain.ErrInvalid, "Content-Crs %q: coordinates must be CRS84 (%s), the only CRS offered", crs, crs84)
	}
	return nil
}

// createItem makes a grid from a GeoJSON feature; the answer's Location
// ends with /items/{its id}.
func (s *Service) createItem(w http.ResponseWriter, r *http.Request) {
	p, c, err := s.editTarget(r)
	if err == nil {
		err = checkContent(r, "application/geo+json", "application/json")
	}
	var body []byte
	if err == nil {
		body, err = ReadBody(w, r, maxEditBytes, "feature")
	}
	var ops []map[string]any
	if err == nil {
		ops, err = createOps(body, c.Level)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := s.apply(r.Context(), p, "add a grid to "+c.String()+" (OGC API)", ops, -1, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	code := ""
	if len(res.Codes) > 0 && len(res.Codes[0]) > 0 {
		code = res.Codes[0][0]
	}
	g, err := s.db.Grid(r.Context(), p.Workspace, code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// A path, not a URL: it does not depend on the Host header.
	w.Header().Set("Location", pathPrefix(r.Context())+"/collections/"+c.String()+"/items/"+strconv.FormatInt(g.ID, 10))
	s.writeGrid(w, r, http.StatusCreated, g)
}

// replaceItem is PUT: the feature as sent replaces the grid's geometry
// and properties.
func (s *Service) replaceItem(w http.ResponseWriter, r *http.Request) {
	s.change(w, r, []string{"application/geo+json", "application/json"}, true)
}

// updateItem is PATCH with a JSON merge patch (RFC 7396): a geometry
// replaces the grid's, properties change one by one, null removes one.
func (s *Service) updateItem(w http.ResponseWriter, r *http.Request) {
	s.change(w, r, []string{"application/merge-patch+json", "application/json"}, false)
}

func (s *Service) change(w http.ResponseWriter, r *http.Request, types []string, replace bool) {
	p, g, version, ok := s.target(w, r)
	if !ok {
		return
	}
	err := checkContent(r, types...)
	var body []byte
	if err == nil {
		body, err = ReadBody(w, r, maxEditBytes, "feature")
	}
	var ops []map[string]any
	if err == nil {
		ops, err = changeOps(g, body, replace)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(ops) > 0 {
		if _, err := s.apply(r.Context(), p, "edit "+g.Code+" (OGC API)", ops, version, g.Code); err != nil {
			s.fail(w, r, err)
			return
		}
		if g, err = s.db.Grid(r.Context(), p.Workspace, g.Code); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.writeGrid(w, r, http.StatusOK, g)
}

// deleteItem removes a grid; its ground and children go to the sibling
// sharing the longest edge with it.
func (s *Service) deleteItem(w http.ResponseWriter, r *http.Request) {
	p, g, version, ok := s.target(w, r)
	if !ok {
		return
	}
	ops := []map[string]any{{"op": editing.OpDelete, "grid": g.Code}}
	if _, err := s.apply(r.Context(), p, "delete "+g.Code+" (OGC API)", ops, version, g.Code); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// target resolves the feature a PUT, PATCH or DELETE names and its
// If-Match (-1 without), answering the errors itself.
func (s *Service) target(w http.ResponseWriter, r *http.Request) (domain.Plan, domain.Grid, int64, bool) {
	p, c, err := s.editTarget(r)
	var g domain.Grid
	var found bool
	if err == nil {
		g, found, err = s.gridByID(r.Context(), p, c, chi.URLParam(r, "featureId"))
	}
	if err == nil && !found {
		err = domain.Errorf(domain.ErrNotFound, "no feature %q in collection %q", chi.URLParam(r, "featureId"), c)
	}
	var version int64
	if err == nil {
		version, err = IfMatch(r)
	}
	if err == nil && version >= 0 && version != g.Version {
		err = domain.Errorf(domain.ErrPrecondition, "grid %s is at version %d, not %d: reload it and edit again", g.Code, g.Version, version)
	}
	if err != nil {
		s.fail(w, r, err)
		return p, g, 0, false
	}
	return p, g, version, true
}

// apply runs ops as one change set on the draft, through the editing
// layer's parser (so the revision records the ops as JSON) and checks;
// with version >= 0 grid code must still be at it.
func (s *Service) apply(ctx context.Context, p domain.Plan, message string, ops []map[string]any, version int64, code string) (*editing.Result, error) {
	b, err := json.Marshal(map[string]any{"message": message, "ops": ops})
	if err != nil {
		return nil, err
	}
	cs, err := editing.ParseChangeSet(b, false)
	if err != nil {
		return nil, err
	}
	if version >= 0 {
		cs.Expect = map[string]int64{code: version}
	}
	return s.edits.Apply(ctx, p, cs, false)
}

// writeGrid answers with a grid as a feature and its strong ETag.
func (s *Service) writeGrid(w http.ResponseWriter, r *http.Request, status int, g domain.Grid) {
	b, err := geojsonio.GridFeature(g).MarshalJSON()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("ETag", VersionETag(g.Version))
	w.Header().Set("Content-Type", "application/geo+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(b)
}
