// Package natsbus is the cluster.Bus of Seedpod processes sharing one
// storage: claims live in a JetStream key-value bucket and events travel
// as core NATS messages, through one NATS server (or cluster) that every
// process of the deployment dials.
//
// # Claims
//
// A claim is a key created, create-only (KeyValue.Create), in the bucket
// Options.Bucket with a per-key TTL (nats-server 2.11 or later: the bucket
// is made with LimitMarkerTTL, which allows per-message TTLs). Of several
// processes creating one key at once, the server lets exactly one
// succeed. The server counts TTLs in whole seconds, so a ttl is rounded up
// to the next second (at least one). Keys are hashed (SHA-256, base64url)
// to fit the NATS key syntax. Claims are kept in files by default, so they
// survive a restart of the NATS server (Options.Memory trades that for
// speed).
//
// An older server cannot expire keys one by one. Dial then makes the
// bucket expire every key after Options.FallbackTTL instead (a stream
// MaxAge), and Claim refuses, with an error, a ttl longer than that; a
// claim then lasts FallbackTTL whatever its ttl, which is correct (claims
// last at least their ttl) but keeps keys longer.
//
// # Events
//
// Publish and Subscribe use core NATS subjects prefixed by
// Options.Namespace ("seedpod." by default), so several deployments can
// share a NATS server. Each subscription holds at most cluster.QueueLen
// messages for its fn; beyond that NATS drops them (counted by Dropped)
// rather than slowing anyone down. A message larger than the server's
// max_payload (1 MiB unless configured) is refused by Publish: events
// should name what changed, not carry it.
//
// # When NATS is unreachable
//
// Dial fails if it cannot reach the server. Once connected, the client
// reconnects for ever after losing the server (every two seconds, to any
// server of a cluster it has learnt of). Meanwhile:
//
//   - Claim returns an error at once, without waiting: callers refuse the
//     request (fail closed) rather than risk accepting a replay;
//   - Subscribe returns an error at once too, and Close does not wait;
//   - Publish buffers messages (up to 8 MiB, nats.go's ReconnectBufSize)
//     and sends them after reconnecting, and fails once the buffer is
//     full; the caller's operation has already happened, so an error
//     there only means an event is lost;
//   - existing subscriptions are restored on reconnection; messages
//     published while a process was cut off do not reach it.
package natsbus

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/seedpod/seedpod/storage/cluster"
)

// Options configure Dial. The zero value is good for one deployment per
// NATS server.
type Options struct {
	// Namespace prefixes every subject: one or more tokens followed by a
	// dot. Deployments sharing a NATS server need different namespaces.
	// The default is "seedpod.".
	Namespace string

	// Bucket names the key-value bucket that holds claims ([A-Za-z0-9_-]).
	// It is created, or its settings updated, by Dial. The default is the
	// namespace with dots made underscores followed by "claims":
	// "seedpod_claims".
	Bucket string

	// Memory keeps claims in the memory of the NATS server rather than in
	// its files: faster, but a restarted server forgets them, so a DPoP
	// proof used just before a restart could be used once more. The
	// setting of an existing bucket cannot be changed.
	Memory bool

	// Replicas is how many servers of a JetStream cluster keep each claim
	// (1 to 5). The default is 1.
	Replicas int

	// Timeout bounds each call to the server when the caller's context
	// has no earlier deadline. The default is 5 seconds.
	Timeout time.Duration

	// FallbackTTL is how long claims last on a server without per-key
	// TTLs (before 2.11); see the package comment. The default is 10
	// minutes.
	FallbackTTL time.Duration

	// NATS are further connection options, applied after Dial's own:
	// credentials (nats.UserCredentials, nats.Token), TLS (nats.Secure,
	// nats.RootCAs), a name for the server's monitoring (nats.Name).
	NATS []nats.Option

	// noKeyTTL makes Dial act as if the server had no per-key TTLs, so
	// tests can check the fallback against a current server.
	noKeyTTL bool
}

// Bus is a cluster.Bus on a NATS server. It is safe for concurrent use.
type Bus struct {
	nc      *nats.Conn
	kv      jetstream.KeyValue
	ns      string
	timeout time.Duration
	// keyTTL is true when the bucket expires each key after its own ttl;
	// otherwise every key lasts maxAge.
	keyTTL bool
	maxAge time.Duration

	closed  atomic.Bool
	mu      sync.Mutex
	subs    map[*subscription]struct{}
	dropped atomic.Uint64 // by cancelled subscriptions
}

