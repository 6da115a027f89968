package main

import (
	"fmt"
	"strings"
)

// publicDoc is the ~2 KB Turtle document of the GET workload: a small
// profile, as a pod serves most often.
var publicDoc = func() []byte {
	var b strings.Builder
	b.WriteString(`@prefix foaf: <http://xmlns.com/foaf/0.1/>.
@prefix schema: <http://schema.org/>.
@prefix solid: <http://www.w3.org/ns/solid/terms#>.
@prefix vcard: <http://www.w3.org/2006/vcard/ns#>.

<#me> a foaf:Person, schema:Person;
    foaf:name "Alice Example";
    vcard:fn "Alice Example";
    vcard:note "Benchmark profile: a public Turtle document of about two kilobytes.";
    solid:oidcIssuer <http://127.0.0.1/>.
`)
	for i := 0; b.Len() < 2000; i++ {
		fmt.Fprintf(&b, "<#post-%02d> a schema:SocialMediaPosting; schema:author <#me>; schema:text \"Post number %d.\".\n", i, i)
	}
	return []byte(b.String())
}()

// smallDoc is the body of the PUT workload and of the listed children.
var smallDoc = []byte(`@prefix schema: <http://schema.org/>.
<#it> a schema:Note; schema:text "A small note written by the benchmark.".
`)

// Paths, relative to a pod's root, of the seeded resources.
const (
	docPath    = "doc.ttl" // publicDoc
	listPath   = "list/"   // container with cfg.children children
	putPath    = "put/"    // container the PUT workload creates documents in
	childNameF = "c%05d.ttl"
)
