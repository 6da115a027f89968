package notify

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

func TestWebSocketChannelReceivesCreateUpdateDelete(t *testing.T) {
	s := newStack(t, stackOpts{})
	c, d := s.connect(t, alice, "/alice/doc.ttl")
	if d["type"] != typeWebSocket || d["topic"] != testBase+"alice/doc.ttl" {
		t.Fatalf("channel = %v", d)
	}
	id, _ := d["id"].(string)
	if !strings.HasPrefix(id, testBase+".notifications/WebSocketChannel2023/") {
		t.Errorf("id = %q", id)
	}
	rf, _ := d["receiveFrom"].(string)
	if !strings.HasPrefix(rf, "ws://pod.example/.notifications/socket/") || len(rf) < 80 {
		t.Errorf("receiveFrom = %q, want a ws capability URL", rf)
	}
	if _, ok := d["endAt"].(string); !ok {
		t.Errorf("endAt missing: %v", d)
	}

	hdr := s.mustDo(t, 201, alice, "PUT", "/alice/doc.ttl", "text/turtle", "<#a> <#b> 1 .")
	m := readJSON(t, c)
	checkMessage(t, m, "Create", testBase+"alice/doc.ttl", "", hdr.Get("ETag"))

	hdr = s.mustDo(t, 204, alice, "PUT", "/alice/doc.ttl", "text/turtle", "<#a> <#b> 2 .")
	m2 := readJSON(t, c)
	checkMessage(t, m2, "Update", testBase+"alice/doc.ttl", "", hdr.Get("ETag"))
	if m2["id"] == m["id"] {
		t.Errorf("two notifications share id %v", m["id"])
	}

	s.mustDo(t, 204, alice, "DELETE", "/alice/doc.ttl", "", "")
	m3 := readJSON(t, c)
	checkMessage(t, m3, "Delete", testBase+"alice/doc.ttl", "", "")
}

// checkMessage checks a notification's shape (Notifications Protocol §7).
func checkMessage(t *testing.T, m map[string]any, typ, object, target, state string) {
	t.Helper()
	ctx, _ := m["@context"].([]any)
	if len(ctx) != 2 || ctx[0] != "https://www.w3.org/ns/activitystreams" || ctx[1] != "https://www.w3.org/ns/solid/notification/v1" {
		t.Errorf("@context = %v", m["@context"])
	}
	if id, _ := m["id"].(string); !strings.HasPrefix(id, "urn:uuid:") {
		t.Errorf("id = %v", m["id"])
	}
	if m["type"] != typ || m["object"] != object {
		t.Errorf("type, object = %v, %v; want %s, %s", m["type"], m["object"], typ, object)
	}
	if got, _ := m["target"].(string); got != target {
		t.Errorf("target = %q, want %q", got, target)
	}
	if got, _ := m["state"].(string); got != state {
		t.Errorf("state = %q, want %q", got, state)
	}
	p, _ := m["published"].(string)
	if _, err := time.Parse(time.RFC3339Nano, p); err != nil {
		t.Errorf("published = %q: %v", p, err)
	}
}

func TestContainerChannelGetsAddAndRemove(t *testing.T) {
	s := newStack(t, stackOpts{})
	s.mustDo(t, 201, alice, "PUT", "/alice/c/", "text/turtle", "")
	c, _ := s.connect(t, alice, "/alice/c/")
	s.mustDo(t, 201, alice, "PUT", "/alice/c/x.txt", "text/plain", "hi")
	checkMessage(t, readJSON(t, c), "Add", testBase+"alice/c/x.txt", testBase+"alice/c/", "")
	// An update of a child does not change the container.
	s.mustDo(t, 204, alice, "PUT", "/alice/c/x.txt", "text/plain", "hello")
	s.mustDo(t, 204, alice, "DELETE", "/alice/c/x.txt", "", "")
	checkMessage(t, readJSON(t, c), "Remove", testBase+"alice/c/x.txt", testBase+"alice/c/", "")
}

