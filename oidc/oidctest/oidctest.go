// Package oidctest is an in-process Solid-OIDC issuer for tests: it mints
// real signed access tokens and DPoP proofs with real keys, serves its
// discovery document, its JWKS and WebID profiles from an httptest server
// on loopback, and mints deliberately broken tokens and proofs for the
// rejection tests of the verifier (package oidc) and the spec suite.
//
// Tokens have the shape of this server's provider (docs: PATHS.md): an
// ES256 JWT with typ at+jwt, iss, aud ["solid", client_id], sub, webid,
// client_id, cnf.jkt, iat, exp and jti.
package oidctest

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
)

// Issuer is an OpenID provider for tests. It is safe for concurrent use.
type Issuer struct {
	// URL is the issuer identifier, with a trailing slash, e.g.
	// "http://127.0.0.1:41234/".
	URL string
	// Server serves discovery, the JWKS and documents; nil for an issuer
	// made by NewLocal.
	Server *httptest.Server

	mu   sync.Mutex
	key  jwk.Key             // private signing key, with kid and alg
	old  []jwk.Key           // earlier keys, still published
	docs map[string]document // by path
	hits map[string]int      // requests by path
}

type document struct{ contentType, body string }

// New starts an issuer on a loopback httptest server, closed when the
// test ends. Its URL is the server's URL with a trailing slash.
func New(t testing.TB) *Issuer {
	t.Helper()
	i := newIssuer(t)
	i.Server = httptest.NewServer(http.HandlerFunc(i.serve))
	t.Cleanup(i.Server.Close)
	i.URL = i.Server.URL + "/"
	return i
}

// NewLocal returns an issuer with identifier url that serves nothing, as
// this server's own provider is seen by the verifier: its keys are read
// with PublicKeys, never fetched.
func NewLocal(t testing.TB, url string) *Issuer {
	t.Helper()
	i := newIssuer(t)
	i.URL = url
	return i
}

func newIssuer(t testing.TB) *Issuer {
	t.Helper()
	return &Issuer{key: newSigningKey(t), docs: map[string]document{}, hits: map[string]int{}}
}

// newSigningKey returns a fresh ES256 signing key with a random kid.
func newSigningKey(t testing.TB) jwk.Key {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("oidctest: %v", err)
	}
	key := mustKey(t, k)
	key.Set(jwk.KeyIDKey, "test-"+randomID(6))
	key.Set(jwk.AlgorithmKey, jwa.ES256)
	key.Set(jwk.KeyUsageKey, "sig")
	return key
}

// Rotate makes a new signing key current; the JWKS keeps publishing the
// earlier ones, as a provider does while their tokens live.
func (i *Issuer) Rotate(t testing.TB) {
	t.Helper()
	k := newSigningKey(t)
	i.mu.Lock()
	i.old = append(i.old, i.key)
	i.key = k
	i.mu.Unlock()
}

// signingKey returns the current signing key.
func (i *Issuer) signingKey() jwk.Key {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.key
}

// Origin returns the issuer server's origin, scheme://host:port, as
// fetch.Config.Allow and `seedpod serve --fetch-allow` take it.
func (i *Issuer) Origin() string { return strings.TrimSuffix(i.URL, "/") }

// KeyID returns the kid of the issuer's signing key.
func (i *Issuer) KeyID() string { return i.signingKey().KeyID() }

// PublicKeys returns the issuer's public keys, as the verifier's
// Config.LocalKeys reads them.
func (i *Issuer) PublicKeys(context.Context) (jwk.Set, error) {
	i.mu.Lock()
	keys := append([]jwk.Key{i.key}, i.old...)
	i.mu.Unlock()
	set := jwk.NewSet()
	for _, k := range keys {
		pub, err := k.PublicKey()
		if err != nil {
			return nil, err
		}
		set.AddKey(pub)
	}
	return set, nil
}

// PublicKeyPEM returns the issuer's public key in PEM, for key confusion
// attacks (HMACWithPublicKey).
func (i *Issuer) PublicKeyPEM() []byte {
	var raw ecdsa.PrivateKey
	i.signingKey().Raw(&raw)
	der, _ := x509.MarshalPKIXPublicKey(&raw.PublicKey)
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// WebID returns the WebID <URL>name/profile/card#me, whose profile the
// issuer serves, listing the issuer as its solid:oidcIssuer. Call it once
// per name; calling it again replaces the profile.
func (i *Issuer) WebID(name string) string {
	webID := i.URL + name + "/profile/card#me"
	i.ServeDocument("/"+name+"/profile/card", "text/turtle", Profile(webID, i.URL))
	return webID
}

// ServeDocument makes the issuer's server answer GET path with body.
func (i *Issuer) ServeDocument(path, contentType, body string) {
	i.mu.Lock()
	i.docs[path] = document{contentType, body}
	i.mu.Unlock()
}

// Hits returns how many requests the server has had for path.
func (i *Issuer) Hits(path string) int {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.hits[path]
}

// Profile returns a Turtle WebID profile for webID listing issuers as its
// solid:oidcIssuer.
func Profile(webID string, issuers ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "@prefix solid: <http://www.w3.org/ns/solid/terms#>.\n@prefix foaf: <http://xmlns.com/foaf/0.1/>.\n<%s> a foaf:Person", webID)
	for _, iss := range issuers {
		fmt.Fprintf(&b, ";\n  solid:oidcIssuer <%s>", iss)
	}
	b.WriteString(".\n")
	return b.String()
}

