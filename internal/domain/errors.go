// Package domain holds gridplan's vocabulary: plans, grids, population units,
// facilities and the walking network, plus the coded errors every other
// package returns. It depends on nothing but orb, so every layer can use it.
package domain

import (
	"errors"
	"fmt"
)

// Code classifies an error for callers: the HTTP layer maps it to a status,
// the command line to an exit status. Nothing else inspects error text.
type Code string

// Error codes. Exactly one place per surface maps them (httpapi for HTTP,
// cmd/gridplan for exit statuses).
const (
	ErrInvalid      Code = "invalid"             // bad input from the caller
	ErrNotFound     Code = "not_found"           // a named plan, grid or resource does not exist
	ErrConflict     Code = "conflict"            // the request clashes with stored data (duplicate code, concurrent edit)
	ErrPrecondition Code = "precondition_failed" // an If-Match or version check failed
	ErrTooLarge     Code = "too_large"           // the request exceeds a configured limit
	ErrRefused      Code = "refused"             // a well-formed edit the data does not allow (an op that would break the tiling)
	ErrUnauthorized Code = "unauthorized"        // no credential, or one that is not valid (unknown, expired, revoked)
	ErrForbidden    Code = "forbidden"           // a valid credential whose role or scope does not reach what was asked
	ErrTooMany      Code = "too_many_requests"   // a limit on attempts (failed logins) was reached; try again later
	ErrInternal     Code = "internal"            // anything else; details are logged, never shown to clients
)

// Error is a domain error: a code and a message fit to show the user.
// The message names the file, feature, field or grid concerned.
type Error struct {
	Code    Code
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf builds a domain error with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first domain error in err's chain,
// ErrInternal for any other non-nil error, and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ErrInternal
}

// ErrorMessage returns the user-facing message of err: the domain error's
// message, or a generic text for internal errors so details do not leak.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
