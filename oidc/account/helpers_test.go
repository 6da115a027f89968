package account

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/seedpod/seedpod/ldp"
	"github.com/seedpod/seedpod/storage"
)

// server is the account Handler in front of an ldp.Handler, as
// cmd/seedpod serve wires them, on a loopback httptest server whose URL
// is the base URL.
type server struct {
	*httptest.Server
	h     *Handler
	store storage.Store
}

// fastLimits keep rate limits out of the way of tests that are not about
// them.
var fastLimits = Config{AccountLimit: Limit{Burst: 1000, Every: time.Millisecond}, AddressLimit: Limit{Burst: 1000, Every: time.Millisecond}}

func newServer(t *testing.T, st storage.Store, cfg Config) *server {
	t.Helper()
	s := &server{store: st}
	mux := http.NewServeMux()
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	cfg.Store, cfg.BaseURL = st, s.URL+"/"
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	h, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	l, err := ldp.New(ldp.Config{Store: st, BaseURL: s.URL + "/"})
	if err != nil {
		t.Fatal(err)
	}
	s.h = h
	mux.Handle("/.account/", h)
	mux.Handle("/", l)
	return s
}

// browser is a client with a cookie jar that does not follow redirects.
type browser struct {
	t   *testing.T
	c   *http.Client
	srv *server
}

func newBrowser(t *testing.T, srv *server) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, srv: srv, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type result struct {
	status int
	hdr    http.Header
	body   string
}

func (b *browser) do(req *http.Request) result {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return result{resp.StatusCode, resp.Header, string(body)}
}

// get fetches a page as a browser does.
func (b *browser) get(path string) result {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.srv.URL+path, nil)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
	return b.do(req)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf fetches page and returns its CSRF token.
func (b *browser) csrf(page string) string {
	b.t.Helper()
	r := b.get(page)
	m := csrfField.FindStringSubmatch(r.body)
	if m == nil {
		b.t.Fatalf("GET %s: %d, no csrf field:\n%s", page, r.status, r.body)
	}
	return m[1]
}

// post submits a form; hdr are extra header pairs.
func (b *browser) post(path string, form url.Values, hdr ...string) result {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "text/html")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return b.do(req)
}

// signUp signs up through the page and returns the browser logged in.
func signUp(t *testing.T, srv *server, email, password, pod string) *browser {
	t.Helper()
	b := newBrowser(t, srv)
	tok := b.csrf("/.account/signup/")
	r := b.post("/.account/signup/", url.Values{"csrf": {tok}, "email": {email}, "password": {password}, "pod": {pod}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("sign up %s: %d\n%s", email, r.status, r.body)
	}
	return b
}

// login logs in through the page.
func (b *browser) login(email, password string) result {
	b.t.Helper()
	tok := b.csrf("/.account/login/")
	return b.post("/.account/login/", url.Values{"csrf": {tok}, "email": {email}, "password": {password}})
}

// loggedIn reports whether the overview page shows an account.
func (b *browser) loggedIn() bool {
	b.t.Helper()
	r := b.get("/.account/")
	return r.status == http.StatusOK
}

// api calls the JSON API with an optional account token.
func api(t *testing.T, method, u, token string, body any) (int, map[string]any, http.Header) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		switch v := body.(type) {
		case string:
			rd = strings.NewReader(v)
		default:
			j, _ := json.Marshal(v)
			rd = bytes.NewReader(j)
		}
	}
	req, _ := http.NewRequest(method, u, rd)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "CSS-Account-Token "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s %s: %d, not JSON: %q", method, u, resp.StatusCode, b)
	}
	return resp.StatusCode, m, resp.Header
}

// path follows keys into nested JSON objects and returns the string.
func path(m map[string]any, keys ...string) string {
	var v any = m
	for _, k := range keys {
		o, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = o[k]
	}
	s, _ := v.(string)
	return s
}

// cookieOf returns the Set-Cookie named name of a response.
func cookieOf(hdr http.Header, name string) *http.Cookie {
	for _, c := range (&http.Response{Header: hdr}).Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func httptestRecorderFor() *httptest.ResponseRecorder { return httptest.NewRecorder() }
