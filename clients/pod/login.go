// Package pod is the Go client side of a Solid server, over HTTP only: it
// imports no server package. Today it makes users the way scripts and the
// Solid conformance harness do, through the account JSON API of the
// Community Solid Server v7 (which Seedpod implements too), and logs them
// in with client credentials and DPoP (Solid-OIDC, RFC 9449). The spec
// tests and the load benchmark use it against any server.
package pod

import (
	"bytes"
	"context"
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
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
)

// A User is an account with one pod, holding an access token bound to a
// DPoP key. It is safe for concurrent use.
type User struct {
	WebID string
	Pod   string // the pod's root container URL
	Token string // the DPoP-bound access token
	key   jwk.Key
	pub   jwk.Key
	ath   string // base64url SHA-256 of Token, the proofs' ath (RFC 9449 §4.2)
}

// SignUp creates an account with a fresh pod on the server at root
// ("http://localhost:PORT/"), through the account API found at
// root/.account/, and logs it in with client credentials.
func SignUp(ctx context.Context, hc *http.Client, root string) (*User, error) {
	a := &accountAPI{ctx: ctx, hc: hc}
	controls, err := a.controls(root + ".account/")
	if err != nil {
		return nil, err
	}
	var created struct{ Authorization string }
	if err := a.post(controls.str("account", "create"), map[string]any{}, &created); err != nil {
		return nil, err
	}
	if created.Authorization == "" {
		return nil, fmt.Errorf("account API: creating an account gave no authorization")
	}
	a.token = created.Authorization
	if controls, err = a.controls(root + ".account/"); err != nil {
		return nil, err
	}
	name := "u" + strings.ToLower(rand.Text()[:16])
	password := "pw-" + rand.Text()
	if err := a.post(controls.str("password", "create"), map[string]any{
		"email": name + "@example.org", "password": password, "confirmPassword": password,
	}, nil); err != nil {
		return nil, err
	}
	var pod struct{ Pod, WebID string }
	if err := a.post(controls.str("account", "pod"), map[string]any{"name": name}, &pod); err != nil {
		return nil, err
	}
	if pod.Pod == "" || pod.WebID == "" {
		return nil, fmt.Errorf("account API: pod %s: answer lacks pod or webId", name)
	}
	var cc struct{ ID, Secret string }
	if err := a.post(controls.str("account", "clientCredentials"), map[string]any{
		"name": name, "webId": pod.WebID,
	}, &cc); err != nil {
		return nil, err
	}
	if cc.ID == "" || cc.Secret == "" {
		return nil, fmt.Errorf("account API: client credentials: answer lacks id or secret")
	}
	u := &User{WebID: pod.WebID, Pod: pod.Pod}
	if err := u.login(ctx, hc, root, cc.ID, cc.Secret); err != nil {
		return nil, err
	}
	return u, nil
}

// accountAPI speaks the account JSON API.
type accountAPI struct {
	ctx   context.Context
	hc    *http.Client
	token string // CSS-Account-Token, once the account exists
}

// controlMap is the "controls" object of an account API answer.
type controlMap map[string]map[string]any

// str returns a control's URL; a missing one makes the next call fail.
func (m controlMap) str(group, name string) string {
	s, _ := m[group][name].(string)
	if s == "" {
		return "missing-control:" + group + "." + name
	}
	return s
}

func (a *accountAPI) controls(index string) (controlMap, error) {
	var out struct{ Controls controlMap }
	err := a.call(http.MethodGet, index, nil, &out)
	return out.Controls, err
}

func (a *accountAPI) post(u string, in, out any) error {
	return a.call(http.MethodPost, u, in, out)
}

func (a *accountAPI) call(method, u string, in, out any) error {
	if c, ok := strings.CutPrefix(u, "missing-control:"); ok {
		return fmt.Errorf("account API: the controls lack %s", c)
	}
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(a.ctx, method, u, body)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if a.token != "" {
		req.Header.Set("Authorization", "CSS-Account-Token "+a.token)
	}
	resp, err := a.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("account API: %s %s: %s: %s", method, u, resp.Status, bytes.TrimSpace(b))
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("account API: %s %s: answer is not the expected JSON: %v", method, u, err)
		}
	}
	return nil
}

