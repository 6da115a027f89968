package spec

import (
	"net/http"
	"strings"
	"testing"
)

// Identifiers come from the server's configured base URL. A client's Host,
// X-Forwarded-* or Forwarded headers must never change the URLs a server
// hands out (Location, Link, containment), or one client could plant
// identifiers pointing elsewhere for every other client. Servers behind a
// proxy configure their external URL instead.
// https://solidproject.org/TR/2024/protocol-20240512#security-considerations

// TestServerIdentifiersIgnoreForwardedHeaders checks that X-Forwarded-*
// and Forwarded headers change no identifier.
func TestServerIdentifiersIgnoreForwardedHeaders(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		c := s.newContainer(t)
		forged := []string{
			"X-Forwarded-Host", "evil.example",
			"X-Forwarded-Proto", "https",
			"X-Forwarded-Port", "8443",
			"X-Forwarded-Prefix", "/evil",
			"Forwarded", `host=evil.example;proto=https`,
		}
		r := s.do(t, http.MethodPost, c, []byte(exampleTurtle), append([]string{"Content-Type", "text/turtle"}, forged...)...)
		mustStatus(t, r, http.StatusCreated)
		loc := r.location(t)
		if !isDirectChild(c, loc) {
			t.Errorf("%s with forged forwarding headers: Location %s, want a child of %s", r, loc, c)
		}
		wantOwnURLs(t, s, s.do(t, http.MethodGet, loc, nil, forged...))
		wantOwnURLs(t, s, s.do(t, http.MethodGet, c, nil, forged...))
	}, knownDeviation("css", "CSS builds the request URL from Forwarded/X-Forwarded-* and answers 500 when it falls outside its base URL"))
}

// TestServerIdentifiersIgnoreHost checks that a Host header naming another
// host changes no identifier: the server answers for its base URL or
// refuses the request, but never hands out URLs on the client's host.
func TestServerIdentifiersIgnoreHost(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		c := s.newContainer(t)
		host := []string{"Host", "evil.example"}
		r := s.do(t, http.MethodPost, c, []byte(exampleTurtle), "Content-Type", "text/turtle", "Host", "evil.example")
		if r.StatusCode >= 500 {
			t.Fatalf("%s with Host evil.example: want 201 or 4xx", r)
		}
		if r.StatusCode == http.StatusCreated {
			if loc := r.location(t); !isDirectChild(c, loc) {
				t.Errorf("%s with Host evil.example: Location %s, want a child of %s", r, loc, c)
			}
		}
		wantOwnURLs(t, s, r)
		wantOwnURLs(t, s, s.do(t, http.MethodGet, c, nil, host...))
	}, knownDeviation("css", "CSS builds the request URL from Host and answers 500 when it falls outside its base URL"))
}

// wantOwnURLs checks that the Location, Link targets and body of r never
// mention the forged host.
func wantOwnURLs(t testing.TB, s *target, r *response) {
	t.Helper()
	if loc := r.Header.Get("Location"); strings.Contains(loc, "evil") {
		t.Errorf("%s: Location %q follows the client's headers", r, loc)
	}
	for _, l := range r.Header.Values("Link") {
		if strings.Contains(l, "evil") || strings.Contains(l, "8443") {
			t.Errorf("%s: Link %q follows the client's headers", r, l)
		}
	}
	if strings.Contains(string(r.body), "evil.example") {
		t.Errorf("%s: body mentions the forged host: %s", r, r.bodySnippet())
	}
}
