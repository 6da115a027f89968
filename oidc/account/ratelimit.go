package account

import (
	"sync"
	"time"
)

// Limit is a token bucket: Burst attempts at once, then one more every
// Every.
type Limit struct {
	Burst int
	Every time.Duration
}

// limiter keeps one token bucket per key, in this process only: several
// Seedpod replicas each keep their own, so the effective limit is the sum
// over replicas.
type limiter struct {
	lim Limit
	now func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// maxBuckets bounds memory: beyond it, buckets that have refilled (and so
// say nothing) are dropped, and if all are busy the oldest go.
const maxBuckets = 100_000

func newLimiter(l Limit) *limiter {
	return &limiter{lim: l, now: time.Now, buckets: map[string]*bucket{}}
}

// allow takes a token for key, or reports how long until one is free.
func (l *limiter) allow(key string) (bool, time.Duration) {
	if l.lim.Burst <= 0 || l.lim.Every <= 0 {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= maxBuckets {
			l.prune(now)
		}
		b = &bucket{tokens: float64(l.lim.Burst), at: now}
		l.buckets[key] = b
	}
	b.tokens += float64(now.Sub(b.at)) / float64(l.lim.Every)
	if b.tokens > float64(l.lim.Burst) {
		b.tokens = float64(l.lim.Burst)
	}
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) * float64(l.lim.Every))
}

func (l *limiter) prune(now time.Time) {
	full := time.Duration(l.lim.Burst) * l.lim.Every
	for k, b := range l.buckets {
		if now.Sub(b.at) >= full {
			delete(l.buckets, k)
		}
	}
	for k := range l.buckets {
		if len(l.buckets) < maxBuckets {
			break
		}
		delete(l.buckets, k)
	}
}
