package provider

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

func TestRefreshTokens(t *testing.T) {
	e := newEnv(t, envOptions{})
	cookie := e.users.login("acct-1", alice)
	key := newDPoPKey(t)
	id, tr := e.codeFlow(key, cookie, alice)
	refresh := func(token string, k *dpopKey, basic ...string) *http.Response {
		form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {token}}
		if len(basic) == 0 {
			form.Set("client_id", id)
		}
		return e.tokenRequest(form, k, basic...)
	}

	// Another key cannot use a public client's refresh token…
	e.oauthErr(refresh(tr.RefreshToken, newDPoPKey(t)), http.StatusBadRequest, "invalid_grant")
	// …and that attempt does not burn it: the same key can.
	next := e.tokens(refresh(tr.RefreshToken, key))
	if next.RefreshToken == "" || next.RefreshToken == tr.RefreshToken || next.IDToken == "" {
		t.Fatalf("refresh response = %+v, want a new refresh token and ID token", next)
	}
	at := e.verify(next.AccessToken, "solid")
	if at.PrivateClaims()["webid"] != alice || at.PrivateClaims()["cnf"].(map[string]any)["jkt"] != key.jkt {
		t.Errorf("refreshed access token claims %v", at.PrivateClaims())
	}
	// Another client cannot use it.
	other := e.publicClient("https://other.example/cb")
	resp := e.tokenRequest(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {next.RefreshToken}, "client_id": {other}}, key)
	e.oauthErr(resp, http.StatusBadRequest, "invalid_grant")
	// A narrower scope is fine; a wider one is not.
	narrow := e.tokens(e.tokenRequest(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {next.RefreshToken},
		"client_id": {id}, "scope": {"webid offline_access"}}, key))
	if narrow.Scope != "webid offline_access" || narrow.IDToken != "" {
		t.Errorf("narrowed refresh: scope %q id_token %v", narrow.Scope, narrow.IDToken != "")
	}
	e.oauthErr(e.tokenRequest(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {narrow.RefreshToken},
		"client_id": {id}, "scope": {"openid profile"}}, key), http.StatusBadRequest, "invalid_scope")
	// Rotation: a spent refresh token is refused, and presenting it again
	// revokes the ones that replaced it (RFC 9700 §4.14.2).
	e.oauthErr(refresh(tr.RefreshToken, key), http.StatusBadRequest, "invalid_grant")
	e.oauthErr(refresh(narrow.RefreshToken, key), http.StatusBadRequest, "invalid_grant")
}

func TestRefreshTokenExpires(t *testing.T) {
	e := newEnv(t, envOptions{})
	key := newDPoPKey(t)
	id, tr := e.codeFlow(key, e.users.login("acct-1", alice), alice)
	e.clock.Advance(RefreshTokenTTL + time.Second)
	resp := e.tokenRequest(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tr.RefreshToken}, "client_id": {id}}, key)
	e.oauthErr(resp, http.StatusBadRequest, "invalid_grant")
}

func TestNoRefreshTokenWithoutOfflineAccess(t *testing.T) {
	e := newEnv(t, envOptions{})
	cookie := e.users.login("acct-1", alice)
	redirect := "https://app.example/cb"
	id := e.publicClient(redirect)
	pk := newPKCE()
	back := e.code(authQuery(id, redirect, pk, "scope", "openid webid"), cookie, alice)
	tr := e.tokens(e.tokenRequest(url.Values{"grant_type": {"authorization_code"}, "code": {back.Get("code")},
		"redirect_uri": {redirect}, "client_id": {id}, "code_verifier": {pk.verifier}}, newDPoPKey(t)))
	if tr.RefreshToken != "" || tr.Scope != "openid webid" {
		t.Errorf("response = %+v, want no refresh token", tr)
	}
}

// A confidential client authenticates at the token endpoint; its refresh
// tokens are not bound to a DPoP key (RFC 9449 §5).
func TestConfidentialClient(t *testing.T) {
	e := newEnv(t, envOptions{})
	cookie := e.users.login("acct-1", alice)
	redirect := "https://app.example/cb"
	resp, reg := e.register(map[string]any{"redirect_uris": []string{redirect}, "client_name": "Server App"})
	if resp.StatusCode != http.StatusCreated || reg["client_secret"] == nil || reg["token_endpoint_auth_method"] != "client_secret_basic" {
		t.Fatalf("register: %d %v", resp.StatusCode, reg)
	}
	id, secret := reg["client_id"].(string), reg["client_secret"].(string)
	key := newDPoPKey(t)
	redeem := func(basic ...string) *http.Response {
		pk := newPKCE()
		code := e.code(authQuery(id, redirect, pk), cookie, alice).Get("code")
		form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}, "code_verifier": {pk.verifier}}
		if len(basic) == 0 {
			form.Set("client_id", id)
		}
		return e.tokenRequest(form, key, basic...)
	}
	e.oauthErr(redeem(), http.StatusUnauthorized, "invalid_client")
	bad := redeem(id, "wrong")
	if bad.Header.Get("WWW-Authenticate") == "" {
		t.Error("invalid_client without WWW-Authenticate")
	}
	e.oauthErr(bad, http.StatusUnauthorized, "invalid_client")
	tr := e.tokens(redeem(id, secret))
	// client_secret_post works too, and the refresh token is not key-bound.
	next := e.tokens(e.tokenRequest(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tr.RefreshToken},
		"client_id": {id}, "client_secret": {secret}}, newDPoPKey(t)))
	if next.AccessToken == "" {
		t.Fatal("no access token")
	}
	// Both methods at once is invalid_request.
	e.oauthErr(e.tokenRequest(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {next.RefreshToken},
		"client_secret": {secret}}, key, id, secret), http.StatusBadRequest, "invalid_request")
}
