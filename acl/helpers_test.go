package acl

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/seedpod/seedpod/ldp/rdf"
)

// The tests use a storage root at pod.example and small Turtle documents.
const (
	root  = "https://pod.example/"
	alice = "https://pod.example/alice/profile/card#me"
	bob   = "https://bob.example/profile#me"
	carol = "https://carol.example/#me"

	prefixes = "@prefix acl: <http://www.w3.org/ns/auth/acl#>.\n" +
		"@prefix foaf: <http://xmlns.com/foaf/0.1/>.\n" +
		"@prefix vcard: <http://www.w3.org/2006/vcard/ns#>.\n"
)

// aclURL returns the URL of the ACL document attached to resource, by the
// ".acl" suffix convention of ldp.
func aclURL(resource string) string { return resource + ".acl" }

// mustParse parses a Turtle ACL document (prefixes added) found at docURL.
func mustParse(t testing.TB, docURL, ttl string) *ACL {
	t.Helper()
	a, err := ParseDocument(strings.NewReader(prefixes+ttl), rdf.Turtle, docURL)
	if err != nil {
		t.Fatalf("ParseDocument(%s): %v", docURL, err)
	}
	return a
}

// docs maps a resource URL to the Turtle of its own ACL document.
type docs map[string]string

// loader is an in-memory Loader over docs, parsing each document once as
// ldp's cache does. A document that does not parse makes the loader
// return its error, as the Loader contract requires.
func (d docs) loader(t testing.TB) Loader {
	t.Helper()
	parsed := make(map[string]*ACL, len(d))
	failed := make(map[string]error)
	for res, ttl := range d {
		a, err := ParseDocument(strings.NewReader(prefixes+ttl), rdf.Turtle, aclURL(res))
		if err != nil {
			failed[res] = err
			continue
		}
		parsed[res] = a
	}
	return func(_ context.Context, res string) (*ACL, error) {
		if err := failed[res]; err != nil {
			return nil, err
		}
		return parsed[res], nil
	}
}

// groups maps a group IRI to its members; members is the Members callback
// over it, through parsed *Group values as ldp caches them.
type groups map[string][]string

func (gs groups) members(t testing.TB) Members {
	t.Helper()
	parsed := make(map[string]*Group, len(gs))
	for url, ms := range gs {
		doc, _, _ := strings.Cut(url, "#")
		var b strings.Builder
		b.WriteString(prefixes)
		b.WriteString("<" + url + "> a vcard:Group")
		for _, m := range ms {
			b.WriteString(";\n vcard:hasMember <" + m + ">")
		}
		b.WriteString(".\n")
		g, err := rdf.Parse(strings.NewReader(b.String()), rdf.Turtle, doc)
		if err != nil {
			t.Fatalf("group %s: %v", url, err)
		}
		parsed[url] = ParseGroup(g, url)
	}
	return func(_ context.Context, groupURL, webID string) (bool, error) {
		if groupURL == brokenGroup {
			return false, errGroupDown
		}
		return parsed[groupURL].Has(webID), nil
	}
}

// brokenGroup is a group whose lookup always fails.
const brokenGroup = "https://down.example/group#g"

var errGroupDown = errors.New("group server down")
