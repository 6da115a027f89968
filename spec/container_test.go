package spec

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Solid Protocol §4: resources, containment and containers.
// https://solidproject.org/TR/2024/protocol-20240512#resource-containment

// TestServerBasicContainer checks that containers are LDP Basic Containers:
// their responses are typed ldp:Container, ldp:BasicContainer and
// ldp:Resource by Link headers, their representation lists members with
// ldp:contains, and non-container resources are typed ldp:Resource only.
// https://solidproject.org/TR/2024/protocol-20240512#server-basic-container
func TestServerBasicContainer(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		f := s.newFixture(t)
		for _, m := range []string{http.MethodGet, http.MethodHead} {
			r := s.do(t, m, f.container, nil)
			mustStatus(t, r, http.StatusOK)
			for _, typ := range []string{ldpContainer, ldpBasicContainer, ldpResource} {
				if !r.hasType(typ) {
					t.Errorf("%s: no Link <%s>; rel=\"type\" (types %q)", r, typ, r.linkTargets("type"))
				}
			}
			for _, u := range []string{f.doc, f.blob} {
				r := s.do(t, m, u, nil)
				mustStatus(t, r, http.StatusOK)
				if !r.hasType(ldpResource) {
					t.Errorf("%s: no Link <%s>; rel=\"type\"", r, ldpResource)
				}
				if r.hasType(ldpContainer) || r.hasType(ldpBasicContainer) {
					t.Errorf("%s: a non-container typed as container: %q", r, r.linkTargets("type"))
				}
			}
		}
		g, r := s.getGraph(t, f.container, "text/turtle")
		if mediaType(r.Header) != "text/turtle" {
			t.Errorf("%s: Content-Type %q, want text/turtle", r, r.Header.Get("Content-Type"))
		}
		for _, child := range []string{f.doc, f.blob, f.sub} {
			if !g.hasIRI(f.container, ldpContains, child) {
				t.Errorf("%s does not state <%s> ldp:contains <%s>:\n%s", f.container, f.container, child, g)
			}
		}
	})
}

// TestServerHierarchicalContainment checks that a container lists exactly
// the resources one level below it in the path hierarchy: not itself, not
// grandchildren, not auxiliary resources.
// https://solidproject.org/TR/2024/protocol-20240512#server-hierarchical-containment
func TestServerHierarchicalContainment(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		f := s.newFixture(t)
		s.mustPut(t, f.sub+"grandchild", "text/plain", []byte("deep"))
		// An ACL for the document: an auxiliary resource, never a member.
		acl := s.mustGet(t, f.doc).mustLink(t, "acl")
		s.mustPut(t, acl, "text/turtle", publicACL(f.doc, false))

		g, _ := s.getGraph(t, f.container, "text/turtle")
		var got []string
		for _, o := range g.objects(f.container, ldpContains) {
			got = append(got, o.value)
		}
		slices.Sort(got)
		want := []string{f.blob, f.doc, f.sub}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s contains %q, want %q", f.container, got, want)
		}
		g, _ = s.getGraph(t, f.sub, "text/turtle")
		if !g.hasIRI(f.sub, ldpContains, f.sub+"grandchild") {
			t.Errorf("%s does not contain its child %sgrandchild:\n%s", f.sub, f.sub, g)
		}
	})
}

