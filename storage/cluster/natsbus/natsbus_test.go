package natsbus

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/seedpod/seedpod/storage/cluster"
	"github.com/seedpod/seedpod/storage/cluster/clustertest"
	"github.com/seedpod/seedpod/storage/cluster/natstest"
)

// srv is the NATS server of the package's tests; each test keeps to a
// namespace (and so a bucket) of its own.
var srv *natstest.Server

func TestMain(m *testing.M) {
	s, stop, err := natstest.StartMain()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	srv = s
	code := m.Run()
	stop()
	os.Exit(code)
}

// dial returns a Bus on s, closed when tb ends.
func dial(tb testing.TB, s *natstest.Server, opts Options) *Bus {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b, err := Dial(ctx, s.URL, opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { b.Close() })
	return b
}

// newPair returns two connections of one deployment, as two processes
// would have.
func newPair(tb testing.TB) []cluster.Bus {
	opts := Options{Namespace: natstest.Namespace()}
	return []cluster.Bus{dial(tb, srv, opts), dial(tb, srv, opts)}
}

func TestBus(t *testing.T) {
	clustertest.Run(t, newPair)
}

// TestBusMemory runs the suite on a bucket in the server's memory.
func TestBusMemory(t *testing.T) {
	clustertest.Run(t, func(tb testing.TB) []cluster.Bus {
		opts := Options{Namespace: natstest.Namespace(), Memory: true}
		return []cluster.Bus{dial(tb, srv, opts), dial(tb, srv, opts)}
	})
}

func BenchmarkBus(b *testing.B) {
	clustertest.Bench(b, newPair)
}

func BenchmarkBusMemory(b *testing.B) {
	clustertest.Bench(b, func(tb testing.TB) []cluster.Bus {
		opts := Options{Namespace: natstest.Namespace(), Memory: true}
		return []cluster.Bus{dial(tb, srv, opts), dial(tb, srv, opts)}
	})
}

