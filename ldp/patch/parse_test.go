package patch

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/seedpod/seedpod/ldp/rdf"
)

const base = "http://ex/doc"

// opString writes op compactly for comparisons, with "http://ex/" left
// out of IRIs and blank nodes renamed _:0, _:1, ... in order of
// appearance (the parser's labels are its own business).
func opString(op Op, names map[rdf.BlankNode]string) string {
	var b strings.Builder
	group := func(name string, ps []Pattern) {
		if len(ps) == 0 {
			return
		}
		fmt.Fprintf(&b, "%s {", name)
		for _, p := range ps {
			for _, n := range [3]Node{p.S, p.P, p.O} {
				b.WriteString(" ")
				b.WriteString(nodeString(n, names))
			}
			b.WriteString(" .")
		}
		b.WriteString(" } ")
	}
	group("where", op.Where)
	group("delete", op.Deletes)
	group("insert", op.Inserts)
	if op.Exact {
		b.WriteString("exact ")
	}
	if op.Strict {
		b.WriteString("strict ")
	}
	return strings.TrimSpace(b.String())
}

func nodeString(n Node, names map[rdf.BlankNode]string) string {
	switch t := n.Term.(type) {
	case nil:
		return "?" + n.Var
	case rdf.BlankNode:
		name, ok := names[t]
		if !ok {
			name = fmt.Sprintf("_:%d", len(names))
			names[t] = name
		}
		return name
	case rdf.Literal:
		if t.Datatype == "" && t.Lang == "" {
			return t.String()
		}
	}
	return strings.ReplaceAll(n.Term.String(), "http://ex/", "")
}

func patchString(p *Patch) string {
	names := map[rdf.BlankNode]string{}
	var ops []string
	for _, op := range p.Ops {
		ops = append(ops, opString(op, names))
	}
	return strings.Join(ops, " ; ")
}

func TestParseContentType(t *testing.T) {
	const n3Body = `@prefix solid: <http://www.w3.org/ns/solid/terms#>. _:p a solid:InsertDeletePatch; solid:inserts { <a> <b> <c> }.`
	const sparqlBody = `INSERT DATA { <a> <b> <c> }`
	tests := []struct {
		contentType, body string
		err               error // nil: parses
	}{
		{"text/n3", n3Body, nil},
		{"text/n3; charset=utf-8", n3Body, nil},
		{" Text/N3 ;charset=UTF-8", n3Body, nil},
		{"application/sparql-update", sparqlBody, nil},
		{"Application/SPARQL-Update; charset=utf-8", sparqlBody, nil},
		{"", n3Body, ErrUnsupportedType},
		{"text/turtle", n3Body, ErrUnsupportedType},
		{"application/sparql-query", sparqlBody, ErrUnsupportedType},
		{"application/json-patch+json", "[]", ErrUnsupportedType},
		{"text/n3x", n3Body, ErrUnsupportedType},
	}
	for _, tt := range tests {
		_, err := Parse(strings.NewReader(tt.body), tt.contentType, base)
		if tt.err == nil && err != nil || !errors.Is(err, tt.err) {
			t.Errorf("Parse(%.200q) = %v, want %v", tt.contentType, err, tt.err)
		}
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestParseReadError(t *testing.T) {
	_, err := Parse(failingReader{}, N3, base)
	var se *rdf.SyntaxError
	if err == nil || errors.Is(err, ErrInvalid) || errors.As(err, &se) || !strings.Contains(err.Error(), "connection reset") {
		t.Errorf("Parse of a failing reader = %v, want its error", err)
	}
}

// checkParse runs a table of Parse cases shared by the N3 and SPARQL tests.
type parseCase struct {
	name string
	body string
	want string // patchString of the result; "" when an error is expected
	// Expected errors: invalid (ErrInvalid whose message contains it), or
	// a syntax error at line:col.
	invalid   string
	line, col int
}

func checkParse(t *testing.T, contentType string, tests []parseCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse(strings.NewReader(tt.body), contentType, base)
			var se *rdf.SyntaxError
			switch {
			case tt.invalid != "":
				if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.invalid) {
					t.Errorf("Parse(%.200q) = %v, want ErrInvalid saying %q", tt.body, err, tt.invalid)
				}
				if errors.As(err, &se) {
					t.Errorf("Parse(%.200q) = %v, both ErrInvalid and a syntax error", tt.body, err)
				}
			case tt.line != 0:
				if !errors.As(err, &se) || se.Line != tt.line || se.Col != tt.col {
					t.Errorf("Parse(%.200q) = %v, want a syntax error at %d:%d", tt.body, err, tt.line, tt.col)
				}
				if errors.Is(err, ErrInvalid) {
					t.Errorf("Parse(%.200q) = %v, both ErrInvalid and a syntax error", tt.body, err)
				}
			case err != nil:
				t.Errorf("Parse(%.200q) = %v", tt.body, err)
			default:
				if got := patchString(p); got != tt.want {
					t.Errorf("Parse(%.200q) =\n%s\nwant:\n%s", tt.body, got, tt.want)
				}
				checkInvariants(t, contentType, p)
			}
		})
	}
}

