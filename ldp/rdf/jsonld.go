package rdf

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
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
	// No UseNumber: json-gold 0.9.1 then rejects "@version": 1.1. Integers
	// beyond int64 become xsd:double, as they do in json-gold anyway.
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
	expanded, err := ld.NewJsonLdProcessor().Expand(doc, opts)
	if err != nil {
		return nil, jsonldError(err)
	}
	g, err := expandedToRDF(expanded)
	if err != nil {
		return nil, err
	}
	if ctx != nil {
		g.Prefixes = contextPrefixes(ctx, opts)
	}
	return g, nil
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

// writeJSONLD writes triples as expanded JSON-LD (JSON-LD 1.1 API §8.4,
// "Serialize RDF as JSON-LD", without list folding or native types): one
// node object per subject in order of first appearance, absolute IRIs,
// typed literals as {"@value", "@type"}. Expanded form needs no context to
// be read back exactly, and writing it needs no JSON-LD processing, only
// JSON.
//
// json-gold's FromRDF is not used: it panics (index out of range) on a
// valid graph holding a blank node with rdf:rest but no rdf:first, a shape
// any client can PUT as Turtle and then GET as JSON-LD; and it took about
// 4x the time of this writer (see bench_test.go).
func writeJSONLD(b *bytes.Buffer, ts []Triple) error {
	type node struct {
		types []Term
		props []predObjects
	}
	var order []Term
	nodes := make(map[Term]*node)
	for _, t := range ts {
		// A relative IRI would be resolved by the reader, or worse, read as
		// a keyword ("@json") or a blank node ("_:x").
		for _, x := range [...]Term{t.S, t.P, t.O} {
			if l, ok := x.(Literal); ok && l.Datatype != "" {
				x = IRI(l.Datatype)
			}
			if iri, ok := x.(IRI); ok && !hasScheme(string(iri)) {
				return fmt.Errorf("rdf: write json-ld: relative IRI %q", string(iri))
			}
		}
		n := nodes[t.S]
		if n == nil {
			n = new(node)
			nodes[t.S] = n
			order = append(order, t.S)
		}
		p := t.P.(IRI)
		if _, lit := t.O.(Literal); p == RDFType && !lit {
			n.types = append(n.types, t.O)
			continue
		}
		i := slices.IndexFunc(n.props, func(po predObjects) bool { return po.pred == p })
		if i < 0 {
			n.props = append(n.props, predObjects{pred: p})
			i = len(n.props) - 1
		}
		n.props[i].objs = append(n.props[i].objs, t.O)
	}
	labels := make(blankLabels)
	id := func(t Term) string {
		if bn, ok := t.(BlankNode); ok {
			return "_:" + labels.label(bn)
		}
		return string(t.(IRI))
	}
	b.WriteString("[")
	for i, s := range order {
		n := nodes[s]
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n  {\n    \"@id\": ")
		writeJSONString(b, id(s))
		if len(n.types) > 0 {
			b.WriteString(",\n    \"@type\": [")
			for j, t := range n.types {
				if j > 0 {
					b.WriteString(", ")
				}
				writeJSONString(b, id(t))
			}
			b.WriteString("]")
		}
		for _, po := range n.props {
			b.WriteString(",\n    ")
			writeJSONString(b, string(po.pred))
			b.WriteString(": [")
			for j, o := range po.objs {
				if j > 0 {
					b.WriteString(", ")
				}
				switch o := o.(type) {
				case Literal:
					b.WriteString(`{"@value": `)
					writeJSONString(b, o.Value)
					if o.Lang != "" {
						b.WriteString(`, "@language": `)
						writeJSONString(b, o.Lang)
					} else if o.Datatype != "" {
						b.WriteString(`, "@type": `)
						writeJSONString(b, o.Datatype)
					}
				default:
					b.WriteString(`{"@id": `)
					writeJSONString(b, id(o))
				}
				b.WriteString("}")
			}
			b.WriteString("]")
		}
		b.WriteString("\n  }")
	}
	if len(order) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("]\n")
	return nil
}

// writeJSONString writes s as a JSON string. s is valid UTF-8 (Write has
// checked), and HTML characters are left alone, unlike encoding/json.
func writeJSONString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b.WriteString(s[start:i])
		switch c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			fmt.Fprintf(b, `\u%04x`, c)
		}
		start = i + 1
	}
	b.WriteString(s[start:])
	b.WriteByte('"')
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
