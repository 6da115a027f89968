package spec

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// Solid Protocol §2: conditional requests (RFC 9110 §13) and ETags.
// https://solidproject.org/TR/2024/protocol-20240512#server-conditional-requests

// TestServerETag checks that GET and HEAD carry the same strong ETag for
// documents, non-RDF resources and containers, and that a write changes it.
// https://solidproject.org/TR/2024/protocol-20240512#server-etag
func TestServerETag(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		f := s.newFixture(t)
		for _, u := range []string{f.doc, f.blob, f.container} {
			get := s.mustGet(t, u)
			head := s.do(t, http.MethodHead, u, nil)
			mustStatus(t, head, http.StatusOK)
			etag := get.Header.Get("ETag")
			if etag == "" || strings.HasPrefix(etag, "W/") || !strings.HasPrefix(etag, `"`) || !strings.HasSuffix(etag, `"`) {
				t.Errorf("%s: ETag %q, want a strong entity tag", get, etag)
			}
			if h := head.Header.Get("ETag"); h != etag {
				t.Errorf("%s: ETag %q on HEAD, %q on GET", u, h, etag)
			}
		}
		before := s.mustGet(t, f.doc).Header.Get("ETag")
		s.mustPut(t, f.doc, "text/turtle", []byte("<> <http://example.org/ns#title> \"changed\"."))
		if after := s.mustGet(t, f.doc).Header.Get("ETag"); after == before {
			t.Errorf("%s: ETag %q unchanged after PUT of new content", f.doc, after)
		}
	})
}

// TestServerConditionalIfNoneMatchStar checks create-only writes:
// If-None-Match: * on an existing resource is 412 and changes nothing; on a
// missing one it creates.
// https://solidproject.org/TR/2024/protocol-20240512#server-conditional-requests
func TestServerConditionalIfNoneMatchStar(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		f := s.newFixture(t)
		r := s.do(t, http.MethodPut, f.blob, []byte("overwritten"), "Content-Type", "text/plain", "If-None-Match", "*")
		wantStatus(t, r, http.StatusPreconditionFailed)
		if got := s.mustGet(t, f.blob); string(got.body) != "0123456789" {
			t.Errorf("%s: body %q after refused PUT, want %q", got, got.body, "0123456789")
		}
		r = s.do(t, http.MethodPut, f.container+"fresh", []byte("fresh"), "Content-Type", "text/plain", "If-None-Match", "*")
		wantStatus(t, r, http.StatusCreated)
	})
}

// TestServerConditionalIfMatch checks If-Match on PUT and DELETE: a stale
// ETag is 412 and changes nothing, the current one succeeds, and If-Match on
// a missing resource is 412 and creates nothing.
// https://solidproject.org/TR/2024/protocol-20240512#server-conditional-requests
func TestServerConditionalIfMatch(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		f := s.newFixture(t)
		etag := s.mustGet(t, f.blob).Header.Get("ETag")
		stale := `"seedpod-spec-stale"`

		r := s.do(t, http.MethodPut, f.blob, []byte("new"), "Content-Type", "text/plain", "If-Match", stale)
		wantStatus(t, r, http.StatusPreconditionFailed)
		r = s.do(t, http.MethodDelete, f.blob, nil, "If-Match", stale)
		wantStatus(t, r, http.StatusPreconditionFailed)
		if got := s.mustGet(t, f.blob); string(got.body) != "0123456789" {
			t.Errorf("%s: body %q after refused writes, want %q", got, got.body, "0123456789")
		}

		r = s.do(t, http.MethodPut, f.blob, []byte("new"), "Content-Type", "text/plain", "If-Match", etag)
		wantSuccess(t, r)
		if got := s.mustGet(t, f.blob); string(got.body) != "new" {
			t.Errorf("%s: body %q after PUT with matching If-Match, want %q", got, got.body, "new")
		}
		etag = s.mustGet(t, f.blob).Header.Get("ETag")
		wantSuccess(t, s.do(t, http.MethodDelete, f.blob, nil, "If-Match", etag))

		for _, im := range []string{"*", stale} {
			r = s.do(t, http.MethodPut, f.container+"missing", []byte("x"), "Content-Type", "text/plain", "If-Match", im)
			wantStatus(t, r, http.StatusPreconditionFailed)
			wantStatus(t, s.do(t, http.MethodGet, f.container+"missing", nil), http.StatusNotFound)
		}
	}, knownDeviation("css", "CSS ignores If-Match with an entity tag on a missing resource and creates it (201)"))
}

// TestServerConditionalGet checks that GET and HEAD answer 304 Not Modified
// to a matching If-None-Match or a not-older If-Modified-Since, and 200
// otherwise.
// https://solidproject.org/TR/2024/protocol-20240512#server-conditional-requests
func TestServerConditionalGet(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		f := s.newFixture(t)
		// Last-Modified has a resolution of one second: let that second
		// pass, so that the resource cannot change again within it.
		time.Sleep(1100 * time.Millisecond)
		for _, u := range []string{f.doc, f.blob, f.container} {
			get := s.mustGet(t, u)
			etag, lastMod := get.Header.Get("ETag"), get.Header.Get("Last-Modified")
			for _, m := range []string{http.MethodGet, http.MethodHead} {
				r := s.do(t, m, u, nil, "If-None-Match", etag)
				if wantStatus(t, r, http.StatusNotModified) {
					if r.Header.Get("ETag") != etag {
						t.Errorf("%s: 304 with ETag %q, want %q", r, r.Header.Get("ETag"), etag)
					}
					if len(r.body) != 0 {
						t.Errorf("%s: 304 with a body", r)
					}
				}
				wantStatus(t, s.do(t, m, u, nil, "If-None-Match", `"seedpod-spec-other"`), http.StatusOK)
				wantStatus(t, s.do(t, m, u, nil, "If-Modified-Since", lastMod), http.StatusNotModified)
				old := time.Now().Add(-24 * time.Hour).UTC().Format(http.TimeFormat)
				wantStatus(t, s.do(t, m, u, nil, "If-Modified-Since", old), http.StatusOK)
			}
		}
	}, knownDeviation("css", "CSS answers 200, not 304, to If-None-Match with the current ETag of a non-RDF resource"))
}
