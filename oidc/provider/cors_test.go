package provider

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/seedpod/seedpod/ldp"
)

// TestCrossOrigin: serve.go wraps the provider in ldp.CORS; browser apps
// on other origins must reach discovery, JWKS, registration and the token
// endpoint, sending the DPoP header.
func TestCrossOrigin(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.users.addCredentials("bot", "secret", alice)
	h := ldp.CORS(e.p)
	const origin = "https://app.example"
	preflight := httptest.NewRequest("OPTIONS", issuer+".oidc/token", nil)
	preflight.Header.Set("Origin", origin)
	preflight.Header.Set("Access-Control-Request-Method", "POST")
	preflight.Header.Set("Access-Control-Request-Headers", "content-type,dpop,authorization")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, preflight)
	allowed := strings.ToLower(rec.Header().Get("Access-Control-Allow-Headers"))
	if rec.Header().Get("Access-Control-Allow-Origin") != origin || !strings.Contains(allowed, "dpop") || !strings.Contains(allowed, "authorization") {
		t.Fatalf("preflight: %d %v", rec.Code, rec.Header())
	}
	r := newFormRequest(issuer+".oidc/token", url.Values{"grant_type": {"client_credentials"}})
	r.SetBasicAuth("bot", "secret")
	r.Header.Set("DPoP", newDPoPKey(t).proof(t, "POST", issuer+".oidc/token", e.clock.Now()))
	r.Header.Set("Origin", origin)
	for _, req := range []*http.Request{
		r,
		httptest.NewRequest("GET", issuer+".well-known/openid-configuration", nil),
		httptest.NewRequest("GET", issuer+".oidc/jwks", nil),
	} {
		req.Header.Set("Origin", origin)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || rec.Header().Get("Access-Control-Allow-Origin") != origin {
			t.Errorf("%s %s: %d, Access-Control-Allow-Origin %q", req.Method, req.URL.Path, rec.Code, rec.Header().Get("Access-Control-Allow-Origin"))
		}
	}
}