// checkInvariants checks what every parsed patch satisfies, whatever the
// body: well-formed nodes, the rules of its syntax, and Modes agreeing
// with the operations.
func checkInvariants(t *testing.T, contentType string, p *Patch) {
	t.Helper()
	var wantRead, wantAppend, wantWrite bool
	for _, op := range p.Ops {
		for _, ps := range [][]Pattern{op.Where, op.Deletes, op.Inserts} {
			for _, pt := range ps {
				for i, n := range [3]Node{pt.S, pt.P, pt.O} {
					if (n.Var == "") == (n.Term == nil) {
						t.Fatalf("node %+v: want exactly one of Var and Term", n)
					}
					if _, lit := n.Term.(rdf.Literal); lit && i < 2 {
						t.Fatalf("literal %v as subject or predicate", n.Term)
					}
					if _, ok := n.Term.(rdf.IRI); i == 1 && n.Var == "" && !ok {
						t.Fatalf("predicate %v is not an IRI", n.Term)
					}
				}
			}
		}
		if len(blanks(op.Deletes, nil)) > 0 {
			t.Fatalf("blank nodes in deletes: %s", patchString(p))
		}
		switch contentType {
		case N3:
			if len(p.Ops) != 1 || !op.Exact || !op.Strict {
				t.Fatalf("N3 Patch gave %s, want one exact, strict operation", patchString(p))
			}
			bound := vars(op.Where, nil)
			for v := range vars(op.Inserts, vars(op.Deletes, nil)) {
				if !bound[v] {
					t.Fatalf("?%s is not bound by the where: %s", v, patchString(p))
				}
			}
			wb := blanks(op.Where, nil)
			for b := range blanks(op.Inserts, nil) {
				if wb[b] {
					t.Fatalf("blank node %v in where and inserts", b)
				}
			}
		case SPARQLUpdate:
			if op.Exact {
				t.Fatalf("exact SPARQL operation: %s", patchString(p))
			}
			if op.Strict && (len(op.Where) > 0 || len(op.Inserts) > 0 || len(vars(op.Deletes, nil)) > 0) {
				t.Fatalf("strict SPARQL operation that is not DELETE DATA: %s", patchString(p))
			}
		}
		wantRead = wantRead || len(op.Where) > 0 || len(op.Deletes) > 0
		wantAppend = wantAppend || len(op.Inserts) > 0
		wantWrite = wantWrite || len(op.Deletes) > 0
	}
	if r, a, w := p.Modes(); r != wantRead || a != wantAppend || w != wantWrite {
		t.Fatalf("Modes() = %v, %v, %v for %s", r, a, w, patchString(p))
	}
}