func (i *Issuer) serve(w http.ResponseWriter, r *http.Request) {
	i.mu.Lock()
	i.hits[r.URL.Path]++
	d, ok := i.docs[r.URL.Path]
	i.mu.Unlock()
	switch {
	case r.URL.Path == "/.well-known/openid-configuration":
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"issuer":                                i.URL,
			"jwks_uri":                              i.URL + "jwks",
			"authorization_endpoint":                i.URL + "auth",
			"token_endpoint":                        i.URL + "token",
			"scopes_supported":                      []string{"openid", "webid", "offline_access"},
			"dpop_signing_alg_values_supported":     []string{"ES256", "PS256", "RS256"},
			"id_token_signing_alg_values_supported": []string{"ES256"},
			"solid_oidc_supported":                  "https://solidproject.org/TR/solid-oidc",
		})
	case r.URL.Path == "/jwks":
		set, _ := i.PublicKeys(r.Context())
		w.Header().Set("Content-Type", "application/jwk-set+json")
		json.NewEncoder(w).Encode(set)
	case ok:
		w.Header().Set("Content-Type", d.contentType)
		fmt.Fprint(w, d.body)
	default:
		http.NotFound(w, r)
	}
}

// Claims are the claims of an access token to mint. Zero fields get
// defaults: Issuer the issuer's URL, Audience ["solid", ClientID],
// ClientID "https://app.example/id", Subject WebID, IssuedAt now,
// Expires an hour after IssuedAt. Extra claims are added (or override);
// claims named in Omit are left out.
type Claims struct {
	Issuer    string
	Audience  []string
	WebID     string
	ClientID  string
	Subject   string
	JKT       string // cnf.jkt: the thumbprint of the client's DPoP key
	IssuedAt  time.Time
	Expires   time.Time
	NotBefore time.Time
	Extra     map[string]any
	Omit      []string
}

// Header overrides the protected header of a minted JWT: zero fields keep
// the defaults.
type Header struct {
	Alg string
	Kid string
	Typ string
}

// Token mints an access token for webID bound to client's key, valid for
// an hour.
func (i *Issuer) Token(t testing.TB, webID string, client *Client) string {
	t.Helper()
	return i.Mint(t, Header{}, Claims{WebID: webID, JKT: client.JKT})
}

// Mint mints an access token with claims c and header h, signed with the
// issuer's key.
func (i *Issuer) Mint(t testing.TB, h Header, c Claims) string {
	t.Helper()
	payload := i.payload(c)
	alg := jwa.ES256
	if h.Alg != "" {
		alg = jwa.SignatureAlgorithm(h.Alg)
	}
	hdr := jws.NewHeaders()
	hdr.Set(jws.TypeKey, or(h.Typ, "at+jwt"))
	key := i.signingKey()
	hdr.Set(jws.KeyIDKey, or(h.Kid, key.KeyID()))
	return sign(t, payload, alg, key, hdr)
}

// payload is the JSON of c with defaults filled in.
func (i *Issuer) payload(c Claims) []byte {
	now := time.Now()
	if c.IssuedAt.IsZero() {
		c.IssuedAt = now
	}
	if c.Expires.IsZero() {
		c.Expires = c.IssuedAt.Add(time.Hour)
	}
	if c.ClientID == "" {
		c.ClientID = "https://app.example/id"
	}
	if c.Audience == nil {
		c.Audience = []string{"solid", c.ClientID}
	}
	m := map[string]any{
		"iss":       or(c.Issuer, i.URL),
		"aud":       c.Audience,
		"sub":       or(c.Subject, c.WebID),
		"webid":     c.WebID,
		"client_id": c.ClientID,
		"cnf":       map[string]string{"jkt": c.JKT},
		"iat":       c.IssuedAt.Unix(),
		"exp":       c.Expires.Unix(),
		"jti":       randomID(12),
		"scope":     "openid webid",
	}
	if !c.NotBefore.IsZero() {
		m["nbf"] = c.NotBefore.Unix()
	}
	for k, v := range c.Extra {
		m[k] = v
	}
	for _, k := range c.Omit {
		delete(m, k)
	}
	b, _ := json.Marshal(m)
	return b
}

// Client is a Solid app's DPoP key pair.
type Client struct {
	// Key is the private key proofs are signed with.
	Key jwk.Key
	// JKT is the RFC 7638 SHA-256 thumbprint of the public key, base64url,
	// as access tokens carry it in cnf.jkt.
	JKT string
	alg jwa.SignatureAlgorithm
}