func TestNamespacesKeepDeploymentsApart(t *testing.T) {
	a := dial(t, srv, Options{Namespace: natstest.Namespace()})
	b := dial(t, srv, Options{Namespace: natstest.Namespace()})
	ctx := context.Background()
	got := make(chan string, 10)
	for _, bus := range []*Bus{a, b} {
		cancel, err := bus.Subscribe(">", func(subject string, _ []byte) { got <- subject })
		if err != nil {
			t.Fatal(err)
		}
		defer cancel()
	}
	if err := a.Publish(ctx, "x.y", nil); err != nil {
		t.Fatal(err)
	}
	select {
	case s := <-got:
		if s != "x.y" {
			t.Errorf("subscriber received subject %q, want %q without the namespace", s, "x.y")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("message not received")
	}
	time.Sleep(200 * time.Millisecond)
	if len(got) != 0 {
		t.Errorf("a message crossed to the other namespace: %q", <-got)
	}
	for _, bus := range []*Bus{a, b} {
		if ok, err := bus.Claim(ctx, "k", time.Minute); err != nil || !ok {
			t.Errorf("Claim in its own namespace = %v, %v; want true", ok, err)
		}
	}
}

func TestDefaultNamespaceAndBucket(t *testing.T) {
	b := dial(t, srv, Options{})
	if b.ns != "seedpod." {
		t.Errorf("namespace = %q, want %q", b.ns, "seedpod.")
	}
	if name := b.kv.Bucket(); name != "seedpod_claims" {
		t.Errorf("bucket = %q, want seedpod_claims", name)
	}
	if !b.keyTTL {
		t.Error("nats-server has per-key TTLs, but the Bus does not use them")
	}
	o := dial(t, srv, Options{Namespace: "acme.pods."})
	if name := o.kv.Bucket(); name != "acme_pods_claims" {
		t.Errorf("bucket = %q, want acme_pods_claims", name)
	}
}

func TestDialRefusesBadNamespace(t *testing.T) {
	for _, ns := range []string{"seedpod", ".", "a..", "a b.", "*.", ">."} {
		b, err := Dial(context.Background(), srv.URL, Options{Namespace: ns})
		if err == nil {
			b.Close()
			t.Errorf("Dial with namespace %q succeeded", ns)
		}
	}
}

func TestDialUnreachable(t *testing.T) {
	s := natstest.Start(t)
	s.Stop()
	if b, err := Dial(context.Background(), s.URL, Options{}); err == nil {
		b.Close()
		t.Fatal("Dial to a stopped server succeeded")
	}
}

func TestRoundTTL(t *testing.T) {
	tests := []struct{ in, want time.Duration }{
		{time.Nanosecond, time.Second},
		{time.Second, time.Second},
		{time.Second + time.Nanosecond, 2 * time.Second},
		{1500 * time.Millisecond, 2 * time.Second},
		{5 * time.Minute, 5 * time.Minute},
	}
	for _, tt := range tests {
		if got := roundTTL(tt.in); got != tt.want {
			t.Errorf("roundTTL(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestHashKeyIsValidNATSKey(t *testing.T) {
	for _, k := range []string{"", "a.b", "a b", "*", ">", "\x00", strings.Repeat("x", 10000)} {
		h := hashKey(k)
		if len(h) != 43 || strings.ContainsFunc(h, func(r rune) bool {
			return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '-' || r == '_')
		}) {
			t.Errorf("hashKey(%q) = %q, not 43 characters of [A-Za-z0-9_-]", k, h)
		}
	}
}

// TestFallbackBucketTTL checks claims on a server without per-key TTLs:
// every claim lasts the bucket's FallbackTTL, and a longer ttl is an
// error.
func TestFallbackBucketTTL(t *testing.T) {
	const maxAge = 2 * time.Second
	opts := Options{Namespace: natstest.Namespace(), FallbackTTL: maxAge, noKeyTTL: true}
	a, b := dial(t, srv, opts), dial(t, srv, opts)
	if a.keyTTL {
		t.Fatal("noKeyTTL ignored")
	}
	ctx := context.Background()
	start := time.Now()
	if ok, err := a.Claim(ctx, "k", time.Second); err != nil || !ok {
		t.Fatalf("Claim = %v, %v; want true", ok, err)
	}
	if ok, err := b.Claim(ctx, "k", time.Second); err != nil || ok {
		t.Fatalf("second Claim = %v, %v; want false", ok, err)
	}
	if ok, err := b.Claim(ctx, "long", maxAge+time.Second); err == nil {
		t.Errorf("Claim with a ttl beyond FallbackTTL = %v, nil; want an error", ok)
	}
	for {
		ok, err := b.Claim(ctx, "k", time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			if d := time.Since(start); d < maxAge {
				t.Fatalf("claim taken again after %v, before FallbackTTL %v", d, maxAge)
			}
			break
		}
		if time.Since(start) > maxAge+10*time.Second {
			t.Fatal("claim never expired")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestServerRestart stops the NATS server under a Bus: Claim fails at once
// (callers fail closed), and after the restart, claims made before it
// still hold and subscriptions work again.
func TestServerRestart(t *testing.T) {
	s := natstest.Start(t)
	opts := Options{Namespace: natstest.Namespace()}
	a, b := dial(t, s, opts), dial(t, s, opts)
	ctx := context.Background()
	if ok, err := a.Claim(ctx, "before", time.Hour); err != nil || !ok {
		t.Fatalf("Claim = %v, %v; want true", ok, err)
	}
	got := make(chan string, 10)
	cancel, err := b.Subscribe("ev", func(_ string, data []byte) { got <- string(data) })
	if err != nil {
		t.Fatal(err)
	}
	defer cancel()

	s.Stop()
	deadline := time.Now().Add(30 * time.Second)
	for a.nc.IsConnected() {
		if time.Now().After(deadline) {
			t.Fatal("client did not notice the server stopped")
		}
		time.Sleep(10 * time.Millisecond)
	}
	start := time.Now()
	if ok, err := a.Claim(ctx, "during", time.Hour); err == nil || ok {
		t.Errorf("Claim with the server down = %v, %v; want an error", ok, err)
	}
	if _, err := a.Subscribe("ev", func(string, []byte) {}); err == nil {
		t.Error("Subscribe with the server down succeeded")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Claim and Subscribe with the server down took %v, want immediate errors", d)
	}

	s.Restart(t)
	deadline = time.Now().Add(30 * time.Second)
	for !a.nc.IsConnected() || !b.nc.IsConnected() {
		if time.Now().After(deadline) {
			t.Fatal("clients did not reconnect")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if ok, err := b.Claim(ctx, "before", time.Hour); err != nil || ok {
		t.Errorf("Claim of a key claimed before the restart = %v, %v; want false", ok, err)
	}
	if ok, err := b.Claim(ctx, "during", time.Hour); err != nil || !ok {
		t.Errorf("Claim after the restart = %v, %v; want true", ok, err)
	}
	// b's subscription was restored once b.nc reconnected; a flush of b
	// makes sure the server has it before a publishes.
	if err := b.nc.FlushTimeout(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	if err := a.Publish(ctx, "ev", []byte("after")); err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-got:
		if m != "after" {
			t.Errorf("received %q, want %q", m, "after")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("subscription not restored after the restart")
	}
}

// TestSlowSubscriberDrops checks that a subscriber that does not keep up
// loses messages, counted, while the publisher goes on.
func TestSlowSubscriberDrops(t *testing.T) {
	buses := newPair(t)
	a, b := buses[0].(*Bus), buses[1].(*Bus)
	release := make(chan struct{})
	cancel, err := b.Subscribe("slow", func(string, []byte) { <-release })
	if err != nil {
		t.Fatal(err)
	}
	defer close(release)
	defer cancel()
	ctx := context.Background()
	const n = 3 * cluster.QueueLen
	for range n {
		if err := a.Publish(ctx, "slow", []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for b.Dropped() < n-cluster.QueueLen-1 {
		if time.Now().After(deadline) {
			t.Fatalf("Dropped() = %d, want at least %d", b.Dropped(), n-cluster.QueueLen-1)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
