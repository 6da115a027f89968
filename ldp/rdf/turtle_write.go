package rdf

import (
	"bytes"
	"cmp"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"
)

// The Turtle writer. Neither library at hand writes readable Turtle:
// knakk/rdf's encoder sorts by subject, declares prefixes in the middle of
// the output as it meets them, and neither relativizes IRIs nor inlines
// blank nodes; rdf2go writes every IRI in full, without prefixes, in the
// random order of a Go map. This writer groups triples by subject (in
// order of first appearance, rdf:type first, written "a"), abbreviates
// IRIs with prefixes or relative to the base, writes blank nodes used once
// inline as [ ... ] and well-formed RDF lists as ( ... ), and uses the
// shorthand for numbers and booleans.

// commonPrefixes are declared in Turtle output when used, unless the graph
// binds the prefix or the namespace otherwise.
var commonPrefixes = []struct{ prefix, ns string }{
	{"acl", "http://www.w3.org/ns/auth/acl#"},
	{"as", "https://www.w3.org/ns/activitystreams#"},
	{"cert", "http://www.w3.org/ns/auth/cert#"},
	{"dcterms", "http://purl.org/dc/terms/"},
	{"foaf", "http://xmlns.com/foaf/0.1/"},
	{"ldp", "http://www.w3.org/ns/ldp#"},
	{"notify", "http://www.w3.org/ns/solid/notifications#"},
	{"owl", "http://www.w3.org/2002/07/owl#"},
	{"pim", "http://www.w3.org/ns/pim/space#"},
	{"rdf", RDFNS},
	{"rdfs", "http://www.w3.org/2000/01/rdf-schema#"},
	{"schema", "http://schema.org/"},
	{"solid", "http://www.w3.org/ns/solid/terms#"},
	{"stat", "http://www.w3.org/ns/posix/stat#"},
	{"vcard", "http://www.w3.org/2006/vcard/ns#"},
	{"xsd", XSDNS},
}

// maxInline is the deepest nesting of [ ] and ( ) that the writer uses.
const maxInline = 32

type nsBinding struct{ prefix, ns string }

type predObjects struct {
	pred IRI
	objs []Term
}

type ttlWriter struct {
	b      *bytes.Buffer
	base   string
	ns     []nsBinding // longest namespace first
	used   map[string]bool
	iris   map[string]string // IRI -> its rendering
	labels blankLabels

	subjects []Term
	props    map[Term][]predObjects
	refs     map[BlankNode]int // uses of each blank node as an object
	done     map[Term]bool     // subjects written, blank nodes inlined
}

func writeTurtle(out *bytes.Buffer, ts []Triple, prefixes map[string]string, base string) {
	w := &ttlWriter{
		b:      new(bytes.Buffer),
		base:   base,
		used:   make(map[string]bool),
		iris:   make(map[string]string),
		labels: make(blankLabels),
		props:  make(map[Term][]predObjects),
		refs:   make(map[BlankNode]int),
		done:   make(map[Term]bool),
	}
	w.b.Grow(len(ts) * 60)
	w.bindPrefixes(prefixes)
	for _, t := range ts {
		pos, ok := w.props[t.S]
		if !ok {
			w.subjects = append(w.subjects, t.S)
		}
		p := t.P.(IRI)
		i := slices.IndexFunc(pos, func(po predObjects) bool { return po.pred == p })
		if i < 0 {
			pos = append(pos, predObjects{pred: p})
			i = len(pos) - 1
		}
		pos[i].objs = append(pos[i].objs, t.O)
		w.props[t.S] = pos
		if b, ok := t.O.(BlankNode); ok {
			w.refs[b]++
		}
	}
	for _, s := range w.subjects {
		if b, ok := s.(BlankNode); ok && w.refs[b] == 1 {
			continue // written inline where it is used
		}
		if !w.done[s] {
			w.subject(s)
		}
	}
	// Blank nodes used once but only from each other (a cycle) are left.
	for _, s := range w.subjects {
		if !w.done[s] {
			w.subject(s)
		}
	}

	// The prefixes are known only now: write them, then the body.
	var decl []nsBinding
	for _, nb := range w.ns {
		if w.used[nb.prefix] || prefixes[nb.prefix] == nb.ns {
			decl = append(decl, nb)
		}
	}
	slices.SortFunc(decl, func(a, b nsBinding) int { return cmp.Compare(a.prefix, b.prefix) })
	for _, nb := range decl {
		out.WriteString("@prefix ")
		out.WriteString(nb.prefix)
		out.WriteString(": ")
		writeIRIRef(out, relativeIRI(base, nb.ns))
		out.WriteString(" .\n")
	}
	if len(decl) > 0 && w.b.Len() > 0 {
		out.WriteByte('\n')
	}
	out.Write(bytes.TrimSuffix(w.b.Bytes(), []byte("\n")))
}

