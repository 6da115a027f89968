package provider

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
	"github.com/lestrrat-go/jwx/v2/jwt"
	"github.com/seedpod/seedpod/clients/fetch"
	"github.com/seedpod/seedpod/storage"
	"github.com/seedpod/seedpod/storage/disk"
)

const issuer = "https://pod.example/"

// testUsers is a small, real implementation of Users for tests: browser
// sessions are a cookie "sid" naming an entry of sessions.
type testUsers struct {
	mu       sync.Mutex
	sessions map[string]Session // sid → session
	creds    map[string][2]string
	logouts  int
}

func newTestUsers() *testUsers {
	return &testUsers{sessions: make(map[string]Session), creds: make(map[string][2]string)}
}

// login starts a session for an account and returns its cookie.
func (u *testUsers) login(account string, webIDs ...string) *http.Cookie {
	sid := randomToken(16)
	u.mu.Lock()
	u.sessions[sid] = Session{AccountID: account, WebIDs: webIDs}
	u.mu.Unlock()
	return &http.Cookie{Name: "sid", Value: sid}
}

func (u *testUsers) addCredentials(id, secret, webID string) {
	u.mu.Lock()
	u.creds[id] = [2]string{secret, webID}
	u.mu.Unlock()
}

func (u *testUsers) Session(r *http.Request) (Session, bool) {
	c, err := r.Cookie("sid")
	if err != nil {
		return Session{}, false
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	s, ok := u.sessions[c.Value]
	return s, ok
}

func (u *testUsers) LoginURL(returnTo string) string {
	return "/.account/login/?returnTo=" + url.QueryEscape(returnTo)
}

func (u *testUsers) Logout(w http.ResponseWriter, r *http.Request) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.logouts++
	if c, err := r.Cookie("sid"); err == nil {
		delete(u.sessions, c.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: "sid", MaxAge: -1})
}

func (u *testUsers) ClientCredentials(_ context.Context, id, secret string) (string, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	c, ok := u.creds[id]
	if !ok || c[0] != secret {
		return "", ErrBadClientCredentials
	}
	return c[1], nil
}

// clock is a settable clock for Config.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now()} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is a provider under test with its users, clock and store.
type env struct {
	t     testing.TB
	p     *Provider
	users *testUsers
	clock *clock
	store storage.Store
}

type envOptions struct {
	store storage.Store
	users *testUsers
	clock *clock
	fetch *fetch.Client
	bus   Replay
}

