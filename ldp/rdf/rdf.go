package rdf

import (
	"errors"
	"fmt"
	"strings"
)

// Media types of the serializations this package reads and writes.
const (
	Turtle   = "text/turtle"
	JSONLD   = "application/ld+json"
	NTriples = "application/n-triples"
)

// Namespaces used by the parsers and writers.
const (
	RDFNS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	XSDNS = "http://www.w3.org/2001/XMLSchema#"
)

// IRIs with a meaning of their own in the RDF abstract syntax.
const (
	RDFType       = RDFNS + "type"
	RDFFirst      = RDFNS + "first"
	RDFRest       = RDFNS + "rest"
	RDFNil        = RDFNS + "nil"
	RDFLangString = RDFNS + "langString"
	XSDString     = XSDNS + "string"
	XSDInteger    = XSDNS + "integer"
	XSDDecimal    = XSDNS + "decimal"
	XSDDouble     = XSDNS + "double"
	XSDBoolean    = XSDNS + "boolean"
)

// ErrUnsupportedMediaType is returned by Parse and Write for a media type
// that MediaType does not accept.
var ErrUnsupportedMediaType = errors.New("rdf: unsupported media type")

// Term is an RDF term: an IRI, a BlankNode or a Literal. The set of
// implementations is closed.
type Term interface {
	// String returns the term in N-Triples syntax, e.g. <http://a/b>,
	// _:b0 or "chat"@fr. It is meant for debugging and map keys.
	String() string
	term()
}

// IRI is an IRI term. Parse always returns absolute IRIs when it is given
// an absolute base.
type IRI string

// BlankNode is a blank node; its value is the label without "_:". Labels
// only distinguish blank nodes within one graph.
type BlankNode string

// Literal is a literal term. Datatype "" means xsd:string; when Lang is set
// the datatype is rdf:langString and Datatype is "".
type Literal struct {
	Value    string
	Lang     string
	Datatype string
}

func (IRI) term()       {}
func (BlankNode) term() {}
func (Literal) term()   {}

// String implements Term.
func (i IRI) String() string {
	var b strings.Builder
	writeIRIRef(&b, string(i))
	return b.String()
}

// String implements Term.
func (n BlankNode) String() string { return "_:" + string(n) }

// String implements Term.
func (l Literal) String() string {
	var b strings.Builder
	writeNTLiteral(&b, l)
	return b.String()
}

// canonical returns l with the datatype spelt as the writers spell it:
// "" for xsd:string and for language-tagged strings.
func (l Literal) canonical() Literal {
	if l.Lang != "" || l.Datatype == XSDString {
		l.Datatype = ""
	}
	return l
}

// Triple is an RDF triple. S is an IRI or a BlankNode, P an IRI.
type Triple struct {
	S, P, O Term
}

// String returns the triple as an N-Triples line without the newline.
func (t Triple) String() string {
	return fmt.Sprintf("%v %v %v .", t.S, t.P, t.O)
}

// Graph is an RDF graph. The zero value is an empty graph ready to use.
//
// Prefixes maps a prefix (without the colon) to its namespace IRI. Parse
// fills it from the Turtle @prefix/PREFIX directives (and from simple
// JSON-LD context terms); Write uses it, with the common Solid namespaces,
// to abbreviate Turtle output.
type Graph struct {
	Triples  []Triple
	Prefixes map[string]string
}

// Add appends the triple (s, p, o) to g.
func (g *Graph) Add(s, p, o Term) {
	g.Triples = append(g.Triples, Triple{S: s, P: p, O: o})
}

// MediaType normalizes a Content-Type value, e.g. "text/turtle;
// charset=utf-8" to "text/turtle", and reports whether it is one that Parse
// and Write accept: Turtle, JSONLD or NTriples.
//
// "application/json" is deliberately not JSON-LD here: plain JSON has no
// context, so reading it as JSON-LD would silently drop all its data. An
// application/json resource is stored as it is, not as an RDF source.
// "text/n3" is not accepted either: N3 is for patches, not documents.
func MediaType(contentType string) (string, bool) {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	switch mt {
	case Turtle, JSONLD, NTriples:
		return mt, true
	}
	return mt, false
}

// SyntaxError describes malformed input to Parse. Line and Col are
// 1-based (Col counts characters, not bytes); both are 0 when the
// position is unknown, as for most JSON-LD processing errors.
type SyntaxError struct {
	Line, Col int
	Msg       string
}

func (e *SyntaxError) Error() string {
	if e.Line == 0 {
		return e.Msg
	}
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Col, e.Msg)
}
