package rdf

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The Turtle and N-Triples parser: recursive descent over the whole input,
// following the grammar of RDF 1.1 Turtle (https://www.w3.org/TR/turtle/
// §6.5) and N-Triples (https://www.w3.org/TR/n-triples/ §7). N-Triples is
// parsed by the same code with the Turtle-only productions turned off.

// maxDepth bounds the nesting of [ ] and ( ) so that hostile input cannot
// grow the stack without limit.
const maxDepth = 1000

// parseError carries a *SyntaxError through panics inside the parser; it is
// recovered in parseTurtle and nowhere else. Panics of any other type are
// bugs and are not recovered.
type parseError struct{ err *SyntaxError }

type turtleParser struct {
	src []byte
	pos int
	nt  bool // N-Triples: no directives, prefixed names, [ ], ( ) or shorthand literals

	base     string
	prefixes map[string]string
	g        *Graph
	depth    int

	bnodes map[string]BlankNode // document label -> graph label
	nextID int

	// iris caches IRI terms by their source text, so that a repeated IRI
	// costs neither a string nor an interface allocation. It depends on the
	// base and prefixes and is cleared when a directive changes them.
	iris map[string]Term

	tpl *templateState // template mode (template.go): variables, N3 formulas
}

func parseTurtle(src []byte, base string, nt bool) (g *Graph, err error) {
	p := &turtleParser{
		src:    src,
		nt:     nt,
		base:   base,
		g:      &Graph{Triples: make([]Triple, 0, len(src)/64+1)},
		bnodes: make(map[string]BlankNode),
		iris:   make(map[string]Term),
	}
	if !nt {
		p.prefixes = make(map[string]string)
		p.g.Prefixes = p.prefixes
	}
	defer func() {
		if e := recover(); e != nil {
			pe, ok := e.(parseError)
			if !ok {
				panic(e)
			}
			g, err = nil, pe.err
		}
	}()
	if !utf8.Valid(src) {
		for i := 0; i < len(src); {
			r, n := utf8.DecodeRune(src[i:])
			if r == utf8.RuneError && n == 1 {
				p.errorAt(i, "invalid UTF-8")
			}
			i += n
		}
	}
	if len(src) >= 3 && src[0] == 0xEF && src[1] == 0xBB && src[2] == 0xBF {
		p.pos = 3 // byte order mark
	}
	for {
		p.skipWS()
		if p.pos >= len(p.src) {
			break
		}
		p.statement()
	}
	return p.g, nil
}

// errorAt stops parsing with a *SyntaxError at byte offset off.
func (p *turtleParser) errorAt(off int, format string, args ...any) {
	if off > len(p.src) {
		off = len(p.src)
	}
	line, col := 1, 1
	lineStart := 0
	for i := 0; i < off; i++ {
		if p.src[i] == '\n' {
			line++
			lineStart = i + 1
		}
	}
	col += utf8.RuneCount(p.src[lineStart:off])
	panic(parseError{&SyntaxError{Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}})
}

func (p *turtleParser) errorf(format string, args ...any) {
	p.errorAt(p.pos, format, args...)
}

// found describes the input at the current position for error messages.
func (p *turtleParser) found() string {
	if p.pos >= len(p.src) {
		return "end of input"
	}
	r, _ := utf8.DecodeRune(p.src[p.pos:])
	return strconv.QuoteRune(r)
}

func (p *turtleParser) peek() byte {
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}
	return 0
}

func (p *turtleParser) peekAt(i int) byte {
	if p.pos+i < len(p.src) {
		return p.src[p.pos+i]
	}
	return 0
}

func (p *turtleParser) skipWS() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ', '\t', '\r', '\n':
			p.pos++
		case '#':
			for p.pos < len(p.src) && p.src[p.pos] != '\n' && p.src[p.pos] != '\r' {
				p.pos++
			}
		default:
			return
		}
	}
}

func (p *turtleParser) expect(c byte, what string) {
	p.skipWS()
	if p.peek() != c {
		p.errorf("expected %q %s, found %s", c, what, p.found())
	}
	p.pos++
}

func (p *turtleParser) emit(s, pr, o Term) {
	p.g.Triples = append(p.g.Triples, Triple{S: s, P: pr, O: o})
}

