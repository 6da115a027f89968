package natsbus

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/nats-io/nats.go"

	"github.com/seedpod/seedpod/storage/cluster"
)

// pendingBytes bounds the bytes a subscription holds for its fn, next to
// cluster.QueueLen messages.
const pendingBytes = 64 << 20

// subscription is one Subscribe of a Bus.
type subscription struct {
	sub      *nats.Subscription
	canceled atomic.Bool
	once     sync.Once
}

// Publish implements cluster.Bus.
func (b *Bus) Publish(ctx context.Context, subject string, data []byte) error {
	if b.closed.Load() {
		return cluster.ErrClosed
	}
	if err := cluster.CheckSubject(subject); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := b.nc.Publish(b.ns+subject, data); err != nil {
		if errors.Is(err, nats.ErrConnectionClosed) && b.closed.Load() {
			return cluster.ErrClosed
		}
		return fmt.Errorf("natsbus: publish: %w", err)
	}
	return nil
}

// Subscribe implements cluster.Bus. It waits, up to the Bus's timeout,
// until the server has the subscription.
func (b *Bus) Subscribe(pattern string, fn func(subject string, data []byte)) (cancel func(), err error) {
	if b.closed.Load() {
		return nil, cluster.ErrClosed
	}
	if err := cluster.CheckPattern(pattern); err != nil {
		return nil, err
	}
	if !b.nc.IsConnected() {
		// Fail at once rather than wait for the reconnection.
		return nil, errNotConnected
	}
	s := &subscription{}
	// nats.go gives each message its own copy of the data, and calls the
	// handler of one subscription on one goroutine, in order.
	s.sub, err = b.nc.Subscribe(b.ns+pattern, func(m *nats.Msg) {
		if s.canceled.Load() {
			return
		}
		fn(strings.TrimPrefix(m.Subject, b.ns), m.Data)
	})
	if err != nil {
		if b.closed.Load() {
			return nil, cluster.ErrClosed
		}
		return nil, fmt.Errorf("natsbus: subscribe: %w", err)
	}
	if err := s.sub.SetPendingLimits(cluster.QueueLen, pendingBytes); err != nil {
		s.sub.Unsubscribe()
		return nil, fmt.Errorf("natsbus: subscribe: %w", err)
	}
	b.mu.Lock()
	b.subs[s] = struct{}{}
	b.mu.Unlock()
	// Wait for the server's answer to a PING sent after the SUB: then it
	// has the subscription, and a message published after we return, by
	// any process, reaches it.
	if err := b.nc.FlushTimeout(b.timeout); err != nil {
		b.cancel(s)
		if b.closed.Load() {
			return nil, cluster.ErrClosed
		}
		return nil, fmt.Errorf("natsbus: subscribe: %w", err)
	}
	return func() { b.cancel(s) }, nil
}

// cancel ends s, counting what it dropped.
func (b *Bus) cancel(s *subscription) {
	s.once.Do(func() {
		s.canceled.Store(true)
		b.mu.Lock()
		delete(b.subs, s)
		if d, err := s.sub.Dropped(); err == nil {
			b.dropped.Add(uint64(d))
		}
		b.mu.Unlock()
		s.sub.Unsubscribe()
	})
}
