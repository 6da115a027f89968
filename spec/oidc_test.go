package spec

import (
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seedpod/seedpod/oidc"
	"github.com/seedpod/seedpod/oidc/oidctest"
)

// Solid-OIDC on the resource server (RFC 9449, Solid-OIDC §8): every
// request with credentials that do not verify gets 401 with a DPoP
// challenge, never a 5xx and never the anonymous agent's answer; a valid
// DPoP-bound token of a WebID reads what that WebID was granted.
//
// These tests start their own `seedpod serve` on a fresh disk store, with
// --fetch-allow for an oidctest issuer on loopback that serves the users'
// WebID profiles. They are about Seedpod's own server, so against an
// external server (-base-url) there is nothing to run.

// oidcServer is a Seedpod with a pod "alice" owned by a WebID of iss.
type oidcServer struct {
	root   string // base URL, with trailing slash
	iss    *oidctest.Issuer
	owner  string // WebID owning /alice/
	client *oidctest.Client
	token  string // the owner's token, bound to client
	flags  []string
}

func startOIDCServer(t *testing.T) *oidcServer {
	t.Helper()
	if builtBin == "" {
		t.Log("external server: the Solid-OIDC tests start Seedpod's own")
		return nil
	}
	iss := oidctest.New(t)
	s := &oidcServer{iss: iss, owner: iss.WebID("alice"), client: oidctest.NewClient(t)}
	s.token = iss.Token(t, s.owner, s.client)
	b := backend{name: "disk-oidc", flags: []string{"--s3-endpoint=", "--data", filepath.Join(t.TempDir(), "data")}}
	create := exec.Command(builtBin, append([]string{"pod", "create", "alice", "--owner", s.owner}, b.flags...)...)
	if out, err := create.CombinedOutput(); err != nil {
		t.Fatalf("seedpod pod create: %v\n%s", err, out)
	}
	sp, err := serveSeedpod(builtBin, b, "--fetch-allow", iss.Origin())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("seedpod log:\n%s", sp.log.String())
		}
		sp.stop()
	})
	s.root = sp.target.base.Scheme + "://" + sp.target.base.Host + "/"
	s.flags = b.flags
	return s
}

