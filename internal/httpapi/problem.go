package httpapi

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/gridplan/gridplan/internal/domain"
)

// statusOf is the one place where domain error codes become HTTP statuses.
func statusOf(code domain.Code) int {
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
	default:
		return http.StatusInternalServerError
	}
}

// problem is an RFC 9457 problem detail.
type problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail"`
	Instance string `json:"instance,omitempty"`
}

// writeError answers with application/problem+json. Internal errors are
// logged with the request id and shown to the client only as that id.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := domain.ErrorCode(err)
	status := statusOf(code)
	detail := domain.ErrorMessage(err)
	reqID := middleware.GetReqID(r.Context())
	if status >= 500 {
		s.log.Error("request failed", "request_id", reqID, "method", r.Method, "path", r.URL.Path, "err", err)
		detail = "internal error; the server log has the details under request id " + reqID
	}
	if status == http.StatusUnauthorized {
		// RFC 6750: say how to authenticate (the map's login is /login).
		w.Header().Set("WWW-Authenticate", `Bearer realm="gridplan"`)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(problem{
		Type:     "about:blank",
		Title:    http.StatusText(status),
		Status:   status,
		Detail:   detail,
		Instance: r.URL.RequestURI(),
	})
}

// notFound answers unknown paths with problem+json too.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.writeError(w, r, domain.Errorf(domain.ErrNotFound, "no resource at %s", r.URL.Path))
}

func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(http.StatusMethodNotAllowed)
	_ = json.NewEncoder(w).Encode(problem{Type: "about:blank", Title: "Method Not Allowed",
		Status: http.StatusMethodNotAllowed, Detail: r.Method + " is not allowed on " + r.URL.Path})
}

func writeJSON(w http.ResponseWriter, log *slog.Logger, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		log.Warn("write response", "err", err)
	}
}
