package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Every test that connects does so only to httptest servers on 127.0.0.1.
// No test asks DNS: newTestClient's resolver knows only the names a test
// gives it. Where a test needs a non-loopback address to get past the
// guard, the client's dial functions are replaced by a recorder that never
// connects.

// newTestClient returns a Client for cfg whose resolver answers from hosts
// and fails the test for any other name.
func newTestClient(t *testing.T, cfg Config, hosts map[string][]netip.Addr) *Client {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New(%+v): %v", cfg, err)
	}
	c.lookup = func(_ context.Context, name string) ([]netip.Addr, error) {
		if ips, ok := hosts[name]; ok {
			return ips, nil
		}
		t.Errorf("unexpected lookup of %q", name)
		return nil, fmt.Errorf("test resolver: no such host %q", name)
	}
	return c
}

// recorder replaces a Client's dial functions: it records each address it
// is asked to dial and never connects.
type recorder struct {
	mu    sync.Mutex
	addrs []string
}

var errNotDialed = errors.New("recorder: not dialed")

func (r *recorder) dial(_ context.Context, _, addr string) (net.Conn, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.addrs = append(r.addrs, addr)
	return nil, errNotDialed
}

func (r *recorder) dialed() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.addrs...)
}

func (r *recorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.addrs = nil
}

// record makes c dial through a new recorder, which it returns.
func record(c *Client) *recorder {
	r := &recorder{}
	c.dialGuarded, c.dialPlain = r.dial, r.dial
	return r
}

// countingServer starts a loopback server running h and counts requests.
func countingServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func hello(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain")
	io.WriteString(w, "hello")
}

func port(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	ap, err := netip.ParseAddrPort(srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	return strconv.Itoa(int(ap.Port()))
}

func TestLoopbackIsRefusedInEverySpelling(t *testing.T) {
	srv, hits := countingServer(t, hello)
	p := port(t, srv)
	c := newTestClient(t, Config{}, map[string][]netip.Addr{
		"rebind.example": {netip.MustParseAddr("127.0.0.1")},
		"mapped.example": {netip.MustParseAddr("::ffff:127.0.0.1")},
	})
	// Only spellings that mean loopback: should the guard fail, the
	// connection still stays on this machine.
	hosts := []string{
		"127.0.0.1",
		"127.0.0.1.",
		"127.0.0.2",
		"localhost",
		"localhost.",
		"LocalHost",
		"pod.localhost",
		"127.1",
		"127.0.1",
		"2130706433",
		"0x7f.1",
		"0x7f000001",
		"0177.0.0.1",
		"0177.1",
		"127.000.000.001",
		"[::1]",
		"[0:0:0:0:0:0:0:1]",
		"[::ffff:127.0.0.1]",
		"[::ffff:7f00:1]",
		"ｌｏｃａｌｈｏｓｔ", // fullwidth; IDNA maps it to "localhost"
		"127。0。0。1", // ideographic full stops
		"rebind.example",
		"mapped.example",
	}
	for _, h := range hosts {
		u := "http://" + h + ":" + p + "/"
		t.Run(h, func(t *testing.T) {
			resp, err := c.Get(t.Context(), u, "")
			if !errors.Is(err, ErrForbiddenAddress) {
				t.Fatalf("Get(%q) = %+v, %v; want %v", u, resp, err, ErrForbiddenAddress)
			}
		})
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("server got %d requests, want 0", n)
	}
}

func TestAllowedOriginIsFetched(t *testing.T) {
	var gotAccept, gotUA string
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		gotAccept, gotUA = r.Header.Get("Accept"), r.Header.Get("User-Agent")
		hello(w, r)
	})
	c := newTestClient(t, Config{Allow: []string{srv.URL}, UserAgent: "seedpod-test"}, nil)
	resp, err := c.Get(t.Context(), srv.URL+"/profile", "text/turtle")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if resp.Status != 200 || string(resp.Body) != "hello" || resp.URL != srv.URL+"/profile" ||
		resp.Header.Get("Content-Type") != "text/plain" {
		t.Errorf("Get = %+v, want 200 hello at %s", resp, srv.URL+"/profile")
	}
	if gotAccept != "text/turtle" || gotUA != "seedpod-test" {
		t.Errorf("server saw Accept %q, User-Agent %q", gotAccept, gotUA)
	}
}

