package httpapi

import (
	"net/http"
	"strings"

	"github.com/gridplan/gridplan/internal/domain"
)

// Basemap is an optional tile layer the web map draws under the grids
// (serve --basemap). Its datum says where its tiles put a coordinate: a
// GCJ-02 basemap (AMap, Tencent) makes the map ask every overlay in
// GCJ-02 too, so the grids line up with its streets.
type Basemap struct {
	URL         string `json:"url"`         // tile URL template with {z}, {x}, {y}
	Datum       string `json:"datum"`       // wgs84 or gcj02
	Attribution string `json:"attribution"` // shown in the map's corner
	Kind        string `json:"kind"`        // raster, or vector (OpenMapTiles schema)
}

// NewBasemap checks a basemap's flags; an empty url means none.
func NewBasemap(url, datum, attribution string) (*Basemap, error) {
	if url == "" {
		return nil, nil
	}
	if !strings.HasPrefix(url, "https://") && !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "/") {
		return nil, domain.Errorf(domain.ErrInvalid, "--basemap %q: want an http(s) URL template or a path on this server", url)
	}
	for _, p := range []string{"{z}", "{x}", "{y}"} {
		if !strings.Contains(url, p) {
			return nil, domain.Errorf(domain.ErrInvalid, "--basemap %q: the template has no %s", url, p)
		}
	}
	if datum == "" {
		datum = "wgs84"
	}
	if datum != "wgs84" && datum != "gcj02" {
		return nil, domain.Errorf(domain.ErrInvalid, "--basemap-datum %q: want wgs84 or gcj02", datum)
	}
	kind := "raster"
	path, _, _ := strings.Cut(url, "?")
	if strings.HasSuffix(path, ".pbf") || strings.HasSuffix(path, ".mvt") {
		kind = "vector"
	}
	return &Basemap{URL: url, Datum: datum, Attribution: attribution, Kind: kind}, nil
}

// mapConfig tells the web map how this server is set up: its basemap
// (null: none, the map draws on a plain background and needs no network).
func (s *Server) mapConfig(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-cache")
	writeJSON(w, s.log, http.StatusOK, map[string]any{"basemap": s.basemap})
}
