package rdf

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func (n TemplateNode) testString() string {
	switch {
	case n.Var != "":
		return "?" + n.Var
	case n.Formula != 0:
		return fmt.Sprintf("{%d}", n.Formula)
	}
	return strings.ReplaceAll(n.Term.String(), "http://ex/", "")
}

func templateString(ts []TemplateTriple) string {
	var b strings.Builder
	for i, t := range ts {
		if i > 0 {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "%s %s %s .", t.S.testString(), t.P.testString(), t.O.testString())
	}
	return b.String()
}

func TestParseN3(t *testing.T) {
	tests := []struct {
		name, src string
		triples   string
		formulas  []string
	}{
		{
			name:     "formulas and variables",
			src:      "@prefix : <http://ex/>. _:p :w { ?x :p ?y }; :i { ?x :q 1 . }.",
			triples:  "_:b0 <w> {1} . _:b0 <i> {2} .",
			formulas: []string{`?x <p> ?y .`, `?x <q> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .`},
		},
		{
			name:     "empty formula, final dot optional, relative IRIs",
			src:      "<#p> <#w> {}; <#i> { <a> <b> <c> }.",
			triples:  "<doc#p> <doc#w> {1} . <doc#p> <doc#i> {2} .",
			formulas: []string{``, `<a> <b> <c> .`},
		},
		{
			name:     "nested formula, numbered inside out",
			src:      "<s> <p> { <a> <b> { <c> <d> <e> } } .",
			triples:  "<s> <p> {2} .",
			formulas: []string{`<c> <d> <e> .`, `<a> <b> {1} .`},
		},
		{
			name:     "blank node syntax inside a formula stays inside",
			src:      "<s> <p> { [ <q> ( 1 ) ] } . <t> <u> <v> .",
			triples:  "<s> <p> {1} . <t> <u> <v> .",
			formulas: []string{`_:b0 <q> _:b1 . _:b1 <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> "1"^^<http://www.w3.org/2001/XMLSchema#integer> . _:b1 <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> <http://www.w3.org/1999/02/22-rdf-syntax-ns#nil> .`},
		},
		{
			name:     "directives inside a formula",
			src:      "<s> <p> { @prefix e: <http://ex/e#>. e:a e:b e:c. PREFIX f: <http://ex/f#> f:a f:b f:c }.",
			triples:  "<s> <p> {1} .",
			formulas: []string{`<e#a> <e#b> <e#c> . <f#a> <f#b> <f#c> .`},
		},
		{
			name:     "formula as subject, variable as predicate",
			src:      "{ <a> ?p <b> } <p> ?o .",
			triples:  "{1} <p> ?o .",
			formulas: []string{`<a> ?p <b> .`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := ParseN3([]byte(tt.src), "http://ex/doc")
			if err != nil {
				t.Fatalf("ParseN3(%q) = %v", tt.src, err)
			}
			if got := templateString(doc.Triples); got != tt.triples {
				t.Errorf("ParseN3(%q) triples:\n%s\nwant:\n%s", tt.src, got, tt.triples)
			}
			var fs []string
			for _, f := range doc.Formulas {
				fs = append(fs, templateString(f))
			}
			if !reflect.DeepEqual(fs, tt.formulas) {
				t.Errorf("ParseN3(%q) formulas:\n%q\nwant:\n%q", tt.src, fs, tt.formulas)
			}
		})
	}
}

func TestParseN3Errors(t *testing.T) {
	tests := []struct {
		src       string
		line, col int
	}{
		{"<s> <p> { <a> <b> <c> .", 1, 24},
		{"<s> <p> { <a> <b> }.", 1, 19},
		{"<s> <p> { <a> <b> <c> } ", 1, 25},
		{"<s> <p> { <a> <b> <c> <d> }.", 1, 23},
		{"<s> <p> ?.", 1, 9},
		{"<s> <p> $x.", 1, 9},
		{"{ <a> <b> <c> } => { <d> <e> <f> }.", 1, 17},
		{"<s> <p> {\n <a> nope:b <c> }.", 2, 6},
		{"<s> <p> \"\xff\".", 1, 10},
		{strings.Repeat("<s> <p> {", 2000), 1, 9*1001 + 1},
	}
	for _, tt := range tests {
		_, err := ParseN3([]byte(tt.src), "http://ex/doc")
		var se *SyntaxError
		if !errors.As(err, &se) || se.Line != tt.line || se.Col != tt.col {
			t.Errorf("ParseN3(%.40q) = %v, want a syntax error at %d:%d", tt.src, err, tt.line, tt.col)
		}
	}
}

