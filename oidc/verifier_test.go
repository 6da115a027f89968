package oidc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seedpod/seedpod/clients/fetch"
	"github.com/seedpod/seedpod/ldp/rdf"
	"github.com/seedpod/seedpod/oidc/oidctest"
)

// podBase is the resource server's external URL in these tests. Requests
// are served in-process, so it need not resolve.
const podBase = "https://pod.example/"

// fixture is a verifier accepting tokens of one issuer on loopback for
// one WebID it serves.
type fixture struct {
	iss    *oidctest.Issuer
	client *oidctest.Client
	webID  string
	token  string
	v      *Verifier
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	iss := oidctest.New(t)
	f := &fixture{iss: iss, client: oidctest.NewClient(t), webID: iss.WebID("alice")}
	f.token = iss.Token(t, f.webID, f.client)
	f.v = newVerifier(t, iss.Origin())
	return f
}

// newVerifier returns a verifier for podBase that may fetch from the
// given loopback origins.
func newVerifier(t testing.TB, allow ...string) *Verifier {
	t.Helper()
	fc, err := fetch.New(fetch.Config{Allow: allow})
	if err != nil {
		t.Fatal(err)
	}
	// This server has no provider: tokens claiming it as issuer are
	// refused without a fetch.
	v, err := New(Config{BaseURL: podBase, Fetch: fc, LocalIssuer: podBase, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// quiet discards the verifier's warnings, which the tests provoke.
var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// request returns a GET of path on podBase with token and proof set
// (either may be empty to leave its header out).
func request(method, path, authz, proof string) *http.Request {
	r := httptest.NewRequest(method, podBase+strings.TrimPrefix(path, "/"), nil)
	if authz != "" {
		r.Header.Set("Authorization", authz)
	}
	if proof != "" {
		r.Header.Set("DPoP", proof)
	}
	return r
}

// good returns a request with a valid token and a fresh proof.
func (f *fixture) good(t testing.TB, method, path string) *http.Request {
	return request(method, path, "DPoP "+f.token, f.client.Proof(t, method, podBase+strings.TrimPrefix(path, "/"), f.token))
}

func TestVerifyAcceptsRemoteWebID(t *testing.T) {
	f := newFixture(t)
	for i := 0; i < 3; i++ {
		a, err := f.v.Verify(f.good(t, "GET", "/alice/private/doc"))
		if err != nil {
			t.Fatalf("Verify #%d: %v", i, err)
		}
		want := Agent{WebID: f.webID, ClientID: "https://app.example/id", Issuer: f.iss.URL}
		if a != want {
			t.Fatalf("Verify = %+v, want %+v", a, want)
		}
	}
	// The token is verified once: discovery, keys and profile were
	// fetched once for three requests.
	for _, p := range []string{"/.well-known/openid-configuration", "/jwks", "/alice/profile/card"} {
		if n := f.iss.Hits(p); n != 1 {
			t.Errorf("%s fetched %d times, want 1", p, n)
		}
	}
}

func TestVerifyAcceptsEveryProofAlg(t *testing.T) {
	iss := oidctest.New(t)
	webID := iss.WebID("bob")
	v := newVerifier(t, iss.Origin())
	for _, alg := range []string{"ES256", "ES384", "ES512", "PS256", "RS256", "EdDSA"} {
		t.Run(alg, func(t *testing.T) {
			c := oidctest.NewClientAlg(t, alg)
			tok := iss.Token(t, webID, c)
			u := podBase + "bob/x?q=1"
			r := request("PUT", "/bob/x?q=1", "DPoP "+tok, c.Proof(t, "PUT", u, tok))
			if a, err := v.Verify(r); err != nil || a.WebID != webID {
				t.Fatalf("Verify = %+v, %v", a, err)
			}
		})
	}
}

// TestVerifyLocalNoDial verifies a token of this server's own issuer for
// one of its own WebIDs: keys come from LocalKeys and the profile from
// ReadLocal. The base URL is a real loopback server that the fetch client
// may reach, and it must see no connection at all.
func TestVerifyLocalNoDial(t *testing.T) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	base := srv.URL + "/"
	iss := oidctest.NewLocal(t, base)
	webID := base + "alice/profile/card#me"
	var reads atomic.Int32
	readLocal := func(_ context.Context, u string) (*rdf.Graph, error) {
		reads.Add(1)
		if u != base+"alice/profile/card" {
			return nil, fmt.Errorf("no document %s", u)
		}
		return rdf.Parse(strings.NewReader(oidctest.Profile(webID, base)), rdf.Turtle, u)
	}
	fc, err := fetch.New(fetch.Config{Allow: []string{srv.URL}})
	if err != nil {
		t.Fatal(err)
	}
	v, err := New(Config{BaseURL: base, Fetch: fc, LocalIssuer: base, LocalKeys: iss.PublicKeys, ReadLocal: readLocal})
	if err != nil {
		t.Fatal(err)
	}
	c := oidctest.NewClient(t)
	tok := iss.Token(t, webID, c)
	for i := 0; i < 2; i++ {
		r := httptest.NewRequest("GET", base+"alice/", nil)
		c.Authorize(t, r, tok)
		a, err := v.Verify(r)
		if err != nil || a.WebID != webID || a.Issuer != base {
			t.Fatalf("Verify = %+v, %v", a, err)
		}
	}
	if n := conns.Load(); n != 0 {
		t.Errorf("the base URL's server saw %d connections, want none", n)
	}
	if n := reads.Load(); n != 1 {
		t.Errorf("ReadLocal called %d times, want 1", n)
	}

	// Without LocalKeys there is no local issuer: its tokens are refused.
	v2, _ := New(Config{BaseURL: base, Fetch: fc, LocalIssuer: base, ReadLocal: readLocal})
	r := httptest.NewRequest("GET", base+"alice/", nil)
	c.Authorize(t, r, tok)
	if _, err := v2.Verify(r); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("Verify without LocalKeys = %v, want ErrInvalidToken", err)
	}
	if n := conns.Load(); n != 0 {
		t.Errorf("the base URL's server saw %d connections, want none", n)
	}
}

func TestVerifyNoCredentials(t *testing.T) {
	v := newVerifier(t)
	r := request("GET", "/x", "", "")
	if _, err := v.Verify(r); !errors.Is(err, ErrNoCredentials) {
		t.Fatalf("Verify = %v, want ErrNoCredentials", err)
	}
	// A proof alone is not a credential.
	r = request("GET", "/x", "", "abc.def.ghi")
	if _, err := v.Verify(r); !errors.Is(err, ErrNoCredentials) {
		t.Fatalf("Verify with only a DPoP header = %v, want ErrNoCredentials", err)
	}
}

// TestVerifyRejects is every way of presenting bad credentials: each
// must be ErrInvalidToken with the reason shown.
// TestVerifyAcceptsProofWithoutAth checks the one leniency: Inrupt's
// client libraries send no ath, and a proof without one is accepted (a
// wrong ath is refused in TestVerifyRejects).
func TestVerifyAcceptsProofWithoutAth(t *testing.T) {
	f := newFixture(t)
	u := podBase + "alice/doc"
	p := f.client.MintProof(t, oidctest.Proof{Method: "GET", URL: u, Token: f.token, Omit: []string{"ath"}})
	a, err := f.v.Verify(request("GET", "/alice/doc", "DPoP "+f.token, p))
	if err != nil || a.WebID != f.webID {
		t.Fatalf("Verify without ath = %+v, %v; want %s", a, err, f.webID)
	}
}

func TestVerifyRejects(t *testing.T) {
	f := newFixture(t)
	other := oidctest.New(t) // a second, well-behaved issuer
	otherWebID := other.WebID("mallory")
	f.v = newVerifier(t, f.iss.Origin(), other.Origin())
	stranger := oidctest.NewClient(t)
	const path = "/alice/doc"
	u := podBase + "alice/doc"
	now := time.Now()
	mint := func(c oidctest.Claims) string {
		if c.WebID == "" {
			c.WebID = f.webID
		}
		if c.JKT == "" {
			c.JKT = f.client.JKT
		}
		return f.iss.Mint(t, oidctest.Header{}, c)
	}
	// withToken is a request presenting tok with a good proof for it.
	withToken := func(tok string) *http.Request {
		return request("GET", path, "DPoP "+tok, f.client.Proof(t, "GET", u, tok))
	}
	withProof := func(p oidctest.Proof) *http.Request {
		if p.Method == "" {
			p.Method = "GET"
		}
		if p.URL == "" {
			p.URL = u
		}
		if p.Token == "" {
			p.Token = f.token
		}
		return request("GET", path, "DPoP "+f.token, f.client.MintProof(t, p))
	}
	f.iss.ServeDocument("/nobody/profile/card", "text/turtle", oidctest.Profile(f.iss.URL+"nobody/profile/card#me"))

	tests := []struct {
		name   string
		req    func() *http.Request
		reason string // substring of Reason(err)
	}{
		{"garbage", func() *http.Request { return request("GET", path, "DPoP garbage", "garbage") }, "malformed DPoP proof"},
		{"garbage token", func() *http.Request { return withToken("a.b.c") }, "malformed access token"},
		{"bearer", func() *http.Request { return request("GET", path, "Bearer "+f.token, "") }, "DPoP-bound access tokens are required"},
		{"basic", func() *http.Request { return request("GET", path, "Basic YTpi", "") }, "unsupported authorization scheme"},
		{"empty token", func() *http.Request { return request("GET", path, "DPoP ", "x") }, "no access token"},
		{"missing proof", func() *http.Request { return request("GET", path, "DPoP "+f.token, "") }, "exactly one DPoP proof"},
		{"two proofs", func() *http.Request {
			r := f.good(t, "GET", path)
			r.Header.Add("DPoP", f.client.Proof(t, "GET", u, f.token))
			return r
		}, "exactly one DPoP proof"},
		{"two authorization headers", func() *http.Request {
			r := f.good(t, "GET", path)
			r.Header.Add("Authorization", "DPoP "+f.token)
			return r
		}, "more than one Authorization"},

		// Forged tokens.
		{"alg none", func() *http.Request { return withToken(oidctest.NoneAlg(f.token)) }, "malformed access token"},
		{"alg none with signature", func() *http.Request {
			tok := oidctest.NoneAlg(f.token) + strings.Split(f.token, ".")[2]
			return withToken(tok)
		}, "bad access token header"},
		{"HMAC with the public key", func() *http.Request {
			return withToken(oidctest.HMACWithPublicKey(f.token, f.iss.PublicKeyPEM()))
		}, "bad access token header"},
		{"unknown key", func() *http.Request {
			// Signed by another issuer's key, claiming f.iss.
			return withToken(other.Mint(t, oidctest.Header{}, oidctest.Claims{Issuer: f.iss.URL, WebID: f.webID, JKT: f.client.JKT}))
		}, "unknown key"},
		{"wrong key, right kid", func() *http.Request {
			return withToken(other.Mint(t, oidctest.Header{Kid: f.iss.KeyID()}, oidctest.Claims{Issuer: f.iss.URL, WebID: f.webID, JKT: f.client.JKT}))
		}, "signature does not verify"},
		{"tampered payload", func() *http.Request { return withToken(oidctest.Tamper(f.token, "webid", otherWebID)) }, "signature does not verify"},
		{"tampered exp", func() *http.Request {
			return withToken(oidctest.Tamper(f.token, "exp", now.Add(100*time.Hour).Unix()))
		}, "signature does not verify"},
		{"wrong issuer", func() *http.Request {
			// A real issuer vouching for a WebID that does not trust it.
			return withToken(other.Mint(t, oidctest.Header{}, oidctest.Claims{WebID: f.webID, JKT: f.client.JKT}))
		}, "does not list the token issuer"},
		{"issuer not in the WebID profile", func() *http.Request {
			return withToken(mint(oidctest.Claims{WebID: f.iss.URL + "nobody/profile/card#me"}))
		}, "does not list the token issuer"},
		{"WebID without profile", func() *http.Request {
			return withToken(mint(oidctest.Claims{WebID: f.iss.URL + "ghost/profile/card#me"}))
		}, "WebID profile not available"},
		{"iss differs from discovery issuer", func() *http.Request {
			return withToken(mint(oidctest.Claims{Issuer: strings.TrimSuffix(f.iss.URL, "/")}))
		}, "token iss does not match its issuer"},
		{"iss with a query", func() *http.Request {
			return withToken(mint(oidctest.Claims{Issuer: f.iss.URL + "?x=1"}))
		}, "needs an http(s) iss"},
		{"issuer that cannot be fetched", func() *http.Request {
			return withToken(mint(oidctest.Claims{Issuer: "http://10.0.0.1/"}))
		}, "issuer keys not available"},
		{"expired", func() *http.Request {
			return withToken(mint(oidctest.Claims{IssuedAt: now.Add(-2 * time.Hour), Expires: now.Add(-time.Hour)}))
		}, "expired"},
		{"issued in the future", func() *http.Request {
			return withToken(mint(oidctest.Claims{IssuedAt: now.Add(time.Hour)}))
		}, "issued in the future"},
		{"not yet valid", func() *http.Request {
			return withToken(mint(oidctest.Claims{NotBefore: now.Add(time.Hour)}))
		}, "not yet valid"},
		{"no exp", func() *http.Request { return withToken(mint(oidctest.Claims{Omit: []string{"exp"}})) }, "needs exp and iat"},
		{"wrong audience", func() *http.Request {
			return withToken(mint(oidctest.Claims{Audience: []string{"https://app.example/id"}}))
		}, "audience must include solid"},
		{"audience as a number", func() *http.Request {
			return withToken(mint(oidctest.Claims{Extra: map[string]any{"aud": 7}}))
		}, "audience must include solid"},
		{"no webid", func() *http.Request { return withToken(mint(oidctest.Claims{Omit: []string{"webid"}})) }, "needs a webid"},
		{"webid not http", func() *http.Request {
			return withToken(mint(oidctest.Claims{Extra: map[string]any{"webid": "urn:x:alice"}}))
		}, "needs a webid"},
		{"not DPoP-bound", func() *http.Request { return withToken(mint(oidctest.Claims{Omit: []string{"cnf"}})) }, "not DPoP-bound"},
		{"proof as token", func() *http.Request {
			p := f.client.Proof(t, "GET", u, "")
			return withToken(p)
		}, "not an access token"},
		{"token of another key (jkt)", func() *http.Request {
			return withToken(mint(oidctest.Claims{JKT: stranger.JKT}))
		}, "does not match the access token cnf.jkt"},
		{"padded token", func() *http.Request { return withToken(oidctest.Padded(f.token)) }, "malformed access token"},
		{"token with extra segment", func() *http.Request { return withToken(oidctest.ExtraSegment(f.token)) }, "malformed access token"},
		{"token in JSON serialization", func() *http.Request { return withToken(`{"payload":"e30"}`) }, "malformed access token"},
		{"token of another issuer on this server", func() *http.Request {
			return withToken(mint(oidctest.Claims{Issuer: podBase}))
		}, "this server issues no tokens"},

		// Bad proofs.
		{"padded proof", func() *http.Request {
			return request("GET", path, "DPoP "+f.token, oidctest.Padded(f.client.Proof(t, "GET", u, f.token)))
		}, "malformed DPoP proof"},
		{"proof with extra segment", func() *http.Request {
			return request("GET", path, "DPoP "+f.token, oidctest.ExtraSegment(f.client.Proof(t, "GET", u, f.token)))
		}, "malformed DPoP proof"},
		{"proof alg none", func() *http.Request {
			return request("GET", path, "DPoP "+f.token, oidctest.NoneAlg(f.client.Proof(t, "GET", u, f.token)))
		}, "malformed DPoP proof"},
		{"proof tampered", func() *http.Request {
			return request("GET", path, "DPoP "+f.token, oidctest.Tamper(f.client.Proof(t, "GET", u, f.token), "htm", "DELETE"))
		}, "signature does not verify"},
		{"proof typ JWT", func() *http.Request { return withProof(oidctest.Proof{Typ: "JWT"}) }, "typ must be dpop+jwt"},
		{"proof HS256", func() *http.Request {
			p := f.client.Proof(t, "GET", u, f.token)
			return request("GET", path, "DPoP "+f.token, oidctest.HMACWithPublicKey(p, []byte("k")))
		}, "bad DPoP proof header"},
		{"proof alg not fitting its key", func() *http.Request { return withProof(oidctest.Proof{Alg: "ES384"}) }, "bad DPoP proof key"},
		{"private jwk in proof", func() *http.Request { return withProof(oidctest.Proof{PrivateJWK: true}) }, "bad DPoP proof key"},
		{"proof jwk of another key", func() *http.Request {
			pub, _ := stranger.Key.PublicKey()
			return withProof(oidctest.Proof{JWK: pub})
		}, "signature does not verify"},
		{"htm mismatch", func() *http.Request { return withProof(oidctest.Proof{Method: "POST"}) }, "htm does not match"},
		{"htm lowercase", func() *http.Request { return withProof(oidctest.Proof{Method: "get"}) }, "htm does not match"},
		{"htu other path", func() *http.Request { return withProof(oidctest.Proof{URL: podBase + "alice/other"}) }, "htu does not match"},
		{"htu other host", func() *http.Request { return withProof(oidctest.Proof{URL: "https://evil.example/alice/doc"}) }, "htu does not match"},
		{"htu other scheme", func() *http.Request { return withProof(oidctest.Proof{URL: "http://pod.example/alice/doc"}) }, "htu does not match"},
		{"htu relative", func() *http.Request { return withProof(oidctest.Proof{URL: "/alice/doc"}) }, "htu does not match"},
		{"ath mismatch", func() *http.Request { return withProof(oidctest.Proof{Token: mint(oidctest.Claims{})}) }, "ath does not match"},
		{"no jti", func() *http.Request { return withProof(oidctest.Proof{Omit: []string{"jti"}}) }, "needs a jti"},
		{"no iat", func() *http.Request { return withProof(oidctest.Proof{Omit: []string{"iat"}}) }, "needs an iat"},
		{"iat too old", func() *http.Request {
			return withProof(oidctest.Proof{IssuedAt: now.Add(-ProofWindow - 5*time.Second)})
		}, "iat is too old"},
		{"iat in the future", func() *http.Request {
			return withProof(oidctest.Proof{IssuedAt: now.Add(ProofWindow + 5*time.Second)})
		}, "iat is too old or in the future"},
		{"unrequested nonce", func() *http.Request {
			return withProof(oidctest.Proof{Extra: map[string]any{"nonce": "n"}})
		}, "nonce"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := f.v.Verify(tt.req())
			if !errors.Is(err, ErrInvalidToken) {
				t.Fatalf("Verify = %+v, %v; want ErrInvalidToken", a, err)
			}
			if a != (Agent{}) {
				t.Errorf("Verify returned agent %+v with an error", a)
			}
			if r := Reason(err); !strings.Contains(r, tt.reason) {
				t.Errorf("Reason = %q, want it to contain %q (err: %v)", r, tt.reason, err)
			}
		})
	}
}

