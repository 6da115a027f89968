package patch

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/seedpod/seedpod/ldp/rdf"
)

func graph(t *testing.T, ttl string) *rdf.Graph {
	t.Helper()
	g, err := rdf.Parse(strings.NewReader("@prefix : <http://ex/>.\n"+ttl), rdf.Turtle, "http://ex/doc")
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func iri(s string) Node { return T(rdf.IRI("http://ex/" + s)) }
func lit(s string) Node { return T(rdf.Literal{Value: s}) }

func TestApply(t *testing.T) {
	tests := []struct {
		name      string
		doc       string
		op        Op
		want      string // Turtle of the result; ignored when err is set
		err       error
		unchanged bool
	}{
		{
			name: "insert only",
			doc:  `:a :p 1 .`,
			op:   Op{Inserts: []Pattern{{iri("a"), iri("q"), lit("x")}}, Exact: true, Strict: true},
			want: `:a :p 1 . :a :q "x" .`,
		},
		{
			name: "insert of a present triple changes nothing",
			doc:  `:a :q "x" .`,
			op:   Op{Inserts: []Pattern{{iri("a"), iri("q"), lit("x")}}},
			want: `:a :q "x" .`,
		},
		{
			name: "delete and insert with one binding",
			doc:  `:a :name "Old" ; :age 3 .`,
			op: Op{
				Where:   []Pattern{{iri("a"), iri("name"), V("n")}},
				Deletes: []Pattern{{iri("a"), iri("name"), V("n")}},
				Inserts: []Pattern{{iri("a"), iri("name"), lit("New")}, {iri("a"), iri("was"), V("n")}},
				Exact:   true, Strict: true,
			},
			want: `:a :name "New" ; :was "Old" ; :age 3 .`,
		},
		{
			name: "where matching nothing is a conflict",
			doc:  `:a :p 1 .`,
			op:   Op{Where: []Pattern{{iri("a"), iri("missing"), V("x")}}, Inserts: []Pattern{{iri("a"), iri("q"), V("x")}}, Exact: true},
			err:  ErrNoMatch, unchanged: true,
		},
		{
			name: "where matching twice is a conflict",
			doc:  `:a :p 1, 2 .`,
			op:   Op{Where: []Pattern{{iri("a"), iri("p"), V("x")}}, Inserts: []Pattern{{iri("a"), iri("q"), V("x")}}, Exact: true},
			err:  ErrAmbiguous, unchanged: true,
		},
		{
			name: "deleting an absent triple is a conflict",
			doc:  `:a :p 1 .`,
			op:   Op{Deletes: []Pattern{{iri("a"), iri("p"), lit("2")}}, Inserts: []Pattern{{iri("a"), iri("q"), lit("x")}}, Exact: true, Strict: true},
			err:  ErrMissing, unchanged: true,
		},
		{
			name: "SPARQL: every solution applies",
			doc:  `:a :p 1, 2 .`,
			op:   Op{Where: []Pattern{{iri("a"), iri("p"), V("x")}}, Deletes: []Pattern{{iri("a"), iri("p"), V("x")}}, Inserts: []Pattern{{iri("b"), iri("p"), V("x")}}},
			want: `:b :p 1, 2 .`,
		},
		{
			name: "SPARQL: no solution changes nothing",
			doc:  `:a :p 1 .`,
			op:   Op{Where: []Pattern{{iri("z"), iri("p"), V("x")}}, Deletes: []Pattern{{iri("a"), iri("p"), V("x")}}},
			want: `:a :p 1 .`,
		},
		{
			name: "join across patterns",
			doc:  `:a :knows :b . :b :name "Bob" . :c :name "Carol" .`,
			op: Op{
				Where:   []Pattern{{iri("a"), iri("knows"), V("f")}, {V("f"), iri("name"), V("n")}},
				Inserts: []Pattern{{iri("a"), iri("friendName"), V("n")}},
				Exact:   true,
			},
			want: `:a :knows :b ; :friendName "Bob" . :b :name "Bob" . :c :name "Carol" .`,
		},
		{
			name: "blank nodes in where match document blank nodes",
			doc:  `:a :addr [ :city "Oslo" ] .`,
			op: Op{
				Where:   []Pattern{{iri("a"), iri("addr"), T(rdf.BlankNode("x"))}, {T(rdf.BlankNode("x")), iri("city"), V("c")}},
				Deletes: []Pattern{{V("c2"), iri("never"), V("c")}}, // unbound ?c2: dropped
				Inserts: []Pattern{{iri("a"), iri("city"), V("c")}},
				Exact:   true,
			},
			want: `:a :addr [ :city "Oslo" ] ; :city "Oslo" .`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := graph(t, tt.doc)
			before := append([]rdf.Triple(nil), g.Triples...)
			err := (&Patch{Ops: []Op{tt.op}}).Apply(g)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("Apply = %v, want %v", err, tt.err)
				}
				if !rdf.Isomorphic(g, &rdf.Graph{Triples: before}) {
					t.Errorf("a failed Apply changed the graph")
				}
				return
			}
			if err != nil {
				t.Fatalf("Apply = %v", err)
			}
			if want := graph(t, tt.want); !rdf.Isomorphic(g, want) {
				var b strings.Builder
				rdf.Write(&b, g, rdf.Turtle, "")
				t.Errorf("result:\n%s\nwant:\n%s", b.String(), tt.want)
			}
		})
	}
}