func TestAllowedNameIsFetched(t *testing.T) {
	srv, hits := countingServer(t, hello)
	p := port(t, srv)
	loopback := []netip.Addr{netip.MustParseAddr("127.0.0.1")}
	c := newTestClient(t, Config{Allow: []string{"http://localhost:" + p, "http://pod.internal:" + p}},
		map[string][]netip.Addr{"localhost": loopback, "pod.internal": loopback})
	for _, u := range []string{"http://localhost:" + p + "/", "http://pod.internal:" + p + "/"} {
		if resp, err := c.Get(t.Context(), u, ""); err != nil || string(resp.Body) != "hello" {
			t.Errorf("Get(%q) = %+v, %v; want hello", u, resp, err)
		}
	}
	if n := hits.Load(); n != 2 {
		t.Errorf("server got %d requests, want 2", n)
	}
}

// TestAllowedLocalhostResolves uses the real resolver: an allowed
// http://localhost:PORT origin reaches a server on 127.0.0.1 (Go's
// resolver alone finds no address for the absolute "localhost.").
func TestAllowedLocalhostResolves(t *testing.T) {
	srv, hits := countingServer(t, hello)
	u := "http://localhost:" + port(t, srv) + "/"
	c, err := New(Config{Allow: []string{strings.TrimSuffix(u, "/")}})
	if err != nil {
		t.Fatal(err)
	}
	if resp, err := c.Get(t.Context(), u, ""); err != nil || string(resp.Body) != "hello" {
		t.Fatalf("Get(%q) = %+v, %v; want hello", u, resp, err)
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("server got %d requests, want 1", n)
	}
	// Without the allowance localhost stays refused.
	c, err = New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(t.Context(), u, ""); !errors.Is(err, ErrForbiddenAddress) {
		t.Errorf("Get(%q) without Allow = %v, want %v", u, err, ErrForbiddenAddress)
	}
}

func TestDefaultUserAgent(t *testing.T) {
	var gotUA string
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) { gotUA = r.UserAgent() })
	c := newTestClient(t, Config{Allow: []string{srv.URL}}, nil)
	if _, err := c.Get(t.Context(), srv.URL, ""); err != nil {
		t.Fatal(err)
	}
	if gotUA != DefaultUserAgent {
		t.Errorf("User-Agent = %q, want %q", gotUA, DefaultUserAgent)
	}
}

func TestAllowMatchesOnlyTheExactOrigin(t *testing.T) {
	srv, hits := countingServer(t, hello)
	p := port(t, srv)
	other := strconv.Itoa((mustAtoi(t, p)+1)%65536 + 1)
	tests := []struct {
		name  string
		allow string
		url   string
	}{
		{"other port", "http://127.0.0.1:" + other, srv.URL},
		{"default port", "http://127.0.0.1", srv.URL},
		{"other scheme", "https://127.0.0.1:" + p, srv.URL},
		{"other address", "http://127.0.0.2:" + p, srv.URL},
		{"name does not allow its address", "http://localhost:" + p, srv.URL},
		{"address does not allow a name", "http://127.0.0.1:" + p, "http://localhost:" + p + "/"},
		{"address does not allow another spelling", "http://127.0.0.1:" + p, "http://2130706433:" + p + "/"},
		{"v4 does not allow mapped v6", "http://127.0.0.1:" + p, "http://[::ffff:127.0.0.1]:" + p + "/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestClient(t, Config{Allow: []string{tt.allow}}, nil)
			resp, err := c.Get(t.Context(), tt.url, "")
			if !errors.Is(err, ErrForbiddenAddress) {
				t.Errorf("with Allow %q, Get(%q) = %+v, %v; want %v", tt.allow, tt.url, resp, err, ErrForbiddenAddress)
			}
		})
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("server got %d requests, want 0", n)
	}
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAllowedHTTPSOrigin(t *testing.T) {
	var proto atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proto.Store(int64(r.ProtoMajor))
		hello(w, r)
	}))
	srv.EnableHTTP2 = true
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the bad-certificate case below
	srv.StartTLS()
	t.Cleanup(srv.Close)
	roots := srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs

	c := newTestClient(t, Config{Allow: []string{srv.URL}, RootCAs: roots}, nil)
	resp, err := c.Get(t.Context(), srv.URL+"/card", "")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if resp.Status != 200 || string(resp.Body) != "hello" {
		t.Errorf("Get = %+v, want 200 hello", resp)
	}
	if p := proto.Load(); p != 2 {
		t.Errorf("server saw HTTP/%d, want HTTP/2", p)
	}

	// The same host and port under http:// do not allow https.
	httpOnly := "http://" + strings.TrimPrefix(srv.URL, "https://")
	c = newTestClient(t, Config{Allow: []string{httpOnly}, RootCAs: roots}, nil)
	if _, err := c.Get(t.Context(), srv.URL, ""); !errors.Is(err, ErrForbiddenAddress) {
		t.Errorf("with Allow %q, Get(%q) = %v, want %v", httpOnly, srv.URL, err, ErrForbiddenAddress)
	}

	// Without the test roots the certificate does not verify.
	c = newTestClient(t, Config{Allow: []string{srv.URL}}, nil)
	if _, err := c.Get(t.Context(), srv.URL, ""); err == nil {
		t.Errorf("Get(%q) with system roots succeeded, want a certificate error", srv.URL)
	}
}

