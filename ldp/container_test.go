package ldp

import (
	"bytes"
	"net/http/httptest"
	"testing"

	"github.com/seedpod/seedpod/ldp/rdf"
)

// TestContainerTurtleMatchesGraph checks that the Turtle written directly
// from a listing says exactly what the general graph path says.
func TestContainerTurtleMatchesGraph(t *testing.T) {
	ts := newTestServer(t)
	for _, p := range []string{"/alice/c/plain", "/alice/c/with%20space", "/alice/c/%C3%A9t%C3%A9", "/alice/c/a%23b%3Fc", "/alice/c/..dots", "/alice/c/sub/x"} {
		ts.do(t, "PUT", p, "hi", "Content-Type", "text/plain; charset=utf-8")
	}
	ts.do(t, "PUT", "/alice/c/img", "x", "Content-Type", "image/svg+xml")
	for _, path := range []string{"/alice/c/", "/alice/"} {
		h := ts.handler
		key, _ := parseKey(path, "/")
		tg := Target{Key: key, URL: h.URLOf(key)}
		var buf bytes.Buffer
		if err := h.writeContainerTurtle(t.Context(), &buf, tg); err != nil {
			t.Fatal(err)
		}
		fast, err := rdf.Parse(bytes.NewReader(buf.Bytes()), rdf.Turtle, tg.URL)
		if err != nil {
			t.Fatalf("direct Turtle of %s does not parse: %v\n%s", path, err, buf.String())
		}
		want, err := h.containerGraph(httptest.NewRequest("GET", path, nil), tg)
		if err != nil {
			t.Fatal(err)
		}
		if !rdf.Isomorphic(fast, want) {
			var w bytes.Buffer
			rdf.Write(&w, want, rdf.NTriples, "")
			var f bytes.Buffer
			rdf.Write(&f, fast, rdf.NTriples, "")
			t.Errorf("container %s: direct Turtle differs from the graph\ndirect:\n%s\ngraph:\n%s", path, f.String(), w.String())
		}
	}
}