func (p *turtleParser) statement() {
	if p.nt {
		s := p.subject()
		p.skipWS()
		pr := p.predicate()
		p.skipWS()
		o := p.object(s, pr)
		p.emit(s, pr, o)
		p.expect('.', "at the end of the triple")
		return
	}
	switch c := p.peek(); {
	case c == '@':
		p.atDirective()
		return
	case c == 'p' || c == 'P' || c == 'b' || c == 'B':
		if p.sparqlDirective() {
			return
		}
	case c == '[':
		// A blank node property list may stand alone as a statement.
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
			if p.peek() != '.' {
				p.predicateObjectList(b)
			}
			p.expect('.', "at the end of the statement")
			return
		}
		p.pos = start
	}
	s := p.subject()
	p.predicateObjectList(s)
	p.expect('.', "at the end of the statement")
}

// atDirective parses @prefix and @base.
func (p *turtleParser) atDirective() {
	start := p.pos
	p.pos++
	name := p.scanWhile(isAlpha)
	switch name {
	case "prefix":
		p.prefixDirective()
	case "base":
		p.baseDirective()
	default:
		p.errorAt(start, "unknown directive @%s", name)
	}
	p.expect('.', "after the directive")
}

// sparqlDirective parses PREFIX and BASE (case-insensitive, no final '.')
// and reports whether there was one.
func (p *turtleParser) sparqlDirective() bool {
	start := p.pos
	name := p.scanWhile(isAlpha)
	next := p.peek()
	if next != ' ' && next != '\t' && next != '\r' && next != '\n' && next != '<' && next != '#' {
		p.pos = start
		return false
	}
	switch {
	case strings.EqualFold(name, "prefix") && next != '<':
		p.prefixDirective()
	case strings.EqualFold(name, "base"):
		p.baseDirective()
	default:
		p.pos = start
		return false
	}
	return true
}

func (p *turtleParser) prefixDirective() {
	p.skipWS()
	prefix := p.scanPrefixName()
	if p.peek() != ':' {
		p.errorf("expected a prefix name ending in ':', found %s", p.found())
	}
	p.pos++
	p.skipWS()
	if p.peek() != '<' {
		p.errorf("expected an IRI in <> for prefix %q, found %s", prefix, p.found())
	}
	ns := p.iriRef()
	if _, ok := p.prefixes[prefix]; ok {
		clear(p.iris) // cached prefixed names may use the old namespace
	}
	p.prefixes[prefix] = ns
}

func (p *turtleParser) baseDirective() {
	p.skipWS()
	if p.peek() != '<' {
		p.errorf("expected an IRI in <> after base, found %s", p.found())
	}
	p.base = p.iriRef()
	clear(p.iris)
}

func (p *turtleParser) scanWhile(f func(byte) bool) string {
	start := p.pos
	for p.pos < len(p.src) && f(p.src[p.pos]) {
		p.pos++
	}
	return string(p.src[start:p.pos])
}

func (p *turtleParser) subject() Term {
	p.skipWS()
	switch c := p.peek(); {
	case p.tpl != nil && p.templateSubjectAt(c):
		return p.templateTerm("a subject")
	case c == '<':
		return p.iriTerm()
	case c == '_' && p.peekAt(1) == ':':
		return p.blankLabel()
	case c == '[' && !p.nt:
		p.pos++
		p.skipWS()
		if p.peek() != ']' {
			p.errorf("expected ']': a blank node property list as subject must stand alone or be empty")
		}
		p.pos++
		return p.newBlank()
	case c == '(' && !p.nt:
		return p.collection()
	case !p.nt && (c == ':' || c >= 0x80 || isAlpha(c)):
		return p.prefixedName()
	}
	p.errorf("expected a subject, found %s", p.found())
	return nil
}

func (p *turtleParser) predicate() Term {
	p.skipWS()
	switch c := p.peek(); {
	case p.tpl != nil && p.templatePredicateAt(c):
		return p.templateTerm("a predicate")
	case c == '<':
		return p.iriTerm()
	case p.nt:
	case c == 'a' && p.isKeywordEnd(1):
		p.pos++
		return typeTerm
	case c == ':' || c >= 0x80 || isAlpha(c):
		return p.prefixedName()
	}
	p.errorf("expected a predicate, found %s", p.found())
	return nil
}

var typeTerm Term = IRI(RDFType)

// isKeywordEnd reports whether a keyword of length n at the current
// position ends there (rather than being the start of a prefixed name).
func (p *turtleParser) isKeywordEnd(n int) bool {
	c := p.peekAt(n)
	return !(c == ':' || c == '.' && isPNChars(p.peekAt(n+1)) || isPNChars(c))
}

