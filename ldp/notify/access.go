package notify

import (
	"context"
	"sync"
	"time"

	"github.com/seedpod/seedpod/acl"
	"github.com/seedpod/seedpod/ldp"
	"github.com/seedpod/seedpod/oidc"
)

// accessCache remembers, for a short while, whether an agent may read a
// topic, so that a change fanned out to many sockets asks WAC once per
// agent rather than once per socket. Any ACL change clears it (see
// Notifier.onBusChange), so revoking Read stops delivery at once; the TTL
// bounds staleness from changes this process cannot see (a group
// document edited elsewhere).
type accessCache struct {
	h   *ldp.Handler
	ttl time.Duration
	mu  sync.Mutex
	m   map[accessKey]accessEntry
	gen uint64 // counts clears, so a decision made across one is not kept
}

type accessKey struct{ webID, origin, topic string }

type accessEntry struct {
	read    bool
	expires time.Time
}

func newAccessCache(h *ldp.Handler, ttl time.Duration) *accessCache {
	return &accessCache{h: h, ttl: ttl, m: map[accessKey]accessEntry{}}
}

// canRead reports whether agent, acting from origin, may read topic now.
// A failed check denies.
func (c *accessCache) canRead(ctx context.Context, agent oidc.Agent, origin, topic string) bool {
	k := accessKey{agent.WebID, origin, topic}
	now := time.Now()
	c.mu.Lock()
	e, ok := c.m[k]
	gen := c.gen
	c.mu.Unlock()
	if ok && now.Before(e.expires) {
		return e.read
	}
	modes, err := c.h.Permissions(ctx, agent, origin, topic)
	e = accessEntry{read: err == nil && modes.Has(acl.Read), expires: now.Add(c.ttl)}
	if err != nil {
		e.expires = now // not cached
	}
	c.mu.Lock()
	if len(c.m) >= 100_000 {
		clear(c.m)
	}
	if gen == c.gen {
		c.m[k] = e
	}
	c.mu.Unlock()
	return e.read
}

// clear forgets every decision.
func (c *accessCache) clear() {
	c.mu.Lock()
	clear(c.m)
	c.gen++
	c.mu.Unlock()
}
