package rdf

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Templates: triple patterns with variables, for the PATCH body parsers of
// ldp/patch (N3 Patch and SPARQL Update). They are read by the Turtle
// parser of turtle.go in a template mode, so that IRIs, prefixed names,
// literals, blank nodes, [ ] and collections mean exactly what they mean
// in a Turtle document. The template mode adds variables (?x, and $x in
// SPARQL), N3's cited formulas { ... }, and the detection of SPARQL
// syntax we do not support (FILTER, property paths, ...).
//
// Inside the parser a variable or a formula is carried by an unexported
// Term (varTerm, formulaTerm); they never leave this package, so the Term
// types callers see stay IRI, BlankNode and Literal.

// TemplateNode is a term of a TemplateTriple. Exactly one of Term, Var and
// Formula is set.
type TemplateNode struct {
	Term    Term   // an RDF term
	Var     string // a variable's name, without the leading '?' or '$'
	Formula int    // N3 only: a cited formula, N3Document.Formulas[Formula-1]
}

// TemplateTriple is a triple pattern: a triple whose terms may be
// variables (or, in N3, formulas).
type TemplateTriple struct {
	S, P, O TemplateNode
}

// N3Document is an N3 document read by ParseN3: its statements outside
// any formula, and the formulas they cite.
type N3Document struct {
	Triples []TemplateTriple
	// Formulas holds the triples of each cited formula { ... }, numbered
	// from 1 in TemplateNode.Formula. A formula may cite other formulas.
	Formulas [][]TemplateTriple
}

// UnsupportedError reports well-formed SPARQL that TemplateReader does not
// support, such as a FILTER or a property path. Line and Col are 1-based,
// Col counting characters.
type UnsupportedError struct {
	Line, Col int
	Construct string // e.g. "FILTER", "property path"
}

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("line %d, column %d: unsupported SPARQL construct: %s", e.Line, e.Col, e.Construct)
}

// templateState is the template mode of a turtleParser.
type templateState struct {
	sparql   bool       // SPARQL: $x variables, no formulas, unsupported constructs reported
	formulas [][]Triple // N3: the cited formulas, by formulaTerm-1
}

// varTerm is a variable inside the template parser.
type varTerm string

// formulaTerm is a cited formula inside the template parser: an index into
// templateState.formulas, plus one.
type formulaTerm int

func (varTerm) term()     {}
func (formulaTerm) term() {}

func (v varTerm) String() string     { return "?" + string(v) }
func (f formulaTerm) String() string { return "{formula " + strconv.Itoa(int(f)) + "}" }

// unsupportedPanic carries an *UnsupportedError like parseError carries a
// *SyntaxError.
type unsupportedPanic struct{ err *UnsupportedError }

// ParseN3 reads an N3 document made of Turtle plus variables (?x) and cited
// formulas ({ ... }), which is what an N3 Patch (Solid Protocol §5.3.1)
// uses. Other N3 syntax (=>, paths, @forAll, ...) is a syntax error.
// Relative IRIs are resolved against base. Malformed input gives a
// *SyntaxError.
func ParseN3(src []byte, base string) (doc *N3Document, err error) {
	p := newTemplateParser(src, base, false)
	err = p.run(func() {
		p.checkUTF8()
		for {
			p.skipWS()
			if p.pos >= len(p.src) {
				break
			}
			p.statement()
		}
	})
	if err != nil {
		return nil, err
	}
	doc = &N3Document{Triples: p.templateTriples(p.g.Triples)}
	doc.Formulas = make([][]TemplateTriple, len(p.tpl.formulas))
	for i, f := range p.tpl.formulas {
		doc.Formulas[i] = p.templateTriples(f)
	}
	return doc, nil
}

// TemplateReader reads the parts of a SPARQL Update request that share
// Turtle's syntax, for a parser of the request's own grammar that drives
// it: the prologue (PREFIX and BASE), keywords, and blocks { ... } of
// triple patterns. Prefixes and base carry over from one call to the next.
// Its methods fail with a *SyntaxError, or an *UnsupportedError for SPARQL
// syntax outside basic graph patterns. A TemplateReader is not safe for
// concurrent use.
type TemplateReader struct {
	p *turtleParser
}

