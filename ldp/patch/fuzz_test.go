package patch

import (
	"errors"
	"strings"
	"testing"

	"github.com/seedpod/seedpod/ldp/rdf"
)

// The fuzz targets check that Parse never panics or hangs, fails only with
// ErrInvalid or a syntax error (never both), that what it accepts keeps
// the invariants of checkInvariants, that writing the patch back in its
// syntax and parsing it again gives the same patch, and that applying it
// to a small document never panics and, when it fails, changes nothing.
// Failing inputs are kept in testdata/fuzz.

func FuzzParseN3Patch(f *testing.F) {
	for _, c := range n3Cases {
		f.Add(c.body)
	}
	f.Add(rdflibN3)
	f.Fuzz(func(t *testing.T, body string) { checkFuzz(t, N3, body) })
}

func FuzzParseSPARQLUpdate(f *testing.F) {
	for _, c := range sparqlCases {
		f.Add(c.body)
	}
	f.Fuzz(func(t *testing.T, body string) { checkFuzz(t, SPARQLUpdate, body) })
}

const fuzzDoc = `<#a> :name "Alice"; :knows <#b>; :address [ :city "Ghent" ]. <#b> :name "Bob"; :n 1.`

func checkFuzz(t *testing.T, contentType, body string) {
	p, err := Parse(strings.NewReader(body), contentType, base)
	if err != nil {
		var se *rdf.SyntaxError
		invalid, syntax := errors.Is(err, ErrInvalid), errors.As(err, &se)
		if invalid == syntax {
			t.Fatalf("Parse(%q) = %v: want exactly one of ErrInvalid and a syntax error", body, err)
		}
		return
	}
	checkInvariants(t, contentType, p)

	again := format(contentType, p)
	q, err := Parse(strings.NewReader(again), contentType, base)
	if err != nil {
		t.Fatalf("Parse(%q) = %v\nfor %q, written from the patch of %q", again, err, again, body)
	}
	if a, b := patchString(p), patchString(q); a != b {
		t.Fatalf("Parse(%q) =\n%s\nwritten as %q and parsed again:\n%s", body, a, again, b)
	}

	g := graph(t, fuzzDoc)
	before := append([]rdf.Triple(nil), g.Triples...)
	if err := p.Apply(g); err != nil && !rdf.Isomorphic(g, &rdf.Graph{Triples: before}) {
		t.Fatalf("Apply of %q failed (%v) and changed the graph", body, err)
	}
}

// format writes p in the syntax of contentType.
func format(contentType string, p *Patch) string {
	var b strings.Builder
	group := func(keyword string, ps []Pattern) {
		b.WriteString(keyword)
		b.WriteString(" {")
		for _, pt := range ps {
			for _, n := range [3]Node{pt.S, pt.P, pt.O} {
				b.WriteString(" ")
				if n.Var != "" {
					b.WriteString("?" + n.Var)
				} else {
					b.WriteString(n.Term.String())
				}
			}
			b.WriteString(" .")
		}
		b.WriteString(" }")
	}
	if contentType == N3 {
		op := p.Ops[0]
		b.WriteString("_:patch a <" + solidNS + "InsertDeletePatch>")
		for _, g := range []struct {
			p  string
			ps []Pattern
		}{{"where", op.Where}, {"deletes", op.Deletes}, {"inserts", op.Inserts}} {
			if len(g.ps) > 0 {
				group("; <"+solidNS+g.p+">", g.ps)
			}
		}
		b.WriteString(" .\n")
		return b.String()
	}
	for i, op := range p.Ops {
		if i > 0 {
			b.WriteString(" ;\n")
		}
		switch {
		case op.Strict:
			group("DELETE DATA", op.Deletes)
		case len(op.Where) == 0 && len(op.Deletes) == 0 && len(vars(op.Inserts, nil)) == 0:
			group("INSERT DATA", op.Inserts)
		default:
			if len(op.Deletes) > 0 {
				group("DELETE", op.Deletes)
				b.WriteString(" ")
			}
			if len(op.Inserts) > 0 || len(op.Deletes) == 0 {
				group("INSERT", op.Inserts)
			}
			group(" WHERE", op.Where)
		}
	}
	return b.String()
}
