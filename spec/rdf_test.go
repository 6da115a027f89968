package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"testing"

	"github.com/knakk/rdf"
	jsonld "github.com/linkeddata/gojsonld"
)

// The tests read RDF with parsers that Seedpod does not use for serving
// (knakk/rdf for Turtle and N-Triples), so that a bug in the server's codec
// does not hide itself.

// A term is an RDF term: an IRI, a blank node or a literal.
type term struct {
	kind     byte // 'i' IRI, 'b' blank node, 'l' literal
	value    string
	datatype string // literals only
	lang     string // literals only
}

func (x term) String() string {
	switch x.kind {
	case 'i':
		return "<" + x.value + ">"
	case 'b':
		return "_:" + x.value
	}
	s := fmt.Sprintf("%q", x.value)
	if x.lang != "" {
		return s + "@" + x.lang
	}
	if x.datatype != "" {
		return s + "^^<" + x.datatype + ">"
	}
	return s
}

type triple struct{ s, p, o term }

func (tr triple) String() string { return fmt.Sprintf("%s %s %s .", tr.s, tr.p, tr.o) }

// A graph is a list of triples.
type graph []triple

func (g graph) String() string {
	var b strings.Builder
	for _, tr := range g {
		b.WriteString(tr.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// objects returns the objects of triples with IRI subject s and predicate p.
func (g graph) objects(s, p string) []term {
	var out []term
	for _, tr := range g {
		if tr.s.kind == 'i' && tr.s.value == s && tr.p.value == p {
			out = append(out, tr.o)
		}
	}
	return out
}

// hasIRI reports whether g holds the triple <s> <p> <o>.
func (g graph) hasIRI(s, p, o string) bool {
	for _, x := range g.objects(s, p) {
		if x.kind == 'i' && x.value == o {
			return true
		}
	}
	return false
}

// literal returns the single literal object of <s> <p>, or false.
func (g graph) literal(s, p string) (term, bool) {
	var found []term
	for _, x := range g.objects(s, p) {
		if x.kind == 'l' {
			found = append(found, x)
		}
	}
	if len(found) != 1 {
		return term{}, false
	}
	return found[0], true
}

// parseRDF parses an RDF document of the given Content-Type, resolving
// relative IRIs against base.
func parseRDF(body []byte, contentType, base string) (graph, error) {
	mt := strings.ToLower(strings.TrimSpace(strings.Split(contentType, ";")[0]))
	baseURL, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	switch mt {
	case "text/turtle":
		return parseKnakk(body, rdf.Turtle, baseURL)
	case "application/n-triples":
		return parseKnakk(body, rdf.NTriples, baseURL)
	case "application/ld+json":
		return parseJSONLD(body, base)
	}
	return nil, fmt.Errorf("no parser for %q", contentType)
}

func parseKnakk(body []byte, f rdf.Format, base *url.URL) (graph, error) {
	// knakk/rdf resolves relative IRIs by concatenation; parse with an empty
	// base and resolve with net/url instead.
	dec := rdf.NewTripleDecoder(bytes.NewReader(body), f)
	var g graph
	for {
		tr, err := dec.Decode()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return g, nil
			}
			return g, err
		}
		g = append(g, triple{
			s: knakkTerm(tr.Subj, base),
			p: knakkTerm(tr.Pred, base),
			o: knakkTerm(tr.Obj, base),
		})
	}
}

func knakkTerm(x rdf.Term, base *url.URL) term {
	switch x.Type() {
	case rdf.TermIRI:
		return term{kind: 'i', value: resolve(base, x.String())}
	case rdf.TermBlank:
		return term{kind: 'b', value: x.String()}
	}
	l := x.(rdf.Literal)
	dt := l.DataType.String()
	if l.Lang() != "" {
		dt = ""
	}
	return term{kind: 'l', value: l.String(), datatype: dt, lang: l.Lang()}
}

func resolve(base *url.URL, ref string) string {
	u, err := base.Parse(ref)
	if err != nil {
		return ref
	}
	return u.String()
}

func parseJSONLD(body []byte, base string) (graph, error) {
	var doc any
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("JSON-LD: %v", err)
	}
	// The suite never fetches remote contexts: tests talk to loopback only.
	if remote := remoteContext(doc); remote != "" {
		return nil, fmt.Errorf("JSON-LD: remote @context %q cannot be loaded by the test suite", remote)
	}
	opts := jsonld.NewOptions(base)
	opts.DocumentLoader = &jsonld.DocumentLoader{}
	ds, err := jsonld.ToRDF(doc, opts)
	if err != nil {
		return nil, fmt.Errorf("JSON-LD: %v", err)
	}
	var g graph
	for _, tr := range ds.Graphs["@default"] {
		g = append(g, triple{s: jsonldTerm(tr.Subject), p: jsonldTerm(tr.Predicate), o: jsonldTerm(tr.Object)})
	}
	return g, nil
}

func remoteContext(v any) string {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if k == "@context" {
				if s := contextURL(e); s != "" {
					return s
				}
			}
			if s := remoteContext(e); s != "" {
				return s
			}
		}
	case []any:
		for _, e := range v {
			if s := remoteContext(e); s != "" {
				return s
			}
		}
	}
	return ""
}

func contextURL(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []any:
		for _, e := range v {
			if s, ok := e.(string); ok {
				return s
			}
		}
	}
	return ""
}

func jsonldTerm(x jsonld.Term) term {
	switch x := x.(type) {
	case *jsonld.Resource:
		return term{kind: 'i', value: x.URI}
	case *jsonld.BlankNode:
		return term{kind: 'b', value: x.ID}
	case *jsonld.Literal:
		t := term{kind: 'l', value: x.Value, lang: x.Language}
		if x.Datatype != nil && x.Language == "" {
			t.datatype = x.Datatype.RawValue()
		}
		return t
	}
	return term{kind: 'l', value: fmt.Sprint(x)}
}

// getGraph fetches u with the given Accept header, requires 200 and an RDF
// Content-Type, and parses the body against u.
func (s *target) getGraph(t testing.TB, u, accept string) (graph, *response) {
	t.Helper()
	var h []string
	if accept != "" {
		h = []string{"Accept", accept}
	}
	r := s.mustGet(t, u, h...)
	g, err := parseRDF(r.body, r.Header.Get("Content-Type"), u)
	if err != nil {
		t.Fatalf("%s: parsing %s body: %v\n%s", r, r.Header.Get("Content-Type"), err, r.body)
	}
	return g, r
}
