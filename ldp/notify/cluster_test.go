package notify

import (
	"github.com/seedpod/seedpod/storage/cluster"
	"strings"
	"testing"
)

// TestTwoProcessesShareChannels runs two stacks over one storage and one
// Bus, as two Seedpod processes on one MinIO and one NATS: a channel made
// through one is served and removed through the other, and changes made
// through either reach sockets and webhooks wherever they are.
func TestTwoProcessesShareChannels(t *testing.T) {
	testTwoProcesses(t, newBus)
}

func testTwoProcesses(t *testing.T, bus func() cluster.Bus) {
	st := newStore(t)
	b := bus()
	t.Cleanup(func() { b.Close() })
	rc := newReceiver(t)
	p1 := newStack(t, stackOpts{store: st, bus: b, allow: []string{rc.URL}})
	p2 := newStack(t, stackOpts{store: st, bus: b, allow: []string{rc.URL}})
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
