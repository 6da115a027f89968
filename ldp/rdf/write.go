package rdf

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Write serializes g to w in the given media type (a Content-Type value;
// parameters are ignored); a nil g is an empty graph. The graph is written as a set: duplicate
// triples are written once, and blank nodes are relabelled b0, b1, ...
//
// When base is not empty, Turtle output writes IRIs at or below base
// relative to it (<>, <#me>, <child>), as a reader resolving against the
// document's own URL expects; N-Triples and JSON-LD output are always
// absolute. Turtle output declares the prefixes of g.Prefixes and those of
// the common Solid vocabularies it uses.
//
// Write returns an error, and writes nothing, if g is not a valid RDF
// graph: a nil term, a subject that is a literal, a predicate that is not
// an IRI, or an IRI with characters RFC 3987 forbids (spaces, <>"{}|^`\
// and controls) or a '%' not followed by two hex digits. A media type that MediaType does not accept gives an
// error wrapping ErrUnsupportedMediaType.
func Write(w io.Writer, g *Graph, mediaType, base string) error {
	mt, ok := MediaType(mediaType)
	if !ok {
		return fmt.Errorf("%w: %q", ErrUnsupportedMediaType, mediaType)
	}
	if g == nil {
		g = &Graph{}
	}
	ts, err := uniqueTriples(g)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.Grow(len(ts) * 80)
	switch mt {
	case Turtle:
		writeTurtle(&buf, ts, g.Prefixes, base)
	case NTriples:
		writeNTriples(&buf, ts)
	default:
		if err := writeJSONLD(&buf, ts); err != nil {
			return err
		}
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("rdf: write: %w", err)
	}
	return nil
}

// uniqueTriples checks the triples of g and returns them without
// duplicates, literals in canonical form, in their original order.
func uniqueTriples(g *Graph) ([]Triple, error) {
	seen := make(map[Triple]struct{}, len(g.Triples))
	out := make([]Triple, 0, len(g.Triples))
	for _, t := range g.Triples {
		if err := checkTriple(t); err != nil {
			return nil, err
		}
		if l, ok := t.O.(Literal); ok {
			t.O = l.canonical()
		}
		if _, dup := seen[t]; dup {
			continue
		}
		seen[t] = struct{}{}
		out = append(out, t)
	}
	return out, nil
}

func checkTriple(t Triple) error {
	switch s := t.S.(type) {
	case IRI:
		if err := checkIRI(string(s)); err != nil {
			return err
		}
	case BlankNode:
	default:
		return fmt.Errorf("rdf: write: invalid subject %v in %v", t.S, t)
	}
	p, ok := t.P.(IRI)
	if !ok {
		return fmt.Errorf("rdf: write: invalid predicate %v in %v", t.P, t)
	}
	if err := checkIRI(string(p)); err != nil {
		return err
	}
	switch o := t.O.(type) {
	case IRI:
		return checkIRI(string(o))
	case BlankNode:
	case Literal:
		if !utf8.ValidString(o.Value) {
			return fmt.Errorf("rdf: write: invalid UTF-8 in literal %q", o.Value)
		}
		if o.Lang != "" && !validLang(o.Lang) {
			return fmt.Errorf("rdf: write: invalid language tag %q", o.Lang)
		}
		if o.Datatype != "" {
			return checkIRI(o.Datatype)
		}
	default:
		return fmt.Errorf("rdf: write: invalid object %v", t.O)
	}
	return nil
}

// iriForbidden marks the bytes an IRI may not hold (RFC 3987 §2.2, as the
// IRIREF production of Turtle spells it).
var iriForbidden = func() (t [256]bool) {
	for c := 0; c <= 0x20; c++ {
		t[c] = true
	}
	for _, c := range []byte("<>\"{}|^`\\\x7f") {
		t[c] = true
	}
	return t
}()

func checkIRI(s string) error {
	for i := 0; i < len(s); i++ {
		if c := s[i]; iriForbidden[c] {
			return fmt.Errorf("rdf: write: invalid character %q in IRI %q", c, s)
		}
	}
	if !utf8.ValidString(s) {
		return fmt.Errorf("rdf: write: invalid UTF-8 in IRI %q", s)
	}
	if !validPercent(s) {
		return fmt.Errorf("rdf: write: invalid %%-encoding in IRI %q", s)
	}
	return nil
}

// validLang reports whether s matches the LANGTAG production of Turtle.
func validLang(s string) bool {
	first := true
	for part := range strings.SplitSeq(s, "-") {
		if part == "" {
			return false
		}
		for i := 0; i < len(part); i++ {
			if !isAlpha(part[i]) && (first || !isDigit(part[i])) {
				return false
			}
		}
		first = false
	}
	return true
}

// blankLabels gives blank nodes the labels b0, b1, ... in order of first
// use, so that output never depends on the labels of the input.
type blankLabels map[BlankNode]string

func (m blankLabels) label(b BlankNode) string {
	if l, ok := m[b]; ok {
		return l
	}
	l := "b" + strconv.Itoa(len(m))
	m[b] = l
	return l
}

// writeNTriples writes triples as N-Triples (https://www.w3.org/TR/n-triples/).
func writeNTriples(b *bytes.Buffer, ts []Triple) {
	labels := make(blankLabels)
	for _, t := range ts {
		writeNTTerm(b, t.S, labels)
		b.WriteByte(' ')
		writeNTTerm(b, t.P, labels)
		b.WriteByte(' ')
		writeNTTerm(b, t.O, labels)
		b.WriteString(" .\n")
	}
}

func writeNTTerm(b *bytes.Buffer, t Term, labels blankLabels) {
	switch t := t.(type) {
	case IRI:
		writeIRIRef(b, string(t))
	case BlankNode:
		b.WriteString("_:")
		b.WriteString(labels.label(t))
	case Literal:
		writeNTLiteral(b, t)
	}
}

type byteWriter interface {
	io.Writer
	io.ByteWriter
	io.StringWriter
	WriteRune(rune) (int, error)
}

// writeIRIRef writes <s>, escaping the characters an IRIREF cannot hold.
// Write has already refused such IRIs; String uses the escapes.
func writeIRIRef(b byteWriter, s string) {
	b.WriteByte('<')
	start := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; iriForbidden[c] {
			b.WriteString(s[start:i])
			fmt.Fprintf(b, "\\u%04X", c)
			start = i + 1
		}
	}
	b.WriteString(s[start:])
	b.WriteByte('>')
}

