package cluster

import (
	"context"
	"errors"
	"hash/maphash"
	"sync"
	"time"
)

// claimShards is the number of independently locked parts of Local's
// claim map; a power of two.
const claimShards = 64

// minSweep is the size below which a shard is never swept.
const minSweep = 256

// errTTL is returned by Claim for a ttl that is not positive.
var errTTL = errors.New("cluster: claim ttl must be positive")

// claimShard holds the claims whose key hashes to it.
type claimShard struct {
	mu     sync.Mutex
	claims map[string]int64 // key → deadline, ns since Local.epoch
	// sweepAt is the size at which the shard next drops its expired
	// claims: twice its size after the last sweep, so the cost of a
	// sweep is spread over as many claims as it examines, and the map
	// holds at most about twice the live claims (plus minSweep).
	sweepAt int
	_       [40]byte // keep shards on separate cache lines
}

// Claim implements Bus.
func (l *Local) Claim(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	if l.closed.Load() {
		return false, ErrClosed
	}
	if ttl <= 0 {
		return false, errTTL
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	sh := &l.shards[maphash.String(l.seed, key)%claimShards]
	now := int64(time.Since(l.epoch))
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if deadline, ok := sh.claims[key]; ok && deadline > now {
		return false, nil
	}
	sh.claims[key] = now + int64(ttl)
	if len(sh.claims) >= sh.sweepAt {
		for k, deadline := range sh.claims {
			if deadline <= now {
				delete(sh.claims, k)
			}
		}
		sh.sweepAt = max(2*len(sh.claims), minSweep)
	}
	return true, nil
}
