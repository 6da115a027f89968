package account

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

const pw = "correct horse battery"

func TestSignUpCreatesAccountPodAndLogsIn(t *testing.T) {
	srv := newServer(t, diskStore(t), fastLimits)
	b := newBrowser(t, srv)
	tok := b.csrf("/.account/signup/")
	r := b.post("/.account/signup/", url.Values{"csrf": {tok}, "email": {"alice@example.org"}, "password": {pw}, "pod": {"alice"}, "name": {"Alice <Liddell>"}})
	if r.status != http.StatusSeeOther || r.hdr.Get("Location") != "/.account/?done=signup" {
		t.Fatalf("sign up = %d to %q\n%s", r.status, r.hdr.Get("Location"), r.body)
	}
	c := cookieOf(r.hdr, SessionCookie)
	if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure {
		t.Errorf("session cookie = %+v, want HttpOnly, SameSite=Lax, Path=/, not Secure over http", c)
	}
	page := b.get("/.account/?done=signup")
	webID := srv.URL + "/alice/profile/card#me"
	for _, want := range []string{srv.URL + "/alice/", webID, "alice@example.org", "Welcome!"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("overview lacks %q:\n%s", want, page.body)
		}
	}
	// The profile is public, through the LDP handler.
	resp, err := http.Get(srv.URL + "/alice/profile/card")
	if err != nil {
		t.Fatal(err)
	}
	card, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(card), `foaf:name "Alice <Liddell>"`) || !strings.Contains(string(card), "solid:oidcIssuer <"+srv.URL+"/>") {
		t.Errorf("GET profile = %d, want 200 with the name and issuer:\n%s", resp.StatusCode, card)
	}
	if s, ok := srv.h.Session(reqWithCookie(c)); !ok || len(s.WebIDs) != 1 || s.WebIDs[0] != webID {
		t.Errorf("Session = %+v, %v; want WebID %s", s, ok, webID)
	}
}

func reqWithCookie(c *http.Cookie) *http.Request {
	r, _ := http.NewRequest("GET", "http://x/", nil)
	r.AddCookie(c)
	return r
}

func TestSignUpErrorsKeepTheForm(t *testing.T) {
	srv := newServer(t, diskStore(t), fastLimits)
	signUp(t, srv, "taken@example.org", pw, "taken")
	tests := []struct {
		name, email, password, pod string
		status                     int
		msg                        string
	}{
		{"short password", "a@example.org", "short", "a1", 400, "at least 8 characters"},
		{"bad email", "not-an-email", pw, "a2", 400, "valid email"},
		{"bad pod name", "b@example.org", pw, "Bad.Name", 400, "lowercase letters"},
		{"pod taken", "c@example.org", pw, "taken", 409, "already is a pod"},
		{"email taken", "TAKEN@example.org", pw, "fresh", 409, "already is a login"},
		{"name too long", "d@example.org", pw, "fresh2", 400, "at most 100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBrowser(t, srv)
			tok := b.csrf("/.account/signup/")
			name := ""
			if tt.name == "name too long" {
				name = strings.Repeat("x", 101)
			}
			r := b.post("/.account/signup/", url.Values{"csrf": {tok}, "email": {tt.email}, "password": {tt.password}, "pod": {tt.pod}, "name": {name}})
			if r.status != tt.status || !strings.Contains(r.body, tt.msg) {
				t.Errorf("sign up = %d, want %d with %q\n%s", r.status, tt.status, tt.msg, r.body)
			}
			if !strings.Contains(r.body, `value="`+tt.email+`"`) {
				t.Errorf("the form lost the email")
			}
		})
	}
	// The failed sign-ups left neither a pod nor a login behind.
	if r := newBrowser(t, srv).login("TAKEN@example.org", pw); r.status != http.StatusSeeOther {
		t.Errorf("login with the case-folded email = %d, want 303", r.status)
	}
	if _, err := srv.store.Stat(t.Context(), "/fresh/"); err == nil {
		t.Errorf("a failed sign-up left its pod")
	}
}

