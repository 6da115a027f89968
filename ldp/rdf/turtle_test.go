package rdf

import (
	"errors"
	"strings"
	"testing"
)

const testBase = "https://pod.example/alice/profile/card"

func mustParse(t testing.TB, src, mediaType, base string) *Graph {
	t.Helper()
	g, err := Parse(strings.NewReader(src), mediaType, base)
	if err != nil {
		t.Fatalf("Parse(%q, %s) failed: %v", src, mediaType, err)
	}
	return g
}

func ntString(t testing.TB, g *Graph) string {
	t.Helper()
	var b strings.Builder
	if err := Write(&b, g, NTriples, ""); err != nil {
		t.Fatalf("Write N-Triples: %v", err)
	}
	return b.String()
}

func TestParseTurtle(t *testing.T) {
	tests := []struct {
		name, in, want string // want is N-Triples
	}{
		{"empty", "", ""},
		{"comment only", "# nothing\n", ""},
		{"relative IRIs", `<> <#p> <#me>, <../x>, <?q>, <child/a> .`,
			`<https://pod.example/alice/profile/card> <https://pod.example/alice/profile/card#p> <https://pod.example/alice/profile/card#me> .
<https://pod.example/alice/profile/card> <https://pod.example/alice/profile/card#p> <https://pod.example/alice/x> .
<https://pod.example/alice/profile/card> <https://pod.example/alice/profile/card#p> <https://pod.example/alice/profile/card?q> .
<https://pod.example/alice/profile/card> <https://pod.example/alice/profile/card#p> <https://pod.example/alice/profile/child/a> .`},
		{"@base and BASE", "@base <http://a/b/c> .\n<d> <p> <o> .\nBASE <../x/>\n<d> <p> <o> .",
			`<http://a/b/d> <http://a/b/p> <http://a/b/o> .
<http://a/x/d> <http://a/x/p> <http://a/x/o> .`},
		{"relative prefix", "@prefix : <#> . :me :knows :you .",
			`<https://pod.example/alice/profile/card#me> <https://pod.example/alice/profile/card#knows> <https://pod.example/alice/profile/card#you> .`},
		{"sparql prefix, any case", "prefix ex: <http://ex/>\nex:a ex:b ex:c .", `<http://ex/a> <http://ex/b> <http://ex/c> .`},
		{"a", "@prefix ex: <http://ex/> . ex:a a ex:C .", `<http://ex/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://ex/C> .`},
		{"prefix named a", "@prefix a: <http://ex/> . a:x a a:C .", `<http://ex/x> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://ex/C> .`},
		{"local names", `@prefix ex: <http://ex/> . ex:a.b ex:c-d ex:1, ex:a\,b, ex:%20x, ex:a:b, ex: .`,
			`<http://ex/a.b> <http://ex/c-d> <http://ex/1> .
<http://ex/a.b> <http://ex/c-d> <http://ex/a,b> .
<http://ex/a.b> <http://ex/c-d> <http://ex/%20x> .
<http://ex/a.b> <http://ex/c-d> <http://ex/a:b> .
<http://ex/a.b> <http://ex/c-d> <http://ex/> .`},
		{"trailing dot is not in the local name", "@prefix ex: <http://ex/> . ex:a ex:b ex:c.", `<http://ex/a> <http://ex/b> <http://ex/c> .`},
		{"literals", `<s> <p> "x", 'y', "x"@en-GB, "1"^^<http://www.w3.org/2001/XMLSchema#int>, "s"^^<http://www.w3.org/2001/XMLSchema#string> .`,
			`<https://pod.example/alice/profile/s> <https://pod.example/alice/profile/p> "x" .
<https://pod.example/alice/profile/s> <https://pod.example/alice/profile/p> "y" .
<https://pod.example/alice/profile/s> <https://pod.example/alice/profile/p> "x"@en-GB .
<https://pod.example/alice/profile/s> <https://pod.example/alice/profile/p> "1"^^<http://www.w3.org/2001/XMLSchema#int> .
<https://pod.example/alice/profile/s> <https://pod.example/alice/profile/p> "s" .`},
		{"long literals", "<s> <p> \"\"\"a\n\"b\"\"c\"\"\"\" , '''x''y''' .",
			`<https://pod.example/alice/profile/s> <https://pod.example/alice/profile/p> "a\n\"b\"\"c\"" .
<https://pod.example/alice/profile/s> <https://pod.example/alice/profile/p> "x''y" .`},
		{"escapes", `<s> <p> "t\tn\nr\rb\bf\fq\"a\'s\\u\u00e9U\U0001F600" .`,
			`<https://pod.example/alice/profile/s> <https://pod.example/alice/profile/p> "t\tn\nr\rb` + "\b" + `f` + "\f" + `q\"a's\\u` + "é" + `U` + "😀" + `" .`},
		{"unicode", `<s> <p> "日本語"@ja . <s> <ü> <http://ex/ф> .`,
			`<https://pod.example/alice/profile/s> <https://pod.example/alice/profile/p> "日本語"@ja .
<https://pod.example/alice/profile/s> <https://pod.example/alice/profile/ü> <http://ex/ф> .`},
		{"numbers and booleans", `<s> <p> 1, -2, +3.5, .5, 1e3, 1.5E-2, 1.e1, true, false .`,
			`<https://pod.example/alice/profile/s> <https://pod.example/alice/profile/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .
<https://pod.example/alice/profile/s> <https://pod.example/alice/profile/p> "-2"^^<http://www.w3.org/2001/XMLSchema#integer> .
<https://pod.example/alice/profile/s> <https://pod.example/alice/profile/p> "+3.5"^^<http://www.w3.org/2001/XMLSchema#decimal> .
<https://pod.example/alice/profile/s> <https://pod.example/alice/profile/p> ".5"^^<http://www.w3.org/2001/XMLSchema#decimal> .
<https://pod.example/alice/profile/s> <https://pod.example/alice/profile/p> "1e3"^^<http://www.w3.org/2001/XMLSchema#double> .
<https://pod.example/alice/profile/s> <https://pod.example/alice/profile/p> "1.5E-2"^^<http://www.w3.org/2001/XMLSchema#double> .
<https://pod.example/alice/profile/s> <https://pod.example/alice/profile/p> "1.e1"^^<http://www.w3.org/2001/XMLSchema#double> .
<https://pod.example/alice/profile/s> <https://pod.example/alice/profile/p> "true"^^<http://www.w3.org/2001/XMLSchema#boolean> .
<https://pod.example/alice/profile/s> <https://pod.example/alice/profile/p> "false"^^<http://www.w3.org/2001/XMLSchema#boolean> .`},
		{"integer then end of statement", `<s> <p> 1.`, `<https://pod.example/alice/profile/s> <https://pod.example/alice/profile/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .`},
		{"blank node labels", `_:x <p> _:y . _:y <p> _:x .`, `_:a <https://pod.example/alice/profile/p> _:b .
_:b <https://pod.example/alice/profile/p> _:a .`},
		{"anonymous blank nodes", `[] <p> [ <q> [] ] . [ <r> 1 ] .`, `_:a <https://pod.example/alice/profile/p> _:b .
_:b <https://pod.example/alice/profile/q> _:c .
_:d <https://pod.example/alice/profile/r> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .`},
		{"property list subject with predicates", `[ <q> 1 ] <r> 2 .`, `_:a <https://pod.example/alice/profile/q> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .
_:a <https://pod.example/alice/profile/r> "2"^^<http://www.w3.org/2001/XMLSchema#integer> .`},
		{"collections", `<s> <p> ( 1 ( ) [ <q> 2 ] ), () . ( <a> ) <r> 3 .`, `<https://pod.example/alice/profile/s> <https://pod.example/alice/profile/p> _:l1 .
_:l1 <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .
_:l1 <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> _:l2 .
_:l2 <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> <http://www.w3.org/1999/02/22-rdf-syntax-ns#nil> .
_:l2 <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> _:l3 .
_:l3 <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> _:x .
_:x <https://pod.example/alice/profile/q> "2"^^<http://www.w3.org/2001/XMLSchema#integer> .
_:l3 <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> <http://www.w3.org/1999/02/22-rdf-syntax-ns#nil> .
<https://pod.example/alice/profile/s> <https://pod.example/alice/profile/p> <http://www.w3.org/1999/02/22-rdf-syntax-ns#nil> .
_:m1 <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> <https://pod.example/alice/profile/a> .
_:m1 <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> <http://www.w3.org/1999/02/22-rdf-syntax-ns#nil> .
_:m1 <https://pod.example/alice/profile/r> "3"^^<http://www.w3.org/2001/XMLSchema#integer> .`},
		{"semicolons", `<s> <p> 1 ;; <q> 2 ; .`, `<https://pod.example/alice/profile/s> <https://pod.example/alice/profile/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .
<https://pod.example/alice/profile/s> <https://pod.example/alice/profile/q> "2"^^<http://www.w3.org/2001/XMLSchema#integer> .`},
		{"white space around tags", `<s> <p> "x" ^^ <http://ex/t> , "y" @en .`, `<https://pod.example/alice/profile/s> <https://pod.example/alice/profile/p> "x"^^<http://ex/t> .
<https://pod.example/alice/profile/s> <https://pod.example/alice/profile/p> "y"@en .`},
		{"byte order mark", "\uFEFF<s> <p> <o> .", `<https://pod.example/alice/profile/s> <https://pod.example/alice/profile/p> <https://pod.example/alice/profile/o> .`},
		{"IRI escapes", `<http://ex/\u00E9> <p> <o> .`, `<http://ex/é> <https://pod.example/alice/profile/p> <https://pod.example/alice/profile/o> .`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustParse(t, tt.in, Turtle, testBase)
			want := mustParse(t, tt.want, NTriples, "")
			if !Isomorphic(got, want) {
				t.Errorf("Parse(%q) =\n%s\nwant\n%s", tt.in, ntString(t, got), ntString(t, want))
			}
		})
	}
}

