package spec

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
	"github.com/lestrrat-go/jwx/v2/jwt"
)

// Users of the server under test, made the way a script or the Solid
// conformance harness makes them: through the account JSON API of the
// Community Solid Server v7 (which Seedpod implements too), then logged in
// with client credentials and DPoP (Solid-OIDC §5, RFC 9449). Nothing here
// knows which server it talks to.

// A user is an account with one pod on the target, and a target whose
// client sends every request as that user.
type user struct {
	webID string
	pod   string   // the pod's root container URL
	as    *target  // requests sent through as carry the user's token
	token *dpopJar // the user's access token and DPoP key
}

// newUser creates an account with a fresh pod on s and logs it in with
// client credentials.
func (s *target) newUser(t testing.TB) *user {
	t.Helper()
	root := s.serverRoot()
	acct := &accountAPI{t: t, c: s.client}
	controls := acct.controls(root + ".account/")
	create := controls.str(t, "account", "create")
	var created struct{ Authorization string }
	acct.post(create, map[string]any{}, &created)
	if created.Authorization == "" {
		t.Fatalf("POST %s: no authorization in the answer", create)
	}
	acct.token = created.Authorization
	controls = acct.controls(root + ".account/")

	name := strings.ToLower(strings.ReplaceAll(uuid.NewString(), "-", "")[:20])
	email := name + "@example.org"
	password := "pw-" + uuid.NewString()
	acct.post(controls.str(t, "password", "create"), map[string]any{
		"email": email, "password": password, "confirmPassword": password,
	}, nil)
	var pod struct{ Pod, WebID string }
	acct.post(controls.str(t, "account", "pod"), map[string]any{"name": "u" + name}, &pod)
	if pod.Pod == "" || pod.WebID == "" {
		t.Fatalf("creating pod u%s: answer lacks pod or webId: %+v", name, pod)
	}
	var cc struct{ ID, Secret string }
	acct.post(controls.str(t, "account", "clientCredentials"), map[string]any{
		"name": "spec-" + name, "webId": pod.WebID,
	}, &cc)
	if cc.ID == "" || cc.Secret == "" {
		t.Fatalf("creating client credentials: answer lacks id or secret")
	}
	jar := clientCredentialsToken(t, s.client, root, cc.ID, cc.Secret)
	as, err := newTarget(s.name, s.base.String())
	if err != nil {
		t.Fatal(err)
	}
	as.maxBody = s.maxBody
	as.client = &http.Client{
		Transport:     &dpopTransport{jar: jar, next: http.DefaultTransport},
		CheckRedirect: s.client.CheckRedirect,
		Timeout:       s.client.Timeout,
	}
	return &user{webID: pod.WebID, pod: pod.Pod, as: as, token: jar}
}

// serverRoot is the root of the server holding the base container: where
// the account API, the provider and /.well-known live.
func (s *target) serverRoot() string {
	return (&url.URL{Scheme: s.base.Scheme, Host: s.base.Host, Path: "/"}).String()
}

// accountAPI speaks the account JSON API.
type accountAPI struct {
	t     testing.TB
	c     *http.Client
	token string // CSS-Account-Token, once the account exists
}

// controlMap is the "controls" object of an account API answer.
type controlMap map[string]map[string]any

func (m controlMap) str(t testing.TB, group, name string) string {
	t.Helper()
	s, _ := m[group][name].(string)
	if s == "" {
		t.Fatalf("account API controls lack %s.%s: %v", group, name, m)
	}
	return s
}

func (a *accountAPI) controls(index string) controlMap {
	a.t.Helper()
	var out struct{ Controls controlMap }
	a.call(http.MethodGet, index, nil, &out)
	return out.Controls
}

func (a *accountAPI) post(u string, in, out any) {
	a.t.Helper()
	a.call(http.MethodPost, u, in, out)
}

