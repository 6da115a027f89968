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
// Blank node labels are local to one Parse call: parsing two documents
// gives labels that may collide, so rename before merging graphs.
//
// # Formats
//
// Turtle and N-Triples are parsed by a recursive-descent parser in this
// package (turtle.go). The libraries the project first chose were measured
// and rejected for parsing untrusted input: github.com/knakk/rdf leaks one
// goroutine per malformed document and joins relative IRIs by string
// concatenation; github.com/deiu/rdf2go (through deiu/gon3) fails on
// ordinary Turtle such as "1, 1.5" and reports no positions. See
// bench_test.go for the comparison.
//
// JSON-LD is read by github.com/piprate/json-gold, and written here in
// expanded form, which needs no JSON-LD processing (json-gold's writer
// panics on some valid graphs; see jsonld.go). Remote contexts are
// never fetched: a document whose @context (or @import) names a URL is
// refused with a *SyntaxError, because a server-side fetch chosen by the
// client is a request-forgery hole. Named graphs are refused too: a Solid
// resource is one graph, and silently merging a named graph into it would
// turn quoted statements into asserted ones (which matters for ACLs).
//
// Errors from Parse are *SyntaxError, with a line and column for Turtle,
// N-Triples and JSON syntax errors. An unsupported media type gives
// ErrUnsupportedMediaType.
package rdf
