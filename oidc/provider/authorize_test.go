package provider

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

const (
	alice  = "https://pod.example/alice/profile/card#me"
	alice2 = "https://pod.example/work/profile/card#me"
)

func TestCodeFlowWithPKCEConsentAndTokens(t *testing.T) {
	e := newEnv(t, envOptions{})
	redirect := "https://app.example/cb"
	id := e.publicClient(redirect)
	pk := newPKCE()
	q := authQuery(id, redirect, pk)

	// Not logged in: off to the login page, which will send the browser back.
	resp := e.get(issuer+".oidc/auth?"+q.Encode(), nil)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/.account/login/?returnTo=") {
		t.Fatalf("not logged in: %d Location %q", resp.StatusCode, loc)
	}
	lu, _ := url.Parse(loc)
	if back := lu.Query().Get("returnTo"); back != "/.oidc/auth?"+q.Encode() {
		t.Fatalf("returnTo = %q", back)
	}

	// Logged in with two WebIDs: the consent page, where the second is chosen.
	cookie := e.users.login("acct-1", alice, alice2)
	resp = e.get(issuer+".oidc/auth?"+q.Encode(), cookie)
	loc = resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/.oidc/consent?") {
		t.Fatalf("first login: %d Location %q, want the consent page", resp.StatusCode, loc)
	}
	page := e.get(issuer[:len(issuer)-1]+loc, cookie)
	if h := page.Header.Get("X-Frame-Options"); h != "DENY" {
		t.Errorf("consent page X-Frame-Options = %q", h)
	}
	if b := body(t, page); !strings.Contains(b, alice) || !strings.Contains(b, alice2) || !strings.Contains(b, "Test App") {
		t.Errorf("consent page does not offer both WebIDs: %s", b)
	}
	resp = e.consent(loc, cookie, "allow", alice2)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("consent: %d %s", resp.StatusCode, body(t, resp))
	}
	u, _ := url.Parse(resp.Header.Get("Location"))
	back := u.Query()
	if u.Scheme+"://"+u.Host+u.Path != redirect || back.Get("code") == "" || back.Get("state") != q.Get("state") || back.Get("iss") != issuer {
		t.Fatalf("redirect = %s, want %s with code, state %s and iss %s", u, redirect, q.Get("state"), issuer)
	}

	// The code, with a DPoP proof, gives DPoP-bound tokens.
	key := newDPoPKey(t)
	tr := e.tokens(e.tokenRequest(url.Values{"grant_type": {"authorization_code"}, "code": {back.Get("code")},
		"redirect_uri": {redirect}, "client_id": {id}, "code_verifier": {pk.verifier}}, key))
	if tr.TokenType != "DPoP" || tr.ExpiresIn != 3600 || tr.RefreshToken == "" || tr.IDToken == "" {
		t.Fatalf("token response = %+v", tr)
	}
	at := e.verify(tr.AccessToken, "solid")
	claims := at.PrivateClaims()
	if claims["webid"] != alice2 || claims["client_id"] != id || at.Subject() != alice2 ||
		!slices.Contains(at.Audience(), id) || claims["cnf"].(map[string]any)["jkt"] != key.jkt ||
		at.Expiration().Sub(at.IssuedAt()) != time.Hour || at.JwtID() == "" {
		t.Errorf("access token claims: sub %s aud %v exp-iat %v %v", at.Subject(), at.Audience(), at.Expiration().Sub(at.IssuedAt()), claims)
	}
	if typ := headerTyp(t, tr.AccessToken); typ != "at+jwt" {
		t.Errorf("access token typ = %q", typ)
	}
	it := e.verify(tr.IDToken, id)
	ic := it.PrivateClaims()
	if ic["webid"] != alice2 || ic["azp"] != id || ic["nonce"] != "n-1" || !slices.Contains(it.Audience(), "solid") ||
		ic["cnf"].(map[string]any)["jkt"] != key.jkt {
		t.Errorf("ID token claims: aud %v %v", it.Audience(), ic)
	}

	// Consent is remembered: the next login goes straight back with a code,
	// for the WebID chosen before.
	pk2 := newPKCE()
	resp = e.get(issuer+".oidc/auth?"+authQuery(id, redirect, pk2).Encode(), cookie)
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, redirect+"?") || !strings.Contains(loc, "code=") {
		t.Fatalf("second login: %d Location %q, want the redirect with a code", resp.StatusCode, loc)
	}
	u, _ = url.Parse(resp.Header.Get("Location"))
	tr = e.tokens(e.tokenRequest(url.Values{"grant_type": {"authorization_code"}, "code": {u.Query().Get("code")},
		"redirect_uri": {redirect}, "client_id": {id}, "code_verifier": {pk2.verifier}}, key))
	if got := e.verify(tr.AccessToken, "solid").PrivateClaims()["webid"]; got != alice2 {
		t.Errorf("remembered consent: webid %v, want %s", got, alice2)
	}

	// prompt=consent asks again.
	resp = e.get(issuer+".oidc/auth?"+authQuery(id, redirect, newPKCE(), "prompt", "consent").Encode(), cookie)
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "/.oidc/consent?") {
		t.Errorf("prompt=consent: Location %q", loc)
	}
	// Another account has not consented.
	other := e.users.login("acct-2", "https://pod.example/bob/profile/card#me")
	resp = e.get(issuer+".oidc/auth?"+authQuery(id, redirect, newPKCE()).Encode(), other)
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "/.oidc/consent?") {
		t.Errorf("other account: Location %q, want consent", loc)
	}
}