func TestLoginReturnToIsLocalOnly(t *testing.T) {
	srv := newServer(t, diskStore(t), fastLimits)
	signUp(t, srv, "alice@example.org", pw, "alice")
	tests := []struct{ returnTo, want string }{
		{"/.oidc/auth?client_id=x&state=y", "/.oidc/auth?client_id=x&state=y"},
		{"/alice/private/", "/alice/private/"},
		{"", "/.account/"},
		{"https://evil.example/", "/.account/"},
		{"//evil.example/x", "/.account/"},
		{"/\\evil.example", "/.account/"},
		{"\\\\evil.example", "/.account/"},
		{"javascript:alert(1)", "/.account/"},
		{"/x\r\nSet-Cookie: a=b", "/.account/"},
		{"http:/evil.example", "/.account/"},
		{" //evil.example", "/.account/"},
	}
	for _, tt := range tests {
		b := newBrowser(t, srv)
		page := b.get("/.account/login/?returnTo=" + url.QueryEscape(tt.returnTo))
		tok := csrfField.FindStringSubmatch(page.body)[1]
		r := b.post("/.account/login/", url.Values{"csrf": {tok}, "email": {"alice@example.org"}, "password": {pw}, "returnTo": {tt.returnTo}})
		if r.status != http.StatusSeeOther || r.hdr.Get("Location") != tt.want {
			t.Errorf("login with returnTo %q = %d to %q, want 303 to %q", tt.returnTo, r.status, r.hdr.Get("Location"), tt.want)
		}
	}
	if got, want := srv.h.LoginURL("//evil.example"), srv.URL+"/.account/login/"; got != want {
		t.Errorf("LoginURL(//evil.example) = %q, want %q", got, want)
	}
	if got, want := srv.h.LoginURL("/.oidc/auth?a=b"), srv.URL+"/.account/login/?returnTo=%2F.oidc%2Fauth%3Fa%3Db"; got != want {
		t.Errorf("LoginURL = %q, want %q", got, want)
	}
}

func TestFormPostsNeedCSRFToken(t *testing.T) {
	srv := newServer(t, diskStore(t), fastLimits)
	signUp(t, srv, "alice@example.org", pw, "alice")
	b := newBrowser(t, srv)
	tok := b.csrf("/.account/login/")
	other := newBrowser(t, srv).csrf("/.account/login/")
	form := func(csrf string) url.Values {
		return url.Values{"csrf": {csrf}, "email": {"alice@example.org"}, "password": {pw}}
	}
	tests := []struct {
		name string
		csrf string
		hdr  []string
	}{
		{"no token", "", nil},
		{"wrong token", "AAAA" + tok[4:], nil},
		{"another browser's token", other, nil},
		{"cross-site origin", tok, []string{"Origin", "https://evil.example"}},
		{"null origin", tok, []string{"Origin", "null"}},
		{"cross-site fetch metadata", tok, []string{"Sec-Fetch-Site", "cross-site"}},
		{"same-site fetch metadata", tok, []string{"Sec-Fetch-Site", "same-site"}},
	}
	for _, tt := range tests {
		r := b.post("/.account/login/", form(tt.csrf), tt.hdr...)
		if r.status != http.StatusForbidden || cookieOf(r.hdr, SessionCookie) != nil {
			t.Errorf("%s: login = %d, want 403 without a session", tt.name, r.status)
		}
	}
	r := b.post("/.account/login/", form(tok), "Origin", srv.URL, "Sec-Fetch-Site", "same-origin")
	if r.status != http.StatusSeeOther {
		t.Fatalf("login with the token = %d, want 303\n%s", r.status, r.body)
	}
	// Logged in, forms are bound to the session: the old token fails.
	if r := b.post("/.account/pods/", url.Values{"csrf": {tok}, "pod": {"second"}}); r.status != http.StatusForbidden {
		t.Errorf("create pod with the pre-login token = %d, want 403", r.status)
	}
	tok2 := b.csrf("/.account/")
	if r := b.post("/.account/pods/", url.Values{"csrf": {tok2}, "pod": {"second"}}); r.status != http.StatusSeeOther {
		t.Errorf("create pod = %d, want 303\n%s", r.status, r.body)
	}
	for _, p := range []string{"/.account/logout/", "/.account/password/", "/.account/credentials/", "/.account/credentials/delete/", "/.account/signup/"} {
		if r := b.post(p, url.Values{"x": {"y"}}); r.status != http.StatusForbidden {
			t.Errorf("POST %s without a token = %d, want 403", p, r.status)
		}
	}
}

