package rdf

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/piprate/json-gold/ld"
)

// expandedToRDF turns expanded JSON-LD, as json-gold's Expand returns it,
// into triples: the last step of JSON-LD 1.1 API §8.2 (Deserialize JSON-LD
// to RDF), done on the expanded tree. All JSON-LD semantics (contexts, term
// definitions, IRI and value expansion, containers, @base, @vocab, @nest)
// stay with json-gold; what is left here is a walk over node, value and
// list objects.
//
// json-gold's own ToRDF is not used because its node map generation checks
// every new value against all earlier values of the same property
// (ld.AddValue → ld.HasValue): a property with 4,000 values (130 KB) took
// 614 ms, one with 16,000 values would take about 10 s, and a 50 KB
// document nested 3,000 deep took 2m49s, against 8 ms to expand it.
//
// Differences from §8.2, all refusals with a *SyntaxError rather than
// silent drops: named graphs, @json literals, relative IRIs and IRIs or
// language tags that RDF does not allow. The order of triples follows the
// sorted keys of each node object, so that Parse is deterministic.
func expandedToRDF(expanded []any) (g *Graph, err error) {
	w := &ldWalker{g: &Graph{}, labels: make(map[string]BlankNode)}
	defer func() {
		if e := recover(); e != nil {
			pe, ok := e.(parseError)
			if !ok {
				panic(e)
			}
			g, err = nil, pe.err
		}
	}()
	for _, item := range expanded {
		w.node(w.asMap(item))
	}
	for _, t := range w.g.Triples {
		if err := checkTriple(t); err != nil {
			// Expansion lets through IRIs that RDF forbids, such as ones
			// with spaces; refuse them rather than store what Write refuses.
			w.fail("%s", strings.TrimPrefix(err.Error(), "rdf: write: "))
		}
	}
	return w.g, nil
}

type ldWalker struct {
	g      *Graph
	labels map[string]BlankNode
	next   int
}

func (w *ldWalker) fail(format string, args ...any) {
	panic(parseError{&SyntaxError{Msg: "json-ld: " + truncate(fmt.Sprintf(format, args...), 300)}})
}

func (w *ldWalker) asMap(v any) map[string]any {
	m, ok := v.(map[string]any)
	if !ok {
		w.fail("unexpected %T in expanded document", v)
	}
	return m
}

func (w *ldWalker) asArray(v any) []any {
	a, ok := v.([]any)
	if !ok {
		w.fail("unexpected %T in expanded document", v)
	}
	return a
}

func (w *ldWalker) asString(v any) string {
	s, ok := v.(string)
	if !ok {
		w.fail("unexpected %T in expanded document", v)
	}
	return s
}

func (w *ldWalker) fresh() Term {
	b := BlankNode("b" + strconv.Itoa(w.next))
	w.next++
	return b
}

// resource returns the term for an @id or @type value.
func (w *ldWalker) resource(id string) Term {
	if label, ok := strings.CutPrefix(id, "_:"); ok {
		if b, ok := w.labels[label]; ok {
			return b
		}
		b := w.fresh().(BlankNode)
		w.labels[label] = b
		return b
	}
	if !hasScheme(id) {
		// Not RDF, and Turtle output would resolve it differently.
		w.fail("IRI %q is not absolute", id)
	}
	return IRI(id)
}

// emit adds a triple and returns its index, for objects filled in later.
func (w *ldWalker) emit(s, p, o Term) int {
	w.g.Triples = append(w.g.Triples, Triple{S: s, P: p, O: o})
	return len(w.g.Triples) - 1
}

// node emits the triples of a node object and returns its subject.
func (w *ldWalker) node(m map[string]any) Term {
	if _, ok := m["@graph"]; ok {
		// Expansion has already unwrapped a top-level @graph, so this is a
		// named graph (or a graph object used as a value).
		w.fail("named graphs are not supported: a resource holds one graph")
	}
	var s Term
	if id, ok := m["@id"]; ok {
		s = w.resource(w.asString(id))
	} else {
		s = w.fresh()
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		v := m[k]
		switch k {
		case "@type":
			for _, t := range w.asArray(v) {
				w.emit(s, typeTerm, w.resource(w.asString(t)))
			}
		case "@reverse":
			rev := w.asMap(v)
			for _, prop := range slices.Sorted(maps.Keys(rev)) {
				p, ok := w.predicate(prop)
				if !ok {
					continue
				}
				for _, item := range w.asArray(rev[prop]) {
					w.emit(w.node(w.asMap(item)), p, s)
				}
			}
		case "@included":
			for _, item := range w.asArray(v) {
				w.node(w.asMap(item))
			}
		default:
			if strings.HasPrefix(k, "@") {
				continue // @id, @index and keywords without triples
			}
			p, ok := w.predicate(k)
			if !ok {
				continue
			}
			for _, item := range w.asArray(v) {
				i := w.emit(s, p, nil) // keep the parent's triple first
				w.g.Triples[i].O = w.object(item)
			}
		}
	}
	return s
}

// predicate returns the IRI of a property, or false for a blank node
// property, which only generalized RDF allows (§8.2 step 1.3.2.3).
func (w *ldWalker) predicate(k string) (Term, bool) {
	if strings.HasPrefix(k, "_:") {
		return nil, false
	}
	return w.resource(k), true
}

func (w *ldWalker) object(v any) Term {
	m := w.asMap(v)
	if _, ok := m["@value"]; ok {
		return w.literal(m)
	}
	if l, ok := m["@list"]; ok {
		return w.list(w.asArray(l))
	}
	return w.node(m)
}

// list emits an RDF collection and returns its head (§8.2, List Conversion).
func (w *ldWalker) list(items []any) Term {
	if len(items) == 0 {
		return nilTerm
	}
	head := w.fresh()
	node := head
	for i, item := range items {
		j := w.emit(node, firstTerm, nil)
		w.g.Triples[j].O = w.object(item)
		if i == len(items)-1 {
			w.emit(node, restTerm, nilTerm)
			break
		}
		next := w.fresh()
		w.emit(node, restTerm, next)
		node = next
	}
	return head
}

// literal converts a value object (§8.2, Object to RDF Conversion, with
// rdfDirection unset so @direction is dropped).
func (w *ldWalker) literal(m map[string]any) Term {
	var dt, lang string
	if t, ok := m["@type"]; ok {
		dt = w.asString(t)
	}
	if l, ok := m["@language"]; ok {
		lang = w.asString(l)
	}
	if dt == "@json" {
		w.fail("JSON literals (@json) are not supported")
	}
	var lex string
	switch v := m["@value"].(type) {
	case string:
		lex = v
	case bool:
		lex = strconv.FormatBool(v)
		if dt == "" {
			dt = XSDBoolean
		}
	case float64:
		if v != math.Trunc(v) || math.Abs(v) >= 1e21 || dt == XSDDouble {
			lex = ld.GetCanonicalDouble(v)
			if dt == "" {
				dt = XSDDouble
			}
		} else {
			lex = strconv.FormatFloat(v, 'f', 0, 64)
			if dt == "" {
				dt = XSDInteger
			}
		}
	default:
		w.fail("unexpected @value %T", v)
	}
	if dt != "" && !hasScheme(dt) {
		w.fail("datatype IRI %q is not absolute", dt)
	}
	if lang != "" && dt == "" {
		return Literal{Value: lex, Lang: lang}
	}
	return Literal{Value: lex, Datatype: dt}.canonical()
}
