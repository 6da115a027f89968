package cluster_test

import (
	"context"
	"fmt"
	"time"

	"github.com/seedpod/seedpod/storage/cluster"
)

func ExampleLocal() {
	bus := cluster.NewLocal()
	defer bus.Close()
	ctx := context.Background()

	// A DPoP proof is accepted once: the second use of its jti is a replay.
	for range 2 {
		fresh, err := bus.Claim(ctx, "dpop:jti-4f2a", 5*time.Minute)
		fmt.Println("fresh proof:", fresh, err)
	}

	// Events: every subscriber of a matching pattern hears of a change.
	got := make(chan string)
	cancel, err := bus.Subscribe("changed.>", func(subject string, data []byte) {
		got <- subject + " " + string(data)
	})
	if err != nil {
		panic(err)
	}
	defer cancel()
	bus.Publish(ctx, "changed.alice", []byte("/alice/notes/"))
	fmt.Println(<-got)
	// Output:
	// fresh proof: true <nil>
	// fresh proof: false <nil>
	// changed.alice /alice/notes/
}
