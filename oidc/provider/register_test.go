package provider

import (
	"net/http"
	"strings"
	"testing"
)

func TestRegistration(t *testing.T) {
	e := newEnv(t, envOptions{})
	t.Run("PublicClient", func(t *testing.T) {
		resp, out := e.register(map[string]any{
			"redirect_uris":              []string{"https://app.example/cb", "http://127.0.0.1:8080/cb", "http://localhost/cb", "http://[::1]:3/cb"},
			"token_endpoint_auth_method": "none", "application_type": "web", "subject_type": "public",
			"id_token_signed_response_alg": "ES256", "scope": "openid webid offline_access",
		})
		if resp.StatusCode != http.StatusCreated || out["client_id"] == "" || out["client_secret"] != nil ||
			resp.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("got %d %v", resp.StatusCode, out)
		}
		if _, err := e.p.lookupClient(t.Context(), out["client_id"].(string)); err != nil {
			t.Errorf("registered client not found: %v", err)
		}
	})
	t.Run("ConfidentialByDefault", func(t *testing.T) {
		resp, out := e.register(map[string]any{"redirect_uris": []string{"https://app.example/cb"}})
		if resp.StatusCode != http.StatusCreated || out["client_secret"] == nil || out["client_secret_expires_at"] != float64(0) {
			t.Fatalf("got %d %v", resp.StatusCode, out)
		}
	})
	tests := []struct {
		name string
		meta map[string]any
		code string
	}{
		{"NoRedirect", map[string]any{"client_name": "x"}, "invalid_redirect_uri"},
		{"HTTPNotLoopback", map[string]any{"redirect_uris": []string{"http://app.example/cb"}}, "invalid_redirect_uri"},
		{"Fragment", map[string]any{"redirect_uris": []string{"https://app.example/cb#x"}}, "invalid_redirect_uri"},
		{"Javascript", map[string]any{"redirect_uris": []string{"javascript:alert(1)"}}, "invalid_redirect_uri"},
		{"Relative", map[string]any{"redirect_uris": []string{"/cb"}}, "invalid_redirect_uri"},
		{"Userinfo", map[string]any{"redirect_uris": []string{"https://u:p@app.example/cb"}}, "invalid_redirect_uri"},
		{"BadLogoutURI", map[string]any{"redirect_uris": []string{"https://app.example/cb"}, "post_logout_redirect_uris": []string{"http://x.example/"}}, "invalid_client_metadata"},
		{"PrivateKeyJWT", map[string]any{"redirect_uris": []string{"https://app.example/cb"}, "token_endpoint_auth_method": "private_key_jwt"}, "invalid_client_metadata"},
		{"ImplicitGrant", map[string]any{"redirect_uris": []string{"https://app.example/cb"}, "grant_types": []string{"implicit"}}, "invalid_client_metadata"},
		{"TokenResponse", map[string]any{"redirect_uris": []string{"https://app.example/cb"}, "response_types": []string{"id_token"}}, "invalid_client_metadata"},
		{"RS256IDTokens", map[string]any{"redirect_uris": []string{"https://app.example/cb"}, "id_token_signed_response_alg": "RS256"}, "invalid_client_metadata"},
		{"WrongType", map[string]any{"redirect_uris": "https://app.example/cb"}, "invalid_client_metadata"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, out := e.register(tt.meta)
			if resp.StatusCode != http.StatusBadRequest || out["error"] != tt.code {
				t.Fatalf("got %d %v, want 400 %s", resp.StatusCode, out, tt.code)
			}
		})
	}
	t.Run("NotJSON", func(t *testing.T) {
		r := newFormRequest(issuer+".oidc/reg", nil)
		if resp := e.do(r); resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("got %d", resp.StatusCode)
		}
		r = newFormRequest(issuer+".oidc/reg", nil)
		r.Header.Set("Content-Type", "application/json")
		r.Body = http.NoBody
		if resp := e.do(r); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body(t, resp), "invalid_client_metadata") {
			t.Fatalf("empty body: %d", resp.StatusCode)
		}
	})
}