// NewTemplateReader returns a reader of src, resolving relative IRIs
// against base. It fails with a *SyntaxError if src is not UTF-8.
func NewTemplateReader(src []byte, base string) (*TemplateReader, error) {
	p := newTemplateParser(src, base, true)
	if err := p.run(p.checkUTF8); err != nil {
		return nil, err
	}
	return &TemplateReader{p: p}, nil
}

// Offset returns the current byte offset in the source.
func (r *TemplateReader) Offset() int { return r.p.pos }

// Rewind moves back to byte offset off, a value Offset returned.
func (r *TemplateReader) Rewind(off int) { r.p.pos = off }

// Position returns the 1-based line and column (in characters) of byte
// offset off, for error messages.
func (r *TemplateReader) Position(off int) (line, col int) {
	err := r.p.run(func() { r.p.errorAt(off, "") })
	se := err.(*SyntaxError)
	return se.Line, se.Col
}

// Peek skips white space and comments and returns the next byte, or 0 at
// the end of the input.
func (r *TemplateReader) Peek() byte {
	r.p.skipWS()
	return r.p.peek()
}

// Skip consumes one byte.
func (r *TemplateReader) Skip() {
	if r.p.pos < len(r.p.src) {
		r.p.pos++
	}
}

// Keyword skips white space and comments and consumes a word of ASCII
// letters, returning it as written; it returns "" if no letter follows.
func (r *TemplateReader) Keyword() string {
	r.p.skipWS()
	return r.p.scanWhile(isAlpha)
}

// Prologue reads any number of PREFIX and BASE declarations (SPARQL
// syntax, keywords in any case).
func (r *TemplateReader) Prologue() error {
	return r.p.run(func() {
		for {
			r.p.skipWS()
			if c := r.p.peek(); c != 'p' && c != 'P' && c != 'b' && c != 'B' || !r.p.sparqlDirective() {
				return
			}
		}
	})
}

// Block reads a group { ... } of triple patterns: Turtle triples, with
// variables ?x and $x allowed as terms and the final '.' optional.
func (r *TemplateReader) Block() (ts []TemplateTriple, err error) {
	p := r.p
	err = p.run(func() {
		p.expect('{', "to open a block of triples")
		p.g.Triples = p.g.Triples[:0]
		p.templateBlock()
	})
	if err != nil {
		return nil, err
	}
	return p.templateTriples(p.g.Triples), nil
}

func newTemplateParser(src []byte, base string, sparql bool) *turtleParser {
	p := &turtleParser{
		src:      src,
		base:     base,
		prefixes: make(map[string]string),
		g:        &Graph{},
		bnodes:   make(map[string]BlankNode),
		iris:     make(map[string]Term),
		tpl:      &templateState{sparql: sparql},
	}
	p.g.Prefixes = p.prefixes
	return p
}

// run calls f, turning the parser's error panics into errors.
func (p *turtleParser) run(f func()) (err error) {
	defer func() {
		if e := recover(); e != nil {
			switch e := e.(type) {
			case parseError:
				err = e.err
			case unsupportedPanic:
				err = e.err
			default:
				panic(e)
			}
		}
	}()
	f()
	return nil
}

// checkUTF8 rejects invalid UTF-8 and skips a byte order mark.
func (p *turtleParser) checkUTF8() {
	if !utf8.Valid(p.src) {
		for i := 0; i < len(p.src); {
			r, n := utf8.DecodeRune(p.src[i:])
			if r == utf8.RuneError && n == 1 {
				p.errorAt(i, "invalid UTF-8")
			}
			i += n
		}
	}
	if len(p.src) >= 3 && p.src[0] == 0xEF && p.src[1] == 0xBB && p.src[2] == 0xBF {
		p.pos = 3
	}
}

