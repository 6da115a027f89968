// Package cluster is what several Seedpod processes sharing one storage
// share besides it: short-lived claims (the DPoP replay cache) and events
// (storage changes for notifications and delivery).
//
// A process running alone uses Local. Processes sharing one MinIO are also
// given a NATS server and use the NATS implementation of the same Bus
// (package cluster/natsbus), so that a proof replayed against another
// process is refused and a change made through one process reaches
// subscribers connected to another.
package cluster

import (
	"context"
	"errors"
	"time"
)

// ErrClosed is returned by a Bus used after Close.
var ErrClosed = errors.New("cluster: bus closed")

// Bus carries claims and events between the processes of one deployment.
// Implementations are safe for concurrent use.
type Bus interface {
	// Claim records key for at least ttl. It reports true if this call
	// made the claim and false if key was already claimed, by any process
	// on the bus, less than ttl ago. Keys are arbitrary strings; an
	// implementation hashes them if its key syntax is narrower. An error
	// means the claim could not be checked: callers must treat it as a
	// refusal (fail closed).
	Claim(ctx context.Context, key string, ttl time.Duration) (bool, error)

	// Publish sends data to every current subscriber of subject, in every
	// process, the publishing one included. Subjects are dot-separated
	// tokens of [A-Za-z0-9_-]. Delivery is at most once and in publishing
	// order per publisher; a subscriber that is not connected misses it.
	Publish(ctx context.Context, subject string, data []byte) error

	// Subscribe calls fn for every message published to subject until
	// cancel is called. A final token ">" matches one or more remaining
	// tokens and "*" matches exactly one. fn runs on a goroutine of the
	// Bus, one message at a time per subscription; it must not block for
	// long. The data slice is fn's to keep.
	Subscribe(subject string, fn func(subject string, data []byte)) (cancel func(), err error)

	// Close releases the Bus. Subscriptions end; later calls return
	// ErrClosed.
	Close() error
}