// TestServerContainedResourceMetadata checks the metadata a container
// states about each member: its media-type class, stat:size,
// dcterms:modified equal to the member's Last-Modified, and stat:mtime.
// https://solidproject.org/TR/2024/protocol-20240512#server-contained-resource-metadata
func TestServerContainedResourceMetadata(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		c := s.newContainer(t)
		blob := c + "note.txt"
		content := []byte("twelve bytes")
		s.mustPut(t, blob, "text/plain", content)
		doc := c + "doc"
		s.mustPut(t, doc, "text/turtle", []byte(exampleTurtle))

		g, _ := s.getGraph(t, c, "text/turtle")
		for _, m := range []struct {
			url, class string
			size       int
		}{
			{blob, mediaTypeClassBase + "text/plain#Resource", len(content)},
			{doc, mediaTypeClassBase + "text/turtle#Resource", -1},
		} {
			if !g.hasIRI(m.url, rdfType, m.class) {
				t.Errorf("container listing lacks <%s> a <%s>:\n%s", m.url, m.class, g)
			}
			size, ok := g.literal(m.url, statSize)
			if !ok {
				t.Errorf("container listing lacks one <%s> stat:size:\n%s", m.url, g)
			} else if n, err := strconv.Atoi(size.value); err != nil || (m.size >= 0 && n != m.size) {
				t.Errorf("<%s> stat:size %s, want %d", m.url, size, m.size)
			}
			head := s.do(t, http.MethodHead, m.url, nil)
			mustStatus(t, head, http.StatusOK)
			lastMod, err := http.ParseTime(head.Header.Get("Last-Modified"))
			if err != nil {
				t.Errorf("%s: Last-Modified: %v", head, err)
				continue
			}
			mod, ok := g.literal(m.url, dctermsModified)
			if !ok {
				t.Errorf("container listing lacks one <%s> dcterms:modified:\n%s", m.url, g)
			} else if tm, err := time.Parse(time.RFC3339Nano, mod.value); err != nil {
				t.Errorf("<%s> dcterms:modified %s: %v", m.url, mod, err)
			} else if !tm.Truncate(time.Second).Equal(lastMod) {
				t.Errorf("<%s> dcterms:modified %s, but Last-Modified is %s", m.url, mod, lastMod.Format(time.RFC3339))
			}
			mt, ok := g.literal(m.url, statMtime)
			if !ok {
				t.Errorf("container listing lacks one <%s> stat:mtime:\n%s", m.url, g)
			} else if sec, err := strconv.ParseFloat(mt.value, 64); err != nil || int64(sec) != lastMod.Unix() {
				t.Errorf("<%s> stat:mtime %s, want %d (Last-Modified)", m.url, mt, lastMod.Unix())
			}
		}
	})
}

// TestServerURITrailingSlashDistinct checks that /x and /x/ never both
// exist: creating one when the other exists conflicts, and the other URL
// answers 404 (or a 301 to the existing one).
// https://solidproject.org/TR/2024/protocol-20240512#server-uri-trailing-slash-distinct
func TestServerURITrailingSlashDistinct(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		c := s.newContainer(t)
		s.mustPut(t, c+"x", "text/plain", []byte("document x"))
		wantStatus(t, s.do(t, http.MethodPut, c+"x/", []byte{}, "Content-Type", "text/turtle"), http.StatusConflict)
		r := s.do(t, http.MethodGet, c+"x/", nil)
		if wantStatus(t, r, http.StatusNotFound, http.StatusMovedPermanently) && r.StatusCode == http.StatusMovedPermanently {
			if loc := r.location(t); loc != c+"x" {
				t.Errorf("%s: Location %s, want %s", r, loc, c+"x")
			}
		}
		r = s.do(t, http.MethodPost, c, []byte{}, "Content-Type", "text/turtle", "Slug", "x",
			"Link", `<http://www.w3.org/ns/ldp#BasicContainer>; rel="type"`)
		if r.StatusCode == http.StatusCreated && r.location(t) == c+"x/" {
			t.Errorf("%s: POST created container %sx/ next to document %sx", r, c, c)
		}

		s.mustPut(t, c+"y/", "text/turtle", []byte{})
		wantStatus(t, s.do(t, http.MethodPut, c+"y", []byte("document y"), "Content-Type", "text/plain"), http.StatusConflict)
		r = s.do(t, http.MethodGet, c+"y", nil)
		if wantStatus(t, r, http.StatusNotFound, http.StatusMovedPermanently) && r.StatusCode == http.StatusMovedPermanently {
			if loc := r.location(t); loc != c+"y/" {
				t.Errorf("%s: Location %s, want %s", r, loc, c+"y/")
			}
		}
		r = s.do(t, http.MethodPost, c, []byte("document y"), "Content-Type", "text/plain", "Slug", "y")
		if r.StatusCode == http.StatusCreated && r.location(t) == c+"y" {
			t.Errorf("%s: POST created document %sy next to container %sy/", r, c, c)
		}
	})
}

