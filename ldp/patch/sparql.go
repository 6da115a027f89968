package patch

import (
	"errors"
	"strings"

	"github.com/seedpod/seedpod/ldp/rdf"
)

// parseSPARQL reads a SPARQL 1.1 Update request
// (https://www.w3.org/TR/sparql11-update/, grammar §19 of SPARQL 1.1
// Query) restricted to what a Solid server applies to one document:
//
//	INSERT DATA { triples }                  → Op{Inserts}
//	DELETE DATA { triples }                  → Op{Deletes, Strict}
//	DELETE WHERE { pattern }                 → Op{Where: pattern, Deletes: pattern}
//	DELETE { t } INSERT { t } WHERE { bgp }  → Op{Where, Deletes, Inserts}
//	INSERT { t } WHERE { bgp }, DELETE { t } WHERE { bgp }
//
// after a prologue of PREFIX and BASE, separated by ';'. DELETE DATA is
// Strict because Solid servers answer 409 when a triple to delete is
// absent, and clients such as rdflib.js rely on it to detect conflicting
// edits; the other operations apply once per solution, as in SPARQL, and
// none is Exact.
//
// Violations of the SPARQL grammar, such as a variable in INSERT DATA or
// a blank node in DELETE DATA or in a DELETE template, are syntax errors
// (400). Well-formed SPARQL we do not support (LOAD, CLEAR, WITH, USING,
// GRAPH, FILTER, OPTIONAL, UNION, property paths, subqueries, ...) is
// ErrInvalid naming the construct.
func parseSPARQL(src []byte, base string) (*Patch, error) {
	r, err := rdf.NewTemplateReader(src, base)
	if err != nil {
		return nil, err
	}
	u := &updateParser{r: r}
	p, err := u.update()
	if err != nil {
		var ue *rdf.UnsupportedError
		if errors.As(err, &ue) {
			return nil, invalidf("%s", ue.Error())
		}
		return nil, err
	}
	return p, nil
}

type updateParser struct {
	r *rdf.TemplateReader
}

// syntaxError is a *rdf.SyntaxError at byte offset off.
func (u *updateParser) syntaxError(off int, msg string) error {
	line, col := u.r.Position(off)
	return &rdf.SyntaxError{Line: line, Col: col, Msg: msg}
}

// unsupported is the ErrInvalid for construct, found at byte offset off.
func (u *updateParser) unsupported(off int, construct string) error {
	line, col := u.r.Position(off)
	return &rdf.UnsupportedError{Line: line, Col: col, Construct: construct}
}

// update parses Update ::= Prologue ( Update1 ( ';' Update )? )?
func (u *updateParser) update() (*Patch, error) {
	p := &Patch{}
	for {
		if err := u.r.Prologue(); err != nil {
			return nil, err
		}
		if u.r.Peek() == 0 {
			return p, nil
		}
		op, err := u.update1()
		if err != nil {
			return nil, err
		}
		p.Ops = append(p.Ops, op)
		switch c := u.r.Peek(); c {
		case 0:
			return p, nil
		case ';':
			u.r.Skip()
		default:
			off := u.r.Offset()
			if kw := u.r.Keyword(); kw != "" {
				return nil, u.syntaxError(off, "expected ';' between operations, found "+kw)
			}
			return nil, u.syntaxError(off, "expected ';' between operations or the end of the request")
		}
	}
}

// unsupportedOps are the SPARQL Update keywords that start something we
// do not apply; queries are listed to name them in the refusal.
var unsupportedOps = map[string]string{
	"LOAD": "LOAD", "CLEAR": "CLEAR", "DROP": "DROP", "CREATE": "CREATE",
	"ADD": "ADD", "MOVE": "MOVE", "COPY": "COPY", "WITH": "WITH",
	"SELECT": "SELECT (a query, not an update)", "CONSTRUCT": "CONSTRUCT (a query, not an update)",
	"ASK": "ASK (a query, not an update)", "DESCRIBE": "DESCRIBE (a query, not an update)",
}

// update1 parses one operation.
func (u *updateParser) update1() (Op, error) {
	off := u.r.Offset()
	kw := u.r.Keyword()
	switch up := strings.ToUpper(kw); up {
	case "INSERT":
		if u.keyword("DATA") {
			ts, err := u.block("INSERT DATA", false, true)
			return Op{Inserts: ts}, err
		}
		ins, err := u.block("INSERT", true, true)
		if err != nil {
			return Op{}, err
		}
		where, err := u.where()
		return Op{Where: where, Inserts: ins}, err
	case "DELETE":
		switch {
		case u.keyword("DATA"):
			ts, err := u.block("DELETE DATA", false, false)
			return Op{Deletes: ts, Strict: true}, err
		case u.keyword("WHERE"):
			ts, err := u.block("DELETE WHERE", true, false)
			return Op{Where: ts, Deletes: ts}, err
		}
		del, err := u.block("DELETE", true, false)
		if err != nil {
			return Op{}, err
		}
		var ins []Pattern
		if u.keyword("INSERT") {
			if ins, err = u.block("INSERT", true, true); err != nil {
				return Op{}, err
			}
		}
		where, err := u.where()
		return Op{Where: where, Deletes: del, Inserts: ins}, err
	case "":
		return Op{}, u.syntaxError(off, "expected INSERT or DELETE")
	default:
		if construct, ok := unsupportedOps[up]; ok {
			return Op{}, u.unsupported(off, construct)
		}
		return Op{}, u.syntaxError(off, "expected INSERT or DELETE, found "+kw)
	}
}

// keyword consumes the keyword kw (any case) if it comes next.
func (u *updateParser) keyword(kw string) bool {
	off := u.r.Offset()
	if strings.EqualFold(u.r.Keyword(), kw) {
		return true
	}
	u.r.Rewind(off)
	return false
}

// where parses ( USING ... )* WHERE { basic graph pattern }.
func (u *updateParser) where() ([]Pattern, error) {
	u.r.Peek()
	off := u.r.Offset()
	switch kw := strings.ToUpper(u.r.Keyword()); kw {
	case "WHERE":
		return u.block("WHERE", true, true)
	case "USING":
		return nil, u.unsupported(off, "USING")
	case "":
		return nil, u.syntaxError(off, "expected WHERE")
	default:
		return nil, u.syntaxError(off, "expected WHERE, found "+kw)
	}
}

// block parses { ... } after what. vars allows variables; blank nodes
// allows blank nodes, which SPARQL forbids in DELETE DATA and in the
// templates of DELETE and DELETE WHERE.
func (u *updateParser) block(what string, vars, blankNodes bool) ([]Pattern, error) {
	if u.r.Peek() != '{' {
		return nil, u.syntaxError(u.r.Offset(), "expected '{' after "+what)
	}
	off := u.r.Offset()
	ts, err := u.r.Block()
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		for _, n := range [3]rdf.TemplateNode{t.S, t.P, t.O} {
			if n.Var != "" && !vars {
				return nil, u.syntaxError(off, "variable ?"+n.Var+" in "+what+": only RDF terms are allowed there")
			}
			if _, ok := n.Term.(rdf.BlankNode); ok && !blankNodes {
				return nil, u.syntaxError(off, "blank node in "+what+": SPARQL allows none there")
			}
		}
	}
	return patterns(ts), nil
}