func TestParseTurtleKeepsPrefixes(t *testing.T) {
	g := mustParse(t, "@prefix : <#> .\nPREFIX foaf: <http://xmlns.com/foaf/0.1/>\n:me a foaf:Person .", Turtle, testBase)
	want := map[string]string{"": testBase + "#", "foaf": "http://xmlns.com/foaf/0.1/"}
	if len(g.Prefixes) != len(want) || g.Prefixes[""] != want[""] || g.Prefixes["foaf"] != want["foaf"] {
		t.Errorf("Prefixes = %v, want %v", g.Prefixes, want)
	}
}

func TestParseSyntaxErrors(t *testing.T) {
	tests := []struct {
		name, mediaType, in string
		line, col           int
		msg                 string
	}{
		{"missing dot", Turtle, "<a> <b> <c>", 1, 12, "expected '.'"},
		{"missing dot later line", Turtle, "<a> <b> <c> .\n\n<a> <b> <c> <d> .", 3, 13, "expected '.'"},
		{"undefined prefix", Turtle, "<a> <b> ex:c .", 1, 9, `undefined prefix "ex"`},
		{"unterminated string", Turtle, "<a> <b> \"abc .\n", 1, 15, "newline in string"},
		{"unterminated long string", Turtle, "<a> <b> \"\"\"abc .\n", 1, 9, "unterminated string"},
		{"bad escape", Turtle, `<a> <b> "a\qb" .`, 1, 11, `invalid escape \q`},
		{"bad unicode escape", Turtle, `<a> <b> "\u12G4" .`, 1, 10, "invalid hex digit"},
		{"surrogate escape", Turtle, `<a> <b> "\uD800" .`, 1, 10, "not a Unicode scalar value"},
		{"space in IRI", Turtle, "<a> <b c> <d> .", 1, 7, "invalid character"},
		{"unterminated IRI", Turtle, "<a> <b", 1, 5, "unterminated IRI"},
		{"column counts characters", Turtle, "<é> <b> <c> <d> .", 1, 13, "expected '.'"},
		{"literal subject", Turtle, `"a" <b> <c> .`, 1, 1, "expected a subject"},
		{"keyword a as subject", Turtle, `a <b> <c> .`, 1, 1, "expected a prefixed name"},
		{"bad language tag", Turtle, `<a> <b> "x"@ .`, 1, 13, "language tag"},
		{"unknown directive", Turtle, "@foo <a> .", 1, 1, "unknown directive"},
		{"unclosed collection", Turtle, "<a> <b> ( 1 2", 1, 14, "expected ')'"},
		{"unclosed property list", Turtle, "<a> <b> [ <c> 1 .", 1, 17, "expected ']'"},
		{"invalid UTF-8", Turtle, "<a> <b> \"\xff\" .", 1, 10, "invalid UTF-8"},
		{"lone sign", Turtle, "<a> <b> - .", 1, 9, "invalid number"},
		{"too deep", Turtle, "<a> <b> " + strings.Repeat("[ <p> ", maxDepth+1), 1, 8 + 6*maxDepth + 3, "nesting deeper"},
		{"NT: prefixed name", NTriples, "ex:a <b> <c> .", 1, 1, "expected a subject"},
		{"NT: shorthand number", NTriples, "<http://a> <http://b> 1 .", 1, 23, "expected an object"},
		{"NT: long string", NTriples, "<http://a> <http://b> \"\"\"x\"\"\" .", 1, 25, "expected '.'"},
		{"NT: a", NTriples, "<http://a> a <http://c> .", 1, 12, "expected a predicate"},
		{"JSON: bad syntax", JSONLD, "{\n  \"a\": ,\n}", 2, 8, "invalid character"},
		{"JSON: truncated", JSONLD, "{\"a\": [1,", 1, 10, "unexpected end"},
		{"JSON: trailing data", JSONLD, "{} {}", 1, 4, "after the top-level value"},
		{"JSON: string document", JSONLD, `"http://evil.example/"`, 0, 0, "must be a JSON object or array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.in), tt.mediaType, testBase)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) error = %v, want a *SyntaxError", tt.in, err)
			}
			if se.Line != tt.line || se.Col != tt.col || !strings.Contains(se.Msg, tt.msg) {
				t.Errorf("Parse(%q) error = %q at %d:%d, want %q at %d:%d", truncate(tt.in, 80), se.Msg, se.Line, se.Col, tt.msg, tt.line, tt.col)
			}
		})
	}
}

