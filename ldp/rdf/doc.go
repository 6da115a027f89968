// Package rdf is the RDF codec of the server: it parses and serializes
// Turtle, JSON-LD and N-Triples behind a small API.
//
// It sits beside the request flow rather than in it: ldp uses it to read
// and write RDF sources (PUT, PATCH, GET with content negotiation), acl to
// read ACL documents, oidc to read WebID profiles and social for its own
// vocabulary. For that reason it imports nothing of ours.
//
// # Model
//
// A Graph is a list of Triples plus the prefixes declared by the document
// it came from. A Term is an IRI, a BlankNode or a Literal. A graph is a set
// in RDF; Triples may hold duplicates, which writers and Isomorphic ignore.
// Blank node labels are local to one Parse call (b0, b1, ...): parsing two
// documents gives labels that collide, so rename before merging graphs.
//
// # Formats
//
// Turtle and N-Triples are parsed by a recursive-descent parser in this
// package (turtle.go). The libraries the project first chose were measured
// and rejected for reading client input: github.com/knakk/rdf runs its
// lexer in a goroutine that blocks forever when the parser stops at an
// error (100 malformed documents left 100 goroutines behind), joins
// relative IRIs by concatenation (<../x> against http://ex/a/b/c gave
// http://ex/a/b/c../x), keeps no prefixes and accepts no relative PREFIX;
// github.com/deiu/rdf2go (through deiu/gon3) fails on ordinary Turtle such
// as "<a> <b> 1.5, 2 ." and reports no positions. On a 2 KB profile this
// parser also takes less than half the time of knakk/rdf and under a sixth of
// rdf2go's (bench_test.go).
//
// JSON-LD is read with github.com/piprate/json-gold, which does all the
// JSON-LD processing (contexts, expansion); the expanded document is then
// turned into triples here (jsonld_rdf.go), because json-gold's own ToRDF
// is quadratic in the values of a property. JSON-LD is written here in
// expanded form, which needs no processing (json-gold's writer panics on
// some valid graphs; see jsonld.go).
//
// Remote contexts are never fetched: a document whose @context (or
// @import) names a URL is refused with a *SyntaxError, since a fetch by the
// server to a URL chosen by the client is a request-forgery hole, and
// parsing would depend on a third party. Named graphs are refused too: a
// Solid resource is one graph, and merging a named graph into it would
// turn quoted statements into asserted ones (which matters for ACLs).
// JSON literals (@json) are refused as well.
//
// Errors from Parse are *SyntaxError, with a line and column for Turtle,
// N-Triples and JSON syntax errors. An unsupported media type gives
// ErrUnsupportedMediaType. No function here panics on any input, and none
// recovers from a panic other than its own parser's error.
package rdf