// unsupported stops parsing with an *UnsupportedError at byte offset off.
func (p *turtleParser) unsupported(off int, construct string) {
	err := p.run(func() { p.errorAt(off, "") })
	se := err.(*SyntaxError)
	panic(unsupportedPanic{&UnsupportedError{Line: se.Line, Col: se.Col, Construct: construct}})
}

// templateBlock parses the statements of a formula or SPARQL group, after
// its '{', up to and including its '}'. The final '.' is optional.
func (p *turtleParser) templateBlock() {
	for {
		p.skipWS()
		c := p.peek()
		switch {
		case c == '}':
			p.pos++
			return
		case c == 0:
			p.errorf("expected '}' to close the block, found end of input")
		case p.tpl.sparql:
			p.sparqlGroupCheck()
		case c == '@':
			p.atDirective()
			continue
		case c == 'p' || c == 'P' || c == 'b' || c == 'B':
			if p.sparqlDirective() {
				continue
			}
		}
		p.templateStatement()
		p.skipWS()
		switch p.peek() {
		case '.':
			p.pos++
		case '}':
		default:
			if p.tpl.sparql {
				p.sparqlGroupCheck()
			}
			p.errorf("expected '.' or '}' after the triple, found %s", p.found())
		}
	}
}

// templateStatement parses one subject with its predicate-object list, or a
// blank node property list that may stand alone (as statement does).
func (p *turtleParser) templateStatement() {
	if p.peek() == '[' {
		start := p.pos
		p.pos++
		p.skipWS()
		if p.peek() != ']' {
			b := p.newBlank()
			p.enter()
			p.predicateObjectList(b)
			p.expect(']', "to close the blank node property list")
			p.leave()
			p.skipWS()
			if c := p.peek(); c != '.' && c != '}' {
				p.predicateObjectList(b)
			}
			return
		}
		p.pos = start
	}
	s := p.subject()
	p.predicateObjectList(s)
}

// sparqlKeywords are the SPARQL keywords that can start a graph pattern
// other than a triple, or be found where a triple pattern was expected.
var sparqlKeywords = map[string]string{
	"FILTER": "FILTER", "OPTIONAL": "OPTIONAL", "UNION": "UNION", "MINUS": "MINUS",
	"BIND": "BIND", "VALUES": "VALUES", "SERVICE": "SERVICE", "GRAPH": "GRAPH",
	"SELECT": "subquery (SELECT)", "LATERAL": "LATERAL",
}

// sparqlGroupCheck reports, at a place where a SPARQL group holds a triple
// pattern, the graph patterns we do not support: a keyword such as FILTER
// or GRAPH, or a nested group { ... } (a subquery, a UNION or a plain
// group).
func (p *turtleParser) sparqlGroupCheck() {
	start := p.pos
	switch c := p.peek(); {
	case c == '{':
		p.unsupported(start, p.nestedGroupKind())
	case isAlpha(c):
		n := 0
		for isAlpha(p.peekAt(n)) {
			n++
		}
		if !p.isKeywordEnd(n) {
			return // a prefixed name
		}
		word := strings.ToUpper(string(p.src[start : start+n]))
		if construct, ok := sparqlKeywords[word]; ok {
			p.unsupported(start, construct)
		}
	}
}

// nestedGroupKind names the nested group at the current position for an
// error message: a subquery, the left side of a UNION, or a plain group.
func (p *turtleParser) nestedGroupKind() string {
	i := p.pos + 1
	for i < len(p.src) && (p.src[i] == ' ' || p.src[i] == '\t' || p.src[i] == '\r' || p.src[i] == '\n') {
		i++
	}
	if len(p.src)-i >= 6 && strings.EqualFold(string(p.src[i:i+6]), "select") {
		return "subquery (SELECT)"
	}
	// Find the matching '}', skipping strings, IRIs and comments roughly:
	// this only chooses the wording of the error.
	depth := 0
	for i = p.pos; i < len(p.src); i++ {
		switch c := p.src[i]; c {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				j := i + 1
				for j < len(p.src) && (p.src[j] == ' ' || p.src[j] == '\t' || p.src[j] == '\r' || p.src[j] == '\n') {
					j++
				}
				if len(p.src)-j >= 5 && strings.EqualFold(string(p.src[j:j+5]), "union") {
					return "UNION"
				}
				return "nested group graph pattern"
			}
		case '"', '\'':
			for i++; i < len(p.src) && p.src[i] != c; i++ {
				if p.src[i] == '\\' {
					i++
				}
			}
		case '#':
			for i < len(p.src) && p.src[i] != '\n' {
				i++
			}
		}
	}
	return "nested group graph pattern"
}