func TestStateFeatureSendsCurrentStateOnConnect(t *testing.T) {
	s := newStack(t, stackOpts{})
	hdr := s.mustDo(t, 201, alice, "PUT", "/alice/s.txt", "text/plain", "v1")
	// The client knows the current state: nothing is sent.
	c, _ := s.connect(t, alice, "/alice/s.txt", "state", hdr.Get("ETag"))
	// A client with an old state is told at once.
	c2, d := s.connect(t, alice, "/alice/s.txt", "state", `"old"`)
	if d["state"] != `"old"` {
		t.Errorf("state = %v", d["state"])
	}
	checkMessage(t, readJSON(t, c2), "Update", testBase+"alice/s.txt", "", hdr.Get("ETag"))
	quiet(t, c, 200*time.Millisecond)
}

func TestDeleteChannel(t *testing.T) {
	s := newStack(t, stackOpts{})
	c, d := s.connect(t, alice, "/alice/doc.txt")
	path := strings.TrimPrefix(d["id"].(string), testBase[:len(testBase)-1])
	s.mustDo(t, 401, "", "DELETE", path, "", "")
	s.mustDo(t, 403, bob, "DELETE", path, "", "")
	s.mustDo(t, 200, alice, "GET", path, "", "")
	s.mustDo(t, 204, alice, "DELETE", path, "", "")
	s.mustDo(t, 404, alice, "DELETE", path, "", "")
	// The socket is closed, and its URL no longer opens.
	closedByServer(t, c)
	st, _, _ := s.do(t, "", "GET", strings.TrimPrefix(d["receiveFrom"].(string), "ws://pod.example"), "", "")
	if st != 404 {
		t.Errorf("GET receiveFrom after DELETE = %d, want 404", st)
	}
}

// closedByServer expects the server to close c (within 5 s).
func closedByServer(t *testing.T, c *websocket.Conn) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, b, err := c.Read(ctx)
	if err == nil {
		t.Fatalf("got %q, want the socket closed", b)
	}
	if websocket.CloseStatus(err) == -1 {
		t.Fatalf("read: %v, want a close frame from the server", err)
	}
}

func TestSubscribeErrors(t *testing.T) {
	s := newStack(t, stackOpts{})
	s.mustDo(t, 201, alice, "PUT", "/alice/private.txt", "text/plain", "x")
	ws := `"type":"http://www.w3.org/ns/solid/notifications#WebSocketChannel2023"`
	tests := []struct {
		name, webID, service, ct, body string
		want                           int
		msg                            string
	}{
		{"anonymous", "", "WebSocketChannel2023", "application/ld+json", `{` + ws + `,"topic":"http://pod.example/alice/private.txt"}`, 401, "log in"},
		{"turtle-less content type", alice, "WebSocketChannel2023", "text/plain", `x`, 415, "ld+json"},
		{"no content type", alice, "WebSocketChannel2023", "", `{}`, 415, "ld+json"},
		{"bad JSON", alice, "WebSocketChannel2023", "application/ld+json", `{"type":`, 400, "not valid JSON-LD"},
		{"bad Turtle", alice, "WebSocketChannel2023", "text/turtle", `<a> <b`, 400, "not valid"},
		{"unknown type", alice, "WebSocketChannel2023", "application/ld+json", `{"type":"LDNChannel2023","topic":"http://pod.example/alice/private.txt"}`, 422, "not supported"},
		{"no type", alice, "WebSocketChannel2023", "application/ld+json", `{"topic":"http://pod.example/alice/private.txt"}`, 422, "no type"},
		{"no topic", alice, "WebSocketChannel2023", "application/ld+json", `{` + ws + `}`, 422, "no topic"},
		{"topic elsewhere", alice, "WebSocketChannel2023", "application/ld+json", `{` + ws + `,"topic":"https://elsewhere.example/x"}`, 422, "not a resource on this server"},
		{"topic server-owned", alice, "WebSocketChannel2023", "application/ld+json", `{` + ws + `,"topic":"http://pod.example/.internal/notify/"}`, 422, "not a resource on this server"},
		{"wrong service", alice, "WebhookChannel2023", "application/ld+json", `{` + ws + `,"topic":"http://pod.example/alice/private.txt","sendTo":"https://example.com/"}`, 422, "creates WebhookChannel2023"},
		{"endAt past", alice, "WebSocketChannel2023", "application/ld+json", `{` + ws + `,"topic":"http://pod.example/alice/private.txt","endAt":"2001-01-01T00:00:00Z"}`, 422, "past"},
		{"bad rate", alice, "WebSocketChannel2023", "application/ld+json", `{` + ws + `,"topic":"http://pod.example/alice/private.txt","rate":"10s"}`, 422, "rate"},
		{"accept other", alice, "WebSocketChannel2023", "application/ld+json", `{` + ws + `,"topic":"http://pod.example/alice/private.txt","accept":"text/turtle"}`, 422, "ld+json"},
		{"two subscriptions", alice, "WebSocketChannel2023", "application/ld+json", `[{"topic":"a"},{"topic":"b"}]`, 422, "one subscription"},
		{"no read", bob, "WebSocketChannel2023", "application/ld+json", `{` + ws + `,"topic":"http://pod.example/alice/private.txt"}`, 403, "may not read"},
		{"webhook private sendTo", alice, "WebhookChannel2023", "application/ld+json", `{"type":"WebhookChannel2023","topic":"http://pod.example/alice/private.txt","sendTo":"http://127.0.0.1:9/"}`, 422, "sendTo"},
		{"webhook without sendTo", alice, "WebhookChannel2023", "application/ld+json", `{"type":"WebhookChannel2023","topic":"http://pod.example/alice/private.txt"}`, 422, "sendTo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _, body := s.do(t, tt.webID, "POST", "/.notifications/"+tt.service+"/", tt.ct, tt.body)
			if st != tt.want || !strings.Contains(body, tt.msg) {
				t.Errorf("POST = %d %q, want %d containing %q", st, body, tt.want, tt.msg)
			}
		})
	}
}

