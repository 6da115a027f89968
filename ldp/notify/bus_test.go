package notify

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/seedpod/seedpod/storage/cluster"
)

// memBus is a minimal in-process cluster.Bus used until cluster.NewLocal
// is merged. TODO(notify): replace with cluster.NewLocal (#6).
type memBus struct {
	mu     sync.Mutex
	subs   map[*memSub]struct{}
	claims map[string]time.Time
	closed bool
}

type memSub struct {
	subject string
	fn      func(string, []byte)
	ch      chan [2]string
	done    chan struct{}
}

func newMemBus() cluster.Bus {
	return &memBus{subs: map[*memSub]struct{}{}, claims: map[string]time.Time{}}
}

func (b *memBus) Claim(_ context.Context, key string, ttl time.Duration) (bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if t, ok := b.claims[key]; ok && time.Now().Before(t) {
		return false, nil
	}
	b.claims[key] = time.Now().Add(ttl)
	return true, nil
}

func (b *memBus) Publish(_ context.Context, subject string, data []byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return cluster.ErrClosed
	}
	for s := range b.subs {
		if match(s.subject, subject) {
			select {
			case s.ch <- [2]string{subject, string(data)}:
			case <-s.done:
			}
		}
	}
	return nil
}

func match(pattern, subject string) bool {
	p, s := strings.Split(pattern, "."), strings.Split(subject, ".")
	for i, t := range p {
		if t == ">" {
			return len(s) > i
		}
		if i >= len(s) || (t != "*" && t != s[i]) {
			return false
		}
	}
	return len(p) == len(s)
}

func (b *memBus) Subscribe(subject string, fn func(string, []byte)) (func(), error) {
	s := &memSub{subject: subject, fn: fn, ch: make(chan [2]string, 1024), done: make(chan struct{})}
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil, cluster.ErrClosed
	}
	b.subs[s] = struct{}{}
	b.mu.Unlock()
	go func() {
		for {
			select {
			case m := <-s.ch:
				s.fn(m[0], []byte(m[1]))
			case <-s.done:
				return
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			b.mu.Lock()
			delete(b.subs, s)
			b.mu.Unlock()
			close(s.done)
		})
	}, nil
}

func (b *memBus) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	for s := range b.subs {
		delete(b.subs, s)
		close(s.done)
	}
	return nil
}