func (a *accountAPI) call(method, u string, in, out any) {
	a.t.Helper()
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if a.token != "" {
		req.Header.Set("Authorization", "CSS-Account-Token "+a.token)
	}
	resp, err := a.c.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		a.t.Fatalf("%s %s: %s: %s", method, u, resp.Status, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			a.t.Fatalf("%s %s: answer is not the expected JSON: %v\n%s", method, u, err, b)
		}
	}
}

// A dpopJar is an access token bound to a DPoP key.
type dpopJar struct {
	key   jwk.Key // private
	token string
}

// clientCredentialsToken asks the provider at root (found by OpenID
// discovery) for a DPoP-bound access token with the client credentials
// grant, as @inrupt/solid-client-authn-node does.
func clientCredentialsToken(t testing.TB, c *http.Client, root, id, secret string) *dpopJar {
	t.Helper()
	meta := discover(t, c, root)
	tokenURL, _ := meta["token_endpoint"].(string)
	if tokenURL == "" {
		t.Fatalf("discovery at %s has no token_endpoint", root)
	}
	key := newDPoPKey(t)
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {"webid"}}
	req, _ := http.NewRequest(http.MethodPost, tokenURL, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	req.Header.Set("DPoP", dpopProof(t, key, http.MethodPost, tokenURL, ""))
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", tokenURL, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("client credentials token: %s: %s", resp.Status, b)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
	}
	if err := json.Unmarshal(b, &tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("client credentials token: no access_token in %s", b)
	}
	if !strings.EqualFold(tok.TokenType, "DPoP") {
		t.Fatalf("client credentials token: token_type %q, want DPoP", tok.TokenType)
	}
	return &dpopJar{key: key, token: tok.AccessToken}
}

// discover reads the OpenID provider metadata of the issuer at root.
func discover(t testing.TB, c *http.Client, root string) map[string]any {
	t.Helper()
	u := root + ".well-known/openid-configuration"
	resp, err := c.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	var meta map[string]any
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", u, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&meta); err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	return meta
}

// newDPoPKey makes a fresh P-256 key, as clients do per session.
func newDPoPKey(t testing.TB) jwk.Key {
	t.Helper()
	raw, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	k, err := jwk.FromRaw(raw)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// dpopProof signs a DPoP proof (RFC 9449 §4.2) for method and htu; a
// non-empty token adds its ath.
func dpopProof(t testing.TB, key jwk.Key, method, htu, token string) string {
	t.Helper()
	p, err := signProof(key, method, htu, token)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// signProof is dpopProof without a testing.TB, for the transport.
func signProof(key jwk.Key, method, htu, token string) (string, error) {
	pub, err := key.PublicKey()
	if err != nil {
		return "", err
	}
	tok := jwt.New()
	tok.Set(jwt.JwtIDKey, uuid.NewString())
	tok.Set("htm", method)
	tok.Set("htu", htu)
	tok.Set(jwt.IssuedAtKey, time.Now().Unix())
	if token != "" {
		sum := sha256.Sum256([]byte(token))
		tok.Set("ath", base64.RawURLEncoding.EncodeToString(sum[:]))
	}
	hdr := jws.NewHeaders()
	hdr.Set(jws.TypeKey, "dpop+jwt")
	hdr.Set(jws.JWKKey, pub)
	signed, err := jwt.Sign(tok, jwt.WithKey(jwa.ES256, key, jws.WithProtectedHeaders(hdr)))
	if err != nil {
		return "", fmt.Errorf("signing DPoP proof: %w", err)
	}
	return string(signed), nil
}

// dpopTransport sends every request with the jar's token and a fresh
// proof, as Solid clients do.
type dpopTransport struct {
	jar  *dpopJar
	next http.RoundTripper
}

func (d *dpopTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	htu := *req.URL
	htu.RawQuery, htu.Fragment = "", ""
	proof, err := signProof(d.jar.key, req.Method, htu.String(), d.jar.token)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "DPoP "+d.jar.token)
	req.Header.Set("DPoP", proof)
	return d.next.RoundTrip(req)
}
