package main

import (
	"context"
	"fmt"

	"github.com/seedpod/seedpod/storage/cluster"
	"github.com/seedpod/seedpod/storage/cluster/natsbus"
)

// openBus returns the cluster Bus of this process: NATS when natsURL is
// set (several Seedpod processes sharing one MinIO share DPoP replay
// claims and change events through it), else the in-process one.
func openBus(ctx context.Context, natsURL string) (cluster.Bus, string, error) {
	if natsURL == "" {
		return cluster.NewLocal(), "in-process", nil
	}
	b, err := natsbus.Dial(ctx, natsURL, natsbus.Options{})
	if err != nil {
		return nil, "", fmt.Errorf("connecting to NATS at %s: %w", natsURL, err)
	}
	return b, "NATS", nil
}
