package httpapi

import (
	"net/http"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/geojsonio"
	"github.com/gridplan/gridplan/internal/httpx"
	"github.com/gridplan/gridplan/internal/store"
)

// listGrids answers a plan's grids as a GeoJSON FeatureCollection. The
// features are encoded one by one into a spool (memory, then a temporary
// file), so memory does not grow with the layer and the database
// connection is free again before the client reads a byte.
func (s *Server) listGrids(w http.ResponseWriter, r *http.Request) {
	filter, err := parseGridFilter(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	p := planOf(r)
	s.spooled(w, r, "application/geo+json", func(body *httpx.Spool) error {
		out := geojsonio.NewWriter(body)
		err := s.db.EachGrid(r.Context(), p.Workspace, filter, func(g domain.Grid) error {
			return out.Write(geojsonio.GridFeature(g))
		})
		if err != nil {
			return err
		}
		return out.Close()
	})
}

// spooled answers with what produce writes into a spool: a problem when
// produce fails (nothing has been sent yet), else the body.
func (s *Server) spooled(w http.ResponseWriter, r *http.Request, contentType string, produce func(*httpx.Spool) error) {
	var body httpx.Spool
	defer body.Close()
	if err := produce(&body); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", contentType)
	if err := body.Send(w, r); err != nil {
		s.log.Info("client stopped reading", "path", r.URL.Path, "err", err)
	}
}

func (s *Server) getGrid(w http.ResponseWriter, r *http.Request) {
	p := planOf(r)
	code, err := httpx.PathParam(r, "code")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	g, err := s.db.Grid(r.Context(), p.Workspace, code)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("ETag", versionETag(g.Version)) // what an edit sends back in If-Match
	w.Header().Set("Content-Type", "application/geo+json")
	writeJSONBody(w, geojsonio.GridFeature(g))
}

func parseGridFilter(r *http.Request) (store.GridFilter, error) {
	var f store.GridFilter
	var err error
	if f.Level, err = httpx.QueryInt(r, "level", 0, 1, httpx.MaxInt32); err != nil {
		return f, err
	}
	if v := r.URL.Query().Get("bbox"); v != "" {
		b, err := httpx.ParseBBox(v)
		if err != nil {
			return f, err
		}
		f.BBox = &b
	}
	return f, nil
}
