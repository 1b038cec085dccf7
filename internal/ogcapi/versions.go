package ogcapi

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gridplan/gridplan/internal/domain"
)

// Versions as entity tags, shared with httpapi: a grid's version (its
// feature ETag, what an edit sends back in If-Match) or a draft's.

// VersionETag is the strong entity tag of a version.
func VersionETag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// IfMatch reads If-Match: a version as an ETag gave it (quoted or not,
// with any representation suffix after a hyphen); none or "*" is -1,
// edit whatever the version.
func IfMatch(r *http.Request) (int64, error) {
	v := strings.TrimSpace(r.Header.Get("If-Match"))
	if v == "" || v == "*" {
		return -1, nil
	}
	tag := strings.Trim(strings.TrimPrefix(v, "W/"), `"`)
	tag, _, _ = strings.Cut(tag, "-")
	n, err := strconv.ParseInt(tag, 10, 64)
	if err != nil || n < 0 {
		return 0, domain.Errorf(domain.ErrInvalid, "If-Match %q: want the version the resource was read at, as its ETag gave it (e.g. \"12\")", v)
	}
	return n, nil
}

// ReadBody reads a request body of at most limit bytes.
func ReadBody(w http.ResponseWriter, r *http.Request, limit int64, what string) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, domain.Errorf(domain.ErrTooLarge, "%s: the body exceeds %d MiB", what, limit>>20)
	}
	if err != nil {
		return nil, domain.Errorf(domain.ErrInvalid, "%s: reading the body: %v", what, err)
	}
	return body, nil
}
