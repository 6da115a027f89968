package clustertest

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seedpod/seedpod/storage/cluster"
)

// Bench runs the benchmarks every implementation reports, on buses from
// newBus as for Run:
//
//   - Claim: claims of fresh keys from parallel goroutines (8 per CPU,
//     as many requests are under way at once), as every authenticated
//     request claims its DPoP proof's jti;
//   - ClaimOne: claims of fresh keys one at a time (the latency a request
//     sees);
//   - ClaimTaken: claims of a key already claimed (a replayed proof);
//   - Publish: publishing to a subject with one subscriber, without
//     waiting for delivery;
//   - PublishReceive: from publishing on one bus to fn running for a
//     subscriber on the other, one message at a time (the latency of an
//     event crossing the deployment).
func Bench(b *testing.B, newBus func(tb testing.TB) []cluster.Bus) {
	b.Run("Claim", func(b *testing.B) {
		buses := newBus(b)
		var n atomic.Uint64
		ctx := context.Background()
		b.ReportAllocs()
		b.SetParallelism(8)
		b.RunParallel(func(pb *testing.PB) {
			g := n.Add(1)
			bus := buses[g%2]
			prefix := "bench-" + strconv.FormatUint(g, 10) + "-"
			for i := 0; pb.Next(); i++ {
				ok, err := bus.Claim(ctx, prefix+strconv.Itoa(i), time.Minute)
				if err != nil || !ok {
					b.Fatalf("Claim = %v, %v; want true", ok, err)
				}
			}
		})
	})
	b.Run("ClaimOne", func(b *testing.B) {
		buses := newBus(b)
		ctx := context.Background()
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			ok, err := buses[i%2].Claim(ctx, "one-"+strconv.Itoa(i), time.Minute)
			if err != nil || !ok {
				b.Fatalf("Claim = %v, %v; want true", ok, err)
			}
		}
	})
	b.Run("ClaimTaken", func(b *testing.B) {
		buses := newBus(b)
		ctx := context.Background()
		if ok, err := buses[0].Claim(ctx, "taken", time.Hour); err != nil || !ok {
			b.Fatalf("Claim = %v, %v; want true", ok, err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if ok, err := buses[1].Claim(ctx, "taken", time.Hour); err != nil || ok {
				b.Fatalf("Claim = %v, %v; want false", ok, err)
			}
		}
	})
	b.Run("Publish", func(b *testing.B) {
		buses := newBus(b)
		cancel, err := buses[1].Subscribe("bench.publish", func(string, []byte) {})
		if err != nil {
			b.Fatal(err)
		}
		defer cancel()
		ctx := context.Background()
		data := make([]byte, 200)
		b.ReportAllocs()
		for b.Loop() {
			if err := buses[0].Publish(ctx, "bench.publish", data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("PublishReceive", func(b *testing.B) {
		buses := newBus(b)
		got := make(chan struct{})
		cancel, err := buses[1].Subscribe("bench.latency", func(string, []byte) { got <- struct{}{} })
		if err != nil {
			b.Fatal(err)
		}
		defer cancel()
		ctx := context.Background()
		data := make([]byte, 200)
		b.ReportAllocs()
		for b.Loop() {
			if err := buses[0].Publish(ctx, "bench.latency", data); err != nil {
				b.Fatal(err)
			}
			select {
			case <-got:
			case <-time.After(wait):
				b.Fatal("message not received")
			}
		}
	})
}