func headerTyp(t *testing.T, token string) string {
	t.Helper()
	h, _, err := splitJWT(token)
	if err != nil {
		t.Fatal(err)
	}
	var v struct{ Typ string }
	if err := jsonUnmarshal(h, &v); err != nil {
		t.Fatal(err)
	}
	return v.Typ
}

func TestCodeRedemptionFailures(t *testing.T) {
	e := newEnv(t, envOptions{})
	cookie := e.users.login("acct-1", alice)
	redirect := "https://app.example/cb"
	id := e.publicClient(redirect)
	otherID := e.publicClient(redirect)
	key := newDPoPKey(t)
	newCode := func() (string, pkce) {
		pk := newPKCE()
		return e.code(authQuery(id, redirect, pk), cookie, alice).Get("code"), pk
	}
	redeem := func(code, verifier, clientID, redirectURI string) *http.Response {
		return e.tokenRequest(url.Values{"grant_type": {"authorization_code"}, "code": {code},
			"redirect_uri": {redirectURI}, "client_id": {clientID}, "code_verifier": {verifier}}, key)
	}

	t.Run("PKCEMismatch", func(t *testing.T) {
		code, _ := newCode()
		e.oauthErr(redeem(code, newPKCE().verifier, id, redirect), 400, "invalid_grant")
	})
	t.Run("MalformedVerifier", func(t *testing.T) {
		code, _ := newCode()
		e.oauthErr(redeem(code, "short", id, redirect), 400, "invalid_request")
	})
	t.Run("Reuse", func(t *testing.T) {
		code, pk := newCode()
		tr := e.tokens(redeem(code, pk.verifier, id, redirect))
		e.oauthErr(redeem(code, pk.verifier, id, redirect), 400, "invalid_grant")
		// RFC 6749 §4.1.2: the reuse revokes the refresh token it gave.
		resp := e.tokenRequest(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tr.RefreshToken}, "client_id": {id}}, key)
		e.oauthErr(resp, 400, "invalid_grant")
	})
	t.Run("OtherClient", func(t *testing.T) {
		code, pk := newCode()
		e.oauthErr(redeem(code, pk.verifier, otherID, redirect), 400, "invalid_grant")
	})
	t.Run("OtherRedirectURI", func(t *testing.T) {
		code, pk := newCode()
		e.oauthErr(redeem(code, pk.verifier, id, redirect+"/x"), 400, "invalid_grant")
	})
	t.Run("Expired", func(t *testing.T) {
		code, pk := newCode()
		e.clock.Advance(CodeTTL + time.Second)
		e.oauthErr(redeem(code, pk.verifier, id, redirect), 400, "invalid_grant")
	})
	t.Run("UnknownCode", func(t *testing.T) {
		e.oauthErr(redeem("nope", newPKCE().verifier, id, redirect), 400, "invalid_grant")
	})
	t.Run("NoDPoP", func(t *testing.T) {
		code, pk := newCode()
		resp := e.tokenRequest(url.Values{"grant_type": {"authorization_code"}, "code": {code},
			"redirect_uri": {redirect}, "client_id": {id}, "code_verifier": {pk.verifier}}, nil)
		e.oauthErr(resp, 400, "invalid_dpop_proof")
		// The code survives a request without a proof.
		e.tokens(redeem(code, pk.verifier, id, redirect))
	})
}