// NewClient returns a client with a fresh ES256 (P-256) key.
func NewClient(t testing.TB) *Client { return NewClientAlg(t, "ES256") }

// NewClientAlg returns a client with a fresh key for alg: ES256, ES384,
// ES512, RS256, PS256 (2048-bit RSA) or EdDSA (Ed25519).
func NewClientAlg(t testing.TB, alg string) *Client {
	t.Helper()
	var (
		raw any
		err error
	)
	switch alg {
	case "ES256":
		raw, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "ES384":
		raw, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	case "ES512":
		raw, err = ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	case "RS256", "PS256", "RS384", "PS384", "RS512", "PS512":
		raw, err = rsa.GenerateKey(rand.Reader, 2048)
	case "EdDSA":
		_, raw, err = ed25519.GenerateKey(rand.Reader)
	default:
		t.Fatalf("oidctest: no client key for alg %q", alg)
	}
	if err != nil {
		t.Fatalf("oidctest: %v", err)
	}
	key := mustKey(t, raw)
	tp, err := key.Thumbprint(crypto.SHA256)
	if err != nil {
		t.Fatalf("oidctest: %v", err)
	}
	return &Client{Key: key, JKT: base64.RawURLEncoding.EncodeToString(tp), alg: jwa.SignatureAlgorithm(alg)}
}

// Proof is a DPoP proof to mint. Zero fields get defaults: IssuedAt now,
// JTI random, Typ dpop+jwt, Alg the client's. Ath is computed from Token
// unless Token is empty. PrivateJWK puts the private key in the header;
// JWK, if set, is put in the header instead of the client's public key
// (the proof is still signed with the client's key). Extra claims are
// added; claims named in Omit are left out.
type Proof struct {
	Method     string
	URL        string
	Token      string
	IssuedAt   time.Time
	JTI        string
	Typ        string
	Alg        string
	PrivateJWK bool
	JWK        jwk.Key
	Extra      map[string]any
	Omit       []string
}

// Proof mints a fresh proof for a request with method to url, bound to
// the access token.
func (c *Client) Proof(t testing.TB, method, url, token string) string {
	t.Helper()
	return c.MintProof(t, Proof{Method: method, URL: url, Token: token})
}

// MintProof mints the proof p describes.
func (c *Client) MintProof(t testing.TB, p Proof) string {
	t.Helper()
	if p.IssuedAt.IsZero() {
		p.IssuedAt = time.Now()
	}
	m := map[string]any{
		"htm": p.Method,
		"htu": p.URL,
		"iat": p.IssuedAt.Unix(),
		"jti": or(p.JTI, randomID(12)),
	}
	if p.Token != "" {
		h := sha256Sum(p.Token)
		m["ath"] = base64.RawURLEncoding.EncodeToString(h)
	}
	for k, v := range p.Extra {
		m[k] = v
	}
	for _, k := range p.Omit {
		delete(m, k)
	}
	payload, _ := json.Marshal(m)
	hdr := jws.NewHeaders()
	hdr.Set(jws.TypeKey, or(p.Typ, "dpop+jwt"))
	var key jwk.Key
	switch {
	case p.JWK != nil:
		key = p.JWK
	case p.PrivateJWK:
		key = c.Key
	default:
		pub, err := c.Key.PublicKey()
		if err != nil {
			t.Fatalf("oidctest: %v", err)
		}
		key = pub
	}
	hdr.Set(jws.JWKKey, key)
	alg := c.alg
	if p.Alg != "" {
		alg = jwa.SignatureAlgorithm(p.Alg)
	}
	return sign(t, payload, alg, c.Key, hdr)
}

// Authorize sets the Authorization and DPoP headers of req for token,
// with a fresh proof for req's method and URL (without query).
func (c *Client) Authorize(t testing.TB, req *http.Request, token string) {
	t.Helper()
	u := *req.URL
	u.RawQuery, u.Fragment = "", ""
	req.Header.Set("Authorization", "DPoP "+token)
	req.Header.Set("DPoP", c.Proof(t, req.Method, u.String(), token))
}

// sign signs payload with the raw form of key, so that the header is
// exactly hdr (jwx copies a jwk.Key's kid into the header).
func sign(t testing.TB, payload []byte, alg jwa.SignatureAlgorithm, key jwk.Key, hdr jws.Headers) string {
	t.Helper()
	var raw any
	if err := key.Raw(&raw); err != nil {
		t.Fatalf("oidctest: %v", err)
	}
	out, err := jws.Sign(payload, jws.WithKey(alg, raw, jws.WithProtectedHeaders(hdr)))
	if err != nil {
		t.Fatalf("oidctest: signing: %v", err)
	}
	return string(out)
}

func mustKey(t testing.TB, raw any) jwk.Key {
	t.Helper()
	k, err := jwk.FromRaw(raw)
	if err != nil {
		t.Fatalf("oidctest: %v", err)
	}
	return k
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func randomID(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
