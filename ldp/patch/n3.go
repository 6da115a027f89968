package patch

import (
	"github.com/seedpod/seedpod/ldp/rdf"
)

// The N3 Patch vocabulary (Solid Protocol §5.3.1).
const solidNS = "http://www.w3.org/ns/solid/terms#"

var (
	typeIRI                = rdf.IRI(rdf.RDFType)
	solidInsertDeletePatch = rdf.IRI(solidNS + "InsertDeletePatch")
	solidPatch             = rdf.IRI(solidNS + "Patch")
	solidInserts           = rdf.IRI(solidNS + "inserts")
	solidDeletes           = rdf.IRI(solidNS + "deletes")
	solidWhere             = rdf.IRI(solidNS + "where")
)

// parseN3 reads an N3 Patch (Solid Protocol §5.3.1,
// https://solidproject.org/TR/2024/protocol-20240512#n3-patch).
//
// The document must hold exactly one patch resource, an IRI or a blank
// node typed solid:InsertDeletePatch, with at most one each of
// solid:inserts, solid:deletes and solid:where, each a formula of triples
// and triple patterns without nested formulae; a missing one is {}. The
// patch resource is found as the subject of a solid:inserts,
// solid:deletes or solid:where triple, or of an rdf:type of
// solid:InsertDeletePatch or solid:Patch.
//
// Two decisions the specification leaves open:
//   - Other triples about the patch resource (say rdfs:comment, or
//     solid:patches from the older format) are ignored, but a statement
//     about anything else is refused: it would otherwise be silently
//     dropped, though its author may have meant it as data to insert.
//   - Blank nodes: in the where formula they match like variables; in the
//     inserts each one is a new blank node (as the Editor's Draft and CSS
//     do), but the label of one may not also be used in the where, where it
//     would mean an existing node; the deletes may hold none (§5.3.1).
//
// Every violation is ErrInvalid (422). The result is one Op, Exact and
// Strict.
func parseN3(src []byte, base string) (*Patch, error) {
	doc, err := rdf.ParseN3(src, base)
	if err != nil {
		return nil, err
	}
	var subjects []rdf.TemplateNode
	for _, t := range doc.Triples {
		if isPatchTriple(t) && !containsNode(subjects, t.S) {
			subjects = append(subjects, t.S)
		}
	}
	switch {
	case len(subjects) == 0:
		return nil, invalidf("no patch resource: the document must describe one subject of type solid:InsertDeletePatch")
	case len(subjects) > 1:
		return nil, invalidf("%d patch resources, want exactly one", len(subjects))
	}
	self := subjects[0]
	switch {
	case self.Var != "":
		return nil, invalidf("the patch resource is the variable ?%s: it must be an IRI or a blank node", self.Var)
	case self.Formula != 0:
		return nil, invalidf("the patch resource is a formula: it must be an IRI or a blank node")
	}
	typed := false
	formulas := map[rdf.IRI]int{} // solid:inserts etc. → formula number
	for _, t := range doc.Triples {
		if t.S != self {
			return nil, invalidf("a statement about %s: an N3 Patch document may only describe its patch resource", describe(t.S))
		}
		p, _ := t.P.Term.(rdf.IRI)
		switch p {
		case typeIRI:
			if t.O.Term == solidInsertDeletePatch {
				typed = true
			}
		case solidInserts, solidDeletes, solidWhere:
			name := shortName(p)
			if _, dup := formulas[p]; dup {
				return nil, invalidf("more than one %s", name)
			}
			if t.O.Formula == 0 {
				return nil, invalidf("the object of %s must be a formula { ... }, not %s", name, describe(t.O))
			}
			for _, ft := range doc.Formulas[t.O.Formula-1] {
				if ft.S.Formula != 0 || ft.P.Formula != 0 || ft.O.Formula != 0 {
					return nil, invalidf("a formula nested in %s", name)
				}
			}
			formulas[p] = t.O.Formula
		}
	}
	if !typed {
		return nil, invalidf("the patch resource must have type solid:InsertDeletePatch")
	}
	formula := func(p rdf.IRI) []Pattern {
		if f, ok := formulas[p]; ok {
			return patterns(doc.Formulas[f-1])
		}
		return nil
	}
	op := Op{Where: formula(solidWhere), Deletes: formula(solidDeletes), Inserts: formula(solidInserts), Exact: true, Strict: true}
	bound := vars(op.Where, nil)
	for _, c := range []struct {
		name string
		ps   []Pattern
	}{{"solid:inserts", op.Inserts}, {"solid:deletes", op.Deletes}} {
		for _, p := range c.ps {
			for _, n := range [3]Node{p.S, p.P, p.O} {
				if n.Var != "" && !bound[n.Var] {
					return nil, invalidf("the variable ?%s in %s does not occur in solid:where", n.Var, c.name)
				}
			}
		}
	}
	if len(blanks(op.Deletes, nil)) > 0 {
		return nil, invalidf("a blank node in solid:deletes: use a variable bound by solid:where")
	}
	whereBlanks := blanks(op.Where, nil)
	for b := range blanks(op.Inserts, nil) {
		if whereBlanks[b] {
			return nil, invalidf("a blank node label used in both solid:where and solid:inserts: use a variable")
		}
	}
	return &Patch{Ops: []Op{op}}, nil
}

// isPatchTriple reports whether t identifies its subject as a patch
// resource.
func isPatchTriple(t rdf.TemplateTriple) bool {
	switch t.P.Term {
	case solidInserts, solidDeletes, solidWhere:
		return true
	case typeIRI:
		return t.O.Term == solidInsertDeletePatch || t.O.Term == solidPatch
	}
	return false
}

func containsNode(ns []rdf.TemplateNode, n rdf.TemplateNode) bool {
	for _, x := range ns {
		if x == n {
			return true
		}
	}
	return false
}

// describe names a node for an error message. Blank node labels are the
// parser's, not the client's, so they are not shown.
func describe(n rdf.TemplateNode) string {
	switch {
	case n.Var != "":
		return "?" + n.Var
	case n.Formula != 0:
		return "a formula"
	}
	switch t := n.Term.(type) {
	case rdf.BlankNode:
		return "a blank node"
	case rdf.Literal:
		return "the literal " + t.String()
	}
	return n.Term.String()
}

func shortName(p rdf.IRI) string { return "solid:" + string(p[len(solidNS):]) }
