package spec

import (
	"net/http"
	"testing"
)

// Solid Protocol §8.1: cross-origin resource sharing.
// https://solidproject.org/TR/2024/protocol-20240512#cors-server

const testOrigin = "https://app.example"

// exposedHeaders are the response headers a Solid app needs to read.
var exposedHeaders = []string{
	"Accept-Patch", "Accept-Post", "Accept-Put", "Allow", "Content-Range", "ETag",
	"Last-Modified", "Link", "Location", "Updates-Via", "WAC-Allow", "WWW-Authenticate",
}

// wantCORS checks the CORS headers of a response to a request with Origin
// testOrigin.
func wantCORS(t testing.TB, r *response) {
	t.Helper()
	if got := r.Header.Get("Access-Control-Allow-Origin"); got != testOrigin {
		t.Errorf("%s: Access-Control-Allow-Origin %q, want %q", r, got, testOrigin)
	}
	if got := r.Header.Get("Access-Control-Allow-Credentials"); got != "true" {
		t.Errorf("%s: Access-Control-Allow-Credentials %q, want true", r, got)
	}
	if !containsFold(headerList(r.Header, "Vary"), "Origin") {
		t.Errorf("%s: Vary %q lacks Origin", r, r.Header.Values("Vary"))
	}
}

// TestServerCorsAcaoVary checks that responses to requests with an Origin
// reflect it in Access-Control-Allow-Origin (never *), allow credentials
// and vary on Origin, for reads and writes alike.
// https://solidproject.org/TR/2024/protocol-20240512#server-cors-acao-vary
func TestServerCorsAcaoVary(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		c := s.newContainer(t)
		o := []string{"Origin", testOrigin}
		r := s.do(t, http.MethodPut, c+"doc", []byte(exampleTurtle), "Content-Type", "text/turtle", "Origin", testOrigin)
		wantSuccess(t, r)
		wantCORS(t, r)
		for _, m := range []string{http.MethodGet, http.MethodHead} {
			for _, u := range []string{c, c + "doc"} {
				r := s.do(t, m, u, nil, o...)
				wantSuccess(t, r)
				wantCORS(t, r)
			}
		}
		r = s.do(t, http.MethodPost, c, []byte("x"), "Content-Type", "text/plain", "Origin", testOrigin)
		wantSuccess(t, r)
		wantCORS(t, r)
		r = s.do(t, http.MethodDelete, c+"doc", nil, o...)
		wantSuccess(t, r)
		wantCORS(t, r)
	})
}

// TestServerCorsAceh checks that Access-Control-Expose-Headers lists every
// response header a Solid app needs, by name.
// https://solidproject.org/TR/2024/protocol-20240512#server-cors-aceh
func TestServerCorsAceh(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		f := s.newFixture(t)
		for _, u := range []string{f.doc, f.container} {
			r := s.do(t, http.MethodGet, u, nil, "Origin", testOrigin)
			mustStatus(t, r, http.StatusOK)
			exposed := headerList(r.Header, "Access-Control-Expose-Headers")
			for _, h := range exposedHeaders {
				if !containsFold(exposed, h) {
					t.Errorf("%s: Access-Control-Expose-Headers %q lacks %s", r, exposed, h)
				}
			}
		}
	})
}

// TestServerCorsEnumerate checks that exposed headers are enumerated rather
// than given as *, which does not work for credentialed requests.
// https://solidproject.org/TR/2024/protocol-20240512#server-cors-enumerate
func TestServerCorsEnumerate(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		f := s.newFixture(t)
		r := s.do(t, http.MethodGet, f.doc, nil, "Origin", testOrigin)
		mustStatus(t, r, http.StatusOK)
		exposed := headerList(r.Header, "Access-Control-Expose-Headers")
		if len(exposed) == 0 || containsFold(exposed, "*") {
			t.Errorf("%s: Access-Control-Expose-Headers %q, want an explicit list", r, exposed)
		}
	})
}

// TestServerCorsOptions checks CORS preflight: OPTIONS with
// Access-Control-Request-Method allows every method and every requested
// header, for existing and missing resources.
// https://solidproject.org/TR/2024/protocol-20240512#server-cors-options
func TestServerCorsOptions(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		f := s.newFixture(t)
		requested := []string{"authorization", "dpop", "content-type", "slug", "link", "if-match", "if-none-match", "x-seedpod-custom"}
		for _, u := range []string{f.doc, f.container, f.container + "not-yet"} {
			for _, m := range []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"} {
				r := s.do(t, http.MethodOptions, u, nil,
					"Origin", testOrigin,
					"Access-Control-Request-Method", m,
					"Access-Control-Request-Headers", "Authorization, DPoP, Content-Type, Slug, Link, If-Match, If-None-Match, X-Seedpod-Custom")
				if !wantStatus(t, r, http.StatusOK, http.StatusNoContent) {
					continue
				}
				wantCORS(t, r)
				methods := headerList(r.Header, "Access-Control-Allow-Methods")
				if !containsFold(methods, m) {
					t.Errorf("%s: preflight for %s: Access-Control-Allow-Methods %q", r, m, methods)
				}
				allowed := headerList(r.Header, "Access-Control-Allow-Headers")
				for _, h := range requested {
					if !containsFold(allowed, h) {
						t.Errorf("%s: preflight for %s: Access-Control-Allow-Headers %q lacks %s", r, m, allowed, h)
					}
				}
			}
		}
	})
}

// TestServerCorsAcceptAcah checks that preflight responses list Accept in
// Access-Control-Allow-Headers even when not requested, since long Accept
// values are not CORS-safelisted.
// https://solidproject.org/TR/2024/protocol-20240512#server-cors-accept-acah
func TestServerCorsAcceptAcah(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		f := s.newFixture(t)
		r := s.do(t, http.MethodOptions, f.doc, nil,
			"Origin", testOrigin,
			"Access-Control-Request-Method", "GET",
			"Access-Control-Request-Headers", "authorization")
		mustStatus(t, r, http.StatusOK, http.StatusNoContent)
		if allowed := headerList(r.Header, "Access-Control-Allow-Headers"); !containsFold(allowed, "Accept") {
			t.Errorf("%s: Access-Control-Allow-Headers %q lacks Accept", r, allowed)
		}
	}, knownDeviation("css", "CSS echoes only the requested headers in Access-Control-Allow-Headers"))
}

// TestServerCors checks that errors are never hidden by CORS: 4xx responses
// carry the same CORS headers, so the app can read the status.
// https://solidproject.org/TR/2024/protocol-20240512#server-cors
func TestServerCors(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		f := s.newFixture(t)
		o := []string{"Origin", testOrigin}
		for _, r := range []*response{
			s.do(t, http.MethodGet, f.container+"missing", nil, o...),
			s.do(t, http.MethodPut, f.container+"untyped", []byte("x"), o...),
			s.do(t, http.MethodDelete, f.container, nil, o...),
			s.do(t, "TRACE", f.doc, nil, o...),
			s.do(t, http.MethodPut, f.doc, []byte("x"), "Content-Type", "text/plain", "If-Match", `"stale"`, "Origin", testOrigin),
		} {
			if r.StatusCode < 400 {
				t.Errorf("%s: want an error status", r)
			}
			wantCORS(t, r)
		}
	})
}