var _ cluster.Bus = (*Bus)(nil)

// markerTTL is how long the bucket keeps the marker the server leaves when
// a claim expires (the shortest the server allows). Claims do not need
// markers, but the server needs a marker TTL to allow per-key TTLs.
const markerTTL = time.Second

// Dial connects to the NATS server at url (such as
// "nats://user:password@nats.internal:4222", or several URLs separated by
// commas) and prepares the claims bucket. The server must have JetStream
// enabled. ctx bounds the preparation; connecting is bounded by nats.go's
// own timeout (2 seconds, nats.Timeout to change it).
func Dial(ctx context.Context, url string, opts Options) (*Bus, error) {
	if opts.Namespace == "" {
		opts.Namespace = "seedpod."
	}
	ns, ok := strings.CutSuffix(opts.Namespace, ".")
	if !ok || cluster.CheckSubject(ns) != nil {
		return nil, fmt.Errorf("natsbus: namespace %q is not tokens of [A-Za-z0-9_-] each followed by a dot", opts.Namespace)
	}
	if opts.Bucket == "" {
		opts.Bucket = strings.ReplaceAll(ns, ".", "_") + "_claims"
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 5 * time.Second
	}
	if opts.FallbackTTL <= 0 {
		opts.FallbackTTL = 10 * time.Minute
	}
	nopts := append([]nats.Option{
		nats.Name("seedpod"),
		nats.MaxReconnects(-1),
		// Slow consumers are counted by Dropped; the default handler
		// would only print them.
		nats.ErrorHandler(func(*nats.Conn, *nats.Subscription, error) {}),
	}, opts.NATS...)
	nc, err := nats.Connect(url, nopts...)
	if err != nil {
		return nil, fmt.Errorf("natsbus: connecting: %w", err)
	}
	b := &Bus{
		nc:      nc,
		ns:      opts.Namespace,
		timeout: opts.Timeout,
		subs:    make(map[*subscription]struct{}),
	}
	if err := b.openBucket(ctx, opts); err != nil {
		nc.Close()
		return nil, err
	}
	return b, nil
}

// openBucket creates or updates the claims bucket, with per-key TTLs if
// the server has them.
func (b *Bus) openBucket(ctx context.Context, opts Options) error {
	js, err := jetstream.New(b.nc)
	if err != nil {
		return fmt.Errorf("natsbus: %w", err)
	}
	cfg := jetstream.KeyValueConfig{
		Bucket:      opts.Bucket,
		Description: "Seedpod claims (DPoP proof identifiers): create-only keys that expire",
		History:     1,
		Storage:     jetstream.FileStorage,
		Replicas:    opts.Replicas,
	}
	if opts.Memory {
		cfg.Storage = jetstream.MemoryStorage
	}
	ctx, cancel := b.withTimeout(ctx)
	defer cancel()
	if !opts.noKeyTTL {
		withTTL := cfg
		withTTL.LimitMarkerTTL = markerTTL
		b.kv, err = js.CreateOrUpdateKeyValue(ctx, withTTL)
		if err == nil {
			b.keyTTL = true
			return nil
		}
		if !errors.Is(err, jetstream.ErrLimitMarkerTTLNotSupported) {
			return fmt.Errorf("natsbus: claims bucket %s: %w", opts.Bucket, err)
		}
	}
	cfg.TTL = opts.FallbackTTL
	b.kv, err = js.CreateOrUpdateKeyValue(ctx, cfg)
	if err != nil {
		return fmt.Errorf("natsbus: claims bucket %s: %w", opts.Bucket, err)
	}
	b.maxAge = opts.FallbackTTL
	return nil
}

// withTimeout bounds ctx by the Bus's timeout.
func (b *Bus) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, b.timeout)
}

// Close implements cluster.Bus. If connected, it first sends what Publish
// has buffered, waiting up to the Bus's timeout.
func (b *Bus) Close() error {
	if b.closed.Swap(true) {
		return nil
	}
	if b.nc.IsConnected() {
		b.nc.FlushTimeout(b.timeout)
	}
	b.nc.Close()
	return nil
}

// Dropped returns how many messages were dropped so far because a
// subscription's queue was full (see cluster.QueueLen).
func (b *Bus) Dropped() uint64 {
	n := b.dropped.Load()
	b.mu.Lock()
	defer b.mu.Unlock()
	for s := range b.subs {
		if d, err := s.sub.Dropped(); err == nil {
			n += uint64(d)
		}
	}
	return n
}
