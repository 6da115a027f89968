package provider

import (
	"context"
	"sync"
	"time"
)

// memoryReplay is the in-process Replay: a map of claims swept of expired
// entries as it grows.
type memoryReplay struct {
	mu     sync.Mutex
	claims map[string]time.Time // key → expiry
	next   int                  // size at which to sweep
}

func newMemoryReplay() *memoryReplay {
	return &memoryReplay{claims: make(map[string]time.Time), next: 1024}
}

// Claim implements Replay.
func (m *memoryReplay) Claim(_ context.Context, key string, ttl time.Duration) (bool, error) {
	now := time.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	if exp, ok := m.claims[key]; ok && now.Before(exp) {
		return false, nil
	}
	if len(m.claims) >= m.next {
		for k, exp := range m.claims {
			if !now.Before(exp) {
				delete(m.claims, k)
			}
		}
		m.next = max(1024, 2*len(m.claims))
	}
	m.claims[key] = now.Add(ttl)
	return true, nil
}
