package ogcapi

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/gridplan/gridplan/internal/cache"
)

// Cache keeps whole responses, keyed by a string that includes the data
// stamp they were made at, so entries of an older version are never
// served; they age out of the byte budget in least-recently-used order.
type Cache struct {
	entries *cache.Cache[string, *Entry]
	budget  int64
}

// Entry is one cached response.
type Entry struct {
	key         string
	ContentType string
	Body        []byte
	gzipOnce    sync.Once
	gz          []byte
	cache       *Cache
}

// NewCache returns a cache holding at most budget bytes; a budget ≤ 0
// caches nothing.
func NewCache(budget int64) *Cache {
	return &Cache{budget: budget, entries: cache.New[string](budget, func(e *Entry) int64 { return int64(len(e.Body) + len(e.gz)) })}
}

// Get returns the entry under key, or nil.
func (c *Cache) Get(key string) *Entry {
	e, _ := c.entries.Get(key)
	return e
}

// Put stores a response, evicting the least recently used ones to stay
// within the budget. Responses larger than a quarter of it are not kept.
func (c *Cache) Put(key, contentType string, body []byte) {
	if c.budget <= 0 || int64(len(body)) > c.budget/4 {
		return
	}
	c.entries.Put(key, &Entry{key: key, ContentType: contentType, Body: body, cache: c})
}

// Used is the bytes the cached responses take.
func (c *Cache) Used() int64 { return c.entries.Used() }

// Serve writes the entry, gzip-compressed once and then reused when the
// client accepts it (the compression middleware leaves a response that
// already has a Content-Encoding alone).
func (e *Entry) Serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", e.ContentType)
	body := e.Body
	if acceptsGzip(r) && len(e.Body) > 1024 {
		e.gzipOnce.Do(func() {
			var b bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed)
			zw.Write(e.Body)
			zw.Close()
			e.gz = b.Bytes()
			e.cache.entries.Account(e.key) // the compressed copy counts too
		})
		body = e.gz
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Add("Vary", "Accept-Encoding")
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(enc) != "gzip" {
			continue
		}
		q, ok := strings.CutPrefix(strings.TrimSpace(params), "q=")
		if !ok {
			return true
		}
		v, err := strconv.ParseFloat(q, 64)
		return err == nil && v > 0
	}
	return false
}
