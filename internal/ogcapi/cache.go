package ogcapi

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Cache keeps whole responses, keyed by a string that includes the plan's
// data stamp, so entries of an older version are never served; they age out
// of the byte budget in least-recently-used order. (A byte budget is what
// bounds memory here; the usual LRU libraries count entries.)
type Cache struct {
	mu     sync.Mutex
	budget int64
	used   int64
	order  *list.List // of *entry, most recent first
	byKey  map[string]*list.Element
}

// Entry is one cached response.
type Entry struct {
	key         string
	ContentType string
	Body        []byte
	gzipOnce    sync.Once
	gz          []byte
	cache       *Cache
	evicted     bool // guarded by cache.mu
}

// NewCache returns a cache holding at most budget bytes; a budget ≤ 0
// caches nothing.
func NewCache(budget int64) *Cache {
	return &Cache{budget: budget, order: list.New(), byKey: map[string]*list.Element{}}
}

// Get returns the entry under key, or nil.
func (c *Cache) Get(key string) *Entry {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		return nil
	}
	c.order.MoveToFront(el)
	return el.Value.(*Entry)
}

// Put stores a response, evicting the least recently used ones to stay
// within the budget. Responses larger than a quarter of it are not kept.
func (c *Cache) Put(key, contentType string, body []byte) {
	size := int64(len(body))
	if c.budget <= 0 || size > c.budget/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok {
		c.remove(el)
	}
	c.byKey[key] = c.order.PushFront(&Entry{key: key, ContentType: contentType, Body: body, cache: c})
	c.used += size
	for c.used > c.budget {
		c.remove(c.order.Back())
	}
}

func (c *Cache) remove(el *list.Element) {
	e := el.Value.(*Entry)
	e.evicted = true
	c.order.Remove(el)
	delete(c.byKey, e.key)
	c.used -= int64(len(e.Body)) + int64(len(e.gz))
}

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
			e.cache.mu.Lock()
			e.gz = b.Bytes()
			if !e.evicted {
				e.cache.used += int64(len(e.gz))
			}
			e.cache.mu.Unlock()
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
