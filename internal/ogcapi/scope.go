package ogcapi

import (
	"context"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/httpx"
)

// scope is a landing page of one view of one plan: a draft at
// /plans/{plan}/drafts/{draft}/ or a past revision at
// /plans/{plan}/revisions/{revision}/. Its collections have the published
// plan's names, so a GIS project made on one opens on the other.
type scope struct {
	plan   string
	view   domain.View
	prefix string // the path the landing page is at, without its trailing slash
}

type scopeKey struct{}

// scopeOf is the request's scope, nil at the root (every published plan).
func scopeOf(ctx context.Context) *scope {
	s, _ := ctx.Value(scopeKey{}).(*scope)
	return s
}

// ViewOf is the view of plan the request reads: the scope's when the
// request is under a view's landing page, else the published plan.
func ViewOf(ctx context.Context, plan string) domain.View {
	if s := scopeOf(ctx); s != nil && s.plan == plan {
		return s.view
	}
	return domain.View{}
}

// BaseURL is the URL the request's landing page is at (scheme, host and,
// under a view, its path), without a trailing slash: links are built on it.
func BaseURL(r *http.Request) string {
	b := baseURL(r)
	if s := scopeOf(r.Context()); s != nil {
		b += s.prefix
	}
	return b
}

// pathPrefix is the path of the request's landing page without its
// trailing slash: "" at the root.
func pathPrefix(ctx context.Context) string {
	if s := scopeOf(ctx); s != nil {
		return s.prefix
	}
	return ""
}

// ViewRoutes mounts the OGC API (and with extra, further routes such as
// the tiles) once per view: at /plans/{plan}/drafts/{draft} and
// /plans/{plan}/revisions/{revision}. open resolves the view before any
// handler runs (opening a revision materialises it), answering 404 for an
// unknown plan, draft or revision.
func (s *Service) ViewRoutes(r chi.Router, extra func(chi.Router)) {
	mount := func(pattern string, view func(*http.Request) (domain.View, error), writable bool) {
		r.Route(pattern, func(r chi.Router) {
			r.Use(func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
					v, err := view(req)
					if err != nil {
						s.fail(w, req, err)
						return
					}
					plan, err := httpx.PathParam(req, "plan")
					if err != nil {
						s.fail(w, req, err)
						return
					}
					if _, err := s.db.PlanView(req.Context(), plan, v); err != nil {
						s.fail(w, req, err)
						return
					}
					prefix := "/plans/" + plan
					if v.Draft != "" {
						prefix += "/drafts/" + v.Draft
					} else {
						prefix += "/revisions/" + strconv.Itoa(v.Revision)
					}
					ctx := context.WithValue(req.Context(), scopeKey{}, &scope{plan: plan, view: v, prefix: prefix})
					next.ServeHTTP(w, req.WithContext(ctx))
				})
			})
			s.Routes(r)
			if writable && s.edits != nil {
				s.editRoutes(r)
			}
			if extra != nil {
				extra(r)
			}
		})
	}
	mount("/plans/{plan}/drafts/{draft}", func(r *http.Request) (domain.View, error) {
		d, err := httpx.PathParam(r, "draft")
		if err != nil {
			return domain.View{}, err
		}
		if err := domain.ValidateDraftName(d); err != nil {
			return domain.View{}, domain.Errorf(domain.ErrNotFound, "no draft %q: %s", d, domain.ErrorMessage(err))
		}
		return domain.View{Draft: d}, nil
	}, true)
	mount("/plans/{plan}/revisions/{revision}", func(r *http.Request) (domain.View, error) {
		n, err := strconv.ParseInt(chi.URLParam(r, "revision"), 10, 32)
		if err != nil || n < 1 {
			return domain.View{}, domain.Errorf(domain.ErrNotFound, "no revision %q: revisions are numbered from 1", chi.URLParam(r, "revision"))
		}
		return domain.View{Revision: int(n)}, nil
	}, false)
}
