// Package clustertest states the cluster.Bus contract as tests. Every
// implementation (cluster.Local, cluster/natsbus) calls Run from its own
// tests and is done when it passes; Bench gives the benchmarks every
// implementation reports.
//
// The suite sees a deployment through two Bus values that must behave as
// one: for Local, the same instance twice; for NATS, two connections to
// one server, standing for two Seedpod processes.
package clustertest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seedpod/seedpod/storage/cluster"
)

// wait bounds every wait for a message that should arrive.
const wait = 10 * time.Second

// quiet is how long a test waits to be fairly sure that a message that
// should not arrive does not.
const quiet = 200 * time.Millisecond

// Run runs the contract suite. newBus is called once per subtest and must
// return two fresh Bus values of one deployment, sharing nothing with
// those of other subtests; it should register their Close with
// tb.Cleanup. The same function serves Bench.
func Run(t *testing.T, newBus func(tb testing.TB) []cluster.Bus) {
	tests := []struct {
		name string
		fn   func(t *testing.T, a, b cluster.Bus)
	}{
		{"ClaimOnce", testClaimOnce},
		{"ClaimKeys", testClaimKeys},
		{"ClaimExpires", testClaimExpires},
		{"ClaimBadTTL", testClaimBadTTL},
		{"ClaimRace", testClaimRace},
		{"ClaimRaceAfterExpiry", testClaimRaceAfterExpiry},
		{"PublishReachesAll", testPublishReachesAll},
		{"Wildcards", testWildcards},
		{"InvalidSubjects", testInvalidSubjects},
		{"Order", testOrder},
		{"DataIsSubscribers", testDataIsSubscribers},
		{"Cancel", testCancel},
		{"CancelFromCallback", testCancelFromCallback},
		{"Close", testClose},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			buses := newBus(t)
			if len(buses) != 2 {
				t.Fatalf("newBus returned %d buses, want 2", len(buses))
			}
			tt.fn(t, buses[0], buses[1])
		})
	}
}

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func mustClaim(t *testing.T, b cluster.Bus, key string, ttl time.Duration, want bool) {
	t.Helper()
	got, err := b.Claim(ctxFor(t), key, ttl)
	if err != nil {
		t.Fatalf("Claim(%q, %v): %v", key, ttl, err)
	}
	if got != want {
		t.Fatalf("Claim(%q, %v) = %v, want %v", key, ttl, got, want)
	}
}

func testClaimOnce(t *testing.T, a, b cluster.Bus) {
	mustClaim(t, a, "jti-1", time.Minute, true)
	mustClaim(t, a, "jti-1", time.Minute, false)
	mustClaim(t, b, "jti-1", time.Minute, false)
	mustClaim(t, b, "jti-2", time.Minute, true)
	mustClaim(t, a, "jti-2", time.Minute, false)
}

// testClaimKeys claims keys that differ only in ways a careless hash or
// escape would merge, and keys no key syntax allows.
func testClaimKeys(t *testing.T, a, b cluster.Bus) {
	keys := []string{
		"", "a", "A", "a.b", "a/b", "a b", "a\x00b", "a*", "a>", "ü", "\xff\xfe",
		"https://example.org/proof#1", string(make([]byte, 4096)),
	}
	for _, k := range keys {
		mustClaim(t, a, k, time.Minute, true)
	}
	for _, k := range keys {
		mustClaim(t, b, k, time.Minute, false)
	}
}

