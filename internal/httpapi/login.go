package httpapi

import (
	"encoding/json"
	"errors"
	"html/template"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/gridplan/gridplan/internal/access"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/httpx"
)

// The login of the web map: a form at /login and the same as JSON at
// /api/login, both setting the session cookie (HttpOnly, SameSite=Strict,
// Secure over TLS); /api/session says who is signed in and gives the CSRF
// token writes need; /api/logout ends the session.

func (s *Server) loginRoutes(r chi.Router) {
	r.Get("/login", s.loginPage)
	r.Post("/login", s.loginForm)
	r.Post("/api/login", s.loginJSON)
	r.Post("/api/logout", s.logout)
	r.Get("/api/session", s.session)
}

var loginTemplate = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>gridplan: log in</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: sans-serif; max-width: 24em; margin: 4em auto">
<h1>gridplan</h1>
{{if .Message}}<p role="alert" style="color: #b00">{{.Message}}</p>{{end}}
<form method="post" action="/login">
<input type="hidden" name="next" value="{{.Next}}">
<p><label>User <input name="name" autocomplete="username" required autofocus></label></p>
<p><label>Password <input name="password" type="password" autocomplete="current-password" required></label></p>
<p><button type="submit">Log in</button></p>
</form>
<p><a href="/map/">Back to the map</a></p>
</body></html>`))

// loginPage is the form.
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	s.renderLogin(w, http.StatusOK, "", safeNext(r.URL.Query().Get("next")))
}

func (s *Server) renderLogin(w http.ResponseWriter, status int, message, next string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY") // no clickjacking of the form
	w.WriteHeader(status)
	if err := loginTemplate.Execute(w, map[string]string{"Message": message, "Next": next}); err != nil {
		s.log.Warn("write login page", "err", err)
	}
}

// safeNext keeps only a path on this server to go to after the login, so
// the form is no open redirect (and never names a host at all).
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/map/"
	}
	return next
}

// loginForm checks the form and goes on to next.
func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		s.renderLogin(w, http.StatusBadRequest, "The form could not be read.", "/map/")
		return
	}
	next := safeNext(r.PostForm.Get("next"))
	if _, err := s.login(w, r, r.PostForm.Get("name"), r.PostForm.Get("password")); err != nil {
		s.renderLogin(w, httpx.StatusOf(domain.ErrorCode(err)), domain.ErrorMessage(err), next)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther) // a path: the browser resolves it on the host it used
}

// loginJSON is {"name": "...", "password": "..."} → the session (user,
// csrf_token, expires_at) and the cookie.
func (s *Server) loginJSON(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(w, r, 16<<10, "login")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in struct {
		Name     string `json:"name"`
		Password string `json:"password"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		s.writeError(w, r, domain.Errorf(domain.ErrInvalid, `login: want {"name": "...", "password": "..."}`))
		return
	}
	sess, err := s.login(w, r, in.Name, in.Password)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, s.log, http.StatusOK, sess)
}

// login checks a name and password, and sets the cookie.
func (s *Server) login(w http.ResponseWriter, r *http.Request, name, password string) (access.Session, error) {
	if s.access == nil {
		return access.Session{}, domain.Errorf(domain.ErrNotFound, "this server has no accounts")
	}
	address, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		address = r.RemoteAddr
	}
	sess, err := s.access.Login(r.Context(), name, []byte(password), address)
	var tooMany *access.TooManyError
	if errors.As(err, &tooMany) {
		w.Header().Set("Retry-After", strconv.Itoa(int(tooMany.Wait.Round(time.Second)/time.Second)+1))
	}
	if err != nil {
		return sess, err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: sess.Secret, Path: "/", Expires: sess.Expires,
		HttpOnly: true, Secure: secure(r), SameSite: http.SameSiteStrictMode})
	return sess, nil
}

func clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: secure(r), SameSite: http.SameSiteStrictMode})
}

// logout ends the session of the cookie (the middleware has checked its
// CSRF token: a write like any other).
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil && s.access != nil {
		if err := s.access.Logout(r.Context(), c.Value); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	clearSessionCookie(w, r)
	w.WriteHeader(http.StatusNoContent)
}

// session says who the request acts as, with their grants, and for a
// session cookie the CSRF token its writes must send.
func (s *Server) session(w http.ResponseWriter, r *http.Request) {
	actor := domain.ActorFrom(r.Context())
	out := map[string]any{"user": nil, "via": actor.Via}
	if actor.Via != "anonymous" {
		out["user"] = actor.Name
		grants, err := s.db.Grants(r.Context(), actor.Name)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		out["grants"] = grants
	}
	if c, err := r.Cookie(sessionCookie); err == nil && actor.Via == access.ViaSession {
		out["csrf_token"] = access.CSRFToken(c.Value)
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, s.log, http.StatusOK, out)
}