// TestServerPutIntoDocumentConflicts checks that a document cannot become a
// container by writing below it: PUT /x/child when /x is a document is 409.
// https://solidproject.org/TR/2024/protocol-20240512#server-uri-trailing-slash-distinct
func TestServerPutIntoDocumentConflicts(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		c := s.newContainer(t)
		s.mustPut(t, c+"x", "text/plain", []byte("document x"))
		wantStatus(t, s.do(t, http.MethodPut, c+"x/child", []byte("child"), "Content-Type", "text/plain"), http.StatusConflict)
		r := s.mustGet(t, c+"x")
		if string(r.body) != "document x" {
			t.Errorf("%s: body %q after refused PUT below it, want %q", r, r.body, "document x")
		}
	}, knownDeviation("css", "CSS refuses with 403 Forbidden instead of 409 Conflict"))
}

// TestServerPutPatchIntermediateContainers checks that PUT to /a/b/c
// creates the missing containers /a/ and /a/b/, each listing the next.
// https://solidproject.org/TR/2024/protocol-20240512#server-put-patch-intermediate-containers
func TestServerPutPatchIntermediateContainers(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		c := s.newContainer(t)
		s.mustPut(t, c+"a/b/leaf", "text/turtle", []byte(exampleTurtle))
		chain := []string{c, c + "a/", c + "a/b/", c + "a/b/leaf"}
		for i := 0; i+1 < len(chain); i++ {
			parent, child := chain[i], chain[i+1]
			g, r := s.getGraph(t, parent, "text/turtle")
			if i > 0 && !r.hasType(ldpBasicContainer) {
				t.Errorf("%s: intermediate container not typed ldp:BasicContainer: %q", r, r.linkTargets("type"))
			}
			if !g.hasIRI(parent, ldpContains, child) {
				t.Errorf("%s does not contain %s:\n%s", parent, child, g)
			}
		}
	})
}

// TestServerProtectContainment checks that clients cannot write containment
// triples: PUT of a container body stating ldp:contains is 409, both when it
// creates the container and when it replaces one, and POST of a new
// container with such a body is 409 too.
// https://solidproject.org/TR/2024/protocol-20240512#server-protect-containment
func TestServerProtectContainment(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		c := s.newContainer(t)
		body := func(subject string) []byte {
			return []byte(fmt.Sprintf("<%s> <%s> <%sfake>.\n", subject, ldpContains, subject))
		}
		r := s.do(t, http.MethodPut, c+"new/", body(c+"new/"), "Content-Type", "text/turtle")
		wantStatus(t, r, http.StatusConflict)
		wantStatus(t, s.do(t, http.MethodGet, c+"new/", nil), http.StatusNotFound)

		s.mustPut(t, c+"old/", "text/turtle", []byte{})
		r = s.do(t, http.MethodPut, c+"old/", body(c+"old/"), "Content-Type", "text/turtle")
		wantStatus(t, r, http.StatusConflict)
		g, _ := s.getGraph(t, c+"old/", "text/turtle")
		if kids := g.objects(c+"old/", ldpContains); len(kids) != 0 {
			t.Errorf("%sold/ contains %v after refused PUT, want nothing", c, kids)
		}

		r = s.do(t, http.MethodPost, c, []byte("<> <"+ldpContains+"> <fake>.\n"), "Content-Type", "text/turtle",
			"Link", `<http://www.w3.org/ns/ldp#BasicContainer>; rel="type"`)
		wantStatus(t, r, http.StatusConflict)
	}, knownDeviation("css", "CSS ignores the body when it creates a container (PUT or POST), so containment triples in it are dropped with 201 instead of refused with 409"))
}