func testClaimExpires(t *testing.T, a, b cluster.Bus) {
	const ttl = time.Second
	start := time.Now()
	mustClaim(t, a, "short", ttl, true)
	mustClaim(t, a, "long", time.Hour, true)
	// Until ttl has passed, the claim holds; some time after, it is gone.
	for {
		ok, err := b.Claim(ctxFor(t), "short", ttl)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			if d := time.Since(start); d < ttl {
				t.Fatalf("claim with ttl %v taken again after %v", ttl, d)
			}
			break
		}
		if d := time.Since(start); d > ttl+wait {
			t.Fatalf("claim with ttl %v still held after %v", ttl, d)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The new claim holds in turn, and the long one was not disturbed.
	mustClaim(t, a, "short", ttl, false)
	mustClaim(t, b, "long", time.Hour, false)
}

func testClaimBadTTL(t *testing.T, a, b cluster.Bus) {
	for _, ttl := range []time.Duration{0, -time.Second} {
		if ok, err := a.Claim(ctxFor(t), "k", ttl); err == nil || ok {
			t.Errorf("Claim(k, %v) = %v, %v; want an error", ttl, ok, err)
		}
	}
	mustClaim(t, b, "k", time.Minute, true)
}

// testClaimRace claims each of many keys from both buses at once: exactly
// one claim of each key wins.
func testClaimRace(t *testing.T, a, b cluster.Bus) {
	const keys = 200
	var wins [keys]atomic.Int32
	var wg sync.WaitGroup
	errs := make(chan error, 2*keys)
	for _, bus := range []cluster.Bus{a, b} {
		for i := range keys {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := bus.Claim(ctxFor(t), "race-"+strconv.Itoa(i), time.Minute)
				if err != nil {
					errs <- err
					return
				}
				if ok {
					wins[i].Add(1)
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for i := range keys {
		if n := wins[i].Load(); n != 1 {
			t.Errorf("key race-%d: %d claims won, want 1", i, n)
		}
	}
}

// testClaimRaceAfterExpiry races claims of keys that have just expired,
// which an implementation may still hold in some form (an expired entry
// not yet swept, a delete marker): only one claim of each may win.
func testClaimRaceAfterExpiry(t *testing.T, a, b cluster.Bus) {
	const keys = 50
	const ttl = time.Second
	for i := range keys {
		mustClaim(t, a, "again-"+strconv.Itoa(i), ttl, true)
	}
	// Claimed last, the sentinel expires last: once it is free, so are
	// the others, or nearly.
	mustClaim(t, a, "sentinel", ttl, true)
	start := time.Now()
	for {
		ok, err := b.Claim(ctxFor(t), "sentinel", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			break
		}
		if time.Since(start) > ttl+wait {
			t.Fatal("claim never expired")
		}
		time.Sleep(20 * time.Millisecond)
	}
	var wins [keys]atomic.Int32
	var wg sync.WaitGroup
	for _, bus := range []cluster.Bus{a, b, a, b} {
		for i := range keys {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := bus.Claim(ctxFor(t), "again-"+strconv.Itoa(i), time.Minute)
				if err != nil {
					t.Error(err)
				}
				if ok {
					wins[i].Add(1)
				}
			}()
		}
	}
	wg.Wait()
	total := 0
	for i := range keys {
		n := int(wins[i].Load())
		if n > 1 {
			t.Errorf("key again-%d: %d claims won, want 1", i, n)
		}
		total += n
	}
	if total == 0 {
		t.Error("no expired key could be claimed again")
	}
}

// recorder collects what a subscription receives.
type recorder struct {
	mu   sync.Mutex
	msgs []string // "subject data"
	more chan struct{}
}

func newRecorder() *recorder {
	return &recorder{more: make(chan struct{}, 1)}
}

func (r *recorder) fn(subject string, data []byte) {
	r.mu.Lock()
	r.msgs = append(r.msgs, subject+" "+string(data))
	r.mu.Unlock()
	select {
	case r.more <- struct{}{}:
	default:
	}
}

func (r *recorder) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.msgs)
}

// waitFor waits until r has received n messages and returns them.
func (r *recorder) waitFor(t *testing.T, n int) []string {
	t.Helper()
	deadline := time.After(wait)
	for {
		if got := r.got(); len(got) >= n {
			return got
		}
		select {
		case <-r.more:
		case <-deadline:
			t.Fatalf("received %q, want %d messages", r.got(), n)
		}
	}
}

func subscribe(t *testing.T, b cluster.Bus, pattern string) *recorder {
	t.Helper()
	r := newRecorder()
	cancel, err := b.Subscribe(pattern, r.fn)
	if err != nil {
		t.Fatalf("Subscribe(%q): %v", pattern, err)
	}
	t.Cleanup(cancel)
	return r
}

func publish(t *testing.T, b cluster.Bus, subject, data string) {
	t.Helper()
	if err := b.Publish(ctxFor(t), subject, []byte(data)); err != nil {
		t.Fatalf("Publish(%q): %v", subject, err)
	}
}

func testPublishReachesAll(t *testing.T, a, b cluster.Bus) {
	ra := subscribe(t, a, "pod.changed")
	rb := subscribe(t, b, "pod.changed")
	publish(t, a, "pod.changed", "from a")
	publish(t, b, "pod.changed", "from b")
	for _, r := range []*recorder{ra, rb} {
		got := r.waitFor(t, 2)
		slices.Sort(got)
		if want := []string{"pod.changed from a", "pod.changed from b"}; !slices.Equal(got, want) {
			t.Errorf("received %q, want %q", got, want)
		}
	}
}

func testWildcards(t *testing.T, a, b cluster.Bus) {
	patterns := []string{"x.y.z", "x.*.z", "x.>", "x.y.>", "*.y.*", ">", "x.*", "y.>", "x.*.z.>"}
	subjects := []string{"x.y.z", "x.q.z", "x.y", "x.y.z.w", "y.y.y", "x", "x.y.q"}
	recs := make(map[string]*recorder)
	for i, p := range patterns {
		bus := []cluster.Bus{a, b}[i%2]
		recs[p] = subscribe(t, bus, p)
	}
	for i, s := range subjects {
		publish(t, []cluster.Bus{a, b}[i%2], s, "")
	}
	wants := make(map[string][]string)
	for _, p := range patterns {
		for _, s := range subjects {
			if cluster.Match(p, s) {
				wants[p] = append(wants[p], s+" ")
			}
		}
		recs[p].waitFor(t, len(wants[p]))
	}
	time.Sleep(quiet) // for any message that should not arrive
	for _, p := range patterns {
		got, want := recs[p].got(), wants[p]
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("pattern %q received %q, want %q", p, got, want)
		}
	}
}

