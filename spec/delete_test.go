package spec

import (
	"net/http"
	"testing"
)

// Solid Protocol §5.4: deleting resources.
// https://solidproject.org/TR/2024/protocol-20240512#deleting-resources

// TestServerDeleteRemoveContainment checks that DELETE removes a resource,
// that it is then gone (404), and that its parent no longer lists it.
// https://solidproject.org/TR/2024/protocol-20240512#server-delete-remove-containment
func TestServerDeleteRemoveContainment(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		f := s.newFixture(t)
		for _, u := range []string{f.doc, f.blob} {
			mustSuccess(t, s.do(t, http.MethodDelete, u, nil))
			wantStatus(t, s.do(t, http.MethodGet, u, nil), http.StatusNotFound, http.StatusGone)
		}
		g, _ := s.getGraph(t, f.container, "text/turtle")
		for _, u := range []string{f.doc, f.blob} {
			if g.hasIRI(f.container, ldpContains, u) {
				t.Errorf("%s still contains deleted %s", f.container, u)
			}
		}
		if !g.hasIRI(f.container, ldpContains, f.sub) {
			t.Errorf("%s lost %s, which was not deleted", f.container, f.sub)
		}
	})
}

// TestServerDeleteRemoveEmptyContainer checks that DELETE of an empty
// container succeeds, also when the container has an ACL (auxiliary
// resources are not members).
// https://solidproject.org/TR/2024/protocol-20240512#server-delete-remove-empty-container
func TestServerDeleteRemoveEmptyContainer(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		f := s.newFixture(t)
		mustSuccess(t, s.do(t, http.MethodDelete, f.sub, nil))
		wantStatus(t, s.do(t, http.MethodGet, f.sub, nil), http.StatusNotFound, http.StatusGone)

		withACL := f.container + "with-acl/"
		s.mustPut(t, withACL, "text/turtle", []byte{})
		acl := s.mustGet(t, withACL).mustLink(t, "acl")
		s.mustPut(t, acl, "text/turtle", publicACL(withACL, true))
		mustSuccess(t, s.do(t, http.MethodDelete, withACL, nil))
		wantStatus(t, s.do(t, http.MethodGet, withACL, nil), http.StatusNotFound, http.StatusGone)
	})
}

// TestServerDeleteProtectNonemptyContainer checks that DELETE of a container
// with members is 409 with a body saying why, and deletes nothing.
// https://solidproject.org/TR/2024/protocol-20240512#server-delete-protect-nonempty-container
func TestServerDeleteProtectNonemptyContainer(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		f := s.newFixture(t)
		r := s.do(t, http.MethodDelete, f.container, nil)
		wantStatus(t, r, http.StatusConflict)
		if len(r.body) == 0 {
			t.Errorf("%s: 409 without a body describing the error", r)
		}
		for _, u := range []string{f.container, f.doc, f.sub} {
			wantStatus(t, s.do(t, http.MethodGet, u, nil), http.StatusOK)
		}
	})
}

// TestServerDeleteProtectRootContainer checks that DELETE of the storage
// root and of the root's ACL is 405, and that both stay.
// https://solidproject.org/TR/2024/protocol-20240512#server-delete-protect-root-container
func TestServerDeleteProtectRootContainer(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		root := s.rootURL(t)
		acl := s.mustGet(t, root).mustLink(t, "acl")
		for _, u := range []string{root, acl} {
			// The precondition can never hold, so a server that wrongly
			// allows the DELETE answers 412 instead of destroying the pod
			// the other tests use. It does not change the right answer:
			// preconditions are ignored when the request would fail
			// without them (RFC 9110 §13.2.1).
			r := s.do(t, http.MethodDelete, u, nil, "If-Match", `"seedpod-spec-never-matches"`)
			wantStatus(t, r, http.StatusMethodNotAllowed)
			if r.StatusCode == http.StatusMethodNotAllowed && containsFold(headerList(r.Header, "Allow"), "DELETE") {
				t.Errorf("%s: Allow %q includes DELETE", r, r.Header.Values("Allow"))
			}
			wantStatus(t, s.do(t, http.MethodGet, u, nil), http.StatusOK)
		}
	}, knownDeviation("css", "CSS answers 401 to DELETE of the root (it authorizes first, against a parent that does not exist) and lets anyone with Control delete the root ACL"))
}

// TestServerDisallowDelete checks that Allow omits DELETE for the storage
// root and its ACL on GET, HEAD and OPTIONS.
// https://solidproject.org/TR/2024/protocol-20240512#server-disallow-delete
func TestServerDisallowDelete(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		root := s.rootURL(t)
		acl := s.mustGet(t, root).mustLink(t, "acl")
		for _, u := range []string{root, acl} {
			for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodOptions} {
				r := s.do(t, m, u, nil)
				if !wantSuccess(t, r) {
					continue
				}
				allow := headerList(r.Header, "Allow")
				if len(allow) == 0 {
					t.Errorf("%s: no Allow header", r)
				}
				if containsFold(allow, "DELETE") {
					t.Errorf("%s: Allow %q includes DELETE", r, allow)
				}
			}
		}
	}, knownDeviation("css", "CSS sends no Allow on OPTIONS (204), and lists DELETE in Allow for the root ACL although DELETE of it is 405"))
}

// TestServerDeleteRemoveAuxiliaryResource checks that deleting a resource
// deletes its ACL too: a resource created again at the same URL has none.
// https://solidproject.org/TR/2024/protocol-20240512#server-delete-remove-auxiliary-resource
func TestServerDeleteRemoveAuxiliaryResource(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		f := s.newFixture(t)
		acl := s.mustGet(t, f.doc).mustLink(t, "acl")
		s.mustPut(t, acl, "text/turtle", publicACL(f.doc, false))
		mustSuccess(t, s.do(t, http.MethodDelete, f.doc, nil))
		wantStatus(t, s.do(t, http.MethodGet, acl, nil), http.StatusNotFound)
		s.mustPut(t, f.doc, "text/turtle", []byte(exampleTurtle))
		wantStatus(t, s.do(t, http.MethodGet, acl, nil), http.StatusNotFound)
	})
}
