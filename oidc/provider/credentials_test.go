package provider

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
)

func TestClientCredentialsGrant(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.users.addCredentials("bot_1", "s3cr+t/=", alice)
	key := newDPoPKey(t)
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {"webid"}}

	t.Run("Basic", func(t *testing.T) {
		tr := e.tokens(e.tokenRequest(form, key, "bot_1", "s3cr+t/="))
		if tr.TokenType != "DPoP" || tr.IDToken != "" || tr.RefreshToken != "" || tr.Scope != "webid" {
			t.Fatalf("response = %+v", tr)
		}
		// What @inrupt/solid-client-authn-node does without an ID token: verify
		// the access token for issuer and audience "solid", read webid and azp.
		at := e.verify(tr.AccessToken, "solid")
		c := at.PrivateClaims()
		if c["webid"] != alice || c["azp"] != "bot_1" || c["client_id"] != "bot_1" || c["cnf"].(map[string]any)["jkt"] != key.jkt {
			t.Errorf("claims %v", c)
		}
	})
	t.Run("Post", func(t *testing.T) {
		f := url.Values{"grant_type": {"client_credentials"}, "client_id": {"bot_1"}, "client_secret": {"s3cr+t/="}}
		e.tokens(e.tokenRequest(f, key))
	})
	t.Run("OpenIDScopesAsInrupt", func(t *testing.T) {
		f := url.Values{"grant_type": {"client_credentials"}, "scope": {"openid offline_access webid"}}
		if tr := e.tokens(e.tokenRequest(f, key, "bot_1", "s3cr+t/=")); tr.Scope != "webid" {
			t.Errorf("scope = %q", tr.Scope)
		}
	})
	t.Run("BadSecret", func(t *testing.T) {
		resp := e.tokenRequest(form, key, "bot_1", "wrong")
		if !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Basic") {
			t.Errorf("WWW-Authenticate = %q", resp.Header.Get("WWW-Authenticate"))
		}
		e.oauthErr(resp, http.StatusUnauthorized, "invalid_client")
	})
	t.Run("UnknownID", func(t *testing.T) {
		e.oauthErr(e.tokenRequest(form, key, "nobody", "x"), http.StatusUnauthorized, "invalid_client")
	})
	t.Run("NoCredentials", func(t *testing.T) {
		e.oauthErr(e.tokenRequest(form, key), http.StatusUnauthorized, "invalid_client")
	})
	t.Run("NotBasic", func(t *testing.T) {
		r := newFormRequest(issuer+".oidc/token", form)
		r.Header.Set("Authorization", "Bearer x")
		r.Header.Set("DPoP", key.proof(t, "POST", issuer+".oidc/token", e.clock.Now()))
		e.oauthErr(e.do(r), http.StatusUnauthorized, "invalid_client")
	})
	t.Run("MissingDPoP", func(t *testing.T) {
		e.oauthErr(e.tokenRequest(form, nil, "bot_1", "s3cr+t/="), http.StatusBadRequest, "invalid_dpop_proof")
	})
	t.Run("UnknownScope", func(t *testing.T) {
		f := url.Values{"grant_type": {"client_credentials"}, "scope": {"webid admin"}}
		e.oauthErr(e.tokenRequest(f, key, "bot_1", "s3cr+t/="), http.StatusBadRequest, "invalid_scope")
	})
}

func TestTokenRequestShape(t *testing.T) {
	e := newEnv(t, envOptions{})
	key := newDPoPKey(t)
	e.oauthErr(e.tokenRequest(url.Values{"grant_type": {"password"}}, key), http.StatusBadRequest, "unsupported_grant_type")
	e.oauthErr(e.tokenRequest(url.Values{}, key), http.StatusBadRequest, "invalid_request")
	e.oauthErr(e.tokenRequest(url.Values{"grant_type": {"client_credentials", "client_credentials"}}, key), http.StatusBadRequest, "invalid_request")
	r := newFormRequest(issuer+".oidc/token", url.Values{"grant_type": {"client_credentials"}})
	r.Header.Set("Content-Type", "application/json")
	e.oauthErr(e.do(r), http.StatusBadRequest, "invalid_request")
	r = newFormRequest(issuer+".oidc/token", url.Values{"grant_type": {"client_credentials"}, "x": {strings.Repeat("a", maxForm)}})
	e.oauthErr(e.do(r), http.StatusBadRequest, "invalid_request")
	resp := e.tokenRequest(url.Values{"grant_type": {"authorization_code"}, "client_id": {"nope"}}, key)
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("error response Cache-Control = %q", resp.Header.Get("Cache-Control"))
	}
	e.oauthErr(resp, http.StatusUnauthorized, "invalid_client")
}