func TestVerifyRejectsReplayedProof(t *testing.T) {
	f := newFixture(t)
	r := f.good(t, "GET", "/alice/doc")
	if _, err := f.v.Verify(r); err != nil {
		t.Fatal(err)
	}
	// The same proof again, now that the token is cached…
	r2 := request("GET", "/alice/doc", r.Header.Get("Authorization"), r.Header.Get("DPoP"))
	if _, err := f.v.Verify(r2); !errors.Is(err, ErrInvalidToken) || !strings.Contains(Reason(err), "used before") {
		t.Fatalf("replayed proof: %v", err)
	}
	// …and a proof with the same jti but otherwise fresh.
	jti := "same-jti"
	p := oidctest.Proof{Method: "GET", URL: podBase + "alice/doc", Token: f.token, JTI: jti}
	if _, err := f.v.Verify(request("GET", "/alice/doc", "DPoP "+f.token, f.client.MintProof(t, p))); err != nil {
		t.Fatal(err)
	}
	p.IssuedAt = time.Now().Add(time.Second)
	if _, err := f.v.Verify(request("GET", "/alice/doc", "DPoP "+f.token, f.client.MintProof(t, p))); !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("reused jti: %v", err)
	}
}

// failingReplay is a replay cache that cannot be reached.
type failingReplay struct{}

