package oidc

import (
	"net/url"
	"strings"
	"sync"
	"time"
)

// Outbound fetches (issuer discovery, JWKS, WebID profiles) are limited
// per host, so that a client presenting tokens that name arbitrary
// issuers and WebIDs cannot make the server fetch from a host at will:
// each host gets a bucket of fetchBurst fetches, refilled at fetchRate per
// second. Results are cached (keys for minutes, profiles for minutes, and
// failures for half a minute), so legitimate users of one provider need a
// few fetches each, once.
const (
	fetchBurst = 20
	fetchRate  = 2.0
)

// hostLimiter is a token bucket per host.
type hostLimiter struct {
	mu sync.Mutex
	m  map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// maxHosts bounds hostLimiter; past it, buckets that are full again are
// dropped (a dropped bucket starts full, so nothing is lost).
const maxHosts = 10_000

// allow takes one fetch from the bucket of rawURL's host, reporting false
// if it is empty.
func (l *hostLimiter) allow(rawURL string, now time.Time) bool {
	host := rawURL
	if u, err := url.Parse(rawURL); err == nil {
		host = strings.ToLower(u.Host)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.m[host]
	if b == nil {
		if len(l.m) >= maxHosts {
			for h, o := range l.m {
				if o.tokens+now.Sub(o.last).Seconds()*fetchRate >= fetchBurst {
					delete(l.m, h)
				}
			}
			if len(l.m) >= maxHosts {
				return false // fail closed rather than grow without bound
			}
		}
		b = &bucket{tokens: fetchBurst, last: now}
		l.m[host] = b
	}
	b.tokens = min(fetchBurst, b.tokens+now.Sub(b.last).Seconds()*fetchRate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