// TestServerProtectContainedResourceMetadata checks that clients cannot
// write the server-managed metadata a container states about its members
// (stat:size, stat:mtime, dcterms:modified): 409.
// https://solidproject.org/TR/2024/protocol-20240512#server-protect-contained-resource-metadata
func TestServerProtectContainedResourceMetadata(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		c := s.newContainer(t)
		s.mustPut(t, c+"box/member", "text/plain", []byte("member"))
		for _, p := range []string{statSize, statMtime, dctermsModified} {
			body := fmt.Sprintf("<member> <%s> 42.\n", p)
			if p == dctermsModified {
				body = fmt.Sprintf("<member> <%s> \"2001-01-01T00:00:00Z\"^^<http://www.w3.org/2001/XMLSchema#dateTime>.\n", p)
			}
			r := s.do(t, http.MethodPut, c+"box/", []byte(body), "Content-Type", "text/turtle")
			wantStatus(t, r, http.StatusConflict)
		}
		g, _ := s.getGraph(t, c+"box/", "text/turtle")
		if sz, ok := g.literal(c+"box/member", statSize); ok && sz.value == "42" {
			t.Errorf("client-written stat:size kept:\n%s", g)
		}
	})
}

// TestServerPutContainer checks that PUT to a URL ending in / creates a
// container at exactly that URL.
// https://solidproject.org/TR/2024/protocol-20240512#server-put-patch-uri-assignment
func TestServerPutContainer(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		c := s.newContainer(t)
		u := c + "made-by-put/"
		r := s.do(t, http.MethodPut, u, []byte(`<> <http://purl.org/dc/terms/title> "mine".`), "Content-Type", "text/turtle")
		wantStatus(t, r, http.StatusCreated)
		g, get := s.getGraph(t, u, "text/turtle")
		if !get.hasType(ldpBasicContainer) {
			t.Errorf("%s: not typed ldp:BasicContainer: %q", get, get.linkTargets("type"))
		}
		if !g.hasIRI(u, rdfType, ldpBasicContainer) && !get.hasType(ldpBasicContainer) {
			t.Errorf("%s: not a basic container:\n%s", u, g)
		}
		parent, _ := s.getGraph(t, c, "text/turtle")
		if !parent.hasIRI(c, ldpContains, u) {
			t.Errorf("%s does not contain %s", c, u)
		}
		if strings.Count(strings.TrimPrefix(u, c), "/") != 1 {
			t.Fatalf("bad test URL %s", u)
		}
	})
}

// TestServerPutPatchURIAssignment checks that PUT creates a document at
// exactly the request URI (201), that its container lists it there, and
// that a second PUT replaces it in place (not 201).
// https://solidproject.org/TR/2024/protocol-20240512#server-put-patch-uri-assignment
func TestServerPutPatchURIAssignment(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		c := s.newContainer(t)
		u := c + "exactly-here.ttl"
		r := s.do(t, http.MethodPut, u, []byte(exampleTurtle), "Content-Type", "text/turtle")
		wantStatus(t, r, http.StatusCreated)
		g, _ := s.getGraph(t, u, "text/turtle")
		if title, ok := g.literal(u, exNS+"title"); !ok || title.value != "hello" {
			t.Errorf("%s: <> did not resolve to the request URI:\n%s", u, g)
		}
		parent, _ := s.getGraph(t, c, "text/turtle")
		if kids := parent.objects(c, ldpContains); len(kids) != 1 || kids[0].value != u {
			t.Errorf("%s contains %v, want exactly %s", c, kids, u)
		}
		r = s.do(t, http.MethodPut, u, []byte(`<> <http://example.org/ns#title> "replaced".`), "Content-Type", "text/turtle")
		if wantSuccess(t, r) && r.StatusCode == http.StatusCreated {
			t.Errorf("%s: replacing an existing resource answered 201 Created", r)
		}
		g, _ = s.getGraph(t, u, "text/turtle")
		if title, ok := g.literal(u, exNS+"title"); !ok || title.value != "replaced" {
			t.Errorf("%s: not replaced:\n%s", u, g)
		}
	})
}