func newEnv(t testing.TB, o envOptions) *env {
	t.Helper()
	if o.store == nil {
		s, err := disk.New(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		o.store = s
	}
	if o.users == nil {
		o.users = newTestUsers()
	}
	if o.clock == nil {
		o.clock = newClock()
	}
	var logw io.Writer = testWriter{t}
	if _, ok := t.(*testing.F); ok {
		logw = io.Discard // a fuzz target must not log through F
	}
	p, err := New(Config{
		Issuer: issuer, Store: o.store, Users: o.users, Fetch: o.fetch, Now: o.clock.Now, Replay: o.bus,
		Logger: slog.New(slog.NewTextHandler(logw, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, p: p, users: o.users, clock: o.clock, store: o.store}
}

// do serves one request and returns the response.
func (e *env) do(r *http.Request) *http.Response {
	rec := httptest.NewRecorder()
	e.p.ServeHTTP(rec, r)
	return rec.Result()
}

func body(t testing.TB, resp *http.Response) string {
	t.Helper()
	b, err := readAll(resp)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// register registers a client dynamically and returns the response.
func (e *env) register(meta map[string]any) (*http.Response, map[string]any) {
	e.t.Helper()
	b, _ := json.Marshal(meta)
	r := httptest.NewRequest("POST", issuer+".oidc/reg", strings.NewReader(string(b)))
	r.Header.Set("Content-Type", "application/json")
	resp := e.do(r)
	var out map[string]any
	json.Unmarshal([]byte(body(e.t, resp)), &out)
	return resp, out
}

// publicClient registers a public client with one redirect URI.
func (e *env) publicClient(redirect string) string {
	e.t.Helper()
	resp, out := e.register(map[string]any{
		"redirect_uris": []string{redirect}, "token_endpoint_auth_method": "none",
		"client_name": "Test App", "post_logout_redirect_uris": []string{redirect + "/bye"},
	})
	if resp.StatusCode != http.StatusCreated {
		e.t.Fatalf("register: %d %v", resp.StatusCode, out)
	}
	return out["client_id"].(string)
}

// pkce is a PKCE verifier and its S256 challenge.
type pkce struct{ verifier, challenge string }

func newPKCE() pkce {
	v := randomToken(32)
	h := sha256.Sum256([]byte(v))
	return pkce{v, base64.RawURLEncoding.EncodeToString(h[:])}
}

// authQuery is a complete authorization request.
func authQuery(clientID, redirect string, pk pkce, extra ...string) url.Values {
	q := url.Values{
		"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {redirect},
		"scope": {"openid webid offline_access"}, "state": {"st-" + randomToken(4)}, "nonce": {"n-1"},
		"code_challenge": {pk.challenge}, "code_challenge_method": {"S256"},
	}
	for i := 0; i+1 < len(extra); i += 2 {
		if extra[i+1] == "" {
			q.Del(extra[i])
		} else {
			q.Set(extra[i], extra[i+1])
		}
	}
	return q
}

// get sends a GET with the cookie, if any.
func (e *env) get(target string, cookie *http.Cookie) *http.Response {
	r := httptest.NewRequest("GET", target, nil)
	if cookie != nil {
		r.AddCookie(cookie)
	}
	return e.do(r)
}

var (
	csrfRE    = regexp.MustCompile(`name="csrf" value="([^"]*)"`)
	requestRE = regexp.MustCompile(`name="request" value="([^"]*)"`)
)

// consent shows the consent page at location and answers it.
func (e *env) consent(location string, cookie *http.Cookie, decision, webID string) *http.Response {
	e.t.Helper()
	resp := e.get(issuer[:len(issuer)-1]+location, cookie)
	page := body(e.t, resp)
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("consent page: %d %s", resp.StatusCode, page)
	}
	csrf, request := csrfRE.FindStringSubmatch(page), requestRE.FindStringSubmatch(page)
	if csrf == nil || request == nil {
		e.t.Fatalf("consent page has no form: %s", page)
	}
	form := url.Values{"csrf": {html.UnescapeString(csrf[1])}, "request": {html.UnescapeString(request[1])},
		"decision": {decision}, "webid": {webID}}
	r := httptest.NewRequest("POST", issuer+".oidc/consent", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Origin", "https://pod.example")
	r.AddCookie(cookie)
	return e.do(r)
}

// code logs in through the whole authorization flow (consenting if
// asked) and returns the redirect's query.
func (e *env) code(q url.Values, cookie *http.Cookie, webID string) url.Values {
	e.t.Helper()
	resp := e.get(issuer+".oidc/auth?"+q.Encode(), cookie)
	if resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("auth: %d %s", resp.StatusCode, body(e.t, resp))
	}
	loc := resp.Header.Get("Location")
	if strings.HasPrefix(loc, "/.oidc/consent?") {
		resp = e.consent(loc, cookie, "allow", webID)
		if resp.StatusCode != http.StatusSeeOther {
			e.t.Fatalf("consent: %d %s", resp.StatusCode, body(e.t, resp))
		}
		loc = resp.Header.Get("Location")
	}
	u, err := url.Parse(loc)
	if err != nil || !strings.HasPrefix(loc, q.Get("redirect_uri")) {
		e.t.Fatalf("redirected to %q, want %s", loc, q.Get("redirect_uri"))
	}
	return u.Query()
}

// dpopKey is a client's DPoP key.
type dpopKey struct {
	priv *ecdsa.PrivateKey
	pub  jwk.Key
	jkt  string
}

func newDPoPKey(t testing.TB) *dpopKey {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := jwk.FromRaw(priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	tp, _ := pub.Thumbprint(crypto.SHA256)
	return &dpopKey{priv: priv, pub: pub, jkt: base64.RawURLEncoding.EncodeToString(tp)}
}

// proofClaims are what a test proof holds; zero fields are filled in.
func (k *dpopKey) proofWith(t testing.TB, hdr map[string]any, claims map[string]any) string {
	t.Helper()
	h := jws.NewHeaders()
	h.Set(jws.TypeKey, "dpop+jwt")
	h.Set(jws.JWKKey, k.pub)
	for n, v := range hdr {
		h.Set(n, v)
	}
	payload, _ := json.Marshal(claims)
	out, err := jws.Sign(payload, jws.WithKey(jwa.ES256, k.priv, jws.WithProtectedHeaders(h)))
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// proof is a valid proof for method and target at time now.
func (k *dpopKey) proof(t testing.TB, method, target string, now time.Time) string {
	return k.proofWith(t, nil, map[string]any{"jti": randomToken(12), "htm": method, "htu": target, "iat": now.Unix()})
}

// tokenRequest posts form to the token endpoint with a proof from key
// (none if nil) and Basic credentials if basic is non-empty.
func (e *env) tokenRequest(form url.Values, key *dpopKey, basic ...string) *http.Response {
	r := httptest.NewRequest("POST", issuer+".oidc/token", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if key != nil {
		r.Header.Set("DPoP", key.proof(e.t, "POST", issuer+".oidc/token", e.clock.Now()))
	}
	if len(basic) == 2 {
		r.SetBasicAuth(url.QueryEscape(basic[0]), url.QueryEscape(basic[1]))
	}
	return e.do(r)
}

// tokens decodes a token response, failing unless it is 200.
func (e *env) tokens(resp *http.Response) tokenResponse {
	e.t.Helper()
	b := body(e.t, resp)
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("token: %d %s", resp.StatusCode, b)
	}
	var tr tokenResponse
	if err := json.Unmarshal([]byte(b), &tr); err != nil {
		e.t.Fatal(err)
	}
	return tr
}

// oauthErr decodes an error response and checks status and code.
func (e *env) oauthErr(resp *http.Response, status int, code string) {
	e.t.Helper()
	b := body(e.t, resp)
	var out struct {
		Error string `json:"error"`
	}
	json.Unmarshal([]byte(b), &out)
	if resp.StatusCode != status || out.Error != code {
		e.t.Fatalf("got %d %s, want %d %s", resp.StatusCode, b, status, code)
	}
}

// verify checks a JWT against the provider's public keys with jwx and
// returns its claims.
func (e *env) verify(token string, aud string) jwt.Token {
	e.t.Helper()
	set, err := e.p.PublicKeys(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	tok, err := jwt.Parse([]byte(token), jwt.WithKeySet(set), jwt.WithIssuer(issuer), jwt.WithAudience(aud),
		jwt.WithClock(jwt.ClockFunc(e.clock.Now)))
	if err != nil {
		e.t.Fatalf("token does not verify: %v", err)
	}
	return tok
}

// codeFlow runs a full authorization code flow for a fresh public client
// and returns client id, redirect and tokens.
func (e *env) codeFlow(key *dpopKey, cookie *http.Cookie, webID string) (string, tokenResponse) {
	e.t.Helper()
	redirect := "https://app.example/cb"
	id := e.publicClient(redirect)
	pk := newPKCE()
	back := e.code(authQuery(id, redirect, pk), cookie, webID)
	resp := e.tokenRequest(url.Values{"grant_type": {"authorization_code"}, "code": {back.Get("code")},
		"redirect_uri": {redirect}, "client_id": {id}, "code_verifier": {pk.verifier}}, key)
	return id, e.tokens(resp)
}

// testWriter sends log output to the test log.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

func readAll(resp *http.Response) ([]byte, error) { return io.ReadAll(resp.Body) }

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func newFormRequest(target string, form url.Values) *http.Request {
	r := httptest.NewRequest("POST", target, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

// rsaProof is a valid RS256 DPoP proof from a fresh 2048-bit key.
func rsaProof(t testing.TB, method, target string, now time.Time) string {
	t.Helper()
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := jwk.FromRaw(priv.Public())
	h := jws.NewHeaders()
	h.Set(jws.TypeKey, "dpop+jwt")
	h.Set(jws.JWKKey, pub)
	payload, _ := json.Marshal(map[string]any{"jti": randomToken(12), "htm": method, "htu": target, "iat": now.Unix()})
	out, err := jws.Sign(payload, jws.WithKey(jwa.RS256, priv, jws.WithProtectedHeaders(h)))
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}
