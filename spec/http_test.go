package spec

import (
	"mime"
	"net/http"
	"strings"
	"testing"
)

// Solid Protocol §2: HTTP baseline.
// https://solidproject.org/TR/2024/protocol-20240512#http-server

// exampleTurtle is a small RDF document; <> is the resource itself.
const exampleTurtle = `@prefix ex: <http://example.org/ns#>.
<> ex:title "hello"; ex:link <#frag>.
`

// fixture is one resource of each kind, fresh for the test.
type fixture struct {
	container string // an empty container
	doc       string // a Turtle document in container
	blob      string // a non-RDF resource in container
	sub       string // a child container of container
}

func (s *target) newFixture(t testing.TB) fixture {
	t.Helper()
	c := s.newContainer(t)
	f := fixture{container: c, doc: c + "doc", blob: c + "blob.bin", sub: c + "sub/"}
	s.mustPut(t, f.doc, "text/turtle", []byte(exampleTurtle))
	s.mustPut(t, f.blob, "application/octet-stream", []byte("0123456789"))
	s.mustPut(t, f.sub, "text/turtle", []byte{})
	return f
}

// TestServerContentTypePayload checks that every response with a body
// carries Content-Type, errors included.
// https://solidproject.org/TR/2024/protocol-20240512#server-content-type-payload
func TestServerContentTypePayload(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		f := s.newFixture(t)
		for _, r := range []*response{
			s.do(t, http.MethodGet, f.doc, nil),
			s.do(t, http.MethodGet, f.blob, nil),
			s.do(t, http.MethodGet, f.container, nil),
			s.do(t, http.MethodGet, f.container+"missing", nil),
			s.do(t, http.MethodPut, f.container+"bad", []byte("<a> <b"), "Content-Type", "text/turtle"),
		} {
			if len(r.body) > 0 && r.Header.Get("Content-Type") == "" {
				t.Errorf("%s: body of %d bytes without Content-Type", r, len(r.body))
			}
		}
	})
}

// TestServerContentType checks that PUT and POST with a body but without
// Content-Type are rejected with 400 and change nothing.
// https://solidproject.org/TR/2024/protocol-20240512#server-content-type
func TestServerContentType(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		c := s.newContainer(t)
		r := s.do(t, http.MethodPut, c+"untyped", []byte("some bytes"))
		wantStatus(t, r, http.StatusBadRequest)
		wantStatus(t, s.do(t, http.MethodGet, c+"untyped", nil), http.StatusNotFound)

		r = s.do(t, http.MethodPost, c, []byte("some bytes"))
		wantStatus(t, r, http.StatusBadRequest)
		g, _ := s.getGraph(t, c, "text/turtle")
		if kids := g.objects(c, ldpContains); len(kids) != 0 {
			t.Errorf("after rejected POST, %s contains %v, want nothing", c, kids)
		}
	})
}

// TestServerMethodNotAllowed checks 405 for a method that the target does
// not support (TRACE, as in the Solid conformance test harness).
// https://solidproject.org/TR/2024/protocol-20240512#server-method-not-allowed
func TestServerMethodNotAllowed(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		f := s.newFixture(t)
		for _, u := range []string{f.doc, f.container} {
			r := s.do(t, "TRACE", u, nil)
			wantStatus(t, r, http.StatusMethodNotAllowed)
			if r.StatusCode == http.StatusMethodNotAllowed && len(r.Header.Values("Allow")) == 0 {
				t.Errorf("%s: 405 without Allow (RFC 9110 §15.5.6)", r)
			}
		}
	})
}

// TestServerUnknownMethodNotAllowed checks that an extension method the
// server does not know is answered 405 too, never 5xx.
// https://solidproject.org/TR/2024/protocol-20240512#server-method-not-allowed
func TestServerUnknownMethodNotAllowed(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		f := s.newFixture(t)
		for _, u := range []string{f.doc, f.container, f.container + "missing"} {
			wantStatus(t, s.do(t, "FROBNICATE", u, nil), http.StatusMethodNotAllowed)
		}
	}, knownDeviation("css", "Node's HTTP parser rejects methods it does not know with 400 before CSS sees the request"))
}

// TestServerSafeMethods checks that GET, HEAD and OPTIONS work on documents,
// non-RDF resources and containers, and that HEAD matches GET without a body.
// https://solidproject.org/TR/2024/protocol-20240512#server-safe-methods
func TestServerSafeMethods(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		f := s.newFixture(t)
		for _, u := range []string{f.doc, f.blob, f.container} {
			get := s.do(t, http.MethodGet, u, nil)
			wantStatus(t, get, http.StatusOK)
			head := s.do(t, http.MethodHead, u, nil)
			wantStatus(t, head, http.StatusOK)
			if len(head.body) != 0 {
				t.Errorf("%s: HEAD returned a body of %d bytes", head, len(head.body))
			}
			for _, h := range []string{"Content-Type", "ETag"} {
				if g, h2 := get.Header.Get(h), head.Header.Get(h); g != h2 {
					t.Errorf("%s: %s %q on GET, %q on HEAD", u, h, g, h2)
				}
			}
			opt := s.do(t, http.MethodOptions, u, nil)
			wantStatus(t, opt, http.StatusOK, http.StatusNoContent)
		}
	})
}

