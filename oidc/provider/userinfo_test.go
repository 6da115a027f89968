package provider

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestUserinfo(t *testing.T) {
	e := newEnv(t, envOptions{})
	cookie := e.users.login("acct-1", alice)
	key := newDPoPKey(t)
	_, tr := e.codeFlow(key, cookie, alice)
	target := issuer + ".oidc/userinfo"
	ask := func(auth string, proofs ...string) *http.Response {
		r := httptest.NewRequest("GET", target, nil)
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		for _, p := range proofs {
			r.Header.Add("DPoP", p)
		}
		return e.do(r)
	}
	withATH := func(k *dpopKey, token string) string {
		return k.proofWith(t, nil, map[string]any{"jti": randomToken(8), "htm": "GET", "htu": target,
			"iat": e.clock.Now().Unix(), "ath": tokenHash(token)})
	}
	resp := ask("DPoP "+tr.AccessToken, withATH(key, tr.AccessToken))
	var info map[string]string
	json.Unmarshal([]byte(body(t, resp)), &info)
	if resp.StatusCode != http.StatusOK || info["webid"] != alice || info["sub"] != alice {
		t.Fatalf("userinfo: %d %v", resp.StatusCode, info)
	}
	for name, resp := range map[string]*http.Response{
		"NoToken":  ask(""),
		"Bearer":   ask("Bearer "+tr.AccessToken, withATH(key, tr.AccessToken)),
		"NoProof":  ask("DPoP " + tr.AccessToken),
		"OtherKey": ask("DPoP "+tr.AccessToken, withATH(newDPoPKey(t), tr.AccessToken)),
		"NoATH":    ask("DPoP "+tr.AccessToken, key.proof(t, "GET", target, e.clock.Now())),
		"IDToken":  ask("DPoP "+tr.IDToken, withATH(key, tr.IDToken)),
		"Tampered": ask("DPoP "+tr.AccessToken[:len(tr.AccessToken)-6]+"AAAAAA", withATH(key, tr.AccessToken)),
		"Garbage":  ask("DPoP a.b.c", withATH(key, "a.b.c")),
	} {
		if resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "DPoP") {
			t.Errorf("%s: got %d %q", name, resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
		}
	}
	e.clock.Advance(AccessTokenTTL)
	if resp := ask("DPoP "+tr.AccessToken, withATH(key, tr.AccessToken)); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("expired: %d", resp.StatusCode)
	}
}

func TestEndSession(t *testing.T) {
	e := newEnv(t, envOptions{})
	cookie := e.users.login("acct-1", alice)
	key := newDPoPKey(t)
	id, tr := e.codeFlow(key, cookie, alice)
	bye := "https://app.example/cb/bye" // registered by publicClient
	end := func(method string, q url.Values, origin string) *http.Response {
		var r *http.Request
		if method == "GET" {
			r = httptest.NewRequest("GET", issuer+".oidc/session/end?"+q.Encode(), nil)
		} else {
			r = newFormRequest(issuer+".oidc/session/end", q)
		}
		if origin != "" {
			r.Header.Set("Origin", origin)
		}
		r.AddCookie(cookie)
		return e.do(r)
	}
	for name, q := range map[string]url.Values{
		"UnregisteredRedirect":  {"id_token_hint": {tr.IDToken}, "post_logout_redirect_uri": {"https://evil.example/"}},
		"RedirectWithoutClient": {"post_logout_redirect_uri": {bye}},
		"ForgedHint":            {"id_token_hint": {tr.AccessToken}, "post_logout_redirect_uri": {bye}},
		"OtherClient":           {"id_token_hint": {tr.IDToken}, "client_id": {"someone"}, "post_logout_redirect_uri": {bye}},
	} {
		resp := end("GET", q, "")
		if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
			t.Errorf("%s: got %d Location %q, want a 400 page", name, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	if e.users.logouts != 0 {
		t.Fatalf("logged out %d times by bad requests", e.users.logouts)
	}
	// Without a hint, the user confirms on a page first.
	q := url.Values{"client_id": {id}, "post_logout_redirect_uri": {bye}, "state": {"s1"}}
	if resp := end("GET", q, ""); resp.StatusCode != http.StatusOK || e.users.logouts != 0 || !strings.Contains(body(t, resp), `name="confirm"`) {
		t.Fatalf("no hint: %d, want the confirmation page", resp.StatusCode)
	}
	q.Set("confirm", "yes")
	if resp := end("POST", q, "https://evil.example"); resp.StatusCode != http.StatusOK || e.users.logouts != 0 {
		t.Fatalf("confirmation from another origin: %d, logouts %d", resp.StatusCode, e.users.logouts)
	}
	resp := end("POST", q, "https://pod.example")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != bye+"?state=s1" || e.users.logouts != 1 {
		t.Fatalf("confirmed: %d Location %q logouts %d", resp.StatusCode, resp.Header.Get("Location"), e.users.logouts)
	}
	// With a valid hint, at once.
	resp = end("GET", url.Values{"id_token_hint": {tr.IDToken}, "post_logout_redirect_uri": {bye}}, "")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != bye || e.users.logouts != 2 {
		t.Fatalf("hinted: %d Location %q logouts %d", resp.StatusCode, resp.Header.Get("Location"), e.users.logouts)
	}
}
