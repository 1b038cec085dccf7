package httpapi

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/go-chi/cors"

	"github.com/gridplan/gridplan/internal/access"
	"github.com/gridplan/gridplan/internal/domain"
)

// Authentication: every request gets an actor in its context before any
// handler runs — the user of a bearer token, of a session cookie, or
// anonymous — and internal/editing decides what that actor may change.
// Here only credentials are checked, and the request's origin:
//
//   - a write (any method but GET, HEAD, OPTIONS) whose Origin header is
//     neither this server's nor listed with --cors-origin is refused (403):
//     CORS alone only stops a browser from reading the answer;
//   - a bearer token that is not valid is 401, even on a read;
//   - a write authenticated by the session cookie must come from this
//     server's own pages: Origin (when sent) this server's, Sec-Fetch-Site
//     (when sent) same-origin, and the X-CSRF-Token header the session's
//     answers give (403 otherwise). SameSite=Strict already keeps other
//     sites' pages from sending the cookie; the token also covers browsers
//     without it and pages of sibling subdomains;
//   - a session cookie that is no live session makes a read anonymous (the
//     map keeps working) and a write 401;
//   - on a private server (--private) every read but the health probes and
//     the login needs a signed-in user, and a plan's data one who holds a
//     role on that plan.

const (
	sessionCookie = "gridplan_session"
	csrfHeader    = "X-CSRF-Token"
)

// unsafeMethod reports whether a method writes.
func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// corsHandler lets every origin read and only the listed ones write: a
// preflight asking for a write method from another origin gets no
// Access-Control-Allow-Origin.
func (s *Server) corsHandler() func(http.Handler) http.Handler {
	return cors.Handler(cors.Options{
		AllowOriginFunc: func(r *http.Request, origin string) bool {
			method := r.Method
			if m := r.Header.Get("Access-Control-Request-Method"); r.Method == http.MethodOptions && m != "" {
				method = m
			}
			return !unsafeMethod(method) || slices.Contains(s.corsOrigins, origin)
		},
		AllowedMethods: []string{"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"},
		AllowedHeaders: []string{"Accept", "Authorization", "Content-Type", "Content-Crs", "If-None-Match", "If-Match"},
		ExposedHeaders: []string{"ETag", "Link", "Location", "Allow"},
		MaxAge:         3600,
	})
}

// ownOrigin is the origin this request was sent to. A forged Host header
// cannot help a cross-site page: browsers send the real one.
func ownOrigin(r *http.Request) string {
	scheme := "http"
	if secure(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// secure reports whether the client reached us over TLS, here or at a
// proxy in front that says so.
func secure(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		actor, err := s.actorOf(w, r)
		if err == nil {
			err = s.privateRead(r, actor)
		}
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(domain.WithActor(r.Context(), actor)))
	})
}

// actorOf reads the request's credential.
func (s *Server) actorOf(w http.ResponseWriter, r *http.Request) (domain.Actor, error) {
	anonymous := domain.ActorFrom(context.Background())
	write := unsafeMethod(r.Method)
	origin, hasOrigin := r.Header.Get("Origin"), r.Header.Get("Origin") != ""
	if write && hasOrigin && origin != ownOrigin(r) && !slices.Contains(s.corsOrigins, origin) {
		return anonymous, domain.Errorf(domain.ErrForbidden, "writes from origin %q are not allowed; the server lists the origins that may write with --cors-origin", origin)
	}
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, token, _ := strings.Cut(h, " ")
		if !strings.EqualFold(scheme, "Bearer") || s.access == nil {
			return anonymous, domain.Errorf(domain.ErrUnauthorized, "Authorization: want Bearer <token>")
		}
		return s.access.Authenticate(r.Context(), strings.TrimSpace(token))
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || s.access == nil {
		return anonymous, nil
	}
	if write {
		if hasOrigin && origin != ownOrigin(r) {
			return anonymous, domain.Errorf(domain.ErrForbidden, "a write signed in by the session cookie must come from this server's own pages, not %q", origin)
		}
		if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" {
			return anonymous, domain.Errorf(domain.ErrForbidden, "a write signed in by the session cookie must come from this server's own pages (Sec-Fetch-Site: %s)", site)
		}
		if !access.CheckCSRF(c.Value, r.Header.Get(csrfHeader)) {
			return anonymous, domain.Errorf(domain.ErrForbidden, "a write signed in by the session cookie needs the %s header that /api/session gives", csrfHeader)
		}
	}
	actor, ok, err := s.access.Session(r.Context(), c.Value)
	if err != nil {
		return anonymous, err
	}
	if !ok {
		clearSessionCookie(w, r)
		if write {
			return anonymous, domain.Errorf(domain.ErrUnauthorized, "the session has ended; log in again at /login")
		}
		return anonymous, nil
	}
	return actor, nil
}

// public reports whether a path answers everyone, even on a private
// server: the health probes and the login.
func public(path string) bool {
	switch path {
	case "/healthz", "/readyz", "/login", "/api/login", "/api/logout", "/api/session":
		return true
	}
	return false
}

// privateRead applies --private: a signed-in user for everything but
// the public paths, and a role on the plan a path names.
func (s *Server) privateRead(r *http.Request, actor domain.Actor) error {
	if !s.private || public(r.URL.Path) {
		return nil
	}
	if actor.Via == "anonymous" || s.access == nil {
		return domain.Errorf(domain.ErrUnauthorized, "this server is private: send Authorization: Bearer <token> or log in at /login")
	}
	name := planOfPath(r.URL.Path)
	if name == "" {
		return nil
	}
	p, err := s.db.Plan(r.Context(), name)
	if domain.ErrorCode(err) == domain.ErrNotFound {
		return nil // the handler answers 404
	}
	if err != nil {
		return err
	}
	ok, err := s.access.Reads(r.Context(), actor, p.ID)
	if err != nil || ok {
		return err
	}
	return domain.Errorf(domain.ErrForbidden, "user %q has no role on plan %q; reading it needs at least viewer", actor.Name, name)
}

// planOfPath is the plan a path is about: /api/plans/{plan}/...,
// /plans/{plan}/..., /collections/{plan}-... or /tiles/{plan}-...; "" for
// none.
func planOfPath(path string) string {
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	switch {
	case len(parts) >= 3 && parts[0] == "api" && parts[1] == "plans":
		return parts[2]
	case len(parts) >= 2 && parts[0] == "plans":
		return parts[1]
	case len(parts) >= 2 && (parts[0] == "collections" || parts[0] == "tiles"):
		plan, _, _ := strings.Cut(parts[1], "-")
		return plan
	}
	return ""
}
