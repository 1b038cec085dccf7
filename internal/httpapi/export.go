package httpapi

import (
	"bufio"
	"mime"
	"net/http"

	"github.com/gridplan/gridplan/internal/gisformat"
	"github.com/gridplan/gridplan/internal/httpx"
)

// exportPlan serves GET /api/plans/{plan}/export?format=kml&level=3&what=grids&crs=EPSG:4547&encoding=GBK:
// the command line's export formats (a Shapefile as a zip of its files) as
// a download named after the plan. The export is written into a spool
// first, so a bad option found late (an unknown CRS) still gets its
// problem+json and the database is free before the download starts.
func (s *Server) exportPlan(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	level, err := httpx.QueryInt(r, "level", 0, 1, httpx.MaxInt32)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	format := q.Get("format")
	if format == "" {
		format = string(gisformat.GeoJSON)
	}
	x, err := gisformat.NewExport(format, q.Get("what"), level, q.Get("crs"), q.Get("encoding"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	p := planOf(r)
	var body httpx.Spool
	defer body.Close()
	bw := bufio.NewWriterSize(&body, 64<<10)
	err = x.Write(r.Context(), s.db, p, bw)
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", x.ContentType())
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": x.FileName(p)}))
	if err := body.Send(w, r); err != nil {
		s.log.Info("client stopped reading", "path", r.URL.Path, "err", err)
	}
}