// TestBadClientOrRedirectGetsAPageNotARedirect: RFC 6749 §4.1.2.1.
func TestBadClientOrRedirectGetsAPageNotARedirect(t *testing.T) {
	e := newEnv(t, envOptions{})
	cookie := e.users.login("acct-1", alice)
	redirect := "https://app.example/cb"
	id := e.publicClient(redirect)
	pk := newPKCE()
	tests := []struct {
		name string
		q    url.Values
	}{
		{"UnknownClient", authQuery("no-such-client", redirect, pk)},
		{"NoClient", authQuery("", redirect, pk, "client_id", "")},
		{"WrongRedirect", authQuery(id, "https://evil.example/cb", pk)},
		{"RedirectWithExtraPath", authQuery(id, redirect+"/more", pk)},
		{"RedirectWithQuery", authQuery(id, redirect+"?x=1", pk)},
		{"RedirectCaseChanged", authQuery(id, "https://APP.example/cb", pk)},
		{"NoRedirect", authQuery(id, "", pk, "redirect_uri", "")},
		{"ClientURLNotHTTPS", authQuery("ftp://app.example/id", redirect, pk)},
		{"ClientURLNotAllowed", authQuery("http://127.0.0.1:1/id", redirect, pk)},
	}
	dup := authQuery(id, redirect, pk)
	dup.Add("redirect_uri", "https://evil.example/cb")
	tests = append(tests, struct {
		name string
		q    url.Values
	}{"TwoRedirects", dup})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, c := range []*http.Cookie{nil, cookie} {
				resp := e.get(issuer+".oidc/auth?"+tt.q.Encode(), c)
				b := body(t, resp)
				if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" ||
					!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
					t.Fatalf("got %d Location %q, want a 400 page: %s", resp.StatusCode, resp.Header.Get("Location"), b)
				}
			}
		})
	}
}