func (failingReplay) Claim(context.Context, string, time.Duration) (bool, error) {
	return false, errors.New("bus down")
}

func TestVerifyRefusesWhenReplayFails(t *testing.T) {
	f := newFixture(t)
	fc, _ := fetch.New(fetch.Config{Allow: []string{f.iss.Origin()}})
	v, _ := New(Config{BaseURL: podBase, Fetch: fc, Replay: failingReplay{}, Logger: quiet})
	if _, err := v.Verify(f.good(t, "GET", "/a")); !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("Verify = %v, want ErrInvalidToken", err)
	}
}

// TestVerifyCachedTokenStillChecksBinding: a cached token presented with
// a proof of another key is refused.
func TestVerifyCachedTokenStillChecksBinding(t *testing.T) {
	f := newFixture(t)
	if _, err := f.v.Verify(f.good(t, "GET", "/a")); err != nil {
		t.Fatal(err)
	}
	thief := oidctest.NewClient(t)
	r := request("GET", "/a", "DPoP "+f.token, thief.Proof(t, "GET", podBase+"a", f.token))
	if _, err := f.v.Verify(r); !errors.Is(err, ErrInvalidToken) || !strings.Contains(Reason(err), "cnf.jkt") {
		t.Fatalf("stolen token: %v", err)
	}
}