func TestLoginDoesNotTellWhetherAnEmailExists(t *testing.T) {
	srv := newServer(t, diskStore(t), fastLimits)
	signUp(t, srv, "alice@example.org", pw, "alice")
	b := newBrowser(t, srv)
	tok := b.csrf("/.account/login/")
	try := func(email string) result {
		r := b.post("/.account/login/", url.Values{"csrf": {tok}, "email": {email}, "password": {"wrong password"}})
		r.body = strings.ReplaceAll(r.body, email, "EMAIL")
		return r
	}
	known, unknown := try("alice@example.org"), try("nobody@example.org")
	if known.status != http.StatusForbidden || known.status != unknown.status || known.body != unknown.body {
		t.Errorf("wrong password: %d\n%s\nunknown email: %d\n%s", known.status, known.body, unknown.status, unknown.body)
	}
	// The JSON API alike.
	s1, m1, _ := api(t, "POST", srv.URL+"/.account/login/password/", "", map[string]any{"email": "alice@example.org", "password": "nope nope"})
	s2, m2, _ := api(t, "POST", srv.URL+"/.account/login/password/", "", map[string]any{"email": "nobody@example.org", "password": "nope nope"})
	if s1 != 403 || s1 != s2 || m1["message"] != m2["message"] {
		t.Errorf("API: wrong password %d %v, unknown email %d %v", s1, m1, s2, m2)
	}
}

func TestLoginIsRateLimited(t *testing.T) {
	srv := newServer(t, diskStore(t), Config{
		AccountLimit: Limit{Burst: 3, Every: time.Hour},
		AddressLimit: Limit{Burst: 6, Every: time.Hour},
	})
	signUp(t, srv, "alice@example.org", pw, "alice")
	b := newBrowser(t, srv)
	tok := b.csrf("/.account/login/")
	attempt := func(email, password string) result {
		return b.post("/.account/login/", url.Values{"csrf": {tok}, "email": {email}, "password": {password}})
	}
	for i := range 3 {
		if r := attempt("alice@example.org", "wrong password"); r.status != http.StatusForbidden {
			t.Fatalf("attempt %d = %d, want 403", i, r.status)
		}
	}
	r := attempt("alice@example.org", pw)
	if r.status != http.StatusTooManyRequests || r.hdr.Get("Retry-After") == "" || !strings.Contains(r.body, "too many login attempts") {
		t.Errorf("4th attempt on one account = %d (Retry-After %q), want 429", r.status, r.hdr.Get("Retry-After"))
	}
	// Per address: other emails from the same address run out too (4
	// attempts so far).
	for _, email := range []string{"bob@example.org", "carol@example.org"} {
		if r := attempt(email, "x"); r.status != http.StatusForbidden {
			t.Errorf("other email = %d, want 403", r.status)
		}
	}
	if r := attempt("dave@example.org", "x"); r.status != http.StatusTooManyRequests {
		t.Errorf("attempt beyond the address limit = %d, want 429", r.status)
	}
	status, m, hdr := api(t, "POST", srv.URL+"/.account/login/password/", "", map[string]any{"email": "erin@example.org", "password": "x"})
	if status != 429 || hdr.Get("Retry-After") == "" || m["statusCode"] != float64(429) {
		t.Errorf("API login beyond the limit = %d %v", status, m)
	}
}