// send sends req and returns the response with its body read.
func send(t *testing.T, req *http.Request) (*http.Response, string) {
	t.Helper()
	c := &http.Client{Timeout: 30 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func newReq(t *testing.T, method, u, body string) *http.Request {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// TestOIDCOwnerReadsPrivateResource: the owner's token writes and reads in
// the private pod, request after request with a fresh proof each time;
// anonymous requests and another WebID are refused.
func TestOIDCOwnerReadsPrivateResource(t *testing.T) {
	s := startOIDCServer(t)
	if s == nil {
		return
	}
	doc := s.root + "alice/private/note.ttl"

	req := newReq(t, "GET", s.root+"alice/", "")
	resp, _ := send(t, req)
	if resp.StatusCode != 401 || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "DPoP ") ||
		!strings.Contains(resp.Header.Get("WWW-Authenticate"), `algs="`+oidc.Algs+`"`) {
		t.Fatalf("anonymous GET: %d, WWW-Authenticate %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}

	req = newReq(t, "PUT", doc, "<#it> <http://example.org/ns#says> \"hello\" .")
	req.Header.Set("Content-Type", "text/turtle")
	s.client.Authorize(t, req, s.token)
	if resp, body := send(t, req); resp.StatusCode != 201 {
		t.Fatalf("owner PUT: %d %s", resp.StatusCode, body)
	}
	for i := 0; i < 3; i++ {
		req = newReq(t, "GET", doc+"?i=1", "")
		s.client.Authorize(t, req, s.token)
		resp, body := send(t, req)
		if resp.StatusCode != 200 || !strings.Contains(body, "hello") {
			t.Fatalf("owner GET #%d: %d %s", i, resp.StatusCode, body)
		}
	}

	if resp, _ := send(t, newReq(t, "GET", doc, "")); resp.StatusCode != 401 {
		t.Errorf("anonymous GET of the private document: %d, want 401", resp.StatusCode)
	}
	bob := s.iss.WebID("bob")
	bobClient := oidctest.NewClient(t)
	req = newReq(t, "GET", doc, "")
	bobClient.Authorize(t, req, s.iss.Token(t, bob, bobClient))
	if resp, body := send(t, req); resp.StatusCode != 403 {
		t.Errorf("bob's GET without a grant: %d %s, want 403", resp.StatusCode, body)
	}

	// The owner grants bob Read; bob's token now reads the document.
	acl := `@prefix acl: <http://www.w3.org/ns/auth/acl#>.
<#owner> a acl:Authorization; acl:agent <` + s.owner + `>; acl:accessTo <note.ttl>; acl:mode acl:Read, acl:Write, acl:Control.
<#bob> a acl:Authorization; acl:agent <` + bob + `>; acl:accessTo <note.ttl>; acl:mode acl:Read.
`
	req = newReq(t, "PUT", doc+".acl", acl)
	req.Header.Set("Content-Type", "text/turtle")
	s.client.Authorize(t, req, s.token)
	if resp, body := send(t, req); resp.StatusCode >= 300 {
		t.Fatalf("owner PUT ACL: %d %s", resp.StatusCode, body)
	}
	req = newReq(t, "GET", doc, "")
	bobClient.Authorize(t, req, s.iss.Token(t, bob, bobClient))
	if resp, body := send(t, req); resp.StatusCode != 200 || !strings.Contains(body, "hello") {
		t.Errorf("bob's GET with a grant: %d %s, want 200", resp.StatusCode, body)
	}
}

// TestOIDCRejections: every kind of bad credentials gets 401 with a DPoP
// invalid_token challenge, on a private and on a public resource alike
// (bad credentials are refused, not downgraded to anonymous), never 5xx.
func TestOIDCRejections(t *testing.T) {
	s := startOIDCServer(t)
	if s == nil {
		return
	}
	// A public document, so that an anonymous GET would succeed.
	pub := s.root + "alice/public.ttl"
	req := newReq(t, "PUT", pub, "<#a> <http://example.org/ns#b> 1 .")
	req.Header.Set("Content-Type", "text/turtle")
	s.client.Authorize(t, req, s.token)
	if resp, body := send(t, req); resp.StatusCode != 201 {
		t.Fatalf("PUT: %d %s", resp.StatusCode, body)
	}
	acl := `@prefix acl: <http://www.w3.org/ns/auth/acl#>. @prefix foaf: <http://xmlns.com/foaf/0.1/>.
<#owner> a acl:Authorization; acl:agent <` + s.owner + `>; acl:accessTo <public.ttl>; acl:mode acl:Read, acl:Write, acl:Control.
<#public> a acl:Authorization; acl:agentClass foaf:Agent; acl:accessTo <public.ttl>; acl:mode acl:Read.
`
	req = newReq(t, "PUT", pub+".acl", acl)
	req.Header.Set("Content-Type", "text/turtle")
	s.client.Authorize(t, req, s.token)
	if resp, body := send(t, req); resp.StatusCode >= 300 {
		t.Fatalf("PUT ACL: %d %s", resp.StatusCode, body)
	}
	if resp, _ := send(t, newReq(t, "GET", pub, "")); resp.StatusCode != 200 {
		t.Fatalf("anonymous GET of the public document: %d", resp.StatusCode)
	}

	other := oidctest.New(t) // an issuer the server may not even reach
	stranger := oidctest.NewClient(t)
	now := time.Now()
	mint := func(c oidctest.Claims) string {
		if c.WebID == "" {
			c.WebID = s.owner
		}
		if c.JKT == "" {
			c.JKT = s.client.JKT
		}
		return s.iss.Mint(t, oidctest.Header{}, c)
	}
	s.iss.ServeDocument("/nobody/profile/card", "text/turtle", oidctest.Profile(s.iss.URL+"nobody/profile/card#me"))
	s.iss.ServeDocument("/evil/profile/card", "text/turtle", oidctest.Profile(s.iss.URL+"evil/profile/card#me", other.URL))

	for _, target := range []string{pub, s.root + "alice/"} {
		// headers returns the Authorization and DPoP values of a case for
		// a GET of target.
		proof := func(p oidctest.Proof) string {
			if p.Method == "" {
				p.Method = "GET"
			}
			if p.URL == "" {
				p.URL = target
			}
			if p.Token == "" {
				p.Token = s.token
			}
			return s.client.MintProof(t, p)
		}
		withToken := func(tok string) [2]string {
			return [2]string{"DPoP " + tok, s.client.Proof(t, "GET", target, tok)}
		}
		withProof := func(p oidctest.Proof) [2]string { return [2]string{"DPoP " + s.token, proof(p)} }
		replayed := proof(oidctest.Proof{})
		tests := []struct {
			name string
			hdr  [2]string
		}{
			{"garbage", [2]string{"DPoP garbage", "garbage"}},
			{"bearer", [2]string{"Bearer " + s.token, ""}},
			{"missing proof", [2]string{"DPoP " + s.token, ""}},
			{"alg none", withToken(oidctest.NoneAlg(s.token))},
			{"HMAC with the public key", withToken(oidctest.HMACWithPublicKey(s.token, s.iss.PublicKeyPEM()))},
			{"unknown key", withToken(other.Mint(t, oidctest.Header{}, oidctest.Claims{Issuer: s.iss.URL, WebID: s.owner, JKT: s.client.JKT}))},
			{"tampered payload", withToken(oidctest.Tamper(s.token, "webid", s.iss.URL+"mallory/profile/card#me"))},
			{"wrong issuer", withToken(mint(oidctest.Claims{Issuer: other.URL}))},
			{"issuer not in the WebID profile", withToken(mint(oidctest.Claims{WebID: s.iss.URL + "nobody/profile/card#me"}))},
			{"expired", withToken(mint(oidctest.Claims{IssuedAt: now.Add(-2 * time.Hour), Expires: now.Add(-time.Hour)}))},
			{"wrong audience", withToken(mint(oidctest.Claims{Audience: []string{"https://app.example/id"}}))},
			{"replayed proof (first use)", [2]string{"DPoP " + s.token, replayed}},
			{"replayed proof", [2]string{"DPoP " + s.token, replayed}},
			{"htm mismatch", withProof(oidctest.Proof{Method: "PUT"})},
			{"htu mismatch", withProof(oidctest.Proof{URL: s.root + "alice/other"})},
			{"ath mismatch", withProof(oidctest.Proof{Token: mint(oidctest.Claims{})})},
			{"jkt mismatch", withToken(mint(oidctest.Claims{JKT: stranger.JKT}))},
			{"private jwk in proof", withProof(oidctest.Proof{PrivateJWK: true})},
			{"padded token", withToken(oidctest.Padded(s.token))},
			{"padded proof", [2]string{"DPoP " + s.token, oidctest.Padded(proof(oidctest.Proof{}))}},
			{"extra segment token", withToken(oidctest.ExtraSegment(s.token))},
			{"extra segment proof", [2]string{"DPoP " + s.token, oidctest.ExtraSegment(proof(oidctest.Proof{}))}},
			{"iat too old", withProof(oidctest.Proof{IssuedAt: now.Add(-10 * time.Minute)})},
		}
		for _, tt := range tests {
			t.Run(strings.TrimPrefix(target, s.root)+"/"+tt.name, func(t *testing.T) {
				req := newReq(t, "GET", target, "")
				req.Header.Set("Authorization", tt.hdr[0])
				if tt.hdr[1] != "" {
					req.Header.Set("DPoP", tt.hdr[1])
				}
				resp, body := send(t, req)
				if tt.name == "replayed proof (first use)" {
					if resp.StatusCode != 200 {
						t.Fatalf("first use of the proof: %d %s", resp.StatusCode, body)
					}
					return
				}
				c := resp.Header.Get("WWW-Authenticate")
				if resp.StatusCode != 401 || !strings.HasPrefix(c, `DPoP error="invalid_token", error_description="`) ||
					!strings.HasSuffix(c, `algs="`+oidc.Algs+`"`) {
					t.Fatalf("GET: %d, WWW-Authenticate %q, body %q; want 401 with a DPoP invalid_token challenge", resp.StatusCode, c, body)
				}
				if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") || body == "" || strings.Contains(body, "hello") {
					t.Errorf("body %q (%s): want a short plain explanation", body, ct)
				}
			})
		}
	}
}

// TestOIDCLocalWebID: a WebID on the Seedpod itself, whose profile names
// the oidctest issuer, authenticates. The profile is read from storage:
// the server could not fetch it over HTTP (its own loopback address is
// not in --fetch-allow).
func TestOIDCLocalWebID(t *testing.T) {
	s := startOIDCServer(t)
	if s == nil {
		return
	}
	// A public pod, so that the profile can be written before anyone can
	// log in; then its ACL is narrowed to its owner.
	carol := s.root + "carol/profile/card#me"
	create := exec.Command(builtBin, append([]string{"pod", "create", "carol", "--public", "--owner", carol}, s.flags...)...)
	if out, err := create.CombinedOutput(); err != nil {
		t.Fatalf("seedpod pod create: %v\n%s", err, out)
	}
	c := oidctest.NewClient(t)
	tok := s.iss.Token(t, carol, c)
	get := func(u string) (int, string) {
		req := newReq(t, "GET", u, "")
		c.Authorize(t, req, tok)
		resp, _ := send(t, req)
		return resp.StatusCode, resp.Header.Get("WWW-Authenticate")
	}
	// A local WebID without a profile cannot be confirmed.
	dave := s.root + "carol/dave#me"
	daveTok := s.iss.Token(t, dave, c)
	req := newReq(t, "GET", s.root+"carol/", "")
	c.Authorize(t, req, daveTok)
	if resp, _ := send(t, req); resp.StatusCode != 401 {
		t.Fatalf("GET as a WebID without a profile: %d, want 401", resp.StatusCode)
	}
	put := func(u, body string) {
		req := newReq(t, "PUT", u, body)
		req.Header.Set("Content-Type", "text/turtle")
		if resp, b := send(t, req); resp.StatusCode >= 300 {
			t.Fatalf("PUT %s: %d %s", u, resp.StatusCode, b)
		}
	}
	put(s.root+"carol/profile/card", oidctest.Profile(carol, s.iss.URL))
	// Only carol may read anything in her pod now, her profile included:
	// the server reads it for itself, past WAC.
	put(s.root+"carol/.acl", `@prefix acl: <http://www.w3.org/ns/auth/acl#>.
<#owner> a acl:Authorization; acl:agent <`+carol+`>; acl:accessTo <./>; acl:default <./>; acl:mode acl:Read, acl:Write, acl:Control.
`)
	if resp, _ := send(t, newReq(t, "GET", s.root+"carol/", "")); resp.StatusCode != 401 {
		t.Fatalf("anonymous GET of carol's pod: %d, want 401", resp.StatusCode)
	}
	if code, challenge := get(s.root + "carol/"); code != 200 {
		t.Fatalf("carol's GET of her pod: %d (%s), want 200", code, challenge)
	}
	if code, _ := get(s.root + "alice/"); code != 403 {
		t.Errorf("carol's GET of alice's pod: %d, want 403", code)
	}
}
