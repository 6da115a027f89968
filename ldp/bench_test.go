package ldp

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/seedpod/seedpod/oidc"
	"github.com/seedpod/seedpod/storage/disk"
)

// benchHandler returns a handler over a disk store holding a ~2 KB public
// Turtle document ten containers deep, whose ACL is inherited from the pod
// root, and a container with 1,000 children.
func benchHandler(b *testing.B) (*Handler, string) {
	b.Helper()
	st, err := disk.New(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := CreatePod(ctx, st, "alice", PodOptions{Public: true, Owner: aliceID}); err != nil {
		b.Fatal(err)
	}
	h, err := New(Config{Store: st, BaseURL: "http://127.0.0.1/"})
	if err != nil {
		b.Fatal(err)
	}
	deep := "/alice/" + strings.Repeat("d/", 10) + "doc.ttl"
	var doc strings.Builder
	for i := 0; doc.Len() < 2000; i++ {
		doc.WriteString("<#s" + strconv.Itoa(i) + "> <http://xmlns.com/foaf/0.1/name> \"Somebody with a name\"@en .\n")
	}
	put(b, h, deep, doc.String())
	for i := range 1000 {
		put(b, h, "/alice/many/"+strconv.Itoa(i), "<a> <b> <c> .")
	}
	return h, deep
}

func put(b *testing.B, h *Handler, path, body string) {
	req := httptest.NewRequest("PUT", path, strings.NewReader(body))
	req.Header.Set("Content-Type", "text/turtle")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code >= 300 {
		b.Fatalf("PUT %s: %d %s", path, rec.Code, rec.Body)
	}
}

// serve runs GET requests through the handler, as the HTTP server would,
// without the network.
func serve(b *testing.B, h http.Handler, path string, agent string) {
	req := httptest.NewRequest("GET", path, nil)
	if agent != "" {
		req = req.WithContext(oidc.NewContext(req.Context(), oidc.Agent{WebID: agent}))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		w := discard{h: http.Header{}}
		h.ServeHTTP(&w, req)
		if w.code != 0 && w.code != 200 {
			b.Fatalf("GET %s = %d", path, w.code)
		}
	}
}

// BenchmarkGetPublic is a public GET of a 2 KB document ten containers
// deep through WAC (the inherited ACL of the pod root), against the same
// without authorization: what WAC costs on the hot path.
func BenchmarkGetPublic(b *testing.B) {
	h, deep := benchHandler(b)
	b.Run("wac", func(b *testing.B) { serve(b, h, deep, "") })
	b.Run("wac-authenticated", func(b *testing.B) { serve(b, h, deep, bobID) })
	b.Run("no-wac", func(b *testing.B) {
		h.skipWAC = true
		defer func() { h.skipWAC = false }()
		serve(b, h, deep, "")
	})
}

// BenchmarkListContainer serves a container of 1,000 children as Turtle.
func BenchmarkListContainer(b *testing.B) {
	h, _ := benchHandler(b)
	serve(b, h, "/alice/many/", "")
}

// discard is a ResponseWriter that keeps only the status.
type discard struct {
	h    http.Header
	code int
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }
func (d *discard) WriteHeader(code int)        { d.code = code }

var _ io.Writer = (*discard)(nil)

// BenchmarkPatch500KB appends one triple to a 500 KB Turtle document (the
// older Node server crashed parsing one of 552 KB).
func BenchmarkPatch500KB(b *testing.B) {
	h, _ := benchHandler(b)
	var doc strings.Builder
	doc.WriteString("@prefix ex: <http://example.org/ns#>.\n")
	for i := 0; doc.Len() < 500<<10; i++ {
		fmt.Fprintf(&doc, "<#s%d> ex:name \"Somebody number %d\"@en ; ex:n %d ; ex:knows <#s%d> .\n", i, i, i, i+1)
	}
	put(b, h, "/alice/big.ttl", doc.String())
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		i++
		req := httptest.NewRequest("PATCH", "/alice/big.ttl", strings.NewReader(fmt.Sprintf(
			"@prefix solid: <http://www.w3.org/ns/solid/terms#>.\n_:p a solid:InsertDeletePatch; solid:inserts { <#new> <#p> %d }.", i)))
		req.Header.Set("Content-Type", "text/n3")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 204 {
			b.Fatalf("PATCH = %d %s", rec.Code, rec.Body)
		}
	}
}