// templateSubjectAt reports whether the template mode parses the subject
// starting with c.
func (p *turtleParser) templateSubjectAt(c byte) bool {
	return c == '?' || c == '$' && p.tpl.sparql || c == '{' && !p.tpl.sparql
}

// templatePredicateAt reports whether the template mode parses the
// predicate starting with c: a variable, or the start of a property path.
func (p *turtleParser) templatePredicateAt(c byte) bool {
	return c == '?' || c == '$' && p.tpl.sparql ||
		p.tpl.sparql && (c == '^' || c == '!' || c == '(')
}

// templateObjectAt reports whether the template mode parses the object
// starting with c: a variable, a formula, or what follows the predicate of
// a property path (/, |, ^, *, +, ?).
func (p *turtleParser) templateObjectAt(c byte) bool {
	switch c {
	case '?':
		return true
	case '$':
		return p.tpl.sparql
	case '{':
		return !p.tpl.sparql
	case '/', '|', '^', '*':
		return p.tpl.sparql
	case '+':
		next := p.peekAt(1)
		return p.tpl.sparql && !isDigit(next) && next != '.'
	}
	return false
}

// templateTerm parses a variable or an N3 formula, or reports a SPARQL
// property path, at the current position; what names the position for
// error messages.
func (p *turtleParser) templateTerm(what string) Term {
	start := p.pos
	switch c := p.peek(); c {
	case '?', '$':
		p.pos++
		if name := p.varName(); name != "" {
			return varTerm(name)
		}
		if c == '?' && p.tpl.sparql && what == "an object" {
			p.unsupported(start, "property path") // the modifier in :p? :o
		}
		p.errorAt(start, "expected a variable name after %q", c)
	case '{':
		return p.formula()
	}
	if p.tpl.sparql {
		p.unsupported(start, "property path")
	}
	p.errorf("expected %s, found %s", what, p.found())
	return nil
}

// varName consumes a SPARQL VARNAME (also used for N3 variables) and
// returns it, or "" if none starts here.
func (p *turtleParser) varName() string {
	start := p.pos
	c, n := p.rune()
	if !(isPNCharsURune(c) || '0' <= c && c <= '9') {
		return ""
	}
	p.pos += n
	for {
		c, n := p.rune()
		if c == '-' || !isPNCharsRune(c) {
			break
		}
		p.pos += n
	}
	return string(p.src[start:p.pos])
}

// formula parses an N3 cited formula { ... } and returns its term. Its
// triples go to p.tpl.formulas, not to the enclosing graph or formula.
func (p *turtleParser) formula() Term {
	p.pos++ // {
	p.enter()
	start := len(p.g.Triples)
	p.templateBlock()
	p.leave()
	f := make([]Triple, len(p.g.Triples)-start)
	copy(f, p.g.Triples[start:])
	p.g.Triples = p.g.Triples[:start]
	p.tpl.formulas = append(p.tpl.formulas, f)
	return formulaTerm(len(p.tpl.formulas))
}

func (p *turtleParser) templateTriples(ts []Triple) []TemplateTriple {
	out := make([]TemplateTriple, len(ts))
	for i, t := range ts {
		out[i] = TemplateTriple{S: templateNode(t.S), P: templateNode(t.P), O: templateNode(t.O)}
	}
	return out
}

func templateNode(t Term) TemplateNode {
	switch t := t.(type) {
	case varTerm:
		return TemplateNode{Var: string(t)}
	case formulaTerm:
		return TemplateNode{Formula: int(t)}
	}
	return TemplateNode{Term: t}
}
