package account

import (
	"errors"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/seedpod/seedpod/oidc/provider"
)

// keysOf returns "a.b" for every string leaf of m, sorted.
func keysOf(m map[string]any, prefix string) []string {
	var out []string
	for k, v := range m {
		switch v := v.(type) {
		case map[string]any:
			out = append(out, keysOf(v, prefix+k+".")...)
		default:
			out = append(out, prefix+k)
		}
	}
	sort.Strings(out)
	return out
}

// TestCSSCredentialScriptFlow runs what the Solid conformance harness's
// credential script does against CSS v7 (and what CSS 7.2.0 answered when
// tried by hand): discover the controls, create an account, add a
// password, create a pod, create client credentials; then log in and
// delete the credentials. It runs on disk and on MinIO.
func TestCSSCredentialScriptFlow(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			srv := newServer(t, be.open(t), fastLimits)
			idx := srv.URL + "/.account/"
			status, m, _ := api(t, "GET", idx, "", nil)
			if status != 200 || m["version"] != "0.5" {
				t.Fatalf("GET index = %d %v", status, m)
			}
			want := []string{"account.create", "html.main.login", "html.password.login", "html.password.register", "main.index", "main.logins", "password.login"}
			if got := keysOf(m["controls"].(map[string]any), ""); !slices.Equal(got, want) {
				t.Errorf("controls = %v, want %v", got, want)
			}
			status, m, hdr := api(t, "POST", path(m, "controls", "account", "create"), "", map[string]any{})
			token := path(m, "authorization")
			if status != 200 || token == "" || cookieOf(hdr, SessionCookie) == nil {
				t.Fatalf("create account = %d %v", status, m)
			}
			_, m, _ = api(t, "GET", idx, token, nil)
			c := m["controls"].(map[string]any)
			for _, k := range []string{"account.pod", "account.clientCredentials", "account.webId", "account.logout", "account.account", "password.create"} {
				if !slices.Contains(keysOf(c, ""), k) {
					t.Errorf("logged-in controls lack %s: %v", k, keysOf(c, ""))
				}
			}
			status, m, _ = api(t, "POST", path(c, "password", "create"), token, map[string]any{"email": "bot@example.org", "password": pw})
			if status != 200 || !strings.HasPrefix(path(m, "resource"), path(c, "password", "create")) {
				t.Fatalf("password.create = %d %v", status, m)
			}
			status, m, _ = api(t, "POST", path(c, "account", "pod"), token, map[string]any{"name": "bot"})
			webID := srv.URL + "/bot/profile/card#me"
			if status != 200 || path(m, "pod") != srv.URL+"/bot/" || path(m, "webId") != webID ||
				!strings.HasPrefix(path(m, "podResource"), path(c, "account", "pod")) || !strings.HasPrefix(path(m, "webIdResource"), path(c, "account", "webId")) {
				t.Fatalf("account.pod = %d %v", status, m)
			}
			status, m, _ = api(t, "POST", path(c, "account", "clientCredentials"), token, map[string]any{"name": "harness", "webId": webID})
			id, secret, resource := path(m, "id"), path(m, "secret"), path(m, "resource")
			if status != 200 || !strings.HasPrefix(id, "harness_") || len(secret) < 64 || !strings.HasPrefix(resource, path(c, "account", "clientCredentials")) {
				t.Fatalf("account.clientCredentials = %d %v", status, m)
			}
			var users provider.Users = srv.h
			if got, err := users.ClientCredentials(t.Context(), id, secret); err != nil || got != webID {
				t.Errorf("ClientCredentials = %q, %v", got, err)
			}
			if _, err := users.ClientCredentials(t.Context(), id, secret+"0"); !errors.Is(err, provider.ErrBadClientCredentials) {
				t.Errorf("ClientCredentials with a wrong secret = %v", err)
			}

			// Listings, as CSS shapes them.
			_, m, _ = api(t, "GET", path(c, "account", "clientCredentials"), token, nil)
			if path(m, "clientCredentials", id) != resource {
				t.Errorf("client credentials listing = %v", m)
			}
			_, m, _ = api(t, "GET", resource, token, nil)
			if path(m, "id") != id || path(m, "webId") != webID || m["secret"] != nil {
				t.Errorf("GET credentials = %v", m)
			}
			_, m, _ = api(t, "GET", path(c, "account", "pod"), token, nil)
			podResource := path(m, "pods", srv.URL+"/bot/")
			if podResource == "" {
				t.Errorf("pod listing = %v", m)
			}
			_, m, _ = api(t, "GET", podResource, token, nil)
			if path(m, "baseUrl") != srv.URL+"/bot/" {
				t.Errorf("GET pod = %v", m)
			}
			_, m, _ = api(t, "GET", path(c, "account", "webId"), token, nil)
			if path(m, "webIdLinks", webID) == "" {
				t.Errorf("webId listing = %v", m)
			}
			_, m, _ = api(t, "GET", path(c, "password", "create"), token, nil)
			if path(m, "passwordLogins", "bot@example.org") == "" {
				t.Errorf("password listing = %v", m)
			}

			// password.login gives a new token.
			status, m, _ = api(t, "POST", srv.URL+"/.account/login/password/", "", map[string]any{"email": "bot@example.org", "password": pw, "remember": true})
			token2 := path(m, "authorization")
			if status != 200 || token2 == "" || token2 == token {
				t.Fatalf("password.login = %d %v", status, m)
			}
			if status, _, _ = api(t, "DELETE", resource, token2, nil); status != 200 {
				t.Errorf("DELETE credentials = %d", status)
			}
			if status, _, _ = api(t, "DELETE", resource, token2, nil); status != 404 {
				t.Errorf("DELETE credentials again = %d, want 404", status)
			}
			if _, err := users.ClientCredentials(t.Context(), id, secret); !errors.Is(err, provider.ErrBadClientCredentials) {
				t.Errorf("ClientCredentials after delete = %v", err)
			}
			// Logout ends the token.
			if status, _, _ = api(t, "POST", path(c, "account", "logout"), token, map[string]any{}); status != 200 {
				t.Errorf("logout = %d", status)
			}
			if status, _, _ = api(t, "GET", path(c, "account", "pod"), token, nil); status != 401 {
				t.Errorf("after logout = %d, want 401", status)
			}
			if status, _, _ = api(t, "GET", path(c, "account", "pod"), token2, nil); status != 200 {
				t.Errorf("the other token after logout = %d, want 200", status)
			}
		})
	}
}