// TestVerifyChecksBeforeFetching: tokens failing a check that needs no
// fetch make the verifier fetch nothing.
func TestVerifyChecksBeforeFetching(t *testing.T) {
	f := newFixture(t)
	u := podBase + "a"
	bad := []*http.Request{
		request("GET", "/a", "DPoP "+f.token, f.client.Proof(t, "POST", u, f.token)),
		request("GET", "/a", "DPoP "+f.token, oidctest.NewClient(t).Proof(t, "GET", u, f.token)),
	}
	exp := f.iss.Mint(t, oidctest.Header{}, oidctest.Claims{WebID: f.webID, JKT: f.client.JKT, IssuedAt: time.Now().Add(-3 * time.Hour), Expires: time.Now().Add(-2 * time.Hour)})
	bad = append(bad, request("GET", "/a", "DPoP "+exp, f.client.Proof(t, "GET", u, exp)))
	for _, r := range bad {
		if _, err := f.v.Verify(r); !errors.Is(err, ErrInvalidToken) {
			t.Fatalf("Verify = %v", err)
		}
	}
	for _, p := range []string{"/.well-known/openid-configuration", "/jwks", "/alice/profile/card"} {
		if n := f.iss.Hits(p); n != 0 {
			t.Errorf("%s fetched %d times, want 0", p, n)
		}
	}
}