func TestSignUpIsRateLimited(t *testing.T) {
	srv := newServer(t, diskStore(t), Config{SignUpLimit: Limit{Burst: 2, Every: time.Hour}})
	signUp(t, srv, "a@example.org", pw, "a")
	_, m, _ := api(t, "POST", srv.URL+"/.account/account/", "", nil)
	if path(m, "authorization") == "" {
		t.Fatalf("create account = %v", m)
	}
	status, m, hdr := api(t, "POST", srv.URL+"/.account/account/", "", nil)
	if status != http.StatusTooManyRequests || hdr.Get("Retry-After") == "" {
		t.Errorf("account beyond the limit = %d %v", status, m)
	}
	b := newBrowser(t, srv)
	tok := b.csrf("/.account/signup/")
	if r := b.post("/.account/signup/", url.Values{"csrf": {tok}, "email": {"b@example.org"}, "password": {pw}, "pod": {"b"}}); r.status != http.StatusTooManyRequests {
		t.Errorf("sign-up beyond the limit = %d", r.status)
	}
}

func TestSecureCookieUnderHTTPS(t *testing.T) {
	st := diskStore(t)
	h, err := New(Config{Store: st, BaseURL: "https://pods.example/"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := h.svc.SignUp(t.Context(), SignUpRequest{Email: "alice@example.org", Password: pw, Pod: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	if _, err := h.login(t.Context(), rec, a, true); err != nil {
		t.Fatal(err)
	}
	c := cookieOf(rec.Header(), SessionCookie)
	if c == nil || !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.MaxAge <= 0 {
		t.Errorf("cookie = %+v, want Secure, HttpOnly, SameSite=Lax, Path=/, Max-Age (remembered)", c)
	}
	if got := h.LoginURL(""); got != "https://pods.example/.account/login/" {
		t.Errorf("LoginURL = %q", got)
	}
}

func TestLogoutEndsSession(t *testing.T) {
	srv := newServer(t, diskStore(t), fastLimits)
	b := signUp(t, srv, "alice@example.org", pw, "alice")
	u, _ := url.Parse(srv.URL)
	token := b.c.Jar.Cookies(u)[0].Value
	tok := b.csrf("/.account/logout/")
	r := b.post("/.account/logout/", url.Values{"csrf": {tok}, "returnTo": {"/alice/"}})
	if r.status != http.StatusSeeOther || r.hdr.Get("Location") != "/alice/" {
		t.Errorf("logout = %d to %q", r.status, r.hdr.Get("Location"))
	}
	if c := cookieOf(r.hdr, SessionCookie); c == nil || c.MaxAge >= 0 {
		t.Errorf("logout cookie = %+v, want expired", c)
	}
	if b.loggedIn() {
		t.Errorf("still logged in after logout")
	}
	// The token is dead, not only the cookie gone.
	if _, ok := srv.h.Session(reqWithCookie(&http.Cookie{Name: SessionCookie, Value: token})); ok {
		t.Errorf("the old session token still works")
	}
}

func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	srv := newServer(t, diskStore(t), fastLimits)
	b1 := signUp(t, srv, "alice@example.org", pw, "alice")
	b2 := newBrowser(t, srv)
	if r := b2.login("alice@example.org", pw); r.status != http.StatusSeeOther {
		t.Fatalf("login = %d", r.status)
	}
	_, m, _ := api(t, "POST", srv.URL+"/.account/login/password/", "", map[string]any{"email": "alice@example.org", "password": pw})
	apiToken := path(m, "authorization")
	tok := b1.csrf("/.account/password/")
	if r := b1.post("/.account/password/", url.Values{"csrf": {tok}, "old": {"wrong password"}, "new": {"new password 1"}}); r.status != http.StatusForbidden {
		t.Errorf("change with a wrong current password = %d, want 403", r.status)
	}
	if r := b1.post("/.account/password/", url.Values{"csrf": {tok}, "old": {pw}, "new": {"short"}}); r.status != http.StatusBadRequest || !strings.Contains(r.body, "at least 8") {
		t.Errorf("change to a short password = %d, want 400 saying the rule", r.status)
	}
	r := b1.post("/.account/password/", url.Values{"csrf": {tok}, "old": {pw}, "new": {"new password 1"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("change password = %d\n%s", r.status, r.body)
	}
	if !b1.loggedIn() {
		t.Errorf("the browser that changed the password was logged out")
	}
	if b2.loggedIn() {
		t.Errorf("another browser is still logged in after the password change")
	}
	if status, _, _ := api(t, "GET", srv.URL+"/.account/", apiToken, nil); status != 200 {
		t.Fatal(status)
	}
	if _, m, _ := api(t, "GET", srv.URL+"/.account/", apiToken, nil); path(m, "controls", "account", "pod") != "" {
		t.Errorf("an API token survived the password change")
	}
	if r := newBrowser(t, srv).login("alice@example.org", pw); r.status != http.StatusForbidden {
		t.Errorf("login with the old password = %d, want 403", r.status)
	}
	if r := newBrowser(t, srv).login("alice@example.org", "new password 1"); r.status != http.StatusSeeOther {
		t.Errorf("login with the new password = %d, want 303", r.status)
	}
}

func TestOverviewManagesPodsAndClientCredentials(t *testing.T) {
	srv := newServer(t, diskStore(t), fastLimits)
	b := signUp(t, srv, "alice@example.org", pw, "alice")
	webID := srv.URL + "/alice/profile/card#me"
	tok := b.csrf("/.account/")
	r := b.post("/.account/credentials/", url.Values{"csrf": {tok}, "name": {"bot"}, "webId": {webID}})
	if r.status != http.StatusCreated || !strings.Contains(r.body, "not shown again") {
		t.Fatalf("create credentials = %d\n%s", r.status, r.body)
	}
	codes := codesIn(r.body)
	if len(codes) < 2 {
		t.Fatalf("no id and secret shown:\n%s", r.body)
	}
	id, secret := codes[0], codes[1]
	if got, err := srv.h.ClientCredentials(t.Context(), id, secret); err != nil || got != webID {
		t.Errorf("ClientCredentials = %q, %v", got, err)
	}
	if r := b.post("/.account/credentials/", url.Values{"csrf": {tok}, "name": {"x"}, "webId": {"https://evil.example/#me"}}); r.status != http.StatusBadRequest {
		t.Errorf("credentials for a foreign WebID = %d, want 400", r.status)
	}
	a, _ := srv.h.svc.SessionAccount(t.Context(), sessionOf(t, b))
	r = b.post("/.account/credentials/delete/", url.Values{"csrf": {tok}, "id": {a.Clients[0].ID}})
	if r.status != http.StatusSeeOther {
		t.Errorf("delete credentials = %d", r.status)
	}
	if _, err := srv.h.ClientCredentials(t.Context(), id, secret); err == nil {
		t.Errorf("deleted credentials still work")
	}
	if r := b.post("/.account/pods/", url.Values{"csrf": {tok}, "pod": {"alice"}}); r.status != http.StatusConflict {
		t.Errorf("create a taken pod = %d, want 409", r.status)
	}
	for _, p := range []string{"/.account/login/", "/.account/signup/", "/.account/logout/", "/.account/password/", "/.account/"} {
		r := b.get(p)
		if r.status != 200 || !strings.Contains(r.hdr.Get("Content-Security-Policy"), "frame-ancestors 'none'") || !strings.Contains(r.body, "<label") && p != "/.account/logout/" {
			t.Errorf("GET %s = %d, CSP %q", p, r.status, r.hdr.Get("Content-Security-Policy"))
		}
	}
	if r := newBrowser(t, srv).get("/.account/"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.hdr.Get("Location"), "/.account/login/") {
		t.Errorf("overview when logged out = %d to %q, want the login page", r.status, r.hdr.Get("Location"))
	}
}

func sessionOf(t *testing.T, b *browser) string {
	u, _ := url.Parse(b.srv.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == SessionCookie {
			return c.Value
		}
	}
	t.Fatal("no session cookie")
	return ""
}

func codesIn(body string) []string {
	var out []string
	for _, part := range strings.Split(body, "<code>")[1:] {
		out = append(out, strings.SplitN(part, "</code>", 2)[0])
	}
	return out
}
