package spec

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Hostile or malformed input: request targets that could escape a pod or
// confuse the mapping from URLs to storage keys, and oversized bodies.
// Each is refused with a 4xx, never a 5xx, and writes nothing. See the
// security considerations of the Solid Protocol and the path-handling fixes
// of CSS (fdee4b334, 8ecae4ca9) and NSS.
// https://solidproject.org/TR/2024/protocol-20240512#security-considerations

// pathOf returns the path of u as sent on the wire.
func pathOf(t testing.TB, u string) string {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	return p.EscapedPath()
}

// wantRefusedPaths sends PUT and GET to each raw path and wants 400; the
// PUT must not have created anything at the places the path could be
// normalized to (checked by the caller through the returned URLs).
func wantRefusedPaths(t testing.TB, s *target, paths []string, codes ...int) {
	t.Helper()
	if len(codes) == 0 {
		codes = []int{http.StatusBadRequest}
	}
	for _, p := range paths {
		r := s.doPath(t, http.MethodPut, p, []byte("should not be stored"), "Content-Type", "text/plain")
		wantStatus(t, r, codes...)
		r = s.doPath(t, http.MethodGet, p, nil)
		wantStatus(t, r, codes...)
	}
}

// wantAbsent requires each URL to answer 404.
func wantAbsent(t testing.TB, s *target, urls ...string) {
	t.Helper()
	for _, u := range urls {
		if r := s.do(t, http.MethodGet, u, nil); r.StatusCode != http.StatusNotFound {
			t.Errorf("%s: a refused request created it (want 404)", r)
		}
	}
}

// TestServerRejectsDotSegments checks that . and .. path segments, literal
// or percent-encoded, are refused with 400 and write nothing.
func TestServerRejectsDotSegments(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		c := s.newContainer(t)
		escaped := unique(t, "escaped")
		s.cleanup(t, s.url(escaped))
		cp := pathOf(t, c)
		wantRefusedPaths(t, s, []string{
			cp + "a/../" + escaped,
			cp + "./" + escaped,
			cp + "../" + escaped,
			cp + "%2e%2e/" + escaped,
			cp + "%2E%2E/" + escaped,
			cp + ".%2e/" + escaped,
			cp + "%2e/" + escaped,
			cp + "a/..", // would be the container itself
			// Never a bare "..": a server that normalizes it would
			// write to the base container, which other tests share.
		})
		wantAbsent(t, s, s.url(escaped), c+escaped, c+"a/"+escaped, c+"a")
	}, knownDeviation("css", "CSS normalizes dot segments (literal and %2e-encoded) like a browser and serves the resulting URL instead of refusing with 400"))
}

// TestServerRejectsEncodedSeparators checks that encoded slashes and
// backslashes in a path segment are refused with 400.
func TestServerRejectsEncodedSeparators(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		c := s.newContainer(t)
		cp := pathOf(t, c)
		wantRefusedPaths(t, s, []string{
			cp + "a%2Fb", cp + "a%2fb", cp + "a%5Cb", cp + "a%5cb", cp + "%2F", cp + "a\\b",
		})
		wantAbsent(t, s, c+"a/b", c+"a")
		g, _ := s.getGraph(t, c, "text/turtle")
		if kids := g.objects(c, ldpContains); len(kids) != 0 {
			t.Errorf("%s gained members %v from refused requests", c, kids)
		}
	}, knownDeviation("css", "CSS accepts %2F and %5C inside a segment and stores a file with that name"))
}

// TestServerRejectsEmptySegments checks that // in a path is refused with
// 400 rather than silently merged.
func TestServerRejectsEmptySegments(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		c := s.newContainer(t)
		cp := pathOf(t, c)
		wantRefusedPaths(t, s, []string{cp + "a//b", cp + "/b", strings.TrimSuffix(cp, "/") + "//c"})
		wantAbsent(t, s, c+"a/b", c+"b", c+"c", c+"a")
	}, knownDeviation("css", "CSS 7.2 accepts // in paths (fixed upstream after 7.2 in 8ecae4ca9)"))
}

// TestServerRejectsNUL checks that an encoded NUL byte in a path is refused
// with 400.
func TestServerRejectsNUL(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		c := s.newContainer(t)
		cp := pathOf(t, c)
		wantRefusedPaths(t, s, []string{cp + "a%00b", cp + "%00", cp + "a%00/b"})
		wantAbsent(t, s, c+"a", c+"ab")
	}, knownDeviation("css", "CSS passes the NUL to the filesystem: 500 on PUT, 401 on GET"))
}

