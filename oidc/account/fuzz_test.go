package account

import (
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// FuzzHandler sends arbitrary methods, paths, content types and bodies to
// the account Handler, with and without an account token: no input may
// give a 5xx, and every API answer is JSON.
func FuzzHandler(f *testing.F) {
	methods := []string{"GET", "POST", "DELETE", "PUT", "HEAD", "PATCH"}
	types := []string{"application/json", "", "application/x-www-form-urlencoded", "text/plain", "application/json; charset=utf-8"}
	seeds := []struct {
		m, ct uint8
		path  string
		body  string
		auth  bool
	}{
		{0, 0, "", "", false},
		{1, 0, "account/", "{}", false},
		{1, 0, "login/password/", `{"email":"a@example.org","password":"correct horse battery"}`, false},
		{1, 0, "login/password/", `{"email":3}`, false},
		{0, 0, "account/{id}/", "", true},
		{1, 0, "account/{id}/login/password/", `{"email":"b@example.org","password":"x"}`, true},
		{1, 0, "account/{id}/pod/", `{"name":"Bad Name"}`, true},
		{1, 0, "account/{id}/client-credentials/", `{"name":"n","webId":"http://x/"}`, true},
		{2, 0, "account/{id}/client-credentials/nope/", "", true},
		{1, 0, "account/{id}/logout/", "", false},
		{1, 2, "login/", "csrf=x&email=a", false},
		{1, 2, "signup/", "%zz", false},
		{0, 1, "account/{id}/../x/", "", true},
		{3, 3, "account//", "[]", true},
	}
	for _, s := range seeds {
		f.Add(s.m, s.ct, s.path, s.body, s.auth)
	}
	st := diskStoreF(f)
	h, err := New(Config{Store: st, BaseURL: "http://pods.example/", Logger: slog.New(slog.DiscardHandler),
		AccountLimit: Limit{Burst: 1 << 30, Every: time.Nanosecond}, AddressLimit: Limit{Burst: 1 << 30, Every: time.Nanosecond}})
	if err != nil {
		f.Fatal(err)
	}
	a, err := h.svc.SignUp(f.Context(), SignUpRequest{Email: "a@example.org", Password: "correct horse battery", Pod: "alice"})
	if err != nil {
		f.Fatal(err)
	}
	token, _, err := h.svc.NewSession(f.Context(), a.ID, false)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, m, ct uint8, path, body string, auth bool) {
		r := httptest.NewRequest(methods[int(m)%len(methods)], "http://pods.example/", strings.NewReader(body))
		r.URL.Path = "/.account/" + strings.ReplaceAll(path, "{id}", a.ID)
		if c := types[int(ct)%len(types)]; c != "" {
			r.Header.Set("Content-Type", c)
		}
		if auth {
			r.Header.Set("Authorization", "CSS-Account-Token "+token)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code >= 500 {
			t.Fatalf("%s %q (%s): %d %s", r.Method, r.URL.Path, r.Header.Get("Content-Type"), w.Code, w.Body)
		}
		if strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") && r.Method != "HEAD" && !json.Valid(w.Body.Bytes()) {
			t.Fatalf("%s %q: invalid JSON %q", r.Method, r.URL.Path, w.Body)
		}
	})
}