func (p *turtleParser) predicateObjectList(s Term) {
	for {
		pr := p.predicate()
		p.objectList(s, pr)
		p.skipWS()
		if p.peek() != ';' {
			return
		}
		for p.peek() == ';' {
			p.pos++
			p.skipWS()
		}
		if c := p.peek(); c == '.' || c == ']' || c == 0 {
			return
		}
	}
}

func (p *turtleParser) objectList(s, pr Term) {
	for {
		p.objectList1(s, pr)
		p.skipWS()
		if p.peek() != ',' {
			return
		}
		p.pos++
	}
}

// object parses an object that is an IRI, blank node label or literal.
func (p *turtleParser) object(s, pr Term) Term {
	p.skipWS()
	switch c := p.peek(); {
	case p.tpl != nil && p.templateObjectAt(c):
		return p.templateTerm("an object")
	case c == '<':
		return p.iriTerm()
	case c == '_' && p.peekAt(1) == ':':
		return p.blankLabel()
	case c == '"':
		return p.literal()
	case p.nt:
	case c == '\'':
		return p.literal()
	case c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.' && isDigit(p.peekAt(1)):
		return p.number()
	case (c == 't' && p.hasKeyword("true")) || (c == 'f' && p.hasKeyword("false")):
		v := "true"
		if c == 'f' {
			v = "false"
		}
		p.pos += len(v)
		return Literal{Value: v, Datatype: XSDBoolean}
	case c == ':' || c >= 0x80 || isAlpha(c):
		return p.prefixedName()
	}
	p.errorf("expected an object, found %s", p.found())
	return nil
}

func (p *turtleParser) hasKeyword(kw string) bool {
	return len(p.src)-p.pos >= len(kw) && string(p.src[p.pos:p.pos+len(kw)]) == kw && p.isKeywordEnd(len(kw))
}

func (p *turtleParser) enter() {
	p.depth++
	if p.depth > maxDepth {
		p.errorf("nesting deeper than %d", maxDepth)
	}
}

func (p *turtleParser) leave() { p.depth-- }

// collection parses ( ... ) as a subject and returns its head.
func (p *turtleParser) collection() Term {
	p.pos++ // (
	p.skipWS()
	if p.peek() == ')' {
		p.pos++
		return nilTerm
	}
	head := p.newBlank()
	p.listItems(head)
	return head
}

// collectionObject parses ( ... ) as the object of (s, pr).
func (p *turtleParser) collectionObject(s, pr Term) {
	p.pos++ // (
	p.skipWS()
	if p.peek() == ')' {
		p.pos++
		p.emit(s, pr, nilTerm)
		return
	}
	head := p.newBlank()
	p.emit(s, pr, head)
	p.listItems(head)
}

var (
	nilTerm   Term = IRI(RDFNil)
	firstTerm Term = IRI(RDFFirst)
	restTerm  Term = IRI(RDFRest)
)

// listItems parses the items of a non-empty collection up to and including
// the ')', hanging them from node.
func (p *turtleParser) listItems(node Term) {
	p.enter()
	for {
		p.objectList1(node, firstTerm)
		p.skipWS()
		switch p.peek() {
		case ')':
			p.pos++
			p.emit(node, restTerm, nilTerm)
			p.leave()
			return
		case 0:
			p.errorf("expected ')' to close the collection, found end of input")
		}
		next := p.newBlank()
		p.emit(node, restTerm, next)
		node = next
	}
}

// objectList1 parses exactly one object of (s, pr): one item of an object
// list or of a collection.
func (p *turtleParser) objectList1(s, pr Term) {
	p.skipWS()
	switch p.peek() {
	case '[':
		p.pos++
		b := p.newBlank()
		p.emit(s, pr, b)
		p.skipWS()
		if p.peek() != ']' {
			p.enter()
			p.predicateObjectList(b)
			p.leave()
		}
		p.expect(']', "to close the blank node property list")
	case '(':
		p.collectionObject(s, pr)
	default:
		p.emit(s, pr, p.object(s, pr))
	}
}

func (p *turtleParser) newBlank() Term {
	b := BlankNode("b" + strconv.Itoa(p.nextID))
	p.nextID++
	return b
}

