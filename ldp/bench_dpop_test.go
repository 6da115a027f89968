package ldp

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/seedpod/seedpod/clients/fetch"
	"github.com/seedpod/seedpod/oidc"
	"github.com/seedpod/seedpod/oidc/oidctest"
)

// BenchmarkGetDPoP is the GET of BenchmarkGetPublic through the Solid-OIDC
// verifier, as `seedpod serve` runs it: anonymously, and with a DPoP-bound
// token and a fresh proof per request (the token verified once, then
// cached), as real clients send. The ratio of the two is what
// authentication costs on the hot path (#5: authenticated GET at least
// 60% of public GET throughput).
func BenchmarkGetDPoP(b *testing.B) {
	h, deep := benchHandler(b)
	iss := oidctest.New(b)
	fc, err := fetch.New(fetch.Config{Allow: []string{iss.Origin()}})
	if err != nil {
		b.Fatal(err)
	}
	v, err := oidc.New(oidc.Config{BaseURL: h.BaseURL(), Fetch: fc, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	srv := v.Middleware(h)
	b.Run("anonymous", func(b *testing.B) { serve(b, srv, deep, "") })
	b.Run("dpop", func(b *testing.B) {
		client := oidctest.NewClient(b)
		token := iss.Token(b, iss.WebID("bob"), client)
		newReq := func() *http.Request {
			r := httptest.NewRequest("GET", h.BaseURL()+deep[1:], nil)
			client.Authorize(b, r, token)
			return r
		}
		w := discard{h: http.Header{}}
		srv.ServeHTTP(&w, newReq()) // verifies and caches the token
		if w.code != 0 && w.code != 200 {
			b.Fatalf("GET = %d", w.code)
		}
		reqs := make([]*http.Request, b.N)
		for i := range reqs {
			reqs[i] = newReq()
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			w := discard{h: http.Header{}}
			srv.ServeHTTP(&w, reqs[i])
			if w.code != 0 && w.code != 200 {
				b.Fatalf("GET = %d", w.code)
			}
		}
	})
}