// TestVerifyRateLimitsFetches: tokens naming ever new WebIDs on one host
// make the server fetch from it at most a burst's worth.
func TestVerifyRateLimitsFetches(t *testing.T) {
	f := newFixture(t)
	// A stopped clock, so that no fetch budget is refilled meanwhile.
	start := time.Now()
	fc, _ := fetch.New(fetch.Config{Allow: []string{f.iss.Origin()}})
	f.v, _ = New(Config{BaseURL: podBase, Fetch: fc, Logger: quiet, Now: func() time.Time { return start }})
	for i := 0; i < 3*fetchBurst; i++ {
		webID := fmt.Sprintf("%suser%d/profile/card#me", f.iss.URL, i)
		tok := f.iss.Mint(t, oidctest.Header{}, oidctest.Claims{WebID: webID, JKT: f.client.JKT})
		f.v.Verify(request("GET", "/a", "DPoP "+tok, f.client.Proof(t, "GET", podBase+"a", tok)))
	}
	total := 0
	for i := 0; i < 3*fetchBurst; i++ {
		total += f.iss.Hits(fmt.Sprintf("/user%d/profile/card", i))
	}
	total += f.iss.Hits("/.well-known/openid-configuration") + f.iss.Hits("/jwks")
	if total != fetchBurst {
		t.Errorf("%d fetches from one host, want %d", total, fetchBurst)
	}
}

