package notify

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestInruptGateway follows @inrupt/solid-client-notifications 3.x: the
// gateway named at /.well-known/solid, negotiation, subscription, and a
// websocket with the solid-0.2 subprotocol receiving notifications.
func TestInruptGateway(t *testing.T) {
	s := newStack(t, stackOpts{})
	_, _, desc := s.do(t, "", "GET", "/.well-known/solid", "", "")
	if !strings.HasPrefix(desc, "@prefix") || !strings.Contains(desc, "solid:notificationGateway <http://pod.example/.notifications/gateway>") {
		t.Fatalf("server description:\n%s", desc)
	}
	st, _, body := s.do(t, alice, "POST", "/.notifications/gateway", "application/json", `{"protocols":["ws"],"features":[]}`)
	var neg struct{ Endpoint, Protocol string }
	if json.Unmarshal([]byte(body), &neg); st != 200 || neg.Protocol != "ws" || neg.Endpoint != "http://pod.example/.notifications/gateway/ws" {
		t.Fatalf("negotiation = %d %s", st, body)
	}
	if st, _, _ := s.do(t, alice, "POST", "/.notifications/gateway", "application/json", `{"protocols":["sse"]}`); st != 422 {
		t.Errorf("negotiation without ws = %d, want 422", st)
	}
	if st, _, _ := s.do(t, "", "POST", "/.notifications/gateway/ws", "application/json", `{"topic":"http://pod.example/alice/g.txt"}`); st != 401 {
		t.Errorf("anonymous subscription = %d, want 401", st)
	}
	if st, _, _ := s.do(t, bob, "POST", "/.notifications/gateway/ws", "application/json", `{"topic":"http://pod.example/alice/g.txt"}`); st != 403 {
		t.Errorf("subscription without Read = %d, want 403", st)
	}
	st, _, body = s.do(t, alice, "POST", "/.notifications/gateway/ws", "application/json", `{"topic":"http://pod.example/alice/g.txt","ttl":60}`)
	var info struct{ Endpoint, Protocol, Subprotocol string }
	if json.Unmarshal([]byte(body), &info); st != 200 || info.Subprotocol != "solid-0.2" || !strings.HasPrefix(info.Endpoint, "ws://pod.example/.notifications/socket/") {
		t.Fatalf("subscription = %d %s", st, body)
	}
	c := s.dial(t, info.Endpoint, "solid-0.2")
	if c.Subprotocol() != "solid-0.2" {
		t.Errorf("subprotocol = %q", c.Subprotocol())
	}
	hdr := s.mustDo(t, 201, alice, "PUT", "/alice/g.txt", "text/plain", "x")
	checkMessage(t, readJSON(t, c), "Create", testBase+"alice/g.txt", "", hdr.Get("ETag"))
}