func (p *turtleParser) blankLabel() Term {
	start := p.pos
	p.pos += 2 // _:
	c, n := p.rune()
	if !(isPNCharsURune(c) || c >= '0' && c <= '9') {
		p.errorf("invalid blank node label")
	}
	p.pos += n
	p.scanNameTail(false)
	label := p.src[start+2 : p.pos]
	if b, ok := p.bnodes[string(label)]; ok {
		return b
	}
	b := p.newBlank().(BlankNode)
	p.bnodes[string(label)] = b
	return b
}

// rune decodes the rune at the current position without consuming it.
func (p *turtleParser) rune() (rune, int) {
	if p.pos >= len(p.src) {
		return -1, 0
	}
	if c := p.src[p.pos]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRune(p.src[p.pos:])
}

// scanNameTail consumes (PN_CHARS | '.')* not ending in '.', plus ':' and
// PLX when local is set (PN_LOCAL). It reports whether it saw an escape.
func (p *turtleParser) scanNameTail(local bool) (escaped bool) {
	end := p.pos // end of the name so far, excluding trailing dots
	for {
		c, n := p.rune()
		switch {
		case c == '.':
			p.pos += n
			continue
		case isPNCharsRune(c), local && c == ':':
		case local && c == '%':
			if !isHex(p.peekAt(1)) || !isHex(p.peekAt(2)) {
				p.errorf("invalid %%-escape in local name")
			}
			n = 3
		case local && c == '\\':
			if !isLocalEsc(p.peekAt(1)) {
				p.errorf("invalid escape in local name")
			}
			n, escaped = 2, true
		default:
			p.pos = end
			return escaped
		}
		p.pos += n
		end = p.pos
	}
}

// scanPrefixName consumes PN_PREFIX, possibly empty.
func (p *turtleParser) scanPrefixName() string {
	start := p.pos
	c, n := p.rune()
	if c == ':' {
		return ""
	}
	if !isPNCharsBaseRune(c) {
		p.errorf("expected a prefix name, found %s", p.found())
	}
	p.pos += n
	p.scanNameTail(false)
	return string(p.src[start:p.pos])
}

func (p *turtleParser) prefixedName() Term {
	start := p.pos
	p.scanPrefixName()
	if p.peek() != ':' {
		p.errorAt(start, "expected a prefixed name or keyword, found %q", p.src[start:p.pos])
	}
	colon := p.pos
	p.pos++
	escaped := false
	if c, n := p.rune(); isPNCharsURune(c) || c == ':' || c >= '0' && c <= '9' || c == '%' || c == '\\' {
		if c != '%' && c != '\\' {
			p.pos += n
		}
		escaped = p.scanNameTail(true)
		if c == '\\' {
			escaped = true
		}
	}
	raw := p.src[start:p.pos]
	if t, ok := p.iris[string(raw)]; ok {
		return t
	}
	ns, ok := p.prefixes[string(p.src[start:colon])]
	if !ok {
		p.errorAt(start, "undefined prefix %q", p.src[start:colon])
	}
	local := string(p.src[colon+1 : p.pos])
	if escaped {
		local = unescapeLocal(local)
		if !validPercent(local) {
			p.errorAt(start, "invalid %%-encoding in IRI: '%%' must be followed by two hex digits")
		}
	}
	var t Term = IRI(ns + local)
	p.iris[string(raw)] = t
	return t
}

