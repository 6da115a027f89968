// Package cluster is what several Seedpod processes sharing one storage
// share besides it: short-lived claims (the DPoP replay cache) and events
// (storage changes for notifications and delivery).
//
// A process running alone uses Local. Processes sharing one MinIO are also
// given a NATS server and use the NATS implementation of the same Bus
// (package cluster/natsbus), so that a proof replayed against another
// process is refused and a change made through one process reaches
// subscribers connected to another. Package cluster/clustertest states the
// Bus contract as tests that both implementations pass.
package cluster

import (
	"context"
	"errors"
	"time"
)

// ErrClosed is returned by a Bus used after Close.
var ErrClosed = errors.New("cluster: bus closed")

// QueueLen is how many messages a subscription holds for its fn. When fn
// falls this far behind, further messages for it are dropped (and
// counted) rather than making publishers wait: a slow subscriber never
// slows the request that published an event.
const QueueLen = 1024

// Bus carries claims and events between the processes of one deployment.
// Implementations are safe for concurrent use.
type Bus interface {
	// Claim records key for at least ttl. It reports true if this call
	// made the claim and false if key was already claimed, by any process
	// on the bus, and the claim still holds. A claim holds for ttl, or
	// somewhat longer (natsbus rounds ttl up to whole seconds), never
	// less. Of several concurrent calls for one key, exactly one reports
	// true. Keys are arbitrary strings, which callers begin with their
	// purpose ("dpop:" + jti) so that claims of different kinds never
	// meet; an implementation hashes them if its key syntax is narrower.
	// A ttl that is not positive is an error. An error means the claim
	// could not be checked: callers must treat it as a refusal (fail
	// closed).
	Claim(ctx context.Context, key string, ttl time.Duration) (bool, error)

	// Publish sends data to every current subscriber of subject, in every
	// process, the publishing one included. Subjects are dot-separated
	// tokens of [A-Za-z0-9_-] (see CheckSubject); an invalid subject is
	// an error. Delivery is at most once and in publishing order per
	// publisher; a subscriber that is not connected, or whose queue is
	// full (QueueLen), misses it. Publish does not wait for delivery, and
	// data may be reused by the caller once it returns.
	Publish(ctx context.Context, subject string, data []byte) error

	// Subscribe calls fn for every message published to a subject that
	// matches pattern, until cancel is called. A final token ">" matches
	// one or more remaining tokens and "*" matches exactly one (see
	// CheckPattern). When Subscribe returns, the subscription is in place
	// in every process: a message published afterwards reaches it. fn
	// runs on a goroutine of the Bus, one message at a time per
	// subscription; it must not block for long (see QueueLen). The data
	// slice is fn's to keep. After cancel returns, fn is not called again,
	// except that a call already under way may finish; cancel may be
	// called from fn, and more than once.
	Subscribe(pattern string, fn func(subject string, data []byte)) (cancel func(), err error)

	// Close releases the Bus. Subscriptions end (without waiting for a
	// call of fn under way); later calls of the other methods return
	// ErrClosed, and of Close nil.
	Close() error
}