func TestRedirectToForbiddenAddressIsRefused(t *testing.T) {
	inner, innerHits := countingServer(t, hello)
	outer, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, inner.URL+"/secret", http.StatusFound)
	})
	c := newTestClient(t, Config{Allow: []string{outer.URL}}, nil)
	resp, err := c.Get(t.Context(), outer.URL, "")
	if !errors.Is(err, ErrForbiddenAddress) {
		t.Fatalf("Get = %+v, %v; want %v", resp, err, ErrForbiddenAddress)
	}
	if !strings.Contains(err.Error(), inner.URL+"/secret") {
		t.Errorf("error %q does not name the redirect target %s", err, inner.URL+"/secret")
	}
	if n := innerHits.Load(); n != 0 {
		t.Errorf("redirect target got %d requests, want 0", n)
	}
}

func TestRedirectWithinAllowedOriginIsFollowed(t *testing.T) {
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/old" {
			http.Redirect(w, r, "/new", http.StatusMovedPermanently)
			return
		}
		hello(w, r)
	})
	c := newTestClient(t, Config{Allow: []string{srv.URL}}, nil)
	resp, err := c.Get(t.Context(), srv.URL+"/old", "")
	if err != nil {
		t.Fatal(err)
	}
	if resp.URL != srv.URL+"/new" || string(resp.Body) != "hello" {
		t.Errorf("Get = %+v, want hello at %s/new", resp, srv.URL)
	}
}

func TestRedirectToOtherSchemeOrUserinfoIsRefused(t *testing.T) {
	var target atomic.Value
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" {
			w.Header().Set("Location", target.Load().(string))
			w.WriteHeader(http.StatusFound)
		}
	})
	for _, to := range []string{
		"file:///etc/passwd",
		"ftp://127.0.0.1/",
		"gopher://127.0.0.1:70/",
		"http://user:secret@" + strings.TrimPrefix(srv.URL, "http://") + "/x",
	} {
		target.Store(to)
		c := newTestClient(t, Config{Allow: []string{srv.URL}}, nil)
		resp, err := c.Get(t.Context(), srv.URL+"/", "")
		if !errors.Is(err, ErrInvalidURL) {
			t.Errorf("redirect to %q: Get = %+v, %v; want %v", to, resp, err, ErrInvalidURL)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("error %q shows the password", err)
		}
	}
}

func TestRedirectsAreCapped(t *testing.T) {
	// /hop/N redirects to /hop/N-1; /hop/0 answers.
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/hop/"))
		if n > 0 {
			http.Redirect(w, r, "/hop/"+strconv.Itoa(n-1), http.StatusFound)
			return
		}
		hello(w, r)
	})
	tests := []struct {
		name   string
		max    int
		hops   int
		err    error
		status int
	}{
		{"default allows 5", 0, 5, nil, 200},
		{"default refuses 6", 0, 6, ErrTooManyRedirects, 0},
		{"3 allows 3", 3, 3, nil, 200},
		{"3 refuses 4", 3, 4, ErrTooManyRedirects, 0},
		{"1 allows 1", 1, 1, nil, 200},
		{"1 refuses 2", 1, 2, ErrTooManyRedirects, 0},
		{"negative returns the redirect", -1, 1, nil, 302},
		{"negative with no redirect", -1, 0, nil, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestClient(t, Config{Allow: []string{srv.URL}, MaxRedirects: tt.max}, nil)
			resp, err := c.Get(t.Context(), srv.URL+"/hop/"+strconv.Itoa(tt.hops), "")
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Errorf("Get = %+v, %v; want %v", resp, err, tt.err)
				}
				return
			}
			if err != nil || resp.Status != tt.status {
				t.Errorf("Get = %+v, %v; want status %d", resp, err, tt.status)
			}
		})
	}
}