func TestAPIErrorsAreCSSShaped(t *testing.T) {
	srv := newServer(t, diskStore(t), fastLimits)
	signUp(t, srv, "taken@example.org", pw, "taken")
	_, m, _ := api(t, "POST", srv.URL+"/.account/account/", "", nil)
	token := path(m, "authorization")
	_, m, _ = api(t, "GET", srv.URL+"/.account/", token, nil)
	c := m["controls"].(map[string]any)
	accURL := path(c, "account", "account")
	_, m, _ = api(t, "POST", srv.URL+"/.account/account/", "", nil)
	otherToken := path(m, "authorization")

	tests := []struct {
		name, method, url, token string
		body                     any
		status                   int
		msg                      string
	}{
		{"pod before login", "POST", path(c, "account", "pod"), token, map[string]any{"name": "p1"}, 400, "at least 1 login"},
		{"missing password", "POST", path(c, "password", "create"), token, map[string]any{"email": "a@example.org"}, 400, "password is a required field"},
		{"short password", "POST", path(c, "password", "create"), token, map[string]any{"email": "a@example.org", "password": "x"}, 400, "at least 8 characters"},
		{"email taken", "POST", path(c, "password", "create"), token, map[string]any{"email": "Taken@Example.org", "password": pw}, 409, "already is a login"},
		{"wrong type", "POST", path(c, "password", "create"), token, map[string]any{"email": 3, "password": pw}, 400, "email must be a string"},
		{"garbage", "POST", path(c, "password", "create"), token, "{not json", 400, "JSON object"},
		{"no token", "GET", path(c, "account", "pod"), "", nil, 401, ""},
		{"bad token", "GET", path(c, "account", "pod"), "bogus", nil, 401, ""},
		{"other account", "GET", path(c, "account", "pod"), otherToken, nil, 403, ""},
		{"unknown resource", "GET", accURL + "client-credentials/nope/", token, nil, 404, ""},
		{"unknown path", "GET", srv.URL + "/.account/nope/", token, nil, 404, ""},
		{"method", "PUT", srv.URL + "/.account/", "", map[string]any{}, 405, ""},
		{"wrong login", "POST", srv.URL + "/.account/login/password/", "", map[string]any{"email": "taken@example.org", "password": "wrong password"}, 403, "Invalid email/password combination."},
	}
	for _, tt := range tests {
		status, m, _ := api(t, tt.method, tt.url, tt.token, tt.body)
		if status != tt.status || m["statusCode"] != float64(tt.status) || !strings.Contains(path(m, "message"), tt.msg) ||
			path(m, "errorCode") != "H"+itoa(tt.status) || !strings.HasSuffix(path(m, "name"), "Error") {
			t.Errorf("%s: %d %v, want %d with %q", tt.name, status, m, tt.status, tt.msg)
		}
	}
	api(t, "POST", path(c, "password", "create"), token, map[string]any{"email": "a@example.org", "password": pw})
	for _, tt := range []struct {
		name   string
		body   map[string]any
		status int
	}{
		{"bad pod name", map[string]any{"name": "Bad Name!"}, 400},
		{"empty pod name", map[string]any{"name": ""}, 400},
		{"dot pod name", map[string]any{"name": ".internal"}, 400},
		{"pod taken", map[string]any{"name": "taken"}, 409},
	} {
		if status, m, _ := api(t, "POST", path(c, "account", "pod"), token, tt.body); status != tt.status {
			t.Errorf("%s: %d %v, want %d", tt.name, status, m, tt.status)
		}
	}
	if status, m, _ := api(t, "POST", path(c, "account", "clientCredentials"), token, map[string]any{"webId": srv.URL + "/taken/profile/card#me"}); status != 400 || !strings.Contains(path(m, "message"), "does not belong") {
		t.Errorf("credentials for another account's WebID = %d %v", status, m)
	}
	// Text bodies are refused: a cross-site form cannot post JSON.
	req, _ := http.NewRequest("POST", srv.URL+"/.account/login/password/", strings.NewReader(`{"email":"a@example.org","password":"x"}`))
	req.Header.Set("Content-Type", "text/plain")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain login = %d, want 415", resp.StatusCode)
	}
}