func TestSubscribeAcceptsShortTypesAndTurtle(t *testing.T) {
	s := newStack(t, stackOpts{})
	for _, body := range []string{
		`{"@context":["https://www.w3.org/ns/solid/notification/v1"],"type":"WebSocketChannel2023","topic":"http://pod.example/alice/x"}`,
		`{"@context":{"notify":"http://www.w3.org/ns/solid/notifications#"},"@type":"notify:WebSocketChannel2023","notify:topic":{"@id":"http://pod.example/alice/x"}}`,
		`{"@type":["http://www.w3.org/ns/solid/notifications#WebSocketChannel2023"],"http://www.w3.org/ns/solid/notifications#topic":[{"@id":"http://pod.example/alice/x"}]}`,
	} {
		s.mustDo(t, 200, alice, "POST", "/.notifications/WebSocketChannel2023/", "application/ld+json", body)
	}
	s.mustDo(t, 200, alice, "POST", "/.notifications/WebSocketChannel2023/", "text/turtle",
		`@prefix notify: <http://www.w3.org/ns/solid/notifications#>.
		 [] a notify:WebSocketChannel2023; notify:topic <http://pod.example/alice/x>; notify:rate "PT1S"^^<http://www.w3.org/2001/XMLSchema#duration>.`)
}

func TestDiscovery(t *testing.T) {
	s := newStack(t, stackOpts{})
	hdr := s.mustDo(t, 200, alice, "GET", "/alice/", "", "")
	if !strings.Contains(hdr.Get("Link"), `<http://pod.example/.well-known/solid/alice>; rel="http://www.w3.org/ns/solid/terms#storageDescription"`) {
		t.Errorf("Link = %q", hdr.Get("Link"))
	}
	if got := hdr.Get("Updates-Via"); got != "ws://pod.example/.notifications/solid-0.1" {
		t.Errorf("Updates-Via = %q", got)
	}
	_, _, body := s.do(t, "", "GET", "/.well-known/solid/alice", "", "")
	for _, want := range []string{
		"<http://pod.example/.notifications/WebSocketChannel2023/>",
		"<http://pod.example/.notifications/WebhookChannel2023/>",
		"notify:subscription", "notify:channelType", "notify:WebSocketChannel2023", "notify:feature", "notify:state",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("storage description lacks %s:\n%s", want, body)
		}
	}
	st, h, body := s.do(t, "", "GET", "/.notifications/WebSocketChannel2023/", "", "")
	if st != 200 || h.Get("Content-Type") != "application/ld+json" || !strings.Contains(body, `"channelType":"http://www.w3.org/ns/solid/notifications#WebSocketChannel2023"`) {
		t.Errorf("GET service = %d %s %s", st, h.Get("Content-Type"), body)
	}
}
