package spec

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"testing"
)

// Non-RDF resources: bytes and media type kept as written; ranges; active
// content sandboxed.

// TestServerNonRDFRoundTrip checks that the bytes and Content-Type of a
// non-RDF resource come back exactly as written.
// https://solidproject.org/TR/2024/protocol-20240512#server-put-patch-uri-assignment
func TestServerNonRDFRoundTrip(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		c := s.newContainer(t)
		data := make([]byte, 70000)
		rand.Read(data)
		data[0], data[1] = 0, 0xff // not UTF-8, NUL bytes
		cases := []struct{ name, ct string }{
			{"blob", "application/octet-stream"},
			{"custom", "application/x-seedpod-test"},
			{"picture.png", "image/png"},
			{"no-extension", "text/csv"},
		}
		for _, tc := range cases {
			s.mustPut(t, c+tc.name, tc.ct, data)
			r := s.mustGet(t, c+tc.name)
			if got := r.Header.Get("Content-Type"); got != tc.ct {
				t.Errorf("%s: Content-Type %q, want %q", r, got, tc.ct)
			}
			if !bytes.Equal(r.body, data) {
				t.Errorf("%s: body of %d bytes differs from the %d written", r, len(r.body), len(data))
			}
		}
		// Parameters survive too (compared as media types: the spelling of
		// the parameter list may be normalized).
		s.mustPut(t, c+"text", "text/plain;charset=iso-8859-1", []byte("caf\xe9"))
		r := s.mustGet(t, c+"text")
		mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != "text/plain" || strings.ToLower(params["charset"]) != "iso-8859-1" {
			t.Errorf("%s: Content-Type %q, want text/plain;charset=iso-8859-1", r, r.Header.Get("Content-Type"))
		}
		if string(r.body) != "caf\xe9" {
			t.Errorf("%s: body %q, want %q", r, r.body, "caf\xe9")
		}
	})
}

// TestServerRangeRequests checks byte ranges on non-RDF resources: 206 with
// Content-Range and exactly the bytes asked for.
// https://solidproject.org/TR/2024/protocol-20240512#server-range-requests
func TestServerRangeRequests(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		c := s.newContainer(t)
		data := []byte("0123456789abcdefghijklmnopqrstuvwxyz")
		u := c + "letters.bin"
		s.mustPut(t, u, "application/octet-stream", data)
		cases := []struct {
			rng, want, contentRange string
		}{
			{"bytes=10-19", "abcdefghij", fmt.Sprintf("bytes 10-19/%d", len(data))},
			{"bytes=30-", "uvwxyz", fmt.Sprintf("bytes 30-35/%d", len(data))},
			{"bytes=-3", "xyz", fmt.Sprintf("bytes 33-35/%d", len(data))},
		}
		for _, tc := range cases {
			r := s.do(t, http.MethodGet, u, nil, "Range", tc.rng)
			if !wantStatus(t, r, http.StatusPartialContent) {
				continue
			}
			if got := r.Header.Get("Content-Range"); got != tc.contentRange {
				t.Errorf("%s Range %s: Content-Range %q, want %q", r, tc.rng, got, tc.contentRange)
			}
			if string(r.body) != tc.want {
				t.Errorf("%s Range %s: body %q, want %q", r, tc.rng, r.body, tc.want)
			}
		}
		r := s.do(t, http.MethodGet, u, nil, "Range", "bytes=100-200")
		wantStatus(t, r, http.StatusRequestedRangeNotSatisfiable)
	})
}

// TestServerActiveContentSandboxed checks that user-uploaded active content
// (HTML, SVG, XHTML) is served with Content-Security-Policy: sandbox, without
// allow-same-origin, and with X-Content-Type-Options: nosniff, so that a
// page in a pod cannot act with the pod's origin (stored XSS).
// https://solidproject.org/TR/2024/protocol-20240512#security-considerations
func TestServerActiveContentSandboxed(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		c := s.newContainer(t)
		cases := []struct{ name, ct, body string }{
			{"page.html", "text/html", "<!doctype html><script>alert(document.cookie)</script>"},
			{"image.svg", "image/svg+xml", `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`},
			{"page.xhtml", "application/xhtml+xml", `<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>`},
		}
		for _, tc := range cases {
			s.mustPut(t, c+tc.name, tc.ct, []byte(tc.body))
			for _, m := range []string{http.MethodGet, http.MethodHead} {
				r := s.do(t, m, c+tc.name, nil)
				mustStatus(t, r, http.StatusOK)
				if !sandboxed(r.Header.Values("Content-Security-Policy")) {
					t.Errorf("%s (%s): Content-Security-Policy %q, want a sandbox without allow-same-origin", r, tc.ct, r.Header.Values("Content-Security-Policy"))
				}
				if !strings.EqualFold(r.Header.Get("X-Content-Type-Options"), "nosniff") {
					t.Errorf("%s (%s): X-Content-Type-Options %q, want nosniff", r, tc.ct, r.Header.Get("X-Content-Type-Options"))
				}
			}
		}
	}, knownDeviation("css", "CSS serves user HTML/SVG same-origin without a sandboxing Content-Security-Policy (its docs advise adding one at a proxy)"))
}

// sandboxed reports whether the CSP field values contain a sandbox
// directive that does not allow same-origin.
func sandboxed(csp []string) bool {
	found := false
	for _, policy := range csp {
		for _, d := range strings.Split(policy, ";") {
			f := strings.Fields(strings.ToLower(d))
			if len(f) == 0 || f[0] != "sandbox" {
				continue
			}
			for _, tok := range f[1:] {
				if tok == "allow-same-origin" {
					return false
				}
			}
			found = true
		}
	}
	return found
}
