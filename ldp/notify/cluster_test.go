package notify

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/seedpod/seedpod/storage/cluster"
	"github.com/seedpod/seedpod/storage/cluster/natsbus"
	"github.com/seedpod/seedpod/storage/cluster/natstest"
)

// TestTwoProcessesShareChannels runs two stacks over one storage and one
// in-process Bus: a channel made through one is served and removed
// through the other, and changes made through either reach sockets and
// webhooks wherever they are.
func TestTwoProcessesShareChannels(t *testing.T) {
	b := newBus()
	t.Cleanup(func() { b.Close() })
	testTwoProcesses(t, b, b)
}

// TestTwoProcessesShareChannelsOnNATS is the same with two connections to
// a real NATS server, as two Seedpod processes have.
func TestTwoProcessesShareChannelsOnNATS(t *testing.T) {
	srv := natstest.Start(t)
	opts := natsbus.Options{Namespace: natstest.Namespace()}
	var buses []cluster.Bus
	for range 2 {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		b, err := natsbus.Dial(ctx, srv.URL, opts)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		buses = append(buses, b)
	}
	testTwoProcesses(t, buses[0], buses[1])
}

func testTwoProcesses(t *testing.T, b1, b2 cluster.Bus) {
	st := newStore(t)
	rc := newReceiver(t)
	p1 := newStack(t, stackOpts{store: st, bus: b1, allow: []string{rc.URL}})
	p2 := newStack(t, stackOpts{store: st, bus: b2, allow: []string{rc.URL}})
	rc.jwksURL = p2.URL + "/.notifications/jwks"

	// Subscribe through process 1, connect to process 2.
	d := p1.wsSubscribe(t, alice, "/alice/x.txt")
	c := p2.dial(t, d["receiveFrom"].(string))
	p1.hookSubscribe(t, rc, "/alice/x.txt")

	// A change through process 1 reaches the socket on process 2.
	hdr := p1.mustDo(t, 201, alice, "PUT", "/alice/x.txt", "text/plain", "one")
	checkMessage(t, readJSON(t, c), "Create", testBase+"alice/x.txt", "", hdr.Get("ETag"))
	rc.wait(t, 1)
	// A change through process 2 too, and the webhook made through
	// process 1 is delivered by process 2, once.
	hdr = p2.mustDo(t, 204, alice, "PUT", "/alice/x.txt", "text/plain", "two")
	checkMessage(t, readJSON(t, c), "Update", testBase+"alice/x.txt", "", hdr.Get("ETag"))
	rc.wait(t, 1)
	got, errs, tries := rc.snapshot()
	if len(got) != 2 || tries != 2 || len(errs) > 0 {
		t.Fatalf("webhook got %d in %d tries, errors %v", len(got), tries, errs)
	}
	checkMessage(t, got[1], "Update", testBase+"alice/x.txt", "", hdr.Get("ETag"))
	// The keys that signed both are the same (one key in storage).

	// Unsubscribing through process 2 closes the socket on process 2
	// that process 1 created the channel for.
	p2.mustDo(t, 204, alice, "DELETE", strings.TrimPrefix(d["id"].(string), "http://pod.example"), "", "")
	closedByServer(t, c)
}
