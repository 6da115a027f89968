package oidc

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Replay remembers the DPoP proofs already used (RFC 9449 §11.1), across
// every process of a deployment. storage/cluster.Bus satisfies it.
type Replay interface {
	// Claim records key for at least ttl. It reports true if this call
	// made the claim and false if key was already claimed less than ttl
	// ago. An error means the claim could not be checked; the verifier
	// then refuses the proof (fail closed).
	Claim(ctx context.Context, key string, ttl time.Duration) (bool, error)
}

// localReplay is the in-process Replay used when Config.Replay is nil: it
// is correct for a server running alone, not for several processes.
type localReplay struct {
	now   func() time.Time
	mu    sync.Mutex
	m     map[string]time.Time // key → expiry
	swept time.Time
}

// maxClaims bounds localReplay. At that many live claims, Claim fails
// (closed) rather than forget a claim a replay could then reuse.
const maxClaims = 1 << 21

var errReplayFull = errors.New("oidc: replay cache full")

func newLocalReplay(now func() time.Time) *localReplay {
	return &localReplay{now: now, m: map[string]time.Time{}}
}

// Claim implements Replay.
func (r *localReplay) Claim(_ context.Context, key string, ttl time.Duration) (bool, error) {
	now := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	if exp, ok := r.m[key]; ok && now.Before(exp) {
		return false, nil
	}
	if now.Sub(r.swept) > ttl || len(r.m) >= maxClaims {
		for k, exp := range r.m {
			if !now.Before(exp) {
				delete(r.m, k)
			}
		}
		r.swept = now
		if len(r.m) >= maxClaims {
			return false, errReplayFull
		}
	}
	r.m[key] = now.Add(ttl)
	return true, nil
}
