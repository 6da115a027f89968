package cluster

import (
	"hash/maphash"
	"sync"
	"sync/atomic"
	"time"
)

// Local is the Bus of a process that runs alone: claims live in a map of
// this process and events reach this process's subscribers only. Its zero
// value is not usable; call NewLocal.
type Local struct {
	closed atomic.Bool

	// Claims, sharded by the hash of the key so that concurrent requests
	// rarely wait for one another.
	seed   maphash.Seed
	epoch  time.Time // claim deadlines are monotonic nanoseconds since epoch
	shards [claimShards]claimShard

	// Subscriptions, by pattern.
	mu      sync.RWMutex
	root    *node
	subs    map[*localSub]struct{}
	dropped atomic.Uint64
}

var _ Bus = (*Local)(nil)

// NewLocal returns an empty Local.
func NewLocal() *Local {
	l := &Local{
		seed:  maphash.MakeSeed(),
		epoch: time.Now(),
		root:  newNode(),
		subs:  make(map[*localSub]struct{}),
	}
	for i := range l.shards {
		l.shards[i].claims = make(map[string]int64)
		l.shards[i].sweepAt = minSweep
	}
	return l
}

// Close implements Bus.
func (l *Local) Close() error {
	if l.closed.Swap(true) {
		return nil
	}
	l.mu.Lock()
	subs := l.subs
	l.subs = make(map[*localSub]struct{})
	l.root = newNode()
	l.mu.Unlock()
	for s := range subs {
		s.stop()
	}
	for i := range l.shards {
		sh := &l.shards[i]
		sh.mu.Lock()
		sh.claims = make(map[string]int64)
		sh.mu.Unlock()
	}
	return nil
}

// Dropped returns how many messages were dropped so far because a
// subscription's queue was full (see QueueLen).
func (l *Local) Dropped() uint64 {
	return l.dropped.Load()
}
