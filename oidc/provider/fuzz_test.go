package provider

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// proofSeeds are valid and invalid proofs for the fuzz targets.
func proofSeeds(t testing.TB, now time.Time) []string {
	key := newDPoPKey(t)
	htu := issuer + ".oidc/token"
	good := key.proof(t, "POST", htu, now)
	parts := strings.Split(good, ".")
	return []string{
		good,
		rsaProof(t, "POST", htu, now),
		key.proofWith(t, map[string]any{"typ": "JWT"}, map[string]any{"jti": "x", "htm": "POST", "htu": htu, "iat": now.Unix()}),
		key.proofWith(t, nil, map[string]any{"jti": "x", "htm": "POST", "htu": htu, "iat": 1e300}),
		key.proofWith(t, map[string]any{"b64": false}, map[string]any{"jti": "x"}),
		parts[0] + "=." + parts[1] + "." + parts[2],
		parts[0] + "." + parts[1] + ".",
		good + "." + parts[2],
		"e30.e30.AA",
		base64.RawURLEncoding.EncodeToString([]byte(`{"typ":"dpop+jwt","alg":"none","jwk":{"kty":"oct","k":"AA"}}`)) + ".e30.AA",
		"",
		"...",
	}
}

// FuzzSplitJWT: no panic, and what is accepted is exactly the strict
// compact form (re-encoding the decoded parts gives the input back).
func FuzzSplitJWT(f *testing.F) {
	for _, s := range proofSeeds(f, time.Now()) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, p, err := splitJWT(s)
		if err != nil {
			return
		}
		parts := strings.Split(s, ".")
		if len(parts) != 3 || base64.RawURLEncoding.EncodeToString(h) != parts[0] || base64.RawURLEncoding.EncodeToString(p) != parts[1] {
			t.Fatalf("splitJWT(%q) accepted a non-canonical JWT", s)
		}
	})
}

// FuzzParseProof: no panic; an accepted proof has a key thumbprint and
// is strictly compact.
func FuzzParseProof(f *testing.F) {
	now := time.Now()
	for _, s := range proofSeeds(f, now) {
		f.Add(s)
	}
	target := issuer + ".oidc/token"
	f.Fuzz(func(t *testing.T, s string) {
		pr, _, err := parseProof(s, "POST", target, "")
		if err != nil {
			return
		}
		if _, _, err := splitJWT(s); err != nil || pr.jkt == "" || pr.jti == "" {
			t.Fatalf("parseProof(%q) accepted %+v", s, pr)
		}
	})
}

// FuzzTokenEndpoint: whatever the form, DPoP header and Authorization
// header, the token endpoint answers a 4xx or 200, never a 5xx.
func FuzzTokenEndpoint(f *testing.F) {
	e := newEnv(f, envOptions{})
	e.users.addCredentials("bot", "secret", alice)
	for _, p := range proofSeeds(f, e.clock.Now()) {
		f.Add("grant_type=client_credentials&scope=webid", p, "Basic Ym90OnNlY3JldA==")
		f.Add("grant_type=authorization_code&code=abc&code_verifier="+strings.Repeat("a", 43)+"&client_id=x&redirect_uri=https%3A%2F%2Fa", p, "")
		f.Add("grant_type=refresh_token&refresh_token=x&client_id=https%3A%2F%2F127.0.0.1%2Fid", p, "")
	}
	f.Add("grant_type=client_credentials&grant_type=x", "", "Basic %%%")
	f.Add("%zz", "a.b.c", "Basic Og==")
	f.Fuzz(func(t *testing.T, form, dpop, auth string) {
		if v, err := url.ParseQuery(form); err == nil && reachesOut(v.Get("client_id")) {
			return
		}
		if raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(auth, "Basic ")); err == nil && reachesOut(string(raw)) {
			return
		}
		r := httptest.NewRequest("POST", issuer+".oidc/token", strings.NewReader(form))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if dpop != "" {
			r.Header.Set("DPoP", dpop)
		}
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		e.p.ServeHTTP(rec, r)
		if rec.Code >= 500 || (rec.Code != http.StatusOK && !strings.Contains(rec.Body.String(), `"error"`)) {
			t.Fatalf("form %q dpop %q auth %q: %d %s", form, dpop, auth, rec.Code, rec.Body)
		}
	})
}

// FuzzAuthRequest: whatever the query, the authorization endpoint never
// answers 5xx and never redirects anywhere but the login page, the
// consent page or the client's registered redirect URI.
func FuzzAuthRequest(f *testing.F) {
	e := newEnv(f, envOptions{})
	redirect := "https://app.example/cb"
	id := e.publicClient(redirect)
	cookie := e.users.login("acct-1", alice)
	pk := newPKCE()
	f.Add(authQuery(id, redirect, pk).Encode(), true)
	f.Add(authQuery(id, redirect, pk, "prompt", "none").Encode(), false)
	f.Add(authQuery(id, "https://evil.example/", pk).Encode(), true)
	f.Add(authQuery(id, redirect, pk, "response_type", "token").Encode()+"&redirect_uri=x", true)
	f.Add("client_id=http%3A%2F%2F127.0.0.1%3A1%2F&redirect_uri=x", true)
	f.Add("%zz", false)
	f.Fuzz(func(t *testing.T, query string, loggedIn bool) {
		if v, err := url.ParseQuery(query); err == nil && reachesOut(v.Get("client_id")) {
			return
		}
		r := httptest.NewRequest("GET", issuer+".oidc/auth", nil)
		r.URL.RawQuery = query
		if loggedIn {
			r.AddCookie(cookie)
		}
		rec := httptest.NewRecorder()
		e.p.ServeHTTP(rec, r)
		if rec.Code >= 500 {
			t.Fatalf("query %q: %d", query, rec.Code)
		}
		loc := rec.Header().Get("Location")
		if loc == "" {
			return
		}
		u, err := url.Parse(loc)
		if err != nil {
			t.Fatalf("bad Location %q", loc)
		}
		if !strings.HasPrefix(loc, "/.account/login/") && !strings.HasPrefix(loc, "/.oidc/consent?") &&
			u.Scheme+"://"+u.Host+u.Path != redirect {
			t.Fatalf("query %q redirected to %q", query, loc)
		}
	})
}

// reachesOut reports whether a client id could make the provider fetch
// a Client ID Document from anywhere but loopback (which the guard
// refuses without a lookup): fuzzing must not resolve names or leave the
// machine.
func reachesOut(id string) bool {
	if !strings.Contains(id, ":") {
		return false
	}
	u, err := url.Parse(id)
	return err == nil && u.Hostname() != "127.0.0.1" && u.Hostname() != "::1" && u.Host != ""
}
