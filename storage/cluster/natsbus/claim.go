package natsbus

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/seedpod/seedpod/storage/cluster"
)

// errNotConnected is returned by Claim while the connection to NATS is
// down.
var errNotConnected = errors.New("natsbus: not connected to NATS")

// Claim implements cluster.Bus.
func (b *Bus) Claim(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	if b.closed.Load() {
		return false, cluster.ErrClosed
	}
	if ttl <= 0 {
		return false, errors.New("natsbus: claim ttl must be positive")
	}
	if !b.keyTTL && ttl > b.maxAge {
		return false, fmt.Errorf("natsbus: claim ttl %v is longer than the %v the server keeps claims (it has no per-key TTLs)", ttl, b.maxAge)
	}
	if !b.nc.IsConnected() {
		// Fail at once rather than wait for the reconnection.
		return false, errNotConnected
	}
	ctx, cancel := b.withTimeout(ctx)
	defer cancel()
	var opts []jetstream.KVCreateOpt
	if b.keyTTL {
		opts = append(opts, jetstream.KeyTTL(roundTTL(ttl)))
	}
	_, err := b.kv.Create(ctx, hashKey(key), nil, opts...)
	switch {
	case err == nil:
		return true, nil
	case taken(err):
		return false, nil
	case b.closed.Load():
		return false, cluster.ErrClosed
	}
	return false, fmt.Errorf("natsbus: claim: %w", err)
}

// roundTTL rounds ttl up to whole seconds, the unit of the server's
// per-message TTLs: it truncates, and refuses less than a second.
func roundTTL(ttl time.Duration) time.Duration {
	return (ttl + time.Second - 1).Truncate(time.Second)
}

// hashKey maps any string to a valid NATS key of 43 characters.
func hashKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// taken reports whether err from KeyValue.Create means that the key
// exists. Create reports ErrKeyExists, except when it raced another
// Create over the marker of an expired key: then the server's "wrong last
// sequence" comes back as it is.
func taken(err error) bool {
	if errors.Is(err, jetstream.ErrKeyExists) {
		return true
	}
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) &&
		(apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence ||
			apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant)
}