func TestBodyOverMaxBytesIsTooLarge(t *testing.T) {
	const limit = 1000
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		if r.URL.Query().Get("chunked") == "" {
			w.Header().Set("Content-Length", strconv.Itoa(n))
		}
		for range n / 100 {
			w.Write([]byte(strings.Repeat("x", 100)))
			if f, ok := w.(http.Flusher); ok {
				f.Flush() // no Content-Length: chunked
			}
		}
		w.Write([]byte(strings.Repeat("x", n%100)))
	})
	c := newTestClient(t, Config{Allow: []string{srv.URL}, MaxBytes: limit}, nil)
	tests := []struct {
		query string
		err   error
	}{
		{"n=1000", nil},
		{"n=1000&chunked=1", nil},
		{"n=1001", ErrTooLarge},
		{"n=1001&chunked=1", ErrTooLarge},
		{"n=1000000", ErrTooLarge},
		{"n=1000000&chunked=1", ErrTooLarge},
	}
	for _, tt := range tests {
		resp, err := c.Get(t.Context(), srv.URL+"/?"+tt.query, "")
		if !errors.Is(err, tt.err) {
			t.Errorf("Get(?%s) = %v, want %v", tt.query, err, tt.err)
		}
		if tt.err == nil && err == nil && len(resp.Body) != limit {
			t.Errorf("Get(?%s) read %d bytes, want %d", tt.query, len(resp.Body), limit)
		}
	}
}

func TestDefaultMaxBytes(t *testing.T) {
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Write(make([]byte, DefaultMaxBytes+1))
	})
	c := newTestClient(t, Config{Allow: []string{srv.URL}}, nil)
	if _, err := c.Get(t.Context(), srv.URL, ""); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Get = %v, want %v", err, ErrTooLarge)
	}
}

func TestSlowServerTimesOut(t *testing.T) {
	done := make(chan struct{})
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow-body" {
			w.Write([]byte("partial"))
			w.(http.Flusher).Flush()
		}
		select { // until the client gives up, or the test ends
		case <-r.Context().Done():
		case <-done:
		}
	})
	defer close(done)
	const timeout = 200 * time.Millisecond
	c := newTestClient(t, Config{Allow: []string{srv.URL}, Timeout: timeout}, nil)
	for _, path := range []string{"/slow-headers", "/slow-body"} {
		start := time.Now()
		resp, err := c.Get(t.Context(), srv.URL+path, "")
		elapsed := time.Since(start)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Get(%s) = %+v, %v; want %v", path, resp, err, context.DeadlineExceeded)
		}
		if elapsed > 10*timeout {
			t.Errorf("Get(%s) took %v with Timeout %v", path, elapsed, timeout)
		}
	}
}

func TestCallerContextIsHonoured(t *testing.T) {
	done := make(chan struct{})
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-done:
		}
	})
	defer close(done)
	c := newTestClient(t, Config{Allow: []string{srv.URL}}, nil)
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	if _, err := c.Get(ctx, srv.URL, ""); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Get = %v, want %v", err, context.DeadlineExceeded)
	}
}

func TestOnlyHTTPURLsAreFetched(t *testing.T) {
	srv, hits := countingServer(t, hello)
	hostport := strings.TrimPrefix(srv.URL, "http://")
	c := newTestClient(t, Config{Allow: []string{srv.URL}}, nil)
	for _, u := range []string{
		"file:///etc/passwd",
		"ftp://" + hostport + "/",
		"gopher://" + hostport + "/",
		"ws://" + hostport + "/",
		"javascript:alert(1)",
		"data:text/plain,hello",
		"mailto:a@" + hostport,
		"//" + hostport + "/",
		"/relative",
		"http:///no-host",
		"http:" + hostport,
		"http://user@" + hostport + "/",
		"http://user:pw@" + hostport + "/",
		"http://" + hostport + "@" + hostport + "/",
		"",
		"http://[::1",
	} {
		resp, err := c.Get(t.Context(), u, "")
		if !errors.Is(err, ErrInvalidURL) {
			t.Errorf("Get(%q) = %+v, %v; want %v", u, resp, err, ErrInvalidURL)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("server got %d requests, want 0", n)
	}
}

func TestNon2xxIsAResponse(t *testing.T) {
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "gone fishing", http.StatusServiceUnavailable)
	})
	c := newTestClient(t, Config{Allow: []string{srv.URL}}, nil)
	resp, err := c.Get(t.Context(), srv.URL, "")
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 503 || !strings.Contains(string(resp.Body), "gone fishing") {
		t.Errorf("Get = %+v, want 503 with body", resp)
	}
}