func TestMiddleware(t *testing.T) {
	f := newFixture(t)
	var seen []Agent
	h := f.v.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, FromContext(r.Context()))
		w.WriteHeader(http.StatusNoContent)
	}))
	serve := func(r *http.Request) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}

	if w := serve(request("GET", "/a", "", "")); w.Code != http.StatusNoContent || len(seen) != 1 || !seen[0].Anonymous() {
		t.Fatalf("anonymous: %d, %+v", w.Code, seen)
	}
	if w := serve(f.good(t, "GET", "/a")); w.Code != http.StatusNoContent || len(seen) != 2 || seen[1].WebID != f.webID {
		t.Fatalf("authenticated: %d, %+v", w.Code, seen)
	}
	for _, r := range []*http.Request{
		request("GET", "/a", "DPoP x", "y"),
		request("GET", "/a", "Bearer "+f.token, ""),
		request("HEAD", "/a", "DPoP "+f.token, ""),
	} {
		w := serve(r)
		if w.Code != http.StatusUnauthorized {
			t.Errorf("%s %s: status %d, want 401", r.Method, r.Header.Get("Authorization")[:6], w.Code)
		}
		c := w.Header().Get("WWW-Authenticate")
		if !strings.HasPrefix(c, `DPoP error="invalid_token", error_description="`) || !strings.HasSuffix(c, `algs="`+Algs+`"`) {
			t.Errorf("WWW-Authenticate = %q", c)
		}
		if ct := w.Header().Get("Content-Type"); ct != "text/plain; charset=utf-8" {
			t.Errorf("Content-Type = %q", ct)
		}
		if body := w.Body.String(); r.Method == "HEAD" && body != "" || r.Method != "HEAD" && !strings.HasPrefix(body, "invalid credentials: ") {
			t.Errorf("body = %q", body)
		}
	}
	if len(seen) != 2 {
		t.Errorf("refused requests reached the handler: %+v", seen)
	}
}