func TestInsertedBlankNodesAreFresh(t *testing.T) {
	g := graph(t, `:a :p _:p1 . _:p1 :q 1 .`)
	existing := g.Triples[0].O
	op := Op{Inserts: []Pattern{{iri("a"), iri("r"), T(rdf.BlankNode("n"))}, {T(rdf.BlankNode("n")), iri("s"), lit("x")}}}
	if err := (&Patch{Ops: []Op{op, op}}).Apply(g); err != nil {
		t.Fatal(err)
	}
	blanks := map[rdf.Term]bool{}
	for _, tr := range g.Triples {
		if tr.P == rdf.IRI("http://ex/r") {
			blanks[tr.O] = true
		}
	}
	if len(blanks) != 2 || blanks[existing] {
		t.Errorf("two inserts of _:n gave blank nodes %v; want two fresh ones, not the document's %v", blanks, existing)
	}
}

func TestModes(t *testing.T) {
	tests := []struct {
		op                   Op
		read, appendM, write bool
	}{
		{Op{Inserts: []Pattern{{}}}, false, true, false},
		{Op{Where: []Pattern{{}}, Inserts: []Pattern{{}}}, true, true, false},
		{Op{Deletes: []Pattern{{}}}, true, false, true},
		{Op{}, false, false, false},
	}
	for i, tt := range tests {
		r, a, w := (&Patch{Ops: []Op{tt.op}}).Modes()
		if r != tt.read || a != tt.appendM || w != tt.write {
			t.Errorf("case %d: Modes = %v %v %v, want %v %v %v", i, r, a, w, tt.read, tt.appendM, tt.write)
		}
	}
}

func TestApplyBoundsWork(t *testing.T) {
	var b strings.Builder
	for i := range 5000 {
		fmt.Fprintf(&b, "<#s%d> :name \"n%d\"; :age %d .\n", i, i, i)
	}
	g := graph(t, b.String())
	tests := []struct {
		name string
		op   Op
		err  error
	}{
		{
			name: "a cross product is refused",
			op:   Op{Where: []Pattern{{V("a"), V("b"), V("c")}, {V("d"), V("e"), V("f")}, {V("g"), V("h"), V("i")}}, Inserts: []Pattern{{iri("a"), iri("b"), iri("c")}}},
			err:  ErrTooComplex,
		},
		{
			name: "an unmatchable pattern is tried first",
			op:   Op{Where: []Pattern{{V("a"), V("b"), V("c")}, {V("d"), V("e"), V("f")}, {iri("x"), iri("y"), iri("z")}}, Inserts: []Pattern{{iri("a"), iri("b"), iri("c")}}, Exact: true},
			err:  ErrNoMatch,
		},
		{
			name: "a join on a large document follows the indexes",
			op: Op{
				Where:   []Pattern{{V("x"), iri("age"), V("a")}, {V("x"), iri("name"), V("n")}},
				Deletes: []Pattern{{V("x"), iri("age"), V("a")}},
				Inserts: []Pattern{{V("x"), iri("label"), V("n")}},
			},
		},
		{
			name: "templates times solutions count too",
			op: Op{
				Where:   []Pattern{{V("x"), iri("name"), V("n")}, {V("y"), iri("age"), V("a")}},
				Inserts: []Pattern{{V("x"), iri("p"), V("a")}},
			},
			err: ErrTooComplex,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &rdf.Graph{Triples: append([]rdf.Triple(nil), g.Triples...)}
			start := time.Now()
			err := (&Patch{Ops: []Op{tt.op}}).Apply(g)
			if !errors.Is(err, tt.err) && !(tt.err == nil && err == nil) {
				t.Fatalf("Apply = %v, want %v", err, tt.err)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("Apply took %v", d)
			}
			if tt.err == nil && len(g.Triples) != 10000 {
				t.Errorf("Apply left %d triples, want 10000", len(g.Triples))
			}
		})
	}
}
