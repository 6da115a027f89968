package spec

import (
	"net/http"
	"testing"
)

// Solid Protocol §4.1: storage.
// https://solidproject.org/TR/2024/protocol-20240512#storage-resource

// TestServerLinkStorage checks that the storage root is typed pim:Storage
// by a Link header on GET and HEAD, and that containers below it are not.
// https://solidproject.org/TR/2024/protocol-20240512#server-link-storage
func TestServerLinkStorage(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		root := s.rootURL(t)
		for _, m := range []string{http.MethodGet, http.MethodHead} {
			r := s.do(t, m, root, nil)
			mustStatus(t, r, http.StatusOK)
			if !r.hasType(pimStorage) {
				t.Errorf("%s: no Link <%s>; rel=\"type\"", r, pimStorage)
			}
		}
		c := s.newContainer(t)
		if r := s.mustGet(t, c); r.hasType(pimStorage) {
			t.Errorf("%s: a container inside the storage is typed pim:Storage", r)
		}
	})
}

// TestServerStorageDescription checks that GET, HEAD and OPTIONS on every
// resource of a storage link to the storage description, the same one for
// all of them.
// https://solidproject.org/TR/2024/protocol-20240512#server-storage-description
func TestServerStorageDescription(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		f := s.newFixture(t)
		want := ""
		for _, u := range []string{s.rootURL(t), f.container, f.doc, f.blob} {
			for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodOptions} {
				r := s.do(t, m, u, nil)
				if !wantSuccess(t, r) {
					continue
				}
				ts := r.linkTargets(relStorageDesc)
				if len(ts) != 1 {
					t.Errorf("%s: Link rel=%q targets %q, want exactly one", r, relStorageDesc, ts)
					continue
				}
				if want == "" {
					want = ts[0]
				} else if ts[0] != want {
					t.Errorf("%s: storage description %s, elsewhere %s", r, ts[0], want)
				}
			}
		}
	}, knownDeviation("css", "CSS answers OPTIONS with 204 and no Link headers, so no storage description link"))
}

// TestServerStorageDescriptionResource checks that the storage description
// is RDF stating <root> a pim:Storage.
// https://solidproject.org/TR/2024/protocol-20240512#server-storage-description-resource
func TestServerStorageDescriptionResource(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		root := s.rootURL(t)
		desc := s.mustGet(t, root).mustLink(t, relStorageDesc)
		for _, accept := range []string{"text/turtle", "application/ld+json"} {
			g, _ := s.getGraph(t, desc, accept)
			if !g.hasIRI(root, rdfType, pimStorage) {
				t.Errorf("storage description %s (%s) does not state <%s> a pim:Storage:\n%s", desc, accept, root, g)
			}
		}
	})
}