// bindPrefixes chooses the prefixes that output may use.
func (w *ttlWriter) bindPrefixes(prefixes map[string]string) {
	byNS := make(map[string]bool)
	for _, p := range slices.Sorted(maps.Keys(prefixes)) {
		ns := prefixes[p]
		if validPrefix(p) && checkIRI(ns) == nil && hasScheme(ns) && !byNS[ns] {
			w.ns = append(w.ns, nsBinding{p, ns})
			byNS[ns] = true
		}
	}
	for _, c := range commonPrefixes {
		if _, taken := prefixes[c.prefix]; !taken && !byNS[c.ns] {
			w.ns = append(w.ns, nsBinding{c.prefix, c.ns})
		}
	}
	slices.SortFunc(w.ns, func(a, b nsBinding) int {
		if c := cmp.Compare(len(b.ns), len(a.ns)); c != 0 {
			return c
		}
		return cmp.Compare(a.prefix, b.prefix)
	})
}

func (w *ttlWriter) subject(s Term) {
	w.done[s] = true
	switch s := s.(type) {
	case BlankNode:
		if w.refs[s] == 0 {
			w.b.WriteString("[]")
		} else {
			w.b.WriteString("_:")
			w.b.WriteString(w.labels.label(s))
		}
	case IRI:
		w.iri(string(s))
	}
	w.b.WriteByte(' ')
	w.predicateObjectList(s, 1)
	w.b.WriteString(" .\n\n")
}

func (w *ttlWriter) predicateObjectList(s Term, depth int) {
	pos := w.props[s]
	if i := slices.IndexFunc(pos, func(po predObjects) bool { return po.pred == RDFType }); i > 0 {
		pos = slices.Clone(pos)
		t := pos[i]
		copy(pos[1:i+1], pos[:i])
		pos[0] = t
	}
	for i, po := range pos {
		if i > 0 {
			w.b.WriteString(" ;\n")
			w.indent(depth)
		}
		if po.pred == RDFType {
			w.b.WriteByte('a')
		} else {
			w.iri(string(po.pred))
		}
		w.b.WriteByte(' ')
		// Long object lists (container listings) get a line per object.
		long := len(po.objs) > 3
		for j, o := range po.objs {
			switch {
			case j > 0 && long:
				w.b.WriteString(",\n")
				w.indent(depth + 1)
			case j > 0:
				w.b.WriteString(", ")
			}
			w.object(o, depth)
		}
	}
}

func (w *ttlWriter) indent(depth int) {
	for range depth {
		w.b.WriteString("    ")
	}
}

func (w *ttlWriter) object(o Term, depth int) {
	switch o := o.(type) {
	case IRI:
		w.iri(string(o))
	case Literal:
		w.literal(o)
	case BlankNode:
		// Past maxInline the node is labelled and written at top level, so
		// that output stays readable and within the parser's maxDepth.
		if w.refs[o] != 1 || w.done[o] || depth >= maxInline {
			w.b.WriteString("_:")
			w.b.WriteString(w.labels.label(o))
			return
		}
		if items, ok := w.list(o); ok {
			w.b.WriteByte('(')
			for _, it := range items {
				w.b.WriteByte(' ')
				w.object(it, depth+1)
			}
			w.b.WriteString(" )")
			return
		}
		w.done[o] = true
		if len(w.props[o]) == 0 {
			w.b.WriteString("[]")
			return
		}
		w.b.WriteString("[\n")
		w.indent(depth + 1)
		w.predicateObjectList(o, depth+1)
		w.b.WriteByte('\n')
		w.indent(depth)
		w.b.WriteByte(']')
	}
}