func TestSyntaxErrorMessage(t *testing.T) {
	e := &SyntaxError{Line: 3, Col: 7, Msg: "expected '.'"}
	if got, want := e.Error(), "line 3, column 7: expected '.'"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	e = &SyntaxError{Msg: "json-ld: x"}
	if got, want := e.Error(), "json-ld: x"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestMediaType(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"text/turtle", Turtle, true},
		{"text/turtle; charset=utf-8", Turtle, true},
		{" Text/Turtle ;charset=UTF-8", Turtle, true},
		{"application/ld+json", JSONLD, true},
		{`application/ld+json; profile="http://www.w3.org/ns/json-ld#compacted"`, JSONLD, true},
		{"application/n-triples", NTriples, true},
		{"application/json", "application/json", false},
		{"text/n3", "text/n3", false},
		{"text/plain", "text/plain", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := MediaType(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("MediaType(%q) = %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseUnsupportedMediaType(t *testing.T) {
	_, err := Parse(strings.NewReader("{}"), "application/json", testBase)
	if !errors.Is(err, ErrUnsupportedMediaType) {
		t.Errorf("Parse(application/json) error = %v, want ErrUnsupportedMediaType", err)
	}
	err = Write(new(strings.Builder), &Graph{}, "text/n3", "")
	if !errors.Is(err, ErrUnsupportedMediaType) {
		t.Errorf("Write(text/n3) error = %v, want ErrUnsupportedMediaType", err)
	}
}
