package demo

import "github.com/gridplan/gridplan/internal/domain"

// errInvalid reports bad input to Generate as a domain error, so callers can
// tell it from an internal failure.
func errInvalid(msg string) error { return domain.Errorf(domain.ErrInvalid, "demo: %s", msg) }
