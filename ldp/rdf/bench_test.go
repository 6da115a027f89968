package rdf

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/deiu/rdf2go"
	knakk "github.com/knakk/rdf"
)

// bench2KB is a typical small Solid document: a WebID profile with a few
// prefixes, language tags, a nested blank node and numbers. Both libraries
// compared below parse all of it (checked in the benchmarks).
const bench2KB = `@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix solid: <http://www.w3.org/ns/solid/terms#> .
@prefix pim: <http://www.w3.org/ns/pim/space#> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix ldp: <http://www.w3.org/ns/ldp#> .
@prefix schema: <http://schema.org/> .
@prefix acl: <http://www.w3.org/ns/auth/acl#> .

<https://pod.example/alice/profile/card> a foaf:PersonalProfileDocument ;
    foaf:maker <https://pod.example/alice/profile/card#me> ;
    foaf:primaryTopic <https://pod.example/alice/profile/card#me> .

<https://pod.example/alice/profile/card#me> a foaf:Person, schema:Person ;
    foaf:name "Alice Example"@en ;
    vcard:fn "Alice Example" ;
    vcard:role "Software engineer and occasional baker"@en ;
    vcard:note "Lives by the sea. Writes about distributed systems, bread and tide tables."@en ;
    vcard:hasEmail <mailto:alice@example.org> ;
    vcard:organization-name "Example Cooperative" ;
    solid:oidcIssuer <https://idp.example/> ;
    solid:account <https://pod.example/alice/> ;
    solid:privateTypeIndex <https://pod.example/alice/settings/privateTypeIndex.ttl> ;
    solid:publicTypeIndex <https://pod.example/alice/settings/publicTypeIndex.ttl> ;
    pim:storage <https://pod.example/alice/> ;
    pim:preferencesFile <https://pod.example/alice/settings/prefs.ttl> ;
    ldp:inbox <https://pod.example/alice/inbox/> ;
    foaf:age 42 ;
    foaf:knows <https://bob.example/profile/card#me>, <https://carol.example/profile/card#me>,
        <https://dave.example/profile/card#me>, <https://erin.example/profile/card#me> ;
    vcard:hasAddress [
        a vcard:Home ;
        vcard:street-address "1 Harbour Road" ;
        vcard:locality "Seaton" ;
        vcard:postal-code "SE1 2AB" ;
        vcard:country-name "United Kingdom"@en
    ] .

<https://pod.example/alice/profile/card#key> a <http://www.w3.org/ns/auth/cert#RSAPublicKey> ;
    <http://www.w3.org/ns/auth/cert#exponent> 65537 ;
    <http://www.w3.org/ns/auth/cert#modulus> "C2F6B3A1E4D5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F9"^^<http://www.w3.org/2001/XMLSchema#hexBinary> ;
    acl:owner <https://pod.example/alice/profile/card#me> .
`

// big500KB builds a Turtle document of about n bytes shaped like a large
// Solid resource (e.g. a chat log or a container with many members).
func bigTurtle(n int) string {
	var b strings.Builder
	b.WriteString("@prefix : <#> .\n@prefix dc: <http://purl.org/dc/terms/> .\n@prefix sioc: <http://rdfs.org/sioc/ns#> .\n@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n\n")
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, ":msg%d a sioc:Post ;\n    dc:created \"2024-05-%02dT10:%02d:00Z\"^^xsd:dateTime ;\n    foaf:maker <https://user%d.example/profile/card#me> ;\n    sioc:content \"Message number %d, with some text to make it realistic: caf\u00e9, \\\"quotes\\\".\"@en ;\n    sioc:reply_of :msg%d ;\n    dc:extent %d .\n\n", i, i%28+1, i%60, i%50, i, i/2, i*7)
	}
	return b.String()
}

var big500KB = bigTurtle(500 << 10)

func benchParse(b *testing.B, src, mediaType string) *Graph {
	b.Helper()
	g := mustParse(b, src, mediaType, testBase)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Parse(strings.NewReader(src), mediaType, testBase); err != nil {
			b.Fatal(err)
		}
	}
	return g
}

func BenchmarkParseTurtle2KB(b *testing.B)   { benchParse(b, bench2KB, Turtle) }
func BenchmarkParseTurtle500KB(b *testing.B) { benchParse(b, big500KB, Turtle) }

func BenchmarkParseNTriples2KB(b *testing.B) {
	benchParse(b, ntString(b, mustParse(b, bench2KB, Turtle, testBase)), NTriples)
}

func BenchmarkParseJSONLD2KB(b *testing.B) {
	var buf bytes.Buffer
	if err := Write(&buf, mustParse(b, bench2KB, Turtle, testBase), JSONLD, ""); err != nil {
		b.Fatal(err)
	}
	benchParse(b, buf.String(), JSONLD)
}

func benchWrite(b *testing.B, src, mediaType string) {
	g := mustParse(b, src, Turtle, testBase)
	var buf bytes.Buffer
	if err := Write(&buf, g, mediaType, testBase); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := Write(io.Discard, g, mediaType, testBase); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteTurtle2KB(b *testing.B)     { benchWrite(b, bench2KB, Turtle) }
func BenchmarkWriteJSONLD2KB(b *testing.B)     { benchWrite(b, bench2KB, JSONLD) }
func BenchmarkWriteNTriples2KB(b *testing.B)   { benchWrite(b, bench2KB, NTriples) }
func BenchmarkWriteTurtle500KB(b *testing.B)   { benchWrite(b, big500KB, Turtle) }
func BenchmarkWriteJSONLD500KB(b *testing.B)   { benchWrite(b, big500KB, JSONLD) }
func BenchmarkWriteNTriples500KB(b *testing.B) { benchWrite(b, big500KB, NTriples) }

// BenchmarkPatch500KB is the codec's share of a PATCH on a 500 KB
// document: parse it, then write it back as Turtle.
func BenchmarkPatch500KB(b *testing.B) {
	b.SetBytes(int64(len(big500KB)))
	b.ReportAllocs()
	for b.Loop() {
		g, err := Parse(strings.NewReader(big500KB), Turtle, testBase)
		if err != nil {
			b.Fatal(err)
		}
		if err := Write(io.Discard, g, Turtle, testBase); err != nil {
			b.Fatal(err)
		}
	}
}

// The two libraries first chosen for the project, on the same input.

func BenchmarkParseTurtle2KBKnakk(b *testing.B) {
	want := len(mustParse(b, bench2KB, Turtle, testBase).Triples)
	b.SetBytes(int64(len(bench2KB)))
	b.ReportAllocs()
	for b.Loop() {
		dec := knakk.NewTripleDecoder(strings.NewReader(bench2KB), knakk.Turtle)
		ts, err := dec.DecodeAll()
		if err != nil || len(ts) != want {
			b.Fatalf("knakk: %d triples, %v; want %d", len(ts), err, want)
		}
	}
}

func BenchmarkParseTurtle2KBRdf2go(b *testing.B) {
	want := len(mustParse(b, bench2KB, Turtle, testBase).Triples)
	b.SetBytes(int64(len(bench2KB)))
	b.ReportAllocs()
	for b.Loop() {
		g := rdf2go.NewGraph(testBase)
		if err := g.Parse(strings.NewReader(bench2KB), Turtle); err != nil || g.Len() != want {
			b.Fatalf("rdf2go: %d triples, %v; want %d", g.Len(), err, want)
		}
	}
}
