package ldp

import "testing"

func TestNegotiate(t *testing.T) {
	offers := []string{"text/turtle", "application/ld+json", "application/n-triples"}
	tests := []struct{ accept, want string }{
		{"", "text/turtle"},
		{"*/*", "text/turtle"},
		{"application/ld+json", "application/ld+json"},
		{"application/ld+json;q=0.9, text/turtle;q=0.5", "application/ld+json"},
		{"text/turtle;q=0.1, application/n-triples", "application/n-triples"},
		{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/turtle"},
		{"application/*", "application/ld+json"},
		{"image/png", ""},
		{"text/turtle;q=0, */*;q=0.1", "application/ld+json"},
		{"text/*;q=0.5, application/ld+json;q=0.6", "application/ld+json"},
		{"garbage", "text/turtle"},
		{"Application/LD+JSON", "application/ld+json"},
	}
	for _, tt := range tests {
		if got := negotiate(tt.accept, offers); got != tt.want {
			t.Errorf("negotiate(%q) = %q, want %q", tt.accept, got, tt.want)
		}
	}
}

func FuzzParseAccept(f *testing.F) {
	for _, s := range []string{"text/turtle;q=0.5", "*/*", "a/b;q=x,c/d;;", ",,;q=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		for _, r := range parseAccept(h) {
			if r.q < 0 || r.q > 1 || r.typ == "" || r.sub == "" {
				t.Fatalf("parseAccept(%q) gave %+v", h, r)
			}
		}
		negotiate(h, []string{"text/turtle"})
	})
}