func unescapeLocal(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// iriTerm parses an IRIREF and returns it as a Term, resolved.
func (p *turtleParser) iriTerm() Term {
	start := p.pos
	end := p.scanIRIRef()
	raw := p.src[start:end]
	if t, ok := p.iris[string(raw)]; ok {
		p.pos = end
		return t
	}
	var t Term = IRI(p.iriRefTo(end))
	p.iris[string(raw)] = t
	return t
}

// scanIRIRef returns the offset just past the IRIREF at the current
// position without consuming it, checking its characters.
func (p *turtleParser) scanIRIRef() int {
	for i := p.pos + 1; i < len(p.src); i++ {
		c := p.src[i]
		if !iriForbidden[c] && c != '>' {
			continue
		}
		switch c {
		case '>':
			return i + 1
		case '\\':
			if i+1 < len(p.src) && (p.src[i+1] == 'u' || p.src[i+1] == 'U') {
				i++
				continue
			}
			p.errorAt(i, "invalid escape in IRI: only \\u and \\U are allowed")
		default:
			p.errorAt(i, "invalid character %q in IRI", c)
		}
	}
	p.errorAt(p.pos, "unterminated IRI: missing '>'")
	return 0
}

// iriRef consumes an IRIREF and returns it decoded and resolved.
func (p *turtleParser) iriRef() string {
	return p.iriRefTo(p.scanIRIRef())
}

// iriRefTo is iriRef for an IRIREF already scanned up to end.
func (p *turtleParser) iriRefTo(end int) string {
	raw := p.src[p.pos+1 : end-1]
	var s string
	if indexByte(raw, '\\') < 0 {
		s = string(raw)
	} else {
		var b strings.Builder
		for i := 0; i < len(raw); i++ {
			if raw[i] != '\\' {
				b.WriteByte(raw[i])
				continue
			}
			r, n := p.uchar(p.pos+1+i, raw[i:])
			switch {
			case r <= 0x20, r == '<', r == '>', r == '"', r == '{', r == '}', r == '|', r == '^', r == '`', r == '\\':
				p.errorAt(p.pos+1+i, "escaped character %U is not allowed in an IRI", r)
			}
			b.WriteRune(r)
			i += n - 1
		}
		s = b.String()
	}
	if !validPercent(s) {
		p.errorAt(p.pos, "invalid %%-encoding in IRI: '%%' must be followed by two hex digits")
	}
	p.pos = end
	return resolveIRI(p.base, s)
}

// validPercent reports whether every '%' in s starts a %XX escape
// (RFC 3986 §2.1).
func validPercent(s string) bool {
	if strings.IndexByte(s, '%') < 0 {
		return true
	}
	for i := strings.IndexByte(s, '%'); i >= 0; i = strings.IndexByte(s, '%') {
		if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			return false
		}
		s = s[i+3:]
	}
	return true
}

// uchar decodes \uXXXX or \UXXXXXXXX at the start of s (found at offset
// off) and returns the rune and the length of the escape.
func (p *turtleParser) uchar(off int, s []byte) (rune, int) {
	n := 4
	if s[1] == 'U' {
		n = 8
	}
	if len(s) < 2+n {
		p.errorAt(off, "truncated \\%c escape", s[1])
	}
	var r rune
	for _, c := range s[2 : 2+n] {
		if !isHex(c) {
			p.errorAt(off, "invalid hex digit in \\%c escape", s[1])
		}
		r = r<<4 | rune(unhex(c))
	}
	if !utf8.ValidRune(r) {
		p.errorAt(off, "escape \\%c%s is not a Unicode scalar value", s[1], s[2:2+n])
	}
	return r, 2 + n
}

func (p *turtleParser) literal() Term {
	l := Literal{Value: p.string()}
	if !p.nt {
		// Turtle allows white space between a string and its tag or type.
		save := p.pos
		p.skipWS()
		if c := p.peek(); c != '@' && c != '^' {
			p.pos = save
		}
	}
	switch p.peek() {
	case '@':
		p.pos++
		start := p.pos
		p.scanWhile(isAlpha)
		if p.pos == start {
			p.errorf("expected a language tag after '@'")
		}
		for p.peek() == '-' {
			p.pos++
			s := p.pos
			p.scanWhile(isAlnum)
			if p.pos == s {
				p.errorf("invalid language tag")
			}
		}
		l.Lang = string(p.src[start:p.pos])
	case '^':
		if p.peekAt(1) != '^' {
			p.errorf("expected '^^' before the datatype")
		}
		p.pos += 2
		if !p.nt {
			p.skipWS()
		}
		var dt Term
		if p.peek() == '<' {
			dt = p.iriTerm()
		} else if !p.nt {
			dt = p.prefixedName()
		} else {
			p.errorf("expected a datatype IRI, found %s", p.found())
		}
		if d := string(dt.(IRI)); d != XSDString {
			l.Datatype = d
		}
	}
	return l
}