func TestDoPostsUnderTheSameGuards(t *testing.T) {
	var got string
	srv, hits := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = r.Method + " " + string(b)
		w.WriteHeader(http.StatusAccepted)
	})
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/inbox", strings.NewReader("note"))
	if err != nil {
		t.Fatal(err)
	}

	c := newTestClient(t, Config{}, nil)
	if _, err := c.Do(req); !errors.Is(err, ErrForbiddenAddress) {
		t.Errorf("Do to a loopback webhook = %v, want %v", err, ErrForbiddenAddress)
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("server got %d requests, want 0", n)
	}

	req, _ = http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/inbox", strings.NewReader("note"))
	c = newTestClient(t, Config{Allow: []string{srv.URL}}, nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != http.StatusAccepted || got != "POST note" {
		t.Errorf("Do = %+v, server saw %q; want 202 and POST note", resp, got)
	}
	if ua := req.Header.Get("User-Agent"); ua != "" {
		t.Errorf("Do modified the caller's request: User-Agent %q", ua)
	}

	req, _ = http.NewRequest(http.MethodPost, "file:///etc/passwd", nil)
	if _, err := c.Do(req); !errors.Is(err, ErrInvalidURL) {
		t.Errorf("Do(file URL) = %v, want %v", err, ErrInvalidURL)
	}
	if _, err := c.Do(&http.Request{Method: http.MethodPost}); !errors.Is(err, ErrInvalidURL) {
		t.Errorf("Do(request without URL) = %v, want %v", err, ErrInvalidURL)
	}
}

func TestNameResolvingToForbiddenAddressIsRefused(t *testing.T) {
	public := netip.MustParseAddr("93.184.215.14")
	c := newTestClient(t, Config{}, map[string][]netip.Addr{
		"private.example":  {netip.MustParseAddr("10.0.0.7")},
		"metadata.example": {netip.MustParseAddr("169.254.169.254")},
		"ula.example":      {netip.MustParseAddr("fd00::1")},
		"nat64.example":    {netip.MustParseAddr("64:ff9b::a9fe:a9fe")},
		"mixed.example":    {public, netip.MustParseAddr("192.168.1.1")},
		"public.example":   {public, netip.MustParseAddr("2606:4700:4700::1111")},
	})
	rec := record(c) // nothing below connects
	for _, name := range []string{"private.example", "metadata.example", "ula.example", "nat64.example", "mixed.example"} {
		if _, err := c.Get(t.Context(), "https://"+name+"/", ""); !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("Get(https://%s/) = %v, want %v", name, err, ErrForbiddenAddress)
		}
	}
	if d := rec.dialed(); len(d) != 0 {
		t.Fatalf("dialed %v after refusals, want nothing", d)
	}

	// A public name is dialed at the addresses that were checked, in order.
	if _, err := c.Get(t.Context(), "https://public.example/", ""); !errors.Is(err, errNotDialed) {
		t.Errorf("Get(https://public.example/) = %v, want the recorder's error", err)
	}
	want := []string{"93.184.215.14:443", "[2606:4700:4700::1111]:443"}
	if d := rec.dialed(); strings.Join(d, " ") != strings.Join(want, " ") {
		t.Errorf("dialed %v, want %v", d, want)
	}
}

func TestNewRejectsBadAllowEntries(t *testing.T) {
	for _, o := range []string{
		"127.0.0.1:5678",
		"http://10.0.0.0/8",
		"http://127.0.0.1:5678/path",
		"http://127.0.0.1:5678?q",
		"http://127.0.0.1:5678#f",
		"ftp://127.0.0.1",
		"http://user@127.0.0.1",
		"http://*.example.org",
		"http://",
		"*",
		"",
	} {
		if _, err := New(Config{Allow: []string{o}}); err == nil {
			t.Errorf("New(Allow %q) succeeded, want an error", o)
		}
	}
	for _, cfg := range []Config{{Timeout: -1}, {MaxBytes: -1}} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) succeeded, want an error", cfg)
		}
	}
	for _, o := range []string{"http://127.0.0.1:5678", "http://127.0.0.1:5678/", "HTTPS://Pod.Example", "http://[::1]:80"} {
		if _, err := New(Config{Allow: []string{o}}); err != nil {
			t.Errorf("New(Allow %q) = %v", o, err)
		}
	}
}

func TestAllowEntriesAreCanonicalised(t *testing.T) {
	c, err := New(Config{Allow: []string{"HTTP://LocalHost", "https://[0:0::1]:8443", "http://127.0.0.1:80/"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"http://localhost:80", "https://[::1]:8443", "http://127.0.0.1:80"} {
		if !c.allow[key] {
			t.Errorf("allow has no %q: %v", key, c.allow)
		}
	}
}
