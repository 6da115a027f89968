package provider

import (
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestBrowserFlowOverHTTP runs the code flow over real HTTP on loopback,
// as a browser would: a cookie jar, redirects followed, the login page of
// a small account stand-in, the consent form posted with its Origin, and
// the app's redirect URI receiving code, state and iss.
func TestBrowserFlowOverHTTP(t *testing.T) {
	users := newTestUsers()
	var p *Provider
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	base := srv.URL + "/"
	// The login page logs the browser in at once and sends it back.
	mux.HandleFunc("/.account/login/", func(w http.ResponseWriter, r *http.Request) {
		c := users.login("acct-1", base+"alice/profile/card#me")
		c.Path = "/"
		http.SetCookie(w, c)
		http.Redirect(w, r, r.URL.Query().Get("returnTo"), http.StatusSeeOther)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { p.ServeHTTP(w, r) })
	var got url.Values
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.Query()
		io.WriteString(w, "logged in")
	}))
	defer app.Close()
	e := newEnv(t, envOptions{users: users})
	p, _ = New(Config{Issuer: base, Store: e.store, Users: users, Now: e.clock.Now})

	// Discovery, then registration, over HTTP.
	resp, err := http.Get(base + ".well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	var meta map[string]any
	json.NewDecoder(resp.Body).Decode(&meta)
	resp.Body.Close()
	reg, _ := json.Marshal(map[string]any{"redirect_uris": []string{app.URL + "/cb"}, "token_endpoint_auth_method": "none"})
	resp, err = http.Post(meta["registration_endpoint"].(string), "application/json", strings.NewReader(string(reg)))
	if err != nil {
		t.Fatal(err)
	}
	var client map[string]any
	json.NewDecoder(resp.Body).Decode(&client)
	resp.Body.Close()
	id := client["client_id"].(string)

	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	pk := newPKCE()
	q := authQuery(id, app.URL+"/cb", pk)
	resp, err = browser.Get(meta["authorization_endpoint"].(string) + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	csrf, request := csrfRE.FindSubmatch(page), requestRE.FindSubmatch(page)
	if resp.StatusCode != http.StatusOK || csrf == nil || request == nil {
		t.Fatalf("expected the consent page, got %d %s", resp.StatusCode, page)
	}
	form := url.Values{"csrf": {html.UnescapeString(string(csrf[1]))}, "request": {html.UnescapeString(string(request[1]))},
		"decision": {"allow"}, "webid": {base + "alice/profile/card#me"}}
	req, _ := http.NewRequest("POST", base+".oidc/consent", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", srv.URL)
	resp, err = browser.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got.Get("code") == "" || got.Get("state") != q.Get("state") || got.Get("iss") != base {
		t.Fatalf("the app received %v", got)
	}

	key := newDPoPKey(t)
	tokenURL := meta["token_endpoint"].(string)
	req, _ = http.NewRequest("POST", tokenURL, strings.NewReader(url.Values{"grant_type": {"authorization_code"},
		"code": {got.Get("code")}, "redirect_uri": {app.URL + "/cb"}, "client_id": {id}, "code_verifier": {pk.verifier}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("DPoP", key.proof(t, "POST", tokenURL, e.clock.Now()))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var tr tokenResponse
	json.NewDecoder(resp.Body).Decode(&tr)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || tr.TokenType != "DPoP" || tr.IDToken == "" {
		t.Fatalf("token: %d %+v", resp.StatusCode, tr)
	}
}