func TestAPICookieNeedsSameOrigin(t *testing.T) {
	srv := newServer(t, diskStore(t), fastLimits)
	b := signUp(t, srv, "alice@example.org", pw, "alice")
	a, _ := srv.h.svc.SessionAccount(t.Context(), sessionOf(t, b))
	podURL := srv.URL + "/.account/account/" + a.ID + "/pod/"
	post := func(hdr ...string) int {
		req, _ := http.NewRequest("POST", podURL, strings.NewReader(`{"name":"p2"}`))
		req.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		return b.do(req).status
	}
	if got := post("Origin", "https://evil.example"); got != 401 {
		t.Errorf("cross-origin cookie POST = %d, want 401", got)
	}
	if got := post("Origin", srv.URL); got != 200 {
		t.Errorf("same-origin cookie POST = %d, want 200", got)
	}
}

// TestTwoHandlersShareSessions is two Seedpod processes on one store:
// a login through one is a session in the other, a CSRF token of one is
// good in the other, and a logout through one ends the session in both.
func TestTwoHandlersShareSessions(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			st := be.open(t)
			srv1 := newServer(t, st, fastLimits)
			h2, err := New(Config{Store: st, BaseURL: srv1.URL + "/"})
			if err != nil {
				t.Fatal(err)
			}
			b := signUp(t, srv1, "alice@example.org", pw, "alice")
			tok := sessionOf(t, b)
			cookie := &http.Cookie{Name: SessionCookie, Value: tok}
			s, ok := h2.Session(reqWithCookie(cookie))
			if !ok || len(s.WebIDs) != 1 {
				t.Fatalf("second handler: Session = %+v, %v", s, ok)
			}
			k1, err1 := srv1.h.csrfToken(t.Context(), tok)
			k2, err2 := h2.csrfToken(t.Context(), tok)
			if err1 != nil || err2 != nil || k1 != k2 {
				t.Errorf("CSRF tokens differ between processes: %q %v, %q %v", k1, err1, k2, err2)
			}
			h2.Logout(httptestRecorderFor(), reqWithCookie(cookie))
			if _, ok := srv1.h.Session(reqWithCookie(cookie)); ok {
				t.Errorf("first handler: session survives a logout through the second")
			}
		})
	}
}

// TestEmailIsUniqueAcrossProcesses races several Services (as processes)
// to give one email to different accounts: exactly one wins.
func TestEmailIsUniqueAcrossProcesses(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			st := be.open(t)
			const n = 4
			var (
				wg   sync.WaitGroup
				mu   sync.Mutex
				wins int
			)
			for i := range n {
				svc, err := NewService(st, "http://localhost:3000/")
				if err != nil {
					t.Fatal(err)
				}
				wg.Go(func() {
					a, err := svc.CreateAccount(t.Context())
					if err != nil {
						t.Error(err)
						return
					}
					_, err = svc.AddPassword(t.Context(), a.ID, "same@example.org", pw)
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil:
						wins++
					case !errors.Is(err, ErrEmailTaken):
						t.Errorf("racer %d: %v", i, err)
					}
				})
			}
			wg.Wait()
			if wins != 1 {
				t.Errorf("%d accounts got the email, want 1", wins)
			}
		})
	}
}

// TestConcurrentUpdatesKeepEveryChange adds client credentials from
// several Services at once: none is lost (IfMatch retries).
func TestConcurrentUpdatesKeepEveryChange(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			st := be.open(t)
			svc, _ := NewService(st, "http://localhost:3000/")
			a, err := svc.SignUp(t.Context(), SignUpRequest{Email: "alice@example.org", Password: pw, Pod: "alice"})
			if err != nil {
				t.Fatal(err)
			}
			webID := a.WebIDs[0].WebID
			var wg sync.WaitGroup
			for range 4 {
				other, _ := NewService(st, "http://localhost:3000/")
				wg.Go(func() {
					if _, _, err := other.CreateClientCredentials(t.Context(), a.ID, "c", webID); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			a, _ = svc.Account(t.Context(), a.ID)
			if len(a.Clients) != 4 {
				t.Errorf("%d client credentials recorded, want 4", len(a.Clients))
			}
		})
	}
}