// login asks the provider at root, found by OpenID discovery, for a
// DPoP-bound access token with the client credentials grant, as
// @inrupt/solid-client-authn-node does, bound to a fresh P-256 key.
func (u *User) login(ctx context.Context, hc *http.Client, root, id, secret string) error {
	var meta struct {
		TokenEndpoint string `json:"token_endpoint"`
	}
	disc := root + ".well-known/openid-configuration"
	if err := getJSON(ctx, hc, disc, &meta); err != nil {
		return err
	}
	if meta.TokenEndpoint == "" {
		return fmt.Errorf("%s has no token_endpoint", disc)
	}
	raw, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	key, err := jwk.FromRaw(raw)
	if err != nil {
		return err
	}
	if err := u.setKey(key); err != nil {
		return err
	}
	proof, err := u.Proof(http.MethodPost, meta.TokenEndpoint, time.Now())
	if err != nil {
		return err
	}
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {"webid"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, meta.TokenEndpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	req.Header.Set("DPoP", proof)
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("client credentials token: %s: %s", resp.Status, bytes.TrimSpace(b))
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
	}
	if err := json.Unmarshal(b, &tok); err != nil || tok.AccessToken == "" {
		return fmt.Errorf("client credentials token: no access_token in %s", b)
	}
	if !strings.EqualFold(tok.TokenType, "DPoP") {
		return fmt.Errorf("client credentials token: token_type %q, want DPoP", tok.TokenType)
	}
	u.setToken(tok.AccessToken)
	return nil
}

// NewUser returns a User holding token, an access token obtained
// elsewhere and bound to key (a private key), so that Proof and Transport
// present it. WebID and Pod are left for the caller to fill.
func NewUser(key jwk.Key, token string) (*User, error) {
	u := &User{}
	if err := u.setKey(key); err != nil {
		return nil, err
	}
	u.setToken(token)
	return u, nil
}

func (u *User) setKey(key jwk.Key) error {
	pub, err := key.PublicKey()
	if err != nil {
		return err
	}
	u.key, u.pub = key, pub
	return nil
}

func (u *User) setToken(token string) {
	sum := sha256.Sum256([]byte(token))
	u.Token, u.ath = token, base64.RawURLEncoding.EncodeToString(sum[:])
}

// proofClaims are the claims of a DPoP proof (RFC 9449 §4.2).
type proofClaims struct {
	JTI string `json:"jti"`
	HTM string `json:"htm"`
	HTU string `json:"htu"`
	IAT int64  `json:"iat"`
	ATH string `json:"ath,omitempty"`
}

// Proof signs a DPoP proof for method and htu, issued at iat, with a jti
// of its own; once the user holds a token, the proof carries its ath.
func (u *User) Proof(method, htu string, iat time.Time) (string, error) {
	payload, err := json.Marshal(proofClaims{JTI: rand.Text(), HTM: method, HTU: htu, IAT: iat.Unix(), ATH: u.ath})
	if err != nil {
		return "", err
	}
	hdr := jws.NewHeaders()
	hdr.Set(jws.TypeKey, "dpop+jwt")
	hdr.Set(jws.JWKKey, u.pub)
	signed, err := jws.Sign(payload, jws.WithKey(jwa.ES256, u.key, jws.WithProtectedHeaders(hdr)))
	if err != nil {
		return "", fmt.Errorf("signing a DPoP proof: %w", err)
	}
	return string(signed), nil
}

// getJSON GETs u as JSON into out.
func getJSON(ctx context.Context, hc *http.Client, u string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(out); err != nil {
		return fmt.Errorf("GET %s: %v", u, err)
	}
	return nil
}

// Transport returns a RoundTripper that sends every request through next
// as u, with the token and a fresh proof, as Solid clients do.
func (u *User) Transport(next http.RoundTripper) http.RoundTripper {
	return &transport{u: u, next: next}
}

type transport struct {
	u    *User
	next http.RoundTripper
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	htu := *req.URL
	htu.RawQuery, htu.Fragment = "", ""
	proof, err := t.u.Proof(req.Method, htu.String(), time.Now())
	if err != nil {
		return nil, err
	}
	req = req.Clone(req.Context())
	req.Header.Set("Authorization", "DPoP "+t.u.Token)
	req.Header.Set("DPoP", proof)
	return t.next.RoundTrip(req)
}