// TestDPoPProofRejections: RFC 9449 §4.3, one check per row.
func TestDPoPProofRejections(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.users.addCredentials("bot", "secret", alice)
	key := newDPoPKey(t)
	now := e.clock.Now()
	htu := issuer + ".oidc/token"
	claims := func(kv ...any) map[string]any {
		c := map[string]any{"jti": randomToken(12), "htm": "POST", "htu": htu, "iat": now.Unix()}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == nil {
				delete(c, kv[i].(string))
			} else {
				c[kv[i].(string)] = kv[i+1]
			}
		}
		return c
	}
	privJWK, _ := jwk.FromRaw(key.priv)
	good := key.proofWith(t, nil, claims())
	parts := strings.Split(good, ".")
	replayed := key.proofWith(t, nil, claims())
	tests := []struct {
		name    string
		proofs  []string
		wantErr string
	}{
		{"WrongTyp", []string{key.proofWith(t, map[string]any{"typ": "JWT"}, claims())}, "typ"},
		{"PrivateJWK", []string{key.proofWith(t, map[string]any{"jwk": privJWK}, claims())}, "public"},
		{"OtherJWK", []string{key.proofWith(t, map[string]any{"jwk": newDPoPKey(t).pub}, claims())}, "signature"},
		{"Crit", []string{key.proofWith(t, map[string]any{"crit": []string{"exp"}}, claims())}, "crit"},
		{"WrongHTM", []string{key.proofWith(t, nil, claims("htm", "GET"))}, "htm"},
		{"WrongHTU", []string{key.proofWith(t, nil, claims("htu", "https://pod.example/.oidc/other"))}, "htu"},
		{"OtherHost", []string{key.proofWith(t, nil, claims("htu", "https://evil.example/.oidc/token"))}, "htu"},
		{"NoJTI", []string{key.proofWith(t, nil, claims("jti", nil))}, "jti"},
		{"NoIAT", []string{key.proofWith(t, nil, claims("iat", nil))}, "iat"},
		{"StringIAT", []string{key.proofWith(t, nil, claims("iat", "now"))}, "claims"},
		{"Old", []string{key.proofWith(t, nil, claims("iat", now.Add(-2*time.Minute).Unix()))}, "window"},
		{"Future", []string{key.proofWith(t, nil, claims("iat", now.Add(2*time.Minute).Unix()))}, "window"},
		{"TwoHeaders", []string{good, good}, "more than one"},
		{"Garbage", []string{"garbage"}, "malformed"},
		{"Padded", []string{parts[0] + "=." + parts[1] + "." + parts[2]}, "malformed"},
		{"FourSegments", []string{good + ".x"}, "malformed"},
		{"NoSignature", []string{parts[0] + "." + parts[1] + "."}, "malformed"},
		{"BadSignature", []string{parts[0] + "." + parts[1] + "." + parts[2][:len(parts[2])-4] + "AAAA"}, "signature"},
		{"JSONSerialization", []string{`{"payload":"` + parts[1] + `","protected":"` + parts[0] + `","signature":"` + parts[2] + `"}`}, "malformed"},
		{"Replayed", []string{replayed}, "already used"},
		{"CurveMismatch", []string{p384Proof(t, claims())}, "curve"},
		{"HMAC", []string{hmacProof(t, claims())}, "asymmetric"},
	}
	// The replayed proof is used once first.
	first := newFormRequest(htu, url.Values{"grant_type": {"client_credentials"}})
	first.SetBasicAuth("bot", "secret")
	first.Header.Set("DPoP", replayed)
	e.tokens(e.do(first))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newFormRequest(htu, url.Values{"grant_type": {"client_credentials"}})
			r.SetBasicAuth("bot", "secret")
			for _, p := range tt.proofs {
				r.Header.Add("DPoP", p)
			}
			resp := e.do(r)
			b := body(t, resp)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(b, "invalid_dpop_proof") || !strings.Contains(b, tt.wantErr) {
				t.Fatalf("got %d %s, want invalid_dpop_proof about %q", resp.StatusCode, b, tt.wantErr)
			}
		})
	}
	t.Run("RSAAndEquivalentHTU", func(t *testing.T) {
		// An RS256 proof is fine, and htu may differ in case, default port
		// and query.
		r := newFormRequest(htu, url.Values{"grant_type": {"client_credentials"}})
		r.SetBasicAuth("bot", "secret")
		r.Header.Set("DPoP", rsaProof(t, "POST", "HTTPS://Pod.Example:443/.oidc/token?x=1", now))
		e.tokens(e.do(r))
	})
}

// p384Proof is a proof signed with a P-384 key but claiming ES256.
func p384Proof(t *testing.T, claims map[string]any) string {
	priv, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := jwk.FromRaw(priv.Public())
	h := jws.NewHeaders()
	h.Set(jws.TypeKey, "dpop+jwt")
	h.Set(jws.JWKKey, pub)
	payload, _ := json.Marshal(claims)
	out, err := jws.Sign(payload, jws.WithKey(jwa.ES256, priv, jws.WithProtectedHeaders(h)))
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// hmacProof is a proof "signed" with HS256 and an oct jwk.
func hmacProof(t *testing.T, claims map[string]any) string {
	secret := []byte("0123456789abcdef0123456789abcdef")
	k, _ := jwk.FromRaw(secret)
	h := jws.NewHeaders()
	h.Set(jws.TypeKey, "dpop+jwt")
	h.Set(jws.JWKKey, k)
	payload, _ := json.Marshal(claims)
	out, err := jws.Sign(payload, jws.WithKey(jwa.HS256, secret, jws.WithProtectedHeaders(h)))
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}
