package spec

import (
	"fmt"
	"net/http"
	"testing"
)

// Solid Protocol §4.3: auxiliary resources (ACL and description resources).
// https://solidproject.org/TR/2024/protocol-20240512#auxiliary-resources

// publicACL returns a WAC document giving everyone full access to resource,
// and to everything below it when it is a container.
func publicACL(resource string, container bool) []byte {
	def := ""
	if container {
		def = fmt.Sprintf(";\n    acl:default <%s>", resource)
	}
	return []byte(fmt.Sprintf(`@prefix acl: <http://www.w3.org/ns/auth/acl#>.
@prefix foaf: <http://xmlns.com/foaf/0.1/>.
<#public> a acl:Authorization;
    acl:agentClass foaf:Agent;
    acl:mode acl:Read, acl:Write, acl:Append, acl:Control;
    acl:accessTo <%s>%s.
`, resource, def))
}

// TestServerLinkAuxiliaryType checks that GET and HEAD responses link each
// resource to its ACL (rel="acl") and its description resource
// (rel="describedby"), one of each, outside the resource itself.
// https://solidproject.org/TR/2024/protocol-20240512#server-link-auxiliary-type
func TestServerLinkAuxiliaryType(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		f := s.newFixture(t)
		for _, u := range []string{f.doc, f.blob, f.container} {
			for _, m := range []string{http.MethodGet, http.MethodHead} {
				r := s.do(t, m, u, nil)
				mustStatus(t, r, http.StatusOK)
				for _, rel := range []string{"acl", "describedby"} {
					ts := r.linkTargets(rel)
					if len(ts) != 1 {
						t.Errorf("%s: Link rel=%q targets %q, want exactly one", r, rel, ts)
						continue
					}
					if ts[0] == u {
						t.Errorf("%s: rel=%q points at the resource itself", r, rel)
					}
				}
			}
		}
	})
}

// TestServerDescriptionResourceMax checks that a resource has at most one
// description resource.
// https://solidproject.org/TR/2024/protocol-20240512#server-description-resource-max
func TestServerDescriptionResourceMax(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		f := s.newFixture(t)
		for _, u := range []string{f.doc, f.container} {
			r := s.mustGet(t, u)
			if ts := r.linkTargets("describedby"); len(ts) > 1 {
				t.Errorf("%s: %d description resources %q, want at most one", r, len(ts), ts)
			}
		}
	})
}

// TestServerPutPatchAuxiliaryResource checks that PUT to a resource's ACL
// creates it, and that the ACL is then served as Turtle with the same
// statements (WAC: ACL resources are GET-able as text/turtle).
// https://solidproject.org/TR/2024/protocol-20240512#server-put-patch-auxiliary-resource
func TestServerPutPatchAuxiliaryResource(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		f := s.newFixture(t)
		acl := s.mustGet(t, f.doc).mustLink(t, "acl")
		wantStatus(t, s.do(t, http.MethodGet, acl, nil), http.StatusNotFound)
		r := s.do(t, http.MethodPut, acl, publicACL(f.doc, false), "Content-Type", "text/turtle")
		wantStatus(t, r, http.StatusCreated, http.StatusNoContent, http.StatusOK)
		g, get := s.getGraph(t, acl, "text/turtle")
		if mediaType(get.Header) != "text/turtle" {
			t.Errorf("%s: Content-Type %q, want text/turtle", get, get.Header.Get("Content-Type"))
		}
		auth := acl + "#public"
		if !g.hasIRI(auth, rdfType, aclAuthorization) || !g.hasIRI(auth, "http://www.w3.org/ns/auth/acl#accessTo", f.doc) {
			t.Errorf("%s does not hold the authorization written:\n%s", acl, g)
		}
		// Still readable: the ACL grants everyone everything.
		s.mustGet(t, f.doc)
	})
}

// TestServerRootACL checks that the storage root's ACL exists, is served as
// Turtle, and grants acl:Control to someone (WAC; a public pod grants
// everyone full access).
// https://solidproject.org/TR/2024/wac-20240512#server-root-container-acl
func TestServerRootACL(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		root := s.rootURL(t)
		acl := s.mustGet(t, root).mustLink(t, "acl")
		g, _ := s.getGraph(t, acl, "text/turtle")
		control := false
		for _, tr := range g {
			if tr.p.value == "http://www.w3.org/ns/auth/acl#mode" && tr.o.value == "http://www.w3.org/ns/auth/acl#Control" {
				control = true
			}
		}
		if !control {
			t.Errorf("root ACL %s grants acl:Control to no one:\n%s", acl, g)
		}
	})
}
