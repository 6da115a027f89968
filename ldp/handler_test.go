package ldp

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/seedpod/seedpod/storage/disk"
)

// testServer is a Handler over a fresh disk store with a public pod
// "alice", served by httptest. It records the changes the handler reports.
type testServer struct {
	*httptest.Server
	handler *Handler
	mu      sync.Mutex
	changes []Change
}

func newTestServer(t *testing.T) *testServer {
	t.Helper()
	st, err := disk.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := CreatePod(context.Background(), st, "alice", PodOptions{Public: true}); err != nil {
		t.Fatal(err)
	}
	ts := &testServer{}
	h, err := New(Config{
		Store:        st,
		BaseURL:      "https://pod.example/",
		MaxBodyBytes: 1 << 20,
		OnChange: func(_ context.Context, c []Change) {
			ts.mu.Lock()
			ts.changes = append(ts.changes, c...)
			ts.mu.Unlock()
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	ts.handler = h
	ts.Server = httptest.NewServer(CORS(h))
	t.Cleanup(ts.Close)
	return ts
}

// do sends a request and returns the response with its body read.
func (ts *testServer) do(t *testing.T, method, path string, body string, hdr ...string) (*http.Response, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, ts.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

func TestPutCreatesIntermediateContainersAndReportsChanges(t *testing.T) {
	ts := newTestServer(t)
	resp, _ := ts.do(t, "PUT", "/alice/a/b/c.ttl", "<> <http://ex/p> 1 .", "Content-Type", "text/turtle")
	if resp.StatusCode != 201 {
		t.Fatalf("PUT = %d, want 201", resp.StatusCode)
	}
	if got := resp.Header.Get("Location"); got != "https://pod.example/alice/a/b/c.ttl" {
		t.Errorf("Location = %q, want it built from the base URL", got)
	}
	var keys []string
	for _, c := range ts.changes {
		if c.Kind != Created {
			t.Errorf("change %+v, want Created", c)
		}
		keys = append(keys, string(c.Key))
	}
	if got, want := strings.Join(keys, " "), "/alice/a/ /alice/a/b/ /alice/a/b/c.ttl"; got != want {
		t.Errorf("changes = %s, want %s", got, want)
	}
	_, body := ts.do(t, "GET", "/alice/a/", "", "Accept", "text/turtle")
	if !strings.Contains(body, "ldp:contains <b/>") {
		t.Errorf("container /alice/a/ does not list b/:\n%s", body)
	}
}

func TestPutIgnoresHostAndForwardedHeaders(t *testing.T) {
	ts := newTestServer(t)
	resp, _ := ts.do(t, "POST", "/alice/", "hello", "Content-Type", "text/plain",
		"X-Forwarded-Host", "evil.example", "X-Forwarded-Proto", "http", "Forwarded", "host=evil.example")
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "https://pod.example/alice/") {
		t.Errorf("Location = %q, want it under the configured base URL", loc)
	}
}

func TestMalformedRDFIsRefusedWithPosition(t *testing.T) {
	ts := newTestServer(t)
	resp, body := ts.do(t, "PUT", "/alice/bad.ttl", "<a> <b> .\n<c> <d> <e> .", "Content-Type", "text/turtle")
	if resp.StatusCode != 400 || !strings.Contains(body, "line") {
		t.Fatalf("PUT malformed Turtle = %d %q, want 400 naming the line", resp.StatusCode, body)
	}
	if resp, _ := ts.do(t, "GET", "/alice/bad.ttl", ""); resp.StatusCode != 404 {
		t.Errorf("after a refused PUT, GET = %d, want 404", resp.StatusCode)
	}
	if len(ts.changes) != 0 {
		t.Errorf("a refused PUT reported changes: %+v", ts.changes)
	}
}

func TestConvertedRepresentationHasItsOwnETag(t *testing.T) {
	ts := newTestServer(t)
	ts.do(t, "PUT", "/alice/doc", `<#me> <http://xmlns.com/foaf/0.1/name> "Alice"@en .`, "Content-Type", "text/turtle")
	r1, _ := ts.do(t, "GET", "/alice/doc", "", "Accept", "text/turtle")
	r2, body := ts.do(t, "GET", "/alice/doc", "", "Accept", "application/ld+json")
	if r2.StatusCode != 200 || !strings.Contains(body, "https://pod.example/alice/doc#me") {
		t.Fatalf("GET as JSON-LD = %d\n%s", r2.StatusCode, body)
	}
	e1, e2 := r1.Header.Get("ETag"), r2.Header.Get("ETag")
	if e1 == "" || e1 == e2 {
		t.Errorf("ETags %q and %q: want distinct strong ETags per representation", e1, e2)
	}
	// Either representation's ETag is a valid precondition for a write.
	resp, _ := ts.do(t, "PUT", "/alice/doc", "<a> <b> <c> .", "Content-Type", "text/turtle", "If-Match", e2)
	if resp.StatusCode != 204 {
		t.Errorf("PUT with the JSON-LD ETag as If-Match = %d, want 204", resp.StatusCode)
	}
}

func TestErrorsCarryCORSHeaders(t *testing.T) {
	ts := newTestServer(t)
	resp, _ := ts.do(t, "GET", "/alice/missing", "", "Origin", "https://app.example")
	if resp.StatusCode != 404 {
		t.Fatalf("GET missing = %d", resp.StatusCode)
	}
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "https://app.example" {
		t.Errorf("Access-Control-Allow-Origin = %q on a 404", got)
	}
	if got := resp.Header.Get("Access-Control-Allow-Credentials"); got != "true" {
		t.Errorf("Access-Control-Allow-Credentials = %q", got)
	}
}

func TestBodyOverLimitIs413AndNothingStored(t *testing.T) {
	ts := newTestServer(t)
	big := strings.Repeat("x", 2<<20)
	resp, _ := ts.do(t, "PUT", "/alice/big.bin", big, "Content-Type", "application/octet-stream")
	if resp.StatusCode != 413 {
		t.Fatalf("PUT over the limit = %d, want 413", resp.StatusCode)
	}
	if resp, _ := ts.do(t, "HEAD", "/alice/big.bin", ""); resp.StatusCode != 404 {
		t.Errorf("after 413, HEAD = %d, want 404", resp.StatusCode)
	}
}

func TestDeleteRemovesAuxiliaryResources(t *testing.T) {
	ts := newTestServer(t)
	ts.do(t, "PUT", "/alice/x", "hi", "Content-Type", "text/plain")
	ts.do(t, "PUT", "/alice/x.meta", "<x> <y> <z> .", "Content-Type", "text/turtle")
	if resp, _ := ts.do(t, "DELETE", "/alice/x", ""); resp.StatusCode != 204 {
		t.Fatalf("DELETE = %d", resp.StatusCode)
	}
	if resp, _ := ts.do(t, "GET", "/alice/x.meta", ""); resp.StatusCode != 404 {
		t.Errorf("description resource survived its subject: %d", resp.StatusCode)
	}
}

func TestContainerAuxiliariesDoNotCountAsChildren(t *testing.T) {
	ts := newTestServer(t)
	ts.do(t, "PUT", "/alice/c/", "", "Content-Type", "text/turtle")
	ts.do(t, "PUT", "/alice/c/.acl", publicACL, "Content-Type", "text/turtle")
	_, listing := ts.do(t, "GET", "/alice/c/", "")
	if strings.Contains(listing, ".acl") {
		t.Errorf("the container lists its ACL:\n%s", listing)
	}
	if resp, body := ts.do(t, "DELETE", "/alice/c/", ""); resp.StatusCode != 204 {
		t.Fatalf("DELETE container with only its ACL = %d %s", resp.StatusCode, body)
	}
	if resp, _ := ts.do(t, "GET", "/alice/c/.acl", ""); resp.StatusCode != 404 {
		t.Errorf("ACL survived its container: %d", resp.StatusCode)
	}
}

func TestPostSlugCannotNameAuxiliaryResource(t *testing.T) {
	ts := newTestServer(t)
	for _, slug := range []string{".acl", "x.acl", ".meta"} {
		resp, _ := ts.do(t, "POST", "/alice/", "<a> <b> <c> .", "Content-Type", "text/turtle", "Slug", slug)
		loc := resp.Header.Get("Location")
		if resp.StatusCode != 201 || strings.HasSuffix(loc, ".acl") || strings.HasSuffix(loc, ".meta") {
			t.Errorf("POST Slug %q = %d, Location %q: want a fresh, non-auxiliary name", slug, resp.StatusCode, loc)
		}
	}
}

func TestWritesOutsidePodsAreRefused(t *testing.T) {
	ts := newTestServer(t)
	tests := []struct {
		method, path string
		want         int
	}{
		{"PUT", "/toplevel", 401},
		{"PUT", "/newpod/", 401},
		{"PUT", "/nopod/x", 401},
		{"POST", "/", 405},
		{"DELETE", "/", 405},
		{"DELETE", "/alice/", 405},
		{"DELETE", "/alice/.acl", 405},
	}
	for _, tt := range tests {
		resp, body := ts.do(t, tt.method, tt.path, "x", "Content-Type", "text/plain")
		if resp.StatusCode != tt.want {
			t.Errorf("%s %s = %d %q, want %d", tt.method, tt.path, resp.StatusCode, body, tt.want)
		}
	}
}

// publicACL grants everyone every mode on a container and its contents.
const publicACL = `@prefix acl: <http://www.w3.org/ns/auth/acl#>.
<#all> a acl:Authorization; acl:agentClass <http://xmlns.com/foaf/0.1/Agent>;
  acl:accessTo <./>; acl:default <./>; acl:mode acl:Read, acl:Write, acl:Control.`

func TestEqualBytesAtTwoURLsConvertSeparately(t *testing.T) {
	ts := newTestServer(t)
	doc := `<> <http://ex/p> <#frag> .`
	ts.do(t, "PUT", "/alice/one", doc, "Content-Type", "text/turtle")
	ts.do(t, "PUT", "/alice/two", doc, "Content-Type", "text/turtle")
	_, one := ts.do(t, "GET", "/alice/one", "", "Accept", "application/n-triples")
	_, two := ts.do(t, "GET", "/alice/two", "", "Accept", "application/n-triples")
	if !strings.Contains(one, "/alice/one#frag") || !strings.Contains(two, "/alice/two#frag") {
		t.Errorf("conversions mixed up:\none: %s\ntwo: %s", one, two)
	}
}