// string parses one of the four Turtle string forms and returns its value.
func (p *turtleParser) string() string {
	q := p.src[p.pos]
	long := !p.nt && p.peekAt(1) == q && p.peekAt(2) == q
	start := p.pos
	if long {
		p.pos += 3
	} else {
		p.pos++
	}
	bodyStart := p.pos
	escaped := false
	for {
		if p.pos >= len(p.src) {
			p.errorAt(start, "unterminated string")
		}
		c := p.src[p.pos]
		switch {
		case c == '\\':
			escaped = true
			p.pos += 2
			continue
		case c == q && !long:
		case c == q && p.peekAt(1) == q && p.peekAt(2) == q:
			// A long string may end with up to two quotes of its own.
			for p.peekAt(3) == q {
				p.pos++
			}
		case (c == '\n' || c == '\r') && !long:
			p.errorf("newline in string: use \\n or a long string")
		default:
			p.pos++
			continue
		}
		break
	}
	body := p.src[bodyStart:p.pos]
	if long {
		p.pos += 3
	} else {
		p.pos++
	}
	if !escaped {
		return string(body)
	}
	var b strings.Builder
	b.Grow(len(body))
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		off := bodyStart + i
		if i+1 >= len(body) {
			p.errorAt(off, "invalid escape at the end of a string")
		}
		switch body[i+1] {
		case 't':
			b.WriteByte('\t')
		case 'b':
			b.WriteByte('\b')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 'f':
			b.WriteByte('\f')
		case '"', '\'', '\\':
			b.WriteByte(body[i+1])
		case 'u', 'U':
			r, n := p.uchar(off, body[i:])
			b.WriteRune(r)
			i += n - 1
			continue
		default:
			p.errorAt(off, "invalid escape \\%c in string", body[i+1])
		}
		i++
	}
	return b.String()
}

// number parses INTEGER, DECIMAL or DOUBLE, keeping the lexical form.
func (p *turtleParser) number() Term {
	start := p.pos
	if c := p.peek(); c == '+' || c == '-' {
		p.pos++
	}
	intDigits := p.digits()
	dt := XSDInteger
	if p.peek() == '.' && isDigit(p.peekAt(1)) {
		p.pos++
		p.digits()
		dt = XSDDecimal
	} else if p.peek() == '.' && intDigits > 0 && p.isExponent(1) {
		p.pos++ // "1.e3"
	} else if intDigits == 0 {
		p.errorAt(start, "invalid number")
	}
	if p.isExponent(0) {
		p.pos++
		if c := p.peek(); c == '+' || c == '-' {
			p.pos++
		}
		p.digits()
		dt = XSDDouble
	}
	return Literal{Value: string(p.src[start:p.pos]), Datatype: dt}
}

func (p *turtleParser) digits() int {
	start := p.pos
	for isDigit(p.peek()) {
		p.pos++
	}
	return p.pos - start
}

// isExponent reports whether an exponent starts at offset i.
func (p *turtleParser) isExponent(i int) bool {
	if c := p.peekAt(i); c != 'e' && c != 'E' {
		return false
	}
	c := p.peekAt(i + 1)
	if c == '+' || c == '-' {
		c = p.peekAt(i + 2)
	}
	return isDigit(c)
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isAlnum(c byte) bool { return isAlpha(c) || isDigit(c) }
func isHex(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case isDigit(c):
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

func isLocalEsc(c byte) bool {
	return strings.IndexByte("_~.-!$&'()*+,;=/?#@%", c) >= 0 && c != 0
}

// isPNChars reports whether the ASCII byte c is in PN_CHARS; bytes of
// multi-byte runes count as name characters here (used for lookahead only).
func isPNChars(c byte) bool {
	return isAlnum(c) || c == '_' || c == '-' || c >= 0x80
}

// Turtle §6.5 PN_CHARS_BASE.
func isPNCharsBaseRune(r rune) bool {
	switch {
	case 'A' <= r && r <= 'Z', 'a' <= r && r <= 'z':
		return true
	case r < 0xC0:
		return false
	}
	return r <= 0xD6 || 0xD8 <= r && r <= 0xF6 || 0xF8 <= r && r <= 0x2FF ||
		0x370 <= r && r <= 0x37D || 0x37F <= r && r <= 0x1FFF ||
		0x200C <= r && r <= 0x200D || 0x2070 <= r && r <= 0x218F ||
		0x2C00 <= r && r <= 0x2FEF || 0x3001 <= r && r <= 0xD7FF ||
		0xF900 <= r && r <= 0xFDCF || 0xFDF0 <= r && r <= 0xFFFD ||
		0x10000 <= r && r <= 0xEFFFF
}

func isPNCharsURune(r rune) bool { return r == '_' || isPNCharsBaseRune(r) }

func isPNCharsRune(r rune) bool {
	return isPNCharsURune(r) || r == '-' || '0' <= r && r <= '9' || r == 0xB7 ||
		0x300 <= r && r <= 0x36F || 0x203F <= r && r <= 0x2040
}
