package provider

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// BenchmarkIssueAccessToken: signing one access token (ES256), keys
// cached.
func BenchmarkIssueAccessToken(b *testing.B) {
	e := newEnv(b, envOptions{})
	ctx := b.Context()
	g := grantInfo{clientID: "bot", webID: alice, scopes: []string{"webid"}}
	pr := proof{jkt: "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"}
	for b.Loop() {
		if _, err := e.p.issue(ctx, g, pr); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseProof: checking one ES256 DPoP proof (no replay cache).
func BenchmarkParseProof(b *testing.B) {
	key := newDPoPKey(b)
	target := issuer + ".oidc/token"
	p := key.proof(b, "POST", target, newClock().Now())
	for b.Loop() {
		if _, _, err := parseProof(p, "POST", target, ""); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkClientCredentialsToken: a whole client credentials token
// request through ServeHTTP (form, Basic, DPoP proof with replay check,
// signing), with proofs made beforehand.
func BenchmarkClientCredentialsToken(b *testing.B) {
	e := newEnv(b, envOptions{})
	e.users.addCredentials("bot", "secret", alice)
	key := newDPoPKey(b)
	target := issuer + ".oidc/token"
	const n = 4096
	proofs := make([]string, n)
	for i := range proofs {
		proofs[i] = key.proof(b, "POST", target, e.clock.Now())
	}
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {"webid"}}.Encode()
	i := 0
	for b.Loop() {
		if i == n { // proofs are single-use: make a fresh batch off the clock
			b.StopTimer()
			for j := range proofs {
				proofs[j] = key.proof(b, "POST", target, e.clock.Now())
			}
			i = 0
			b.StartTimer()
		}
		r := httptest.NewRequest("POST", target, strings.NewReader(form))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.SetBasicAuth("bot", "secret")
		r.Header.Set("DPoP", proofs[i])
		i++
		rec := httptest.NewRecorder()
		e.p.ServeHTTP(rec, r)
		if rec.Code != http.StatusOK {
			b.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
}