func writeNTLiteral(b byteWriter, l Literal) {
	writeQuoted(b, l.Value, false)
	l = l.canonical()
	switch {
	case l.Lang != "":
		b.WriteByte('@')
		b.WriteString(l.Lang)
	case l.Datatype != "":
		b.WriteString("^^")
		writeIRIRef(b, l.Datatype)
	}
}

// writeQuoted writes s as a string literal: "..." with escapes, or, when
// long is set and s has a line break, """...""" keeping the line breaks.
func writeQuoted(b byteWriter, s string, long bool) {
	long = long && strings.IndexByte(s, '\n') >= 0
	if long {
		b.WriteString(`"""`)
	} else {
		b.WriteByte('"')
	}
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		var esc string
		switch {
		case c == '"':
			esc = `\"`
		case c == '\\':
			esc = `\\`
		case c == '\n':
			if long {
				continue
			}
			esc = `\n`
		case c == '\r':
			esc = `\r`
		case c == '\t':
			esc = `\t`
		case c < 0x20 || c == 0x7f:
			esc = fmt.Sprintf(`\u%04X`, c)
		default:
			continue
		}
		b.WriteString(s[start:i])
		b.WriteString(esc)
		start = i + 1
	}
	b.WriteString(s[start:])
	if long {
		b.WriteString(`"""`)
	} else {
		b.WriteByte('"')
	}
}