func TestTemplateReaderBlock(t *testing.T) {
	tests := []struct {
		name, src string
		want      string
	}{
		{"variables both ways", `{ ?s $p ?o }`, `?s ?p ?o .`},
		{"final dot", `{ ?s <p> "x" . }`, `?s <p> "x" .`},
		{"empty", `{}`, ``},
		{"empty with comment", "{ # nothing\n }", ``},
		{"prefixes from the prologue", `{ e:a e:b e:c }`, `<e#a> <e#b> <e#c> .`},
		{"a and lists", `{ ?x a ( ?y 2 ) }`, `?x <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> _:b0 . _:b0 <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> ?y . _:b0 <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> _:b1 . _:b1 <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> "2"^^<http://www.w3.org/2001/XMLSchema#integer> . _:b1 <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> <http://www.w3.org/1999/02/22-rdf-syntax-ns#nil> .`},
		{"standalone bnode property list", `{ [ <p> ?v ] }`, `_:b0 <p> ?v .`},
		{"numbers not paths", `{ <s> <p> +1, -2, .5 }`, `<s> <p> "+1"^^<http://www.w3.org/2001/XMLSchema#integer> . <s> <p> "-2"^^<http://www.w3.org/2001/XMLSchema#integer> . <s> <p> ".5"^^<http://www.w3.org/2001/XMLSchema#decimal> .`},
		{"prefixed name that looks like a keyword", `{ FILTER:a <p> ?o }`, `<f#a> <p> ?o .`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "PREFIX e: <http://ex/e#> PREFIX FILTER: <http://ex/f#>\n" + tt.src
			r, err := NewTemplateReader([]byte(src), "http://ex/doc")
			if err != nil {
				t.Fatal(err)
			}
			if err := r.Prologue(); err != nil {
				t.Fatal(err)
			}
			ts, err := r.Block()
			if err != nil {
				t.Fatalf("Block(%q) = %v", tt.src, err)
			}
			if got := templateString(ts); got != tt.want {
				t.Errorf("Block(%q):\n%s\nwant:\n%s", tt.src, got, tt.want)
			}
			if r.Peek() != 0 {
				t.Errorf("Block(%q) stopped at offset %d", tt.src, r.Offset())
			}
		})
	}
}

func TestTemplateReaderUnsupported(t *testing.T) {
	tests := []struct{ src, construct string }{
		{`{ ?s ?p ?o FILTER(?o) }`, "FILTER"},
		{`{ ?s ?p ?o . filter(?o) }`, "FILTER"},
		{`{ OPTIONAL { ?s ?p ?o } }`, "OPTIONAL"},
		{`{ { ?s ?p ?o } UNION { ?s ?q ?o } }`, "UNION"},
		{`{ { ?s ?p "}" } union { } }`, "UNION"},
		{`{ { ?s ?p ?o } }`, "nested group graph pattern"},
		{`{ { SELECT ?s WHERE { ?s ?p ?o } } }`, "subquery (SELECT)"},
		{`{ ?s ?p ?o MINUS { ?s ?p 1 } }`, "MINUS"},
		{`{ BIND(1 AS ?x) }`, "BIND"},
		{`{ VALUES ?x { 1 } }`, "VALUES"},
		{`{ SERVICE <http://x/> { } }`, "SERVICE"},
		{`{ GRAPH <g> { ?s ?p ?o } }`, "GRAPH"},
		{`{ ?s <p>/<q> ?o }`, "property path"},
		{`{ ?s <p>|<q> ?o }`, "property path"},
		{`{ ?s ^<p> ?o }`, "property path"},
		{`{ ?s !<p> ?o }`, "property path"},
		{`{ ?s (<p>) ?o }`, "property path"},
		{`{ ?s <p>* ?o }`, "property path"},
		{`{ ?s <p>+ ?o }`, "property path"},
		{`{ ?s <p>? ?o }`, "property path"},
		{`{ ?s a/<q> ?o }`, "property path"},
	}
	for _, tt := range tests {
		r, err := NewTemplateReader([]byte(tt.src), "http://ex/doc")
		if err != nil {
			t.Fatal(err)
		}
		_, err = r.Block()
		var ue *UnsupportedError
		if !errors.As(err, &ue) || ue.Construct != tt.construct || ue.Line != 1 || ue.Col < 3 {
			t.Errorf("Block(%q) = %v, want unsupported %s", tt.src, err, tt.construct)
		}
	}
}

