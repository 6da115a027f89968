package provider

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/seedpod/seedpod/storage/disk"
)

func TestDiscoveryDocument(t *testing.T) {
	e := newEnv(t, envOptions{})
	resp := e.get(issuer+".well-known/openid-configuration", nil)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("discovery: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var d map[string]any
	if err := json.Unmarshal([]byte(body(t, resp)), &d); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"issuer":                 issuer,
		"authorization_endpoint": issuer + ".oidc/auth",
		"token_endpoint":         issuer + ".oidc/token",
		"jwks_uri":               issuer + ".oidc/jwks",
		"registration_endpoint":  issuer + ".oidc/reg",
		"userinfo_endpoint":      issuer + ".oidc/userinfo",
		"end_session_endpoint":   issuer + ".oidc/session/end",
		"solid_oidc_supported":   "https://solidproject.org/TR/solid-oidc",
		"authorization_response_iss_parameter_supported": true,
	}
	for k, v := range want {
		if d[k] != v {
			t.Errorf("%s = %v, want %v", k, d[k], v)
		}
	}
	lists := map[string][]string{
		"scopes_supported":                      {"openid", "profile", "offline_access", "webid"},
		"response_types_supported":              {"code"},
		"grant_types_supported":                 {"authorization_code", "refresh_token", "client_credentials"},
		"code_challenge_methods_supported":      {"S256"},
		"id_token_signing_alg_values_supported": {"ES256"},
		"token_endpoint_auth_methods_supported": {"none", "client_secret_basic", "client_secret_post"},
		"dpop_signing_alg_values_supported":     {"ES256", "RS256", "PS256", "EdDSA"},
		"claims_supported":                      {"webid", "sub", "iss"},
	}
	for k, wantAll := range lists {
		var got []string
		for _, v := range d[k].([]any) {
			got = append(got, v.(string))
		}
		for _, w := range wantAll {
			if !slices.Contains(got, w) {
				t.Errorf("%s = %v, missing %s", k, got, w)
			}
		}
	}
	if got := d["code_challenge_methods_supported"].([]any); len(got) != 1 {
		t.Errorf("code_challenge_methods_supported = %v, want S256 only", got)
	}
}

func TestJWKSHasPublicKeysOnly(t *testing.T) {
	e := newEnv(t, envOptions{})
	resp := e.get(issuer+".oidc/jwks", nil)
	b := body(t, resp)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/jwk-set+json" {
		t.Fatalf("jwks: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if strings.Contains(b, `"d"`) {
		t.Fatalf("jwks contains a private key: %s", b)
	}
	set, err := jwk.Parse([]byte(b))
	if err != nil || set.Len() != 1 {
		t.Fatalf("jwks = %s (%v), want one key", b, err)
	}
	k, _ := set.Key(0)
	if k.Algorithm().String() != "ES256" || k.KeyID() == "" || k.KeyUsage() != "sig" {
		t.Errorf("key alg %v kid %q use %q", k.Algorithm(), k.KeyID(), k.KeyUsage())
	}
}

func TestUnknownPathAndMethod(t *testing.T) {
	e := newEnv(t, envOptions{})
	if resp := e.get(issuer+".oidc/nope", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown path: %d", resp.StatusCode)
	}
	if resp := e.get(issuer+".oidc/token", nil); resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") == "" {
		t.Errorf("GET token: %d Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
}

func TestIssuerWithPath(t *testing.T) {
	s, err := disk.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p, err := New(Config{Issuer: "https://host.example/pods/", Store: s, Users: newTestUsers()})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	p.ServeHTTP(rec, httptest.NewRequest("GET", "https://host.example/pods/.well-known/openid-configuration", nil))
	var d map[string]any
	json.Unmarshal(rec.Body.Bytes(), &d)
	if rec.Code != http.StatusOK || d["token_endpoint"] != "https://host.example/pods/.oidc/token" || d["issuer"] != "https://host.example/pods/" {
		t.Fatalf("discovery under a path: %d %v", rec.Code, d)
	}
	if got := p.Prefixes(); got[1] != "/pods/.oidc/" {
		t.Errorf("Prefixes() = %v", got)
	}
	for _, bad := range []string{"", "https://host.example", "ftp://host.example/", "https://host.example/?x=1", "/relative/"} {
		if _, err := New(Config{Issuer: bad, Store: s, Users: newTestUsers()}); err == nil {
			t.Errorf("New accepted issuer %q", bad)
		}
	}
	if _, err := New(Config{Issuer: issuer, Store: s}); err == nil {
		t.Error("New accepted a Config without Users")
	}
}
