// Package cache keeps what gridplan computes per plan, view or request —
// coverage states, balance counts, circles models, tile layers, whole
// responses — within a byte budget per cache, dropping the least recently
// used entries first. It is the one cache of the server: every such store
// is accounted the same way, so a memory budget can be split among them
// and held.
package cache

import (
	"container/list"
	"sync"
)

// Cache maps keys to values within a byte budget. Values report their own
// size through the size function given to New; a value that grows after it
// is stored (a layer that simplifies another zoom, say) is measured again
// by Account. The entry stored last is never evicted to make room for
// itself: a single value larger than the budget is kept until another
// takes its place, so an oversized plan is still computed only once.
type Cache[K comparable, V comparable] struct {
	mu     sync.Mutex
	budget int64
	used   int64
	size   func(V) int64
	order  *list.List // of *entry[K, V], most recent first
	byKey  map[K]*list.Element
}

type entry[K comparable, V comparable] struct {
	key  K
	val  V
	size int64
}

// New returns a cache of at most budget bytes (a budget ≤ 0 keeps nothing),
// measuring values with size.
func New[K comparable, V comparable](budget int64, size func(V) int64) *Cache[K, V] {
	return &Cache[K, V]{budget: budget, size: size, order: list.New(), byKey: map[K]*list.Element{}}
}

// Get returns the value under key and marks it used.
func (c *Cache[K, V]) Get(key K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		var zero V
		return zero, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*entry[K, V]).val, true
}

// Put stores val under key, evicting the least recently used entries
// until the cache is within its budget again.
func (c *Cache[K, V]) Put(key K, val V) {
	if c.budget <= 0 {
		return
	}
	size := c.size(val)
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok {
		c.remove(el)
	}
	c.byKey[key] = c.order.PushFront(&entry[K, V]{key: key, val: val, size: size})
	c.used += size
	c.shrink()
}

// Swap stores next under key only while old is stored there, reporting
// whether it did: a result prepared from old must not replace what another
// request stored meanwhile.
func (c *Cache[K, V]) Swap(key K, old, next V) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok || el.Value.(*entry[K, V]).val != old {
		return false
	}
	e := el.Value.(*entry[K, V])
	size := c.size(next)
	c.used += size - e.size
	e.val, e.size = next, size
	c.order.MoveToFront(el)
	c.shrink()
	return true
}

// Account measures the value under key again, after it grew or shrank.
func (c *Cache[K, V]) Account(key K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		return
	}
	e := el.Value.(*entry[K, V])
	size := c.size(e.val)
	c.used += size - e.size
	e.size = size
	c.shrink()
}

// Delete drops the entry under key, if any.
func (c *Cache[K, V]) Delete(key K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok {
		c.remove(el)
	}
}

// Used is the bytes the cache's entries take, as measured.
func (c *Cache[K, V]) Used() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.used
}

// Len is the number of entries.
func (c *Cache[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.byKey)
}

// shrink evicts from the back while over budget, sparing the front entry.
func (c *Cache[K, V]) shrink() {
	for c.used > c.budget && c.order.Len() > 1 {
		c.remove(c.order.Back())
	}
}

func (c *Cache[K, V]) remove(el *list.Element) {
	e := el.Value.(*entry[K, V])
	c.order.Remove(el)
	delete(c.byKey, e.key)
	c.used -= e.size
}
