package httpx_test

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/httpx"
)

// FuzzQueryParameters feeds the shared parameter readers arbitrary query
// strings: they never panic, refuse only with bad-input errors that name
// the parameter, and what they accept is in range.
func FuzzQueryParameters(f *testing.F) {
	for _, seed := range []string{"bbox=113.5,34.6,113.7,34.8&level=4", "bbox=1,2,3,4,5,6&level=2147483648",
		"bbox=NaN,0,1,1&level=-1", "level=%00", "bbox=180,90,-180,-90", "level=1e3", "", "&&=", "bbox=,,,"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		r := httptest.NewRequest("GET", "/?"+q.Encode(), nil)
		if n, err := httpx.QueryInt(r, "level", 0, 1, httpx.MaxInt32); err != nil {
			if domain.ErrorCode(err) != domain.ErrInvalid || !strings.Contains(err.Error(), "level") {
				t.Fatalf("level: %v", err)
			}
		} else if n != 0 && (n < 1 || n > httpx.MaxInt32) {
			t.Fatalf("level %d accepted", n)
		}
		if v := q.Get("bbox"); v != "" {
			b, err := httpx.ParseBBox(v)
			if err != nil {
				if domain.ErrorCode(err) != domain.ErrInvalid || !strings.Contains(err.Error(), "bbox") {
					t.Fatalf("bbox: %v", err)
				}
			} else if b.Min[0] > b.Max[0] || b.Min[1] > b.Max[1] || b.Min[0] < -180 || b.Max[1] > 90 {
				t.Fatalf("bbox %v accepted from %q", b, v)
			}
		}
		if err := httpx.CheckText("q", raw); err == nil && strings.ContainsRune(raw, 0) {
			t.Fatalf("NUL accepted in %q", raw)
		}
	})
}
