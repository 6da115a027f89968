package ldp

import (
	"context"
	"errors"
	"testing"

	"github.com/seedpod/seedpod/ldp/rdf"
	"github.com/seedpod/seedpod/oidc"
	"github.com/seedpod/seedpod/storage"
)

func TestReadDocument(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	ts.do(t, "PUT", "/alice/profile/card", "<#me> <http://www.w3.org/ns/solid/terms#oidcIssuer> <https://idp.example/> .", "Content-Type", "text/turtle")
	ts.do(t, "PUT", "/alice/notes.txt", "hello", "Content-Type", "text/plain")
	// Private documents are read too: the server reads for itself.
	ts.do(t, "PUT", "/alice/private/.acl", "", "Content-Type", "text/turtle")

	g, err := ts.handler.ReadDocument(ctx, "https://pod.example/alice/profile/card#me")
	if err != nil {
		t.Fatal(err)
	}
	want := rdf.Triple{S: rdf.IRI("https://pod.example/alice/profile/card#me"), P: rdf.IRI("http://www.w3.org/ns/solid/terms#oidcIssuer"), O: rdf.IRI("https://idp.example/")}
	if len(g.Triples) != 1 || g.Triples[0] != want {
		t.Fatalf("ReadDocument = %v, want [%v]", g.Triples, want)
	}

	if _, err := ts.handler.ReadDocument(ctx, "https://pod.example/alice/missing"); !errors.Is(err, storage.ErrNotExist) {
		t.Errorf("missing document: %v, want ErrNotExist", err)
	}
	for _, u := range []string{
		"https://other.example/alice/profile/card",
		"https://pod.example/alice/notes.txt",
		"https://pod.example/alice/",
		"https://pod.example/alice/.acl",
		"https://pod.example/.internal/owners/alice",
		"https://pod.example/alice/../.internal/owners/alice",
		"https://pod.example/alice/%2e%2e/x",
		"https://pod.example/alice/profile/card?x",
	} {
		if g, err := ts.handler.ReadDocument(ctx, u); err == nil {
			t.Errorf("ReadDocument(%q) = %v, want an error", u, g)
		}
	}
}

// TestAnonymousDenialChallengesDPoP: a 401 names the DPoP scheme and the
// algs the verifier accepts (RFC 9449 §7.1).
func TestAnonymousDenialChallengesDPoP(t *testing.T) {
	ts := newTestServer(t)
	if _, err := CreatePod(context.Background(), ts.handler.store, "bob", PodOptions{Owner: "https://id.example/bob#me"}); err != nil {
		t.Fatal(err)
	}
	resp, _ := ts.do(t, "GET", "/bob/", "")
	want := `DPoP realm="https://pod.example/", algs="` + oidc.Algs + `"`
	if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") != want {
		t.Fatalf("GET = %d, WWW-Authenticate %q; want 401, %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"), want)
	}
}
