package httpapi

import (
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/geojsonio"
	"github.com/gridplan/gridplan/internal/store"
)

// listGrids streams a plan's grids as a GeoJSON FeatureCollection, feature
// by feature, so memory does not grow with the layer.
func (s *Server) listGrids(w http.ResponseWriter, r *http.Request) {
	filter, err := parseGridFilter(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	p := planOf(r)
	w.Header().Set("Content-Type", "application/geo+json")
	out := geojsonio.NewWriter(w)
	err = s.db.EachGrid(r.Context(), p.Workspace, filter, func(g domain.Grid) error {
		return out.Write(geojsonio.GridFeature(g))
	})
	if err == nil {
		err = out.Close()
	}
	if err != nil {
		// The status line is gone; cutting the stream short makes the
		// document invalid, which clients detect, rather than silently short.
		s.log.Error("stream grids", "plan", p.Name, "err", err)
		panic(http.ErrAbortHandler)
	}
}

func (s *Server) getGrid(w http.ResponseWriter, r *http.Request) {
	p := planOf(r)
	g, err := s.db.Grid(r.Context(), p.Workspace, chi.URLParam(r, "code"))
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
	q := r.URL.Query()
	if v := q.Get("level"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return f, domain.Errorf(domain.ErrInvalid, "level %q: want a positive integer", v)
		}
		f.Level = n
	}
	if v := q.Get("bbox"); v != "" {
		b, err := parseBBox(v)
		if err != nil {
			return f, err
		}
		f.BBox = &b
	}
	return f, nil
}

// parseBBox reads "minLon,minLat,maxLon,maxLat" in WGS84.
func parseBBox(v string) (orb.Bound, error) {
	parts := strings.Split(v, ",")
	if len(parts) != 4 {
		return orb.Bound{}, domain.Errorf(domain.ErrInvalid, "bbox %q: want four numbers minLon,minLat,maxLon,maxLat", v)
	}
	var n [4]float64
	for i, p := range parts {
		x, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return orb.Bound{}, domain.Errorf(domain.ErrInvalid, "bbox %q: %q is not a number", v, p)
		}
		n[i] = x
	}
	if n[0] > n[2] || n[1] > n[3] {
		return orb.Bound{}, domain.Errorf(domain.ErrInvalid, "bbox %q: minimum greater than maximum", v)
	}
	if n[0] < -180 || n[2] > 180 || n[1] < -90 || n[3] > 90 {
		return orb.Bound{}, domain.Errorf(domain.ErrInvalid, "bbox %q: outside WGS84 longitude/latitude range", v)
	}
	return orb.Bound{Min: orb.Point{n[0], n[1]}, Max: orb.Point{n[2], n[3]}}, nil
}
