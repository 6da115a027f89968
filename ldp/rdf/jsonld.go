package rdf

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/piprate/json-gold/ld"
)

// JSON-LD goes through github.com/piprate/json-gold, a complete JSON-LD 1.1
// processor. Neither knakk/rdf (no JSON-LD at all) nor rdf2go (through the
// unmaintained linkeddata/gojsonld, last changed in 2017) is fit for it.

// noRemoteLoader is the json-gold DocumentLoader for all processing here.
// It refuses every URL: a remote @context or @import would make the server
// fetch a URL chosen by the client (SSRF), and would make parsing depend on
// a third party being up.
type noRemoteLoader struct{}

func (noRemoteLoader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	return nil, &SyntaxError{Msg: fmt.Sprintf("json-ld: remote context %q is not allowed; inline the context in the document", truncate(u, 200))}
}

func jsonldOptions(base string) *ld.JsonLdOptions {
	opts := ld.NewJsonLdOptions(base)
	opts.DocumentLoader = noRemoteLoader{}
	opts.ProcessingMode = ld.JsonLd_1_1
	opts.ProduceGeneralizedRdf = false
	return opts
}

func parseJSONLD(src []byte, base string) (*Graph, error) {
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber() // keep the lexical form of big integers
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, jsonSyntaxError(src, err)
	}
	rest := int(dec.InputOffset())
	for rest < len(src) && strings.IndexByte(" \t\r\n", src[rest]) >= 0 {
		rest++
	}
	if rest < len(src) {
		return nil, posError(src, rest, "json: unexpected data after the top-level value")
	}
	var ctx any
	switch d := doc.(type) {
	case map[string]any:
		ctx = d["@context"]
	case []any:
	default:
		// A bare string would even be taken by json-gold as a URL to load.
		return nil, &SyntaxError{Msg: "json-ld: the document must be a JSON object or array"}
	}

	opts := jsonldOptions(base)
	res, err := ld.NewJsonLdProcessor().ToRDF(doc, opts)
	if err != nil {
		return nil, jsonldError(err)
	}
	ds, ok := res.(*ld.RDFDataset)
	if !ok {
		return nil, fmt.Errorf("rdf: json-ld: unexpected result %T", res)
	}
	g := &Graph{}
	for name, quads := range ds.Graphs {
		if name != "@default" && len(quads) > 0 {
			return nil, &SyntaxError{Msg: fmt.Sprintf("json-ld: named graph %q is not supported: a resource holds one graph", truncate(name, 200))}
		}
	}
	quads := ds.Graphs["@default"]
	g.Triples = make([]Triple, 0, len(quads))
	for _, q := range quads {
		s, p, o := fromLDNode(q.Subject), fromLDNode(q.Predicate), fromLDNode(q.Object)
		if s == nil || p == nil || o == nil {
			continue // json-gold keeps no such quads; be safe anyway
		}
		if _, lit := s.(Literal); lit {
			continue
		}
		if _, iri := p.(IRI); !iri {
			continue
		}
		g.Triples = append(g.Triples, Triple{S: s, P: p, O: o})
	}
	if ctx != nil {
		g.Prefixes = contextPrefixes(ctx, opts)
	}
	return g, nil
}

func fromLDNode(n ld.Node) Term {
	switch n := n.(type) {
	case ld.IRI:
		return IRI(n.Value)
	case ld.BlankNode:
		return BlankNode(strings.TrimPrefix(n.Attribute, "_:"))
	case ld.Literal:
		l := Literal{Value: n.Value, Lang: n.Language, Datatype: n.Datatype}
		return l.canonical()
	}
	return nil
}

// contextPrefixes returns the terms of a document's context that look like
// namespace prefixes, so that Turtle output can reuse them.
func contextPrefixes(ctx any, opts *ld.JsonLdOptions) map[string]string {
	ds := ld.NewRDFDataset()
	if err := ds.ParseContext(ctx, opts); err != nil {
		return nil
	}
	var out map[string]string
	for p, ns := range ds.GetNamespaces() {
		if p == "" || !validPrefix(p) || !hasScheme(ns) || checkIRI(ns) != nil ||
			!strings.HasSuffix(ns, "/") && !strings.HasSuffix(ns, "#") {
			continue
		}
		if out == nil {
			out = make(map[string]string)
		}
		out[p] = ns
	}
	return out
}

// writeJSONLD writes triples as expanded JSON-LD (one node object per
// subject, absolute IRIs, typed literals kept as {"@value", "@type"}), the
// form that needs no context to be read back exactly.
func writeJSONLD(b *bytes.Buffer, ts []Triple) error {
	ds := ld.NewRDFDataset()
	labels := make(blankLabels)
	quads := make([]*ld.Quad, 0, len(ts))
	for _, t := range ts {
		quads = append(quads, &ld.Quad{
			Subject:   toLDNode(t.S, labels),
			Predicate: toLDNode(t.P, labels),
			Object:    toLDNode(t.O, labels),
		})
	}
	ds.Graphs["@default"] = quads
	opts := jsonldOptions("")
	out, err := ld.NewJsonLdApi().FromRDF(ds, opts)
	if err != nil {
		return fmt.Errorf("rdf: write json-ld: %w", err)
	}
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("rdf: write json-ld: %w", err)
	}
	return nil
}

func toLDNode(t Term, labels blankLabels) ld.Node {
	switch t := t.(type) {
	case IRI:
		return ld.NewIRI(string(t))
	case BlankNode:
		return ld.NewBlankNode("_:" + labels.label(t))
	case Literal:
		switch {
		case t.Lang != "":
			return ld.NewLiteral(t.Value, RDFLangString, t.Lang)
		case t.Datatype == "":
			return ld.NewLiteral(t.Value, XSDString, "")
		}
		return ld.NewLiteral(t.Value, t.Datatype, "")
	}
	return nil
}

// jsonSyntaxError turns an encoding/json error into a *SyntaxError.
func jsonSyntaxError(src []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		// Offset counts the bytes read, including the offending one.
		return posError(src, int(se.Offset)-1, "json: "+se.Error())
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return posError(src, len(src), "json: unexpected end of input")
	}
	return &SyntaxError{Msg: "json: " + err.Error()}
}

// posError returns a *SyntaxError at byte offset off of src.
func posError(src []byte, off int, msg string) *SyntaxError {
	off = min(max(off, 0), len(src))
	line, lineStart := 1, 0
	for i := 0; i < off; i++ {
		if src[i] == '\n' {
			line++
			lineStart = i + 1
		}
	}
	return &SyntaxError{Line: line, Col: utf8.RuneCount(src[lineStart:off]) + 1, Msg: msg}
}

// jsonldError turns a json-gold error into a *SyntaxError; our own loader's
// refusal passes through as it is.
func jsonldError(err error) error {
	var se *SyntaxError
	if errors.As(err, &se) {
		return se
	}
	return &SyntaxError{Msg: "json-ld: " + truncate(err.Error(), 300)}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "..."
}
