package notify

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/seedpod/seedpod/clients/fetch"
	"github.com/seedpod/seedpod/ldp"
	"github.com/seedpod/seedpod/ldp/rdf"
	"github.com/seedpod/seedpod/oidc"
	"github.com/seedpod/seedpod/storage"
	"github.com/seedpod/seedpod/storage/cluster"
	"github.com/seedpod/seedpod/storage/disk"
)

// newBus makes the in-process Bus most tests run on.
func newBus() cluster.Bus { return cluster.NewLocal() }

const (
	testBase = "http://pod.example/"
	alice    = "https://id.example/alice#me"
	bob      = "https://id.example/bob#me"
)

// stack is one Seedpod process: an ldp Handler and a Notifier, served
// by httptest. Requests carry their agent in the X-Test-WebID header,
// which the test middleware turns into an oidc.Agent in the context (the
// verifier's job in production).
type stack struct {
	*httptest.Server
	n     *Notifier
	h     *ldp.Handler
	store storage.Store
}

type stackOpts struct {
	store storage.Store
	bus   cluster.Bus
	allow []string // fetch.Config.Allow
	cfg   func(*Config)
}

// newStore makes a disk store with pod alice (owned by alice, private)
// and a public container /alice/public/.
func newStore(t testing.TB) storage.Store {
	t.Helper()
	st, err := disk.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ldp.CreatePod(context.Background(), st, "alice", ldp.PodOptions{Owner: alice}); err != nil {
		t.Fatal(err)
	}
	return st
}

func newStack(t testing.TB, o stackOpts) *stack {
	t.Helper()
	if o.store == nil {
		o.store = newStore(t)
	}
	if o.bus == nil {
		o.bus = newBus()
		t.Cleanup(func() { o.bus.Close() })
	}
	s := &stack{store: o.store}
	var n *Notifier
	h, err := ldp.New(ldp.Config{
		Store:   o.store,
		BaseURL: testBase,
		OnChange: func(ctx context.Context, c []ldp.Change) {
			n.OnChange(ctx, c)
		},
		UpdatesVia:      UpdatesVia(testBase),
		DescribeStorage: func(g *rdf.Graph, u string) { n.DescribeStorage(g, u) },
		DescribeServer:  func(g *rdf.Graph, u string) { n.DescribeServer(g, u) },
	})
	if err != nil {
		t.Fatal(err)
	}
	fc, err := fetch.New(fetch.Config{Allow: o.allow, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{LDP: h, Store: o.store, Bus: o.bus, Fetch: fc, WebhookBackoff: 20 * time.Millisecond}
	if o.cfg != nil {
		o.cfg(&cfg)
	}
	n, err = New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.n, s.h = n, h
	mux := http.NewServeMux()
	mux.Handle("/.notifications/", n)
	mux.Handle("/", h)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id := r.Header.Get("X-Test-WebID"); id != "" {
			r = r.WithContext(oidc.NewContext(r.Context(), oidc.Agent{WebID: id}))
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		s.Server.CloseClientConnections()
		n.Close()
		s.Server.Close()
	})
	return s
}

// do sends a request as webID ("" for anonymous) and returns the status,
// headers and body.
func (s *stack) do(t testing.TB, webID, method, path, contentType, body string) (int, http.Header, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if webID != "" {
		req.Header.Set("X-Test-WebID", webID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// mustDo is do that fails unless the status is want.
func (s *stack) mustDo(t testing.TB, want int, webID, method, path, contentType, body string) http.Header {
	t.Helper()
	st, h, b := s.do(t, webID, method, path, contentType, body)
	if st != want {
		t.Fatalf("%s %s = %d %q, want %d", method, path, st, b, want)
	}
	return h
}

// subscribe creates a channel as webID and returns its description.
func (s *stack) subscribe(t testing.TB, webID, service string, req map[string]any) map[string]any {
	t.Helper()
	body, _ := json.Marshal(req)
	st, _, b := s.do(t, webID, "POST", "/.notifications/"+service+"/", "application/ld+json", string(body))
	if st != 200 {
		t.Fatalf("subscribe = %d %q, want 200", st, b)
	}
	var d map[string]any
	if err := json.Unmarshal([]byte(b), &d); err != nil {
		t.Fatalf("subscription response %q: %v", b, err)
	}
	return d
}

// wsSubscribe subscribes to topic (a path) with a WebSocketChannel2023
// and returns the description.
func (s *stack) wsSubscribe(t testing.TB, webID, topic string, extra ...string) map[string]any {
	t.Helper()
	req := map[string]any{
		"@context": []string{"https://www.w3.org/ns/solid/notification/v1"},
		"type":     "http://www.w3.org/ns/solid/notifications#WebSocketChannel2023",
		"topic":    testBase + strings.TrimPrefix(topic, "/"),
	}
	for i := 0; i+1 < len(extra); i += 2 {
		req[extra[i]] = extra[i+1]
	}
	return s.subscribe(t, webID, "WebSocketChannel2023", req)
}

// dial opens a websocket to u (a ws:// URL on testBase), through s.
func (s *stack) dial(t testing.TB, u string, protocols ...string) *websocket.Conn {
	t.Helper()
	return s.dialAs(t, "", u, protocols...)
}

// dialAs is dial with an agent in the upgrade request.
func (s *stack) dialAs(t testing.TB, webID, u string, protocols ...string) *websocket.Conn {
	t.Helper()
	path := strings.TrimPrefix(u, "ws://pod.example")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	hdr := http.Header{}
	if webID != "" {
		hdr.Set("X-Test-WebID", webID)
	}
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.URL, "http")+path, &websocket.DialOptions{Subprotocols: protocols, HTTPHeader: hdr})
	if err != nil {
		t.Fatalf("dial %s: %v", u, err)
	}
	t.Cleanup(func() { c.CloseNow() })
	return c
}

// connect subscribes and opens the receiveFrom socket.
func (s *stack) connect(t testing.TB, webID, topic string, extra ...string) (*websocket.Conn, map[string]any) {
	t.Helper()
	d := s.wsSubscribe(t, webID, topic, extra...)
	rf, _ := d["receiveFrom"].(string)
	return s.dial(t, rf), d
}

// read reads one text message within 5 s.
func read(t testing.TB, c *websocket.Conn) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, b, err := c.Read(ctx)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return string(b)
}

// readJSON reads one notification.
func readJSON(t testing.TB, c *websocket.Conn) map[string]any {
	t.Helper()
	s := read(t, c)
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("notification %q: %v", s, err)
	}
	return m
}

// quiet asserts that nothing arrives on c within d.
func quiet(t testing.TB, c *websocket.Conn, d time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	_, b, err := c.Read(ctx)
	if err == nil {
		t.Fatalf("unexpected message %q", b)
	}
}