func TestChallenge(t *testing.T) {
	tests := []struct{ reason, want string }{
		{"", `DPoP algs="` + Algs + `"`},
		{"expired", `DPoP error="invalid_token", error_description="expired", algs="` + Algs + `"`},
		{`a "quoted" \ reason`, `DPoP error="invalid_token", error_description="a 'quoted' ' reason", algs="` + Algs + `"`},
	}
	for _, tt := range tests {
		if got := Challenge(tt.reason); got != tt.want {
			t.Errorf("Challenge(%q) = %q, want %q", tt.reason, got, tt.want)
		}
	}
}

func TestNormalizeURL(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"https://pod.example/a/b", "https://pod.example/a/b", true},
		{"HTTPS://POD.example:443/a/b?x=1#f", "https://pod.example/a/b", true},
		{"http://pod.example:80", "http://pod.example/", true},
		{"http://pod.example:8080/%7ea/%2f%c3%a9", "http://pod.example:8080/~a/%2F%C3%A9", true},
		{"https://pod.example/a%20b", "https://pod.example/a%20b", true},
		{"/a/b", "", false},
		{"ftp://pod.example/", "", false},
		{"https://u:p@pod.example/", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := normalizeURL(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("normalizeURL(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseCompact(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"e30.e30.AA", true},
		{"e30.e30.", false},
		{"e30..AA", false},
		{"e30.e30", false},
		{"e30.e30.AA.AA", false},
		{"e30=.e30.AA", false},
		{"e30.e30.AA==", false},
		{"e30.e30.A+", false},
		{"e30.e30.A/", false},
		{"e30.e30.A A", false},
		{"e30.e30.AB", false}, // non-zero trailing bits
		{"e30.e30.A", false},  // impossible length
		{"", false},
	}
	for _, tt := range tests {
		_, err := parseCompact(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("parseCompact(%q) error = %v, want ok=%v", tt.in, err, tt.ok)
		}
	}
}

// TestVerifyRefreshesKeysOnUnknownKid: after the issuer rotates its key, a
// token with the new kid makes the verifier fetch the JWKS again, but not
// sooner than keysRefresh after the last fetch.
func TestVerifyRefreshesKeysOnUnknownKid(t *testing.T) {
	f := newFixture(t)
	var offset atomic.Int64
	fc, _ := fetch.New(fetch.Config{Allow: []string{f.iss.Origin()}})
	v, _ := New(Config{BaseURL: podBase, Fetch: fc, Logger: quiet, Now: func() time.Time {
		return time.Now().Add(time.Duration(offset.Load()))
	}})
	if _, err := v.Verify(f.good(t, "GET", "/a")); err != nil {
		t.Fatal(err)
	}
	f.iss.Rotate(t)
	f.token = f.iss.Token(t, f.webID, f.client)
	if _, err := v.Verify(f.good(t, "GET", "/a")); !errors.Is(err, ErrInvalidToken) || !strings.Contains(Reason(err), "unknown key") {
		t.Fatalf("new kid right after a fetch: %v, want unknown key", err)
	}
	if n := f.iss.Hits("/jwks"); n != 1 {
		t.Fatalf("JWKS fetched %d times, want 1", n)
	}
	offset.Store(int64(keysRefresh + time.Second))
	if _, err := v.Verify(f.good(t, "GET", "/a")); err != nil {
		t.Fatalf("new kid after keysRefresh: %v", err)
	}
	if n := f.iss.Hits("/jwks"); n != 2 {
		t.Fatalf("JWKS fetched %d times, want 2", n)
	}
}

// TestVerifyJSONLDProfile: a WebID profile in JSON-LD is read as well as
// one in Turtle.
func TestVerifyJSONLDProfile(t *testing.T) {
	f := newFixture(t)
	webID := f.iss.URL + "jl/profile/card#me"
	f.iss.ServeDocument("/jl/profile/card", "application/ld+json",
		`{"@id":"#me","http://www.w3.org/ns/solid/terms#oidcIssuer":{"@id":"`+f.iss.URL+`"}}`)
	tok := f.iss.Token(t, webID, f.client)
	r := request("GET", "/a", "DPoP "+tok, f.client.Proof(t, "GET", podBase+"a", tok))
	if a, err := f.v.Verify(r); err != nil || a.WebID != webID {
		t.Fatalf("Verify = %+v, %v", a, err)
	}
}

// TestVerifyConcurrent runs many requests at once, for the race detector:
// several clients, each with its own token, a fresh proof per request.
func TestVerifyConcurrent(t *testing.T) {
	iss := oidctest.New(t)
	v := newVerifier(t, iss.Origin())
	const clients, each = 6, 15
	type job struct {
		r     *http.Request
		webID string
	}
	var jobs []job
	for c := 0; c < clients; c++ {
		webID := iss.WebID(fmt.Sprintf("u%d", c))
		cl := oidctest.NewClient(t)
		tok := iss.Token(t, webID, cl)
		for i := 0; i < each; i++ {
			jobs = append(jobs, job{request("GET", "/a", "DPoP "+tok, cl.Proof(t, "GET", podBase+"a", tok)), webID})
		}
	}
	errs := make(chan error, len(jobs))
	for _, j := range jobs {
		go func() {
			a, err := v.Verify(j.r)
			if err == nil && a.WebID != j.webID {
				err = fmt.Errorf("agent %s, want %s", a.WebID, j.webID)
			}
			errs <- err
		}()
	}
	for range jobs {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if n := iss.Hits("/jwks"); n != 1 {
		t.Errorf("JWKS fetched %d times, want 1", n)
	}
}