// list reports whether head starts a well-formed RDF list that can be
// written as ( ... ): every node a blank node used once, with exactly one
// rdf:first, one rdf:rest and nothing else, ending in rdf:nil. If so it
// marks the nodes done and returns the items.
func (w *ttlWriter) list(head BlankNode) ([]Term, bool) {
	var items []Term
	var nodes []Term
	seen := make(map[BlankNode]bool)
	var node Term = head
	for node != IRI(RDFNil) {
		b, ok := node.(BlankNode)
		if !ok || w.refs[b] != 1 || w.done[b] || seen[b] {
			return nil, false
		}
		seen[b] = true
		pos := w.props[b]
		if len(pos) != 2 || len(pos[0].objs) != 1 || len(pos[1].objs) != 1 {
			return nil, false
		}
		first, rest := pos[0], pos[1]
		if first.pred == RDFRest {
			first, rest = rest, first
		}
		if first.pred != RDFFirst || rest.pred != RDFRest {
			return nil, false
		}
		items = append(items, first.objs[0])
		nodes = append(nodes, b)
		node = rest.objs[0]
	}
	for _, n := range nodes {
		w.done[n] = true
	}
	return items, true
}

func (w *ttlWriter) iri(s string) {
	if r, ok := w.iris[s]; ok {
		w.b.WriteString(r)
		return
	}
	var r string
	for _, nb := range w.ns {
		if strings.HasPrefix(s, nb.ns) && safeLocal(s[len(nb.ns):]) {
			r = nb.prefix + ":" + s[len(nb.ns):]
			w.used[nb.prefix] = true
			break
		}
	}
	if r == "" {
		var b strings.Builder
		writeIRIRef(&b, relativeIRI(w.base, s))
		r = b.String()
	}
	w.iris[s] = r
	w.b.WriteString(r)
}

func (w *ttlWriter) literal(l Literal) {
	bare := false
	switch l.Datatype {
	case XSDInteger:
		bare = isTurtleNumber(l.Value, XSDInteger)
	case XSDDecimal:
		bare = isTurtleNumber(l.Value, XSDDecimal)
	case XSDDouble:
		bare = isTurtleNumber(l.Value, XSDDouble)
	case XSDBoolean:
		bare = l.Value == "true" || l.Value == "false"
	}
	if bare {
		w.b.WriteString(l.Value)
		return
	}
	writeQuoted(w.b, l.Value, true)
	switch {
	case l.Lang != "":
		w.b.WriteByte('@')
		w.b.WriteString(l.Lang)
	case l.Datatype != "":
		w.b.WriteString("^^")
		w.iri(l.Datatype)
	}
}

// isTurtleNumber reports whether s is written in Turtle's INTEGER, DECIMAL
// or DOUBLE production, as named by dt.
func isTurtleNumber(s, dt string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := func() int {
		j := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		return i - j
	}
	intPart := digits()
	switch dt {
	case XSDInteger:
		return intPart > 0 && i == len(s)
	case XSDDecimal:
		if i >= len(s) || s[i] != '.' {
			return false
		}
		i++
		return digits() > 0 && i == len(s)
	}
	frac := 0
	if i < len(s) && s[i] == '.' {
		i++
		frac = digits()
	}
	if intPart+frac == 0 || i >= len(s) || (s[i] != 'e' && s[i] != 'E') {
		return false
	}
	i++
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	return digits() > 0 && i == len(s)
}

// safeLocal reports whether s can follow a prefix as a local name without
// escapes: a conservative subset of PN_LOCAL.
func safeLocal(s string) bool {
	for i, r := range s {
		switch {
		case r == '_' || r < utf8.RuneSelf && isAlnum(byte(r)):
		case (r == '-' || r == '.') && i > 0 && i < len(s)-1:
		case r == '-' && i > 0:
		case r >= utf8.RuneSelf && (isPNCharsURune(r) || i > 0 && isPNCharsRune(r)):
		default:
			return false
		}
	}
	return true
}

// validPrefix reports whether p is a PN_PREFIX or empty.
func validPrefix(p string) bool {
	for i, r := range p {
		switch {
		case i == 0:
			if !isPNCharsBaseRune(r) {
				return false
			}
		case r == '.' && i < len(p)-1:
		case !isPNCharsRune(r):
			return false
		}
	}
	return true
}
