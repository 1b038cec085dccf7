package access

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limit is a token bucket on failed logins: Burst at once, then PerMinute
// a minute.
type Limit struct {
	Burst     int
	PerMinute float64
}

// buckets is one token bucket per key (an account name or an address).
type buckets struct {
	limit Limit
	mu    sync.Mutex
	m     map[string]*rate.Limiter
}

func newBuckets(l Limit) *buckets { return &buckets{limit: l, m: map[string]*rate.Limiter{}} }

// pruneAt is the number of keys past which full buckets (keys that have
// not failed lately) are dropped, so the map cannot grow without bound.
const pruneAt = 10000

func (b *buckets) get(key string, now time.Time) *rate.Limiter {
	b.mu.Lock()
	defer b.mu.Unlock()
	l := b.m[key]
	if l == nil {
		if len(b.m) >= pruneAt {
			for k, x := range b.m {
				if x.TokensAt(now) >= float64(b.limit.Burst) {
					delete(b.m, k)
				}
			}
		}
		l = rate.NewLimiter(rate.Limit(b.limit.PerMinute/60), b.limit.Burst)
		b.m[key] = l
	}
	return l
}

// loginLimits bounds failed logins per account and per address.
type loginLimits struct {
	accounts, addresses *buckets
}

// attempt takes one try from both buckets before the password is checked
// (so that concurrent guesses cannot slip past a check made after them).
// When either is empty nothing is taken and it returns how long to wait.
// Otherwise done must be called with the outcome: a successful login gives
// its try back.
func (l *loginLimits) attempt(account, address string, now time.Time) (done func(ok bool), wait time.Duration) {
	ra := l.accounts.get(account, now).ReserveN(now, 1)
	rb := l.addresses.get(address, now).ReserveN(now, 1)
	wait = max(ra.DelayFrom(now), rb.DelayFrom(now))
	if !ra.OK() || !rb.OK() || wait > 0 {
		ra.CancelAt(now)
		rb.CancelAt(now)
		return nil, max(wait, time.Second)
	}
	return func(ok bool) {
		if ok {
			ra.CancelAt(now)
			rb.CancelAt(now)
		}
	}, 0
}
