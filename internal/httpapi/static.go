package httpapi

import (
	"io/fs"
	"net/http"
	"path"
	"strings"
)

// staticFiles serves the web map's files under /map/. A path with no file
// behind it is answered like every other unknown path, as problem+json,
// rather than with the file server's plain-text 404.
func (s *Server) staticFiles(files fs.FS) http.Handler {
	serve := http.StripPrefix("/map/", http.FileServer(http.FS(files)))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := path.Clean(strings.TrimPrefix(r.URL.Path, "/map/"))
		if name == "/" || name == "" {
			name = "."
		}
		if _, err := fs.Stat(files, strings.TrimPrefix(name, "/")); err != nil {
			s.notFound(w, r)
			return
		}
		serve.ServeHTTP(w, r)
	})
}

// mapRedirect sends /map to /map/, where the map's relative links work.
func (s *Server) mapRedirect(w http.ResponseWriter, r *http.Request) {
	target := "/map/"
	if r.URL.RawQuery != "" {
		target += "?" + r.URL.RawQuery
	}
	http.Redirect(w, r, target, http.StatusMovedPermanently)
}