func TestTemplateReaderSyntaxErrors(t *testing.T) {
	tests := []struct {
		src       string
		line, col int
	}{
		{`{ ?s ?p }`, 1, 9},
		{`{ ?s ?p ?o`, 1, 11},
		{`{ ?s ?p ?o ?x }`, 1, 12},
		{`{ ? <p> <o> }`, 1, 3},
		{`{ <s> <p> { } }`, 1, 11},
		{`{ @prefix e: <e#>. }`, 1, 3},
		{"{\n <s> <p> nope:x }", 2, 10},
		{`<s> <p> <o> }`, 1, 1},
		{`{ UNKNOWN <p> <o> }`, 1, 3},
		{`{ "lit" <p> <o> }`, 1, 3},
	}
	for _, tt := range tests {
		r, err := NewTemplateReader([]byte(tt.src), "http://ex/doc")
		if err != nil {
			t.Fatal(err)
		}
		_, err = r.Block()
		var se *SyntaxError
		if !errors.As(err, &se) || se.Line != tt.line || se.Col != tt.col {
			t.Errorf("Block(%q) = %v, want a syntax error at %d:%d", tt.src, err, tt.line, tt.col)
		}
	}
	if _, err := NewTemplateReader([]byte("{ <a\xff> }"), ""); err == nil {
		t.Errorf("NewTemplateReader accepted invalid UTF-8")
	}
}

// TestTemplateTermsMatchTurtle checks that the template parsers read every
// term as the Turtle parser does: ParseN3 of a Turtle document, and a
// SPARQL block of its triples, give the Turtle parser's triples.
func TestTemplateTermsMatchTurtle(t *testing.T) {
	for _, src := range turtleSeeds {
		checkN3MatchesTurtle(t, src)
	}
	const body = `<s> <p> "\u00e9\U0001F600\t\"" , """long
"quoted" """, '''single''', "x"@en-GB, "1"^^<http://www.w3.org/2001/XMLSchema#integer>, "d"^^e:dt .
e:a\,b e:%20 e:a.b ; a e:C ; e:n 1, -2.5, 3e-1, true, false, ( 1 ( ) [ e:q _:x ] ) .
_:x e:r [] .`
	turtle, err := Parse(strings.NewReader("@prefix e: <http://ex/e#> .\n"+body), Turtle, "http://ex/doc")
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewTemplateReader([]byte("PREFIX e: <http://ex/e#>\n{"+body+"}"), "http://ex/doc")
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Prologue(); err != nil {
		t.Fatal(err)
	}
	ts, err := r.Block()
	if err != nil {
		t.Fatal(err)
	}
	var got Graph
	for _, tr := range ts {
		got.Add(tr.S.Term, tr.P.Term, tr.O.Term)
	}
	if !reflect.DeepEqual(got.Triples, turtle.Triples) {
		t.Errorf("SPARQL block:\n%v\nTurtle:\n%v", got.Triples, turtle.Triples)
	}
}

func checkN3MatchesTurtle(t *testing.T, src string) {
	t.Helper()
	want, err := Parse(strings.NewReader(src), Turtle, "http://ex/doc")
	if err != nil {
		return
	}
	doc, err := ParseN3([]byte(src), "http://ex/doc")
	if err != nil {
		t.Fatalf("ParseN3(%q) = %v; the Turtle parser accepts it", src, err)
	}
	if len(doc.Formulas) != 0 {
		t.Fatalf("ParseN3(%q) found formulas in Turtle", src)
	}
	got := make([]Triple, len(doc.Triples))
	for i, tr := range doc.Triples {
		if tr.S.Term == nil || tr.P.Term == nil || tr.O.Term == nil {
			t.Fatalf("ParseN3(%q) found a variable in Turtle: %v", src, tr)
		}
		got[i] = Triple{S: tr.S.Term, P: tr.P.Term, O: tr.O.Term}
	}
	if !reflect.DeepEqual(got, want.Triples) && !(len(got) == 0 && len(want.Triples) == 0) {
		t.Fatalf("ParseN3(%q):\n%v\nTurtle:\n%v", src, got, want.Triples)
	}
}

// FuzzParseN3MatchesTurtle: N3 mode extends Turtle, so whatever the
// Turtle parser accepts, ParseN3 reads to the same triples; and ParseN3
// never panics.
func FuzzParseN3MatchesTurtle(f *testing.F) {
	for _, s := range turtleSeeds {
		f.Add(s)
	}
	f.Add("<s> <p> { ?x <q> [ <r> ( 1 ) ] } .")
	f.Fuzz(func(t *testing.T, src string) {
		if _, err := ParseN3([]byte(src), "http://ex/doc"); err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("ParseN3(%q) = %v, want a *SyntaxError", src, err)
			}
		}
		checkN3MatchesTurtle(t, src)
	})
}
