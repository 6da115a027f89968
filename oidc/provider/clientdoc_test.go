package provider

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/seedpod/seedpod/clients/fetch"
)

// clientDocServer serves Client ID Documents on loopback: /app/id is
// good, /bad/id names another client_id, /missing/id is 404. It counts
// fetches.
func clientDocServer(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var fetches atomic.Int32
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
		id := srv.URL + r.URL.Path
		doc := map[string]any{
			"@context":                   []string{"https://www.w3.org/ns/solid/oidc-context.jsonld"},
			"client_id":                  id,
			"client_name":                "Doc App",
			"redirect_uris":              []string{"https://app.example/cb"},
			"post_logout_redirect_uris":  []string{"https://app.example/bye"},
			"scope":                      "openid webid offline_access",
			"grant_types":                []string{"authorization_code", "refresh_token"},
			"token_endpoint_auth_method": "none",
		}
		switch r.URL.Path {
		case "/app/id":
		case "/bad/id":
			doc["client_id"] = "https://someone-else.example/id"
		case "/single/id": // JSON-LD: a set of one without the array
			doc["redirect_uris"] = "https://app.example/cb"
		case "/secret/id":
			doc["token_endpoint_auth_method"] = "client_secret_basic"
		default:
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/ld+json")
		json.NewEncoder(w).Encode(doc)
	}))
	t.Cleanup(srv.Close)
	return srv, &fetches
}

func TestClientIDDocument(t *testing.T) {
	srv, fetches := clientDocServer(t)
	guarded, err := fetch.New(fetch.Config{Allow: []string{srv.URL}})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, envOptions{fetch: guarded})
	cookie := e.users.login("acct-1", alice)
	redirect := "https://app.example/cb"

	t.Run("Good", func(t *testing.T) {
		id := srv.URL + "/app/id"
		pk := newPKCE()
		back := e.code(authQuery(id, redirect, pk), cookie, alice)
		if back.Get("iss") != issuer {
			t.Fatalf("redirect query %v", back)
		}
		key := newDPoPKey(t)
		tr := e.tokens(e.tokenRequest(url.Values{"grant_type": {"authorization_code"}, "code": {back.Get("code")},
			"redirect_uri": {redirect}, "client_id": {id}, "code_verifier": {pk.verifier}}, key))
		if got := e.verify(tr.AccessToken, "solid").PrivateClaims()["client_id"]; got != id {
			t.Errorf("client_id claim = %v, want %s", got, id)
		}
		// The document was fetched once for auth, consent and token (cached).
		if n := fetches.Load(); n != 1 {
			t.Errorf("fetched the document %d times, want 1", n)
		}
		// A client secret is refused for a document client.
		resp := e.tokenRequest(url.Values{"grant_type": {"authorization_code"}, "code": {"x"},
			"redirect_uri": {redirect}, "code_verifier": {pk.verifier}}, key, id, "secret")
		e.oauthErr(resp, http.StatusUnauthorized, "invalid_client")
	})
	t.Run("OneRedirectWithoutArray", func(t *testing.T) {
		back := e.code(authQuery(srv.URL+"/single/id", redirect, newPKCE()), cookie, alice)
		if back.Get("code") == "" {
			t.Fatalf("redirect query %v", back)
		}
	})
	for _, tt := range []struct{ name, path, redirect, want string }{
		{"ClientIDMismatch", "/bad/id", redirect, "not its URL"},
		{"RedirectNotListed", "/app/id", "https://app.example/other", "redirect_uri"},
		{"NotFound", "/missing/id", redirect, "404"},
		{"ConfidentialDocument", "/secret/id", redirect, "none"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp := e.get(issuer+".oidc/auth?"+authQuery(srv.URL+tt.path, tt.redirect, newPKCE()).Encode(), cookie)
			b := body(t, resp)
			if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" || !strings.Contains(b, tt.want) {
				t.Fatalf("got %d Location %q, want a 400 page saying %q: %s", resp.StatusCode, resp.Header.Get("Location"), tt.want, b)
			}
		})
	}
	t.Run("GuardRefusesWithoutAllow", func(t *testing.T) {
		e := newEnv(t, envOptions{}) // default guarded client: loopback is forbidden
		resp := e.get(issuer+".oidc/auth?"+authQuery(srv.URL+"/app/id", redirect, newPKCE()).Encode(), cookie)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body(t, resp), "could not be fetched") {
			t.Fatalf("got %d, want a 400 page", resp.StatusCode)
		}
	})
}
