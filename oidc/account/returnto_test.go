package account

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

var returnToTests = []struct{ in, want string }{
	{"/", "/"},
	{"/.oidc/auth?client_id=https%3A%2F%2Fapp.example%2Fid&state=x", "/.oidc/auth?client_id=https%3A%2F%2Fapp.example%2Fid&state=x"},
	{"/alice/private/#frag", "/alice/private/#frag"},
	{"", ""},
	{"https://evil.example/", ""},
	{"//evil.example", ""},
	{"///evil.example", ""},
	{"/\\evil.example", ""},
	{"\\/evil.example", ""},
	{"javascript:alert(1)", ""},
	{"evil.example", ""},
	{"/a\nb", ""},
	{"/a\x00", ""},
	{"/a b", ""},
	{"/a\x7f", ""},
	{" /a", ""},
	{"/" + strings.Repeat("a", 3000), ""},
}

func TestSafeReturnTo(t *testing.T) {
	for _, tt := range returnToTests {
		if got := safeReturnTo(tt.in); got != tt.want {
			t.Errorf("safeReturnTo(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzSafeReturnTo(f *testing.F) {
	for _, tt := range returnToTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := safeReturnTo(s)
		if got == "" {
			return
		}
		// Whatever passes stays on this server, however a browser reads
		// it: it resolves against our origin to our origin.
		base, _ := url.Parse("https://pods.example/x/y")
		ref, err := url.Parse(got)
		if err != nil {
			t.Fatalf("safeReturnTo(%q) = %q, which does not parse", s, got)
		}
		if u := base.ResolveReference(ref); u.Host != "pods.example" || u.Scheme != "https" || strings.HasPrefix(got, "//") || strings.Contains(got, "\\") {
			t.Fatalf("safeReturnTo(%q) = %q leaves the server", s, got)
		}
	})
}

func TestLimiter(t *testing.T) {
	now := time.Unix(0, 0)
	l := newLimiter(Limit{Burst: 2, Every: time.Minute})
	l.now = func() time.Time { return now }
	for i, want := range []bool{true, true, false} {
		if ok, _ := l.allow("k"); ok != want {
			t.Errorf("attempt %d = %v, want %v", i, ok, want)
		}
	}
	if ok, _ := l.allow("other"); !ok {
		t.Errorf("another key is limited too")
	}
	_, retry := l.allow("k")
	if retry <= 0 || retry > time.Minute {
		t.Errorf("retry = %v", retry)
	}
	now = now.Add(time.Minute)
	if ok, _ := l.allow("k"); !ok {
		t.Errorf("no token after the refill time")
	}
	if ok, _ := l.allow("k"); ok {
		t.Errorf("two tokens after one refill time")
	}
}
