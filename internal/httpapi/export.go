package httpapi

import (
	"bufio"
	"mime"
	"net/http"
	"strconv"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/gisformat"
)

// exportPlan serves GET /api/plans/{plan}/export?format=kml&level=3&what=grids&crs=EPSG:4547&encoding=GBK:
// the command line's export formats, streamed as they are written
// (a Shapefile as a zip of its files), as a download named after the plan.
func (s *Server) exportPlan(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	level := 0
	if v := q.Get("level"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			s.writeError(w, r, domain.Errorf(domain.ErrInvalid, "level %q: want a positive integer", v))
			return
		}
		level = n
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
	w.Header().Set("Content-Type", x.ContentType())
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": x.FileName(p)}))
	// Nothing is written before the export produces its first bytes, so a
	// bad option found late (an unknown CRS) still gets its problem+json.
	out := &lazyWriter{w: w}
	bw := bufio.NewWriterSize(out, 64<<10)
	err = x.Write(r.Context(), s.db, p, bw)
	if err == nil {
		err = bw.Flush()
	}
	switch {
	case err != nil && !out.started:
		w.Header().Del("Content-Disposition")
		s.writeError(w, r, err)
	case err != nil:
		// The status line is gone; cutting the stream short makes the
		// download invalid, which clients detect, rather than silently short.
		s.log.Error("stream export", "plan", p.Name, "format", format, "err", err)
		panic(http.ErrAbortHandler)
	}
}

// lazyWriter notes whether anything reached the client.
type lazyWriter struct {
	w       http.ResponseWriter
	started bool
}

func (l *lazyWriter) Write(b []byte) (int, error) {
	l.started = true
	return l.w.Write(b)
}
