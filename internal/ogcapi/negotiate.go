package ogcapi

import (
	"encoding/json"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gridplan/gridplan/internal/domain"
)

// format is a representation a resource offers.
type format struct {
	name      string // the value of f=
	mediaType string // Content-Type
	accepts   []string
}

var (
	formatJSON    = format{"json", "application/json", []string{"application/json"}}
	formatGeoJSON = format{"json", "application/geo+json", []string{"application/geo+json", "application/json"}}
	formatHTML    = format{"html", "text/html; charset=utf-8", []string{"text/html", "application/xhtml+xml"}}
)

// link is an OGC API link.
type link struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

// negotiate picks the representation: f= wins, else the Accept header by
// quality (ties go to the first offered, JSON), else the first offered.
// Query parameters other than f and those in allowed are refused, so a
// misspelt filter is an error rather than silently ignored.
func negotiate(r *http.Request, allowed []string, offered ...format) (format, error) {
	q := r.URL.Query()
	for name := range q {
		if name != "f" && !slices.Contains(allowed, name) {
			return format{}, domain.Errorf(domain.ErrInvalid, "unknown query parameter %q; this resource takes %s", name, strings.Join(append([]string{"f"}, allowed...), ", "))
		}
		if len(q[name]) > 1 {
			return format{}, domain.Errorf(domain.ErrInvalid, "query parameter %q given %d times", name, len(q[name]))
		}
	}
	if f := q.Get("f"); f != "" {
		for _, o := range offered {
			if o.name == f {
				return o, nil
			}
		}
		names := make([]string, len(offered))
		for i, o := range offered {
			names[i] = o.name
		}
		return format{}, domain.Errorf(domain.ErrInvalid, "f=%q: want one of %s", f, strings.Join(names, ", "))
	}
	// Score each offer by the best Accept entry naming it: quality first,
	// then specificity (an exact type beats type/* beats */*).
	best, bestQ, bestSpec := offered[0], -1.0, -1
	for _, o := range offered {
		oq, ospec := -1.0, -1
		for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
			mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil {
				continue
			}
			quality := 1.0
			if v, ok := params["q"]; ok {
				if quality, err = strconv.ParseFloat(v, 64); err != nil {
					continue
				}
			}
			for _, a := range o.accepts {
				spec := -1
				switch {
				case mt == a:
					spec = 2
				case strings.HasSuffix(mt, "/*") && strings.HasPrefix(a, strings.TrimSuffix(mt, "*")):
					spec = 1
				case mt == "*/*":
					spec = 0
				}
				if spec >= 0 && (quality > oq || quality == oq && spec > ospec) {
					oq, ospec = quality, spec
				}
			}
		}
		if oq > bestQ || oq == bestQ && ospec > bestSpec {
			best, bestQ, bestSpec = o, oq, ospec
		}
	}
	return best, nil
}

// baseURL is the scheme and host the client used, for absolute links.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p == "http" || p == "https" {
		scheme = p
	}
	return scheme + "://" + r.Host
}

// respond writes a small document as JSON or through an HTML template.
func (s *Service) respond(w http.ResponseWriter, r *http.Request, f format, doc any, tmpl string, data map[string]any) {
	w.Header().Set("Content-Type", f.mediaType)
	w.Header().Add("Vary", "Accept")
	if r.Method == http.MethodHead {
		return
	}
	if f.name == "html" {
		data["JSON"] = jsonURL(r)
		data["Base"] = pathPrefix(r.Context())
		if err := pages.ExecuteTemplate(w, tmpl, data); err != nil {
			s.log.Warn("write html", "err", err)
		}
		return
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		s.log.Warn("write json", "err", err)
	}
}

// jsonURL is the request's URL with f=json, for the HTML pages' links.
func jsonURL(r *http.Request) string {
	u := *r.URL
	q := u.Query()
	q.Set("f", "json")
	u.RawQuery = q.Encode()
	return u.RequestURI()
}