// TestServerAllowMethods checks the Allow header of successful GET, HEAD and
// OPTIONS responses: documents allow the read and write methods, containers
// also POST.
// https://solidproject.org/TR/2024/protocol-20240512#server-allow-methods
func TestServerAllowMethods(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		f := s.newFixture(t)
		cases := []struct {
			url  string
			want []string
		}{
			{f.doc, []string{"GET", "HEAD", "OPTIONS", "PUT", "DELETE"}},
			{f.blob, []string{"GET", "HEAD", "OPTIONS", "PUT", "DELETE"}},
			{f.sub, []string{"GET", "HEAD", "OPTIONS", "POST", "DELETE"}},
		}
		for _, c := range cases {
			for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodOptions} {
				r := s.do(t, m, c.url, nil)
				if !wantSuccess(t, r) {
					continue
				}
				allow := headerList(r.Header, "Allow")
				for _, w := range c.want {
					if !containsFold(allow, w) {
						t.Errorf("%s: Allow %q lacks %s", r, allow, w)
					}
				}
			}
		}
	}, knownDeviation("css", "CSS answers OPTIONS with 204 and no Allow header"))
}

// TestServerAcceptHeaders checks that Accept-Put, Accept-Post and
// Accept-Patch list media types exactly where Allow lists PUT, POST and
// PATCH, on GET, HEAD and OPTIONS.
// https://solidproject.org/TR/2024/protocol-20240512#server-accept-headers
func TestServerAcceptHeaders(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		f := s.newFixture(t)
		for _, u := range []string{f.doc, f.blob, f.sub} {
			for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodOptions} {
				r := s.do(t, m, u, nil)
				if !wantSuccess(t, r) {
					continue
				}
				allow := headerList(r.Header, "Allow")
				for _, p := range []struct{ method, header string }{
					{"PUT", "Accept-Put"}, {"POST", "Accept-Post"}, {"PATCH", "Accept-Patch"},
				} {
					has := len(headerList(r.Header, p.header)) > 0
					if containsFold(allow, p.method) && !has {
						t.Errorf("%s: Allow lists %s but %s is missing", r, p.method, p.header)
					}
					if p.method == "POST" && has && !containsFold(allow, "POST") {
						t.Errorf("%s: Accept-Post %q but Allow %q has no POST", r, r.Header.Values(p.header), allow)
					}
				}
				if u == f.sub && len(headerList(r.Header, "Accept-Post")) == 0 {
					t.Errorf("%s: container without Accept-Post", r)
				}
				if u != f.sub && len(headerList(r.Header, "Accept-Put")) == 0 {
					t.Errorf("%s: resource without Accept-Put", r)
				}
			}
		}
	}, knownDeviation("css", "CSS answers OPTIONS with 204 and no Allow, Accept-Put, Accept-Post or Accept-Patch"))
}

// TestAcceptPut checks the syntax of Accept-Put: the same as Accept, a
// comma-separated list of media ranges.
// https://solidproject.org/TR/2024/protocol-20240512#accept-put
func TestAcceptPut(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		f := s.newFixture(t)
		r := s.do(t, http.MethodHead, f.doc, nil)
		mustStatus(t, r, http.StatusOK)
		ranges := headerList(r.Header, "Accept-Put")
		if len(ranges) == 0 {
			t.Fatalf("%s: no Accept-Put", r)
		}
		for _, mr := range ranges {
			if _, _, err := mime.ParseMediaType(mr); err != nil && !strings.HasPrefix(mr, "*/*") {
				t.Errorf("%s: Accept-Put element %q is not a media range: %v", r, mr, err)
			}
		}
	})
}

// TestServerLastModified checks that GET and HEAD responses carry a valid
// Last-Modified (Solid Protocol editor's draft).
// https://solidproject.org/ED/protocol#server-last-modified
func TestServerLastModified(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		f := s.newFixture(t)
		for _, u := range []string{f.doc, f.blob, f.container} {
			for _, m := range []string{http.MethodGet, http.MethodHead} {
				r := s.do(t, m, u, nil)
				mustStatus(t, r, http.StatusOK)
				lm := r.Header.Get("Last-Modified")
				if _, err := http.ParseTime(lm); err != nil {
					t.Errorf("%s: Last-Modified %q: %v", r, lm, err)
				}
			}
		}
	})
}

// TestServerPatchUnsupportedMediaType checks that a PATCH body of a type the
// server does not support is refused with 415 (or 405 where PATCH is not
// allowed at all), never with a server error, and changes nothing.
// https://solidproject.org/TR/2024/protocol-20240512#writing-resources
func TestServerPatchUnsupportedMediaType(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		f := s.newFixture(t)
		before := s.mustGet(t, f.doc)
		r := s.do(t, http.MethodPatch, f.doc, []byte("whatever"), "Content-Type", "application/x-seedpod-unknown-patch")
		wantStatus(t, r, http.StatusUnsupportedMediaType, http.StatusMethodNotAllowed)
		if r.StatusCode == http.StatusMethodNotAllowed && containsFold(headerList(r.Header, "Allow"), "PATCH") {
			t.Errorf("%s: 405 but Allow lists PATCH", r)
		}
		after := s.mustGet(t, f.doc)
		if before.Header.Get("ETag") != after.Header.Get("ETag") || string(before.body) != string(after.body) {
			t.Errorf("refused PATCH changed %s", f.doc)
		}
		r = s.do(t, http.MethodPatch, f.container+"new", []byte("whatever"), "Content-Type", "application/x-seedpod-unknown-patch")
		wantStatus(t, r, http.StatusUnsupportedMediaType, http.StatusMethodNotAllowed)
		wantStatus(t, s.do(t, http.MethodGet, f.container+"new", nil), http.StatusNotFound)
	})
}