func testInvalidSubjects(t *testing.T, a, b cluster.Bus) {
	for _, s := range []string{"", ".", "a.", ".a", "a..b", "a b", "a.*", "a.>", "ü", "a\x00"} {
		if err := a.Publish(ctxFor(t), s, nil); !errors.Is(err, cluster.ErrInvalidSubject) {
			t.Errorf("Publish(%q) = %v, want ErrInvalidSubject", s, err)
		}
	}
	for _, p := range []string{"", "a..b", "a.>.b", ">.a", "a*", "a>", "a b"} {
		if _, err := b.Subscribe(p, func(string, []byte) {}); !errors.Is(err, cluster.ErrInvalidSubject) {
			t.Errorf("Subscribe(%q) = %v, want ErrInvalidSubject", p, err)
		}
	}
}

func testOrder(t *testing.T, a, b cluster.Bus) {
	const n = 500 // less than cluster.QueueLen: nothing is dropped
	ra := subscribe(t, a, "order.*")
	rb := subscribe(t, b, "order.>")
	var wg sync.WaitGroup
	for _, pub := range []struct {
		bus  cluster.Bus
		name string
	}{{a, "a"}, {b, "b"}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range n {
				if err := pub.bus.Publish(context.Background(), "order."+pub.name, []byte(strconv.Itoa(i))); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, r := range []*recorder{ra, rb} {
		got := r.waitFor(t, 2*n)
		next := map[string]int{}
		for _, m := range got {
			var subject string
			var i int
			if _, err := fmt.Sscanf(m, "%s %d", &subject, &i); err != nil {
				t.Fatalf("message %q: %v", m, err)
			}
			if i != next[subject] {
				t.Fatalf("received %s %d, want %d: messages of one publisher out of order", subject, i, next[subject])
			}
			next[subject]++
		}
	}
}

// testDataIsSubscribers checks that neither the publisher reusing its
// buffer nor one subscriber changing its data affects another subscriber.
func testDataIsSubscribers(t *testing.T, a, b cluster.Bus) {
	got := make(chan []byte, 4)
	fn := func(_ string, data []byte) {
		got <- data
	}
	for _, bus := range []cluster.Bus{a, a, b} {
		cancel, err := bus.Subscribe("data", fn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(cancel)
	}
	buf := []byte("hello")
	if err := a.Publish(ctxFor(t), "data", buf); err != nil {
		t.Fatal(err)
	}
	copy(buf, "XXXXX")
	for range 3 {
		select {
		case data := <-got:
			if string(data) != "hello" {
				t.Fatalf("received %q, want %q", data, "hello")
			}
			copy(data, "YYYYY")
		case <-time.After(wait):
			t.Fatal("message not received")
		}
	}
}

func testCancel(t *testing.T, a, b cluster.Bus) {
	for _, pub := range []cluster.Bus{a, b} {
		r := newRecorder()
		cancel, err := a.Subscribe("cancel", r.fn)
		if err != nil {
			t.Fatal(err)
		}
		marker := subscribe(t, a, "cancel")
		publish(t, pub, "cancel", "1")
		r.waitFor(t, 1)
		marker.waitFor(t, 1)
		cancel()
		cancel() // harmless
		publish(t, pub, "cancel", "2")
		marker.waitFor(t, 2)
		time.Sleep(quiet)
		if got := r.got(); len(got) != 1 {
			t.Errorf("after cancel, received %q, want only the first message", got)
		}
	}
}

func testCancelFromCallback(t *testing.T, a, b cluster.Bus) {
	var cancel func()
	var calls atomic.Int32
	ready := make(chan struct{})
	cancel, err := a.Subscribe("once", func(string, []byte) {
		<-ready
		calls.Add(1)
		cancel()
	})
	if err != nil {
		t.Fatal(err)
	}
	close(ready)
	marker := subscribe(t, a, "once")
	for range 3 {
		publish(t, b, "once", "")
	}
	marker.waitFor(t, 3)
	time.Sleep(quiet)
	if n := calls.Load(); n != 1 {
		t.Errorf("fn called %d times, want 1 (it cancels itself)", n)
	}
}

func testClose(t *testing.T, a, b cluster.Bus) {
	r := newRecorder()
	if _, err := a.Subscribe("closing", r.fn); err != nil {
		t.Fatal(err)
	}
	marker := subscribe(t, b, "closing")
	if err := a.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := a.Close(); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
	if _, err := a.Claim(ctxFor(t), "k", time.Minute); !errors.Is(err, cluster.ErrClosed) {
		t.Errorf("Claim after Close = %v, want ErrClosed", err)
	}
	if err := a.Publish(ctxFor(t), "closing", nil); !errors.Is(err, cluster.ErrClosed) {
		t.Errorf("Publish after Close = %v, want ErrClosed", err)
	}
	if _, err := a.Subscribe("closing", r.fn); !errors.Is(err, cluster.ErrClosed) {
		t.Errorf("Subscribe after Close = %v, want ErrClosed", err)
	}
	if a == b {
		return // one instance: nothing is left to publish with
	}
	// The other process carries on; the closed one hears nothing more.
	publish(t, b, "closing", "after")
	marker.waitFor(t, 1)
	time.Sleep(quiet)
	if got := r.got(); len(got) != 0 {
		t.Errorf("closed bus received %q", got)
	}
	mustClaim(t, b, "k", time.Minute, true)
}