// TestBadRequestWithGoodRedirectIsRedirected: RFC 6749 §4.1.2.1, with
// state and iss (RFC 9207).
func TestBadRequestWithGoodRedirectIsRedirected(t *testing.T) {
	e := newEnv(t, envOptions{})
	cookie := e.users.login("acct-1", alice)
	redirect := "https://app.example/cb"
	id := e.publicClient(redirect)
	pk := newPKCE()
	tests := []struct {
		name  string
		extra []string
		code  string
	}{
		{"NoPKCE", []string{"code_challenge", "", "code_challenge_method", ""}, "invalid_request"},
		{"PlainPKCE", []string{"code_challenge_method", "plain"}, "invalid_request"},
		{"BadChallenge", []string{"code_challenge", "abc"}, "invalid_request"},
		{"TokenResponseType", []string{"response_type", "token"}, "unsupported_response_type"},
		{"NoOpenID", []string{"scope", "webid"}, "invalid_scope"},
		{"FragmentMode", []string{"response_mode", "fragment"}, "invalid_request"},
		{"RequestObject", []string{"request", "x.y.z"}, "request_not_supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := authQuery(id, redirect, pk, tt.extra...)
			resp := e.get(issuer+".oidc/auth?"+q.Encode(), cookie)
			u, _ := url.Parse(resp.Header.Get("Location"))
			if resp.StatusCode != http.StatusSeeOther || u == nil || !strings.HasPrefix(u.String(), redirect+"?") {
				t.Fatalf("got %d Location %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			back := u.Query()
			if back.Get("error") != tt.code || back.Get("state") != q.Get("state") || back.Get("iss") != issuer || back.Has("code") {
				t.Errorf("redirect query = %v, want error %s with state and iss", back, tt.code)
			}
		})
	}
	t.Run("PromptNoneNotLoggedIn", func(t *testing.T) {
		resp := e.get(issuer+".oidc/auth?"+authQuery(id, redirect, pk, "prompt", "none").Encode(), nil)
		u, _ := url.Parse(resp.Header.Get("Location"))
		if u.Query().Get("error") != "login_required" {
			t.Errorf("Location %q, want login_required", u)
		}
	})
	t.Run("PromptNoneWithoutConsent", func(t *testing.T) {
		resp := e.get(issuer+".oidc/auth?"+authQuery(id, redirect, pk, "prompt", "none").Encode(), cookie)
		u, _ := url.Parse(resp.Header.Get("Location"))
		if u.Query().Get("error") != "consent_required" {
			t.Errorf("Location %q, want consent_required", u)
		}
	})
}

func TestConsentForm(t *testing.T) {
	e := newEnv(t, envOptions{})
	cookie := e.users.login("acct-1", alice)
	redirect := "https://app.example/cb"
	id := e.publicClient(redirect)
	q := authQuery(id, redirect, newPKCE())
	consentURL := "/.oidc/consent?" + q.Encode()

	t.Run("Deny", func(t *testing.T) {
		resp := e.consent(consentURL, cookie, "deny", alice)
		u, _ := url.Parse(resp.Header.Get("Location"))
		if resp.StatusCode != http.StatusSeeOther || u.Query().Get("error") != "access_denied" || u.Query().Get("iss") != issuer {
			t.Fatalf("deny: %d %q", resp.StatusCode, u)
		}
	})
	post := func(form url.Values, origin string, c *http.Cookie) *http.Response {
		r := newFormRequest(issuer+".oidc/consent", form)
		if origin != "" {
			r.Header.Set("Origin", origin)
		}
		r.AddCookie(c)
		return e.do(r)
	}
	// A valid token for acct-1 and this request.
	key, err := e.p.secret.get(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	good := csrfToken(key, "acct-1", q.Encode(), e.clock.Now().Add(time.Minute))
	form := func(csrf string) url.Values {
		return url.Values{"request": {q.Encode()}, "csrf": {csrf}, "decision": {"allow"}, "webid": {alice}}
	}
	tests := []struct {
		name   string
		form   url.Values
		origin string
		cookie *http.Cookie
		status int
	}{
		{"NoCSRF", form(""), "", cookie, http.StatusForbidden},
		{"ForgedCSRF", form("9999999999.AAAA"), "", cookie, http.StatusForbidden},
		{"OtherAccountsToken", form(good), "", e.users.login("acct-2", alice), http.StatusForbidden},
		{"ForeignOrigin", form(good), "https://evil.example", cookie, http.StatusForbidden},
		{"NotMyWebID", url.Values{"request": {q.Encode()}, "csrf": {good}, "decision": {"allow"}, "webid": {"https://evil.example/#me"}}, "", cookie, http.StatusBadRequest},
		{"Good", form(good), "https://pod.example", cookie, http.StatusSeeOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := post(tt.form, tt.origin, tt.cookie)
			if resp.StatusCode != tt.status {
				t.Fatalf("got %d, want %d: %s", resp.StatusCode, tt.status, body(t, resp))
			}
		})
	}
	t.Run("Expired", func(t *testing.T) {
		e.clock.Advance(2 * time.Minute)
		if resp := post(form(good), "", cookie); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("expired token: %d", resp.StatusCode)
		}
	})
}

func TestAccountWithoutWebID(t *testing.T) {
	e := newEnv(t, envOptions{})
	redirect := "https://app.example/cb"
	id := e.publicClient(redirect)
	resp := e.get(issuer+".oidc/auth?"+authQuery(id, redirect, newPKCE()).Encode(), e.users.login("acct-0"))
	if resp.StatusCode != http.StatusForbidden || resp.Header.Get("Location") != "" {
		t.Fatalf("got %d", resp.StatusCode)
	}
}
