package oidc

import (
	"encoding/base64"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/seedpod/seedpod/clients/fetch"
	"github.com/seedpod/seedpod/oidc/oidctest"
)

// fuzzNow is the fixed clock of the fuzz targets, so that seeds minted
// once stay valid for the whole run.
var fuzzNow = time.Now()

// FuzzVerifyDPoP sends arbitrary Authorization and DPoP headers through
// Verify. It must never panic, never fail but with ErrNoCredentials or
// ErrInvalidToken, and never accept anything but the one valid token.
func FuzzVerifyDPoP(f *testing.F) {
	iss := oidctest.New(f)
	client := oidctest.NewClient(f)
	webID := iss.WebID("alice")
	token := iss.Mint(f, oidctest.Header{}, oidctest.Claims{WebID: webID, JKT: client.JKT, IssuedAt: fuzzNow})
	u := podBase + "a"
	proof := func(p oidctest.Proof) string {
		p.Method, p.URL, p.IssuedAt = "GET", u, fuzzNow
		if p.Token == "" {
			p.Token = token
		}
		return client.MintProof(f, p)
	}
	f.Add("DPoP "+token, proof(oidctest.Proof{}))
	f.Add("DPoP "+token, proof(oidctest.Proof{PrivateJWK: true}))
	f.Add("DPoP "+token, proof(oidctest.Proof{Typ: "JWT"}))
	f.Add("DPoP "+token, proof(oidctest.Proof{Omit: []string{"ath"}}))
	f.Add("DPoP "+oidctest.NoneAlg(token), proof(oidctest.Proof{}))
	f.Add("DPoP "+oidctest.HMACWithPublicKey(token, iss.PublicKeyPEM()), proof(oidctest.Proof{}))
	f.Add("DPoP "+oidctest.Tamper(token, "webid", "https://evil.example/#me"), proof(oidctest.Proof{}))
	f.Add("DPoP "+oidctest.Padded(token), oidctest.Padded(proof(oidctest.Proof{})))
	f.Add("DPoP "+oidctest.ExtraSegment(token), oidctest.ExtraSegment(proof(oidctest.Proof{})))
	f.Add("Bearer "+token, "")
	f.Add("DPoP e30.e30.AA", "e30.e30.AA")
	f.Add("", "")

	fc, err := fetch.New(fetch.Config{Allow: []string{iss.Origin()}})
	if err != nil {
		f.Fatal(err)
	}
	v, err := New(Config{BaseURL: podBase, Fetch: fc, LocalIssuer: podBase, Logger: quiet, Now: func() time.Time { return fuzzNow }})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, authz, dpop string) {
		r := httptest.NewRequest("GET", u, nil)
		if authz != "" {
			r.Header["Authorization"] = []string{authz}
		}
		if dpop != "" {
			r.Header["Dpop"] = []string{dpop}
		}
		a, err := v.Verify(r)
		switch {
		case err == nil:
			if authz != "DPoP "+token || a.WebID != webID {
				t.Fatalf("accepted %q with proof %q as %+v", authz, dpop, a)
			}
		case errors.Is(err, ErrNoCredentials):
			if authz != "" {
				t.Fatalf("Authorization %q treated as no credentials", authz)
			}
		case errors.Is(err, ErrInvalidToken):
			if Reason(err) == "" {
				t.Fatalf("no reason for %v", err)
			}
		default:
			t.Fatalf("Verify error %v is neither ErrNoCredentials nor ErrInvalidToken", err)
		}
	})
}

// FuzzParseToken parses arbitrary tokens. It must never panic; what it
// accepts is a strict compact JWS whose segments re-encode to the input,
// with an allowed alg, the solid audience and the given binding.
func FuzzParseToken(f *testing.F) {
	iss := oidctest.NewLocal(f, podBase)
	client := oidctest.NewClient(f)
	token := iss.Mint(f, oidctest.Header{}, oidctest.Claims{WebID: podBase + "alice/profile/card#me", JKT: client.JKT, IssuedAt: fuzzNow})
	for _, s := range []string{
		token, oidctest.NoneAlg(token), oidctest.Padded(token), oidctest.ExtraSegment(token),
		oidctest.HMACWithPublicKey(token, iss.PublicKeyPEM()), oidctest.Tamper(token, "aud", 1),
		"e30.e30.AA", "..", "", `{"payload":"e30"}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tok, err := parseToken(s, client.JKT, fuzzNow)
		if err != nil {
			if !errors.Is(err, ErrInvalidToken) || Reason(err) == "" {
				t.Fatalf("parseToken error %v: not ErrInvalidToken with a reason", err)
			}
			return
		}
		parts := strings.Split(s, ".")
		if len(parts) != 3 {
			t.Fatalf("accepted %d segments", len(parts))
		}
		for i, b := range [][]byte{tok.jws.header, tok.jws.payload, tok.jws.signature} {
			if base64.RawURLEncoding.EncodeToString(b) != parts[i] {
				t.Fatalf("segment %d of %q is not canonical base64url", i, s)
			}
		}
		if _, ok := algs[string(tok.alg)]; !ok {
			t.Fatalf("accepted alg %q", tok.alg)
		}
		if tok.claims.Cnf.JKT != client.JKT || !hasAudience(tok.claims.Aud, "solid") {
			t.Fatalf("accepted claims %+v", tok.claims)
		}
	})
}