// TestServerRejectsInvalidUTF8 checks that percent-encoded bytes that are
// not UTF-8 are refused with 400.
func TestServerRejectsInvalidUTF8(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		c := s.newContainer(t)
		cp := pathOf(t, c)
		wantRefusedPaths(t, s, []string{cp + "a%C3%28", cp + "%FF", cp + "%ED%A0%80", cp + "%C0%AF"})
	}, knownDeviation("css", "CSS answers 500 (URI malformed) to percent-encoded bytes that are not UTF-8"))
}

// TestServerRejectsBadPercentEncoding checks that malformed percent
// escapes are refused with 400.
func TestServerRejectsBadPercentEncoding(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		c := s.newContainer(t)
		cp := pathOf(t, c)
		wantRefusedPaths(t, s, []string{cp + "a%zz", cp + "a%4", cp + "a%", cp + "%G0"})
	}, knownDeviation("css", "CSS answers 500 (URI malformed) to bad percent-encoding"))
}

// TestServerRejectsOverlongName checks that a path segment too long for any
// filesystem or object store is refused with a 4xx, never a 5xx.
func TestServerRejectsOverlongName(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		c := s.newContainer(t)
		long := strings.Repeat("n", 1024)
		r := s.do(t, http.MethodPut, c+long, []byte("x"), "Content-Type", "text/plain")
		wantStatus(t, r, http.StatusBadRequest, http.StatusRequestURITooLong)
		r = s.do(t, http.MethodPost, c, []byte("x"), "Content-Type", "text/plain", "Slug", long)
		if r.StatusCode >= 500 {
			t.Errorf("POST with a %d-byte Slug: %s, want 201 or 4xx", len(long), r)
		}
		r = s.do(t, http.MethodGet, c+long, nil)
		wantStatus(t, r, http.StatusBadRequest, http.StatusRequestURITooLong, http.StatusNotFound)
	}, knownDeviation("css", "CSS passes the name to the filesystem and answers 500 on ENAMETOOLONG"))
}

// TestServerAllowsDotPrefixedNames checks that names merely starting with
// dots are ordinary names, not traversal (CSS fix 6fe6b6ec8).
func TestServerAllowsDotPrefixedNames(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		c := s.newContainer(t)
		for _, name := range []string{"..notes", "...", ".hidden", "a..b"} {
			r := s.do(t, http.MethodPut, c+name, []byte(name), "Content-Type", "text/plain")
			if !wantStatus(t, r, http.StatusCreated) {
				continue
			}
			if got := s.mustGet(t, c+name); string(got.body) != name {
				t.Errorf("%s: body %q, want %q", got, got.body, name)
			}
		}
	})
}

// TestServerRejectsOversizedBody checks that a request body over the
// server's limit is refused with 413 before it is read, and stores nothing.
func TestServerRejectsOversizedBody(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		c := s.newContainer(t)
		// Announce a 1 TiB body, send a few bytes, and expect the answer
		// without the server waiting for the rest.
		u, _ := url.Parse(c + "huge")
		conn, err := net.DialTimeout("tcp", u.Host, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(5 * time.Second))
		fmt.Fprintf(conn, "PUT %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n%s",
			u.EscapedPath(), u.Host, int64(1)<<40, strings.Repeat("x", 1024))
		resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: http.MethodPut})
		if err != nil {
			t.Fatalf("PUT %s with Content-Length 1 TiB: no response within 5s: %v", u, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("PUT %s with Content-Length 1 TiB: %s, want 413", u, resp.Status)
		}
		conn.Close()
		wantAbsent(t, s, c+"huge")

		// A body without Content-Length (chunked) that turns out larger
		// than the limit: 413 too, and nothing stored, not even a part.
		if s.maxBody > 0 {
			body := io.LimitReader(zeros{}, s.maxBody+1)
			req, err := http.NewRequest(http.MethodPut, c+"chunked", io.NopCloser(body))
			if err != nil {
				t.Fatal(err)
			}
			req.ContentLength = -1
			req.Header.Set("Content-Type", "application/octet-stream")
			r := s.send(t, req)
			wantStatus(t, r, http.StatusRequestEntityTooLarge)
			wantAbsent(t, s, c+"chunked")
		}
	}, knownDeviation("css", "CSS has no request body limit unless a quota is configured; it waits for the body"))
}

// zeros is an endless stream of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
