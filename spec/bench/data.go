package main

import (
	"fmt"
	"strconv"
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
	patchPath  = "patch/" // container of the documents the PATCH workload edits
	patchDocs  = 64       // how many, each seeded with smallDoc
)

// patchDocPath returns the path, relative to a pod's root, of the i-th
// document of the PATCH workload.
func patchDocPath(i int) string { return fmt.Sprintf("%sd%02d.ttl", patchPath, i) }

// appendPatchBody appends to dst the N3 Patch of worker id's seq-th request:
// it inserts one triple whose literal, "w<id>-<seq>", no other request
// inserts, so that every PATCH changes its document.
func appendPatchBody(dst []byte, id, seq int) []byte {
	dst = append(dst, "@prefix solid: <http://www.w3.org/ns/solid/terms#>.\n"+
		"_:p a solid:InsertDeletePatch; solid:inserts { <#s> <http://example.org/ns#n> \"w"...)
	dst = strconv.AppendInt(dst, int64(id), 10)
	dst = append(dst, '-')
	dst = strconv.AppendInt(dst, int64(seq), 10)
	return append(dst, "\" . }.\n"...)
}
