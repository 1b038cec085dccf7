// Package httpx is what gridplan's HTTP surfaces — the application API
// (httpapi), OGC API - Features (ogcapi) and the vector tiles (tiles) —
// share: the one problem+json writer, where domain errors become statuses;
// reading path and query parameters the same way everywhere; and
// answering without letting a slow client hold a database connection.
package httpx

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/gridplan/gridplan/internal/domain"
)

// RetryAfterSeconds is what a 503 asks the client to wait: long enough for
// a restarting database or a passing overload.
const RetryAfterSeconds = "5"

// StatusOf is the one place where domain error codes become HTTP statuses.
func StatusOf(code domain.Code) int {
	switch code {
	case domain.ErrInvalid:
		return http.StatusBadRequest
	case domain.ErrNotFound:
		return http.StatusNotFound
	case domain.ErrConflict:
		return http.StatusConflict
	case domain.ErrPrecondition:
		return http.StatusPreconditionFailed
	case domain.ErrTooLarge:
		return http.StatusRequestEntityTooLarge
	case domain.ErrRefused:
		return http.StatusUnprocessableEntity
	case domain.ErrUnauthorized:
		return http.StatusUnauthorized
	case domain.ErrForbidden:
		return http.StatusForbidden
	case domain.ErrTooMany:
		return http.StatusTooManyRequests
	case domain.ErrUnavailable:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// Problem is an RFC 9457 problem detail.
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail"`
	Instance string `json:"instance,omitempty"`
}

// Problems writes every error answer as application/problem+json.
type Problems struct {
	log *slog.Logger
}

// NewProblems returns the writer, logging to log.
func NewProblems(log *slog.Logger) *Problems {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Problems{log: log}
}

// Write answers with err. Internal errors are logged with the request id
// and shown to the client only as that id; unavailable ones (database down,
// statement timeout, cancellation) are logged too and answered 503 with
// Retry-After, since trying again may well succeed.
func (p *Problems) Write(w http.ResponseWriter, r *http.Request, err error) {
	code := domain.ErrorCode(err)
	status := StatusOf(code)
	detail := domain.ErrorMessage(err)
	reqID := middleware.GetReqID(r.Context())
	switch {
	case r.Context().Err() != nil:
		// The client went away (or the server is stopping): nobody reads
		// this answer, but the log says why the request ended.
		p.log.Info("request ended before its answer", "request_id", reqID, "method", r.Method, "path", r.URL.Path, "err", err)
	case code == domain.ErrUnavailable:
		p.log.Warn("request could not finish", "request_id", reqID, "method", r.Method, "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", RetryAfterSeconds)
	case status >= 500:
		p.log.Error("request failed", "request_id", reqID, "method", r.Method, "path", r.URL.Path, "err", err)
		detail = "internal error; the server log has the details under request id " + reqID
	case status == http.StatusUnauthorized:
		// RFC 6750: say how to authenticate (the map's login is /login).
		w.Header().Set("WWW-Authenticate", `Bearer realm="gridplan"`)
	}
	p.Status(w, r, status, detail)
}

// Status answers with a problem of the given status and detail.
func (p *Problems) Status(w http.ResponseWriter, r *http.Request, status int, detail string) {
	h := w.Header()
	h.Del("Content-Length")
	h.Del("Content-Encoding")
	h.Del("ETag")
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return
	}
	_ = json.NewEncoder(w).Encode(Problem{
		Type:     "about:blank",
		Title:    http.StatusText(status),
		Status:   status,
		Detail:   detail,
		Instance: r.URL.RequestURI(),
	})
}
