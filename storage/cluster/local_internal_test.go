package cluster

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"
)

// size returns how many claims l holds, expired or not.
func (l *Local) size() int {
	n := 0
	for i := range l.shards {
		sh := &l.shards[i]
		sh.mu.Lock()
		n += len(sh.claims)
		sh.mu.Unlock()
	}
	return n
}

// TestLocalClaimMemoryBounded claims a stream of unique keys, many more
// than live at any moment: the expired ones are swept, so the map stays
// near twice the live claims.
func TestLocalClaimMemoryBounded(t *testing.T) {
	l := NewLocal()
	defer l.Close()
	const ttl = 20 * time.Millisecond
	ctx := context.Background()
	start := time.Now()
	n := 0
	for time.Since(start) < 10*ttl || n < 100_000 {
		ok, err := l.Claim(ctx, "jti-"+strconv.Itoa(n), ttl)
		if err != nil || !ok {
			t.Fatalf("Claim = %v, %v", ok, err)
		}
		n++
	}
	rate := float64(n) / float64(time.Since(start)) // claims per ns
	live := int(rate * float64(ttl))
	bound := 2*live + claimShards*minSweep
	if size := l.size(); size > bound {
		t.Errorf("after %d claims (about %d live), the map holds %d, want at most %d", n, live, size, bound)
	}
	t.Logf("%d claims, about %d live, %d held", n, live, l.size())
}

// TestLocalSlowSubscriberDrops checks that a subscriber that does not keep
// up loses messages, counted, while publishers never wait for it.
func TestLocalSlowSubscriberDrops(t *testing.T) {
	l := NewLocal()
	defer l.Close()
	release := make(chan struct{})
	var mu sync.Mutex
	var got []string
	cancel, err := l.Subscribe("slow", func(_ string, data []byte) {
		<-release
		mu.Lock()
		got = append(got, string(data))
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	defer cancel()
	fast := make(chan []byte, 3*QueueLen)
	cancelFast, err := l.Subscribe("slow", func(_ string, data []byte) { fast <- data })
	if err != nil {
		t.Fatal(err)
	}
	defer cancelFast()
	const n = 3 * QueueLen
	for i := range n {
		if err := l.Publish(context.Background(), "slow", []byte(strconv.Itoa(i))); err != nil {
			t.Fatal(err)
		}
	}
	// The slow subscriber holds one message in fn and QueueLen queued;
	// the rest were dropped. The fast one may have dropped some too.
	if d := l.Dropped(); d < n-QueueLen-1 {
		t.Errorf("Dropped() = %d, want at least %d", d, n-QueueLen-1)
	}
	close(release)
	deadline := time.After(10 * time.Second)
	for {
		mu.Lock()
		m := len(got)
		mu.Unlock()
		if m >= QueueLen {
			break
		}
		select {
		case <-deadline:
			t.Fatalf("slow subscriber received %d messages, want %d", m, QueueLen)
		case <-time.After(10 * time.Millisecond):
		}
	}
	mu.Lock()
	defer mu.Unlock()
	// What it received is in order.
	for i := 1; i < len(got); i++ {
		a, _ := strconv.Atoi(got[i-1])
		b, _ := strconv.Atoi(got[i])
		if b <= a {
			t.Fatalf("received %s after %s", got[i], got[i-1])
		}
	}
}

// TestLocalCancelPrunes checks that cancelled subscriptions leave no
// nodes behind.
func TestLocalCancelPrunes(t *testing.T) {
	l := NewLocal()
	defer l.Close()
	var cancels []func()
	for _, p := range []string{"a.b.c", "a.*.c", "a.>", ">", "x.*.*.>"} {
		c, err := l.Subscribe(p, func(string, []byte) {})
		if err != nil {
			t.Fatal(err)
		}
		cancels = append(cancels, c)
	}
	for _, c := range cancels {
		c()
	}
	l.mu.RLock()
	defer l.mu.RUnlock()
	if !l.root.empty() || len(l.subs) != 0 {
		t.Errorf("after cancelling every subscription, the tree is %+v and %d subscriptions remain", l.root, len(l.subs))
	}
}
