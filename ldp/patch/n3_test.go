package patch

import (
	"strings"
	"testing"
)

const n3Pre = "@prefix solid: <http://www.w3.org/ns/solid/terms#>.\n@prefix ex: <http://ex/>.\n"

// rdflibN3 is an N3 Patch as rdflib.js 2.4.0's UpdateManager
// (constructN3PatchQuery) writes it: an unused ex: prefix, the where,
// deletes and inserts each followed by ';', the type last, blank nodes of
// the where as variables.
const rdflibN3 = `
@prefix solid: <http://www.w3.org/ns/solid/terms#>.
@prefix ex: <http://www.example.org/terms#>.

_:patch

      solid:where {
        ?n17 <http://ex/city> "Ghent" .
        <http://ex/doc#me> <http://ex/address> ?n17 .
      };
      solid:deletes {
        ?n17 <http://ex/city> "Ghent" .
      };
      solid:inserts {
        ?n17 <http://ex/city> "Brussels"@en .
        <http://ex/doc#me> <http://ex/age> "42"^^<http://www.w3.org/2001/XMLSchema#integer> .
      };   a solid:InsertDeletePatch .
`

var n3Cases = []parseCase{
	{name: "rdflib.js UpdateManager", body: rdflibN3,
		want: `where { ?n17 <city> "Ghent" . <doc#me> <address> ?n17 . } delete { ?n17 <city> "Ghent" . } insert { ?n17 <city> "Brussels"@en . <doc#me> <age> "42"^^<http://www.w3.org/2001/XMLSchema#integer> . } exact strict`},
	{name: "rdflib.js insert only", body: "\n@prefix solid: <http://www.w3.org/ns/solid/terms#>.\n@prefix ex: <http://www.example.org/terms#>.\n\n_:patch\n\n      solid:inserts {\n        <http://ex/doc#a> <http://ex/p> \"x\" .\n      };   a solid:InsertDeletePatch .\n",
		want: `insert { <doc#a> <p> "x" . } exact strict`},
	{name: "spec example", body: n3Pre + `<#patch> a solid:InsertDeletePatch;
  solid:where   { ?person ex:familyName "Garcia". };
  solid:inserts { ?person ex:givenName "Alex". };
  solid:deletes { ?person ex:givenName "Claudia". }.`,
		want: `where { ?person <familyName> "Garcia" . } delete { ?person <givenName> "Claudia" . } insert { ?person <givenName> "Alex" . } exact strict`},
	{name: "relative IRIs against the document", body: n3Pre + `_:p a solid:InsertDeletePatch; solid:inserts { <> <#p> <../up>, <other> }.`,
		want: `insert { <doc> <doc#p> <up> . <doc> <doc#p> <other> . } exact strict`},
	{name: "SPARQL-style prefixes and BASE", body: "PREFIX solid: <http://www.w3.org/ns/solid/terms#>\nBASE <http://ex/base/>\n_:p a solid:InsertDeletePatch; solid:inserts { <a> <b> <c> }.",
		want: `insert { <base/a> <base/b> <base/c> . } exact strict`},
	{name: "also typed solid:Patch", body: n3Pre + `_:p a solid:Patch, solid:InsertDeletePatch; solid:inserts { ex:a ex:b ex:c }.`,
		want: `insert { <a> <b> <c> . } exact strict`},
	{name: "no formulae", body: n3Pre + `_:p a solid:InsertDeletePatch.`, want: `exact strict`},
	{name: "empty formulae", body: n3Pre + `_:p a solid:InsertDeletePatch; solid:where {}; solid:deletes {}; solid:inserts {}.`, want: `exact strict`},
	{name: "where only", body: n3Pre + `_:p a solid:InsertDeletePatch; solid:where { ex:a ex:b ?x }.`, want: `where { <a> <b> ?x . } exact strict`},
	{name: "variable predicate", body: n3Pre + `_:p a solid:InsertDeletePatch; solid:where { ex:b ?p "Bob" }; solid:deletes { ex:b ?p "Bob" }.`,
		want: `where { <b> ?p "Bob" . } delete { <b> ?p "Bob" . } exact strict`},
	{name: "final dot inside formulae optional", body: n3Pre + `_:p a solid:InsertDeletePatch; solid:inserts { ex:a ex:b 1 . ex:a ex:b 2 }.`,
		want: `insert { <a> <b> "1"^^<http://www.w3.org/2001/XMLSchema#integer> . <a> <b> "2"^^<http://www.w3.org/2001/XMLSchema#integer> . } exact strict`},
	{name: "blank nodes in inserts", body: n3Pre + `_:p a solid:InsertDeletePatch; solid:inserts { ex:a ex:addr [ ex:city "Ghent" ]; ex:knows _:x. _:x ex:name "X" }.`,
		want: `insert { <a> <addr> _:0 . _:0 <city> "Ghent" . <a> <knows> _:1 . _:1 <name> "X" . } exact strict`},
	{name: "blank nodes in where", body: n3Pre + `_:p a solid:InsertDeletePatch; solid:where { ex:a ex:addr _:x. _:x ex:city ?c }; solid:inserts { ex:a ex:city ?c }.`,
		want: `where { <a> <addr> _:0 . _:0 <city> ?c . } insert { <a> <city> ?c . } exact strict`},
	{name: "collections", body: n3Pre + `_:p a solid:InsertDeletePatch; solid:inserts { ex:a ex:l ( 1 ex:b ) }.`,
		want: `insert { <a> <l> _:0 . _:0 <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> "1"^^<http://www.w3.org/2001/XMLSchema#integer> . _:0 <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> _:1 . _:1 <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> <b> . _:1 <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> <http://www.w3.org/1999/02/22-rdf-syntax-ns#nil> . } exact strict`},
	{name: "other statements about the patch resource are ignored", body: n3Pre + `<#p> a solid:InsertDeletePatch; solid:patches <>; ex:comment "hi"; ex:f {}; solid:inserts { ex:a ex:b ex:c }.`,
		want: `insert { <a> <b> <c> . } exact strict`},
	{name: "statements in any order", body: n3Pre + `_:p solid:inserts { ex:a ex:b ?x }. _:p solid:where { ex:a ex:c ?x }. _:p a solid:InsertDeletePatch.`,
		want: `where { <a> <c> ?x . } insert { <a> <b> ?x . } exact strict`},
	{name: "byte order mark and comments", body: "\ufeff# a patch\n" + n3Pre + `_:p a solid:InsertDeletePatch # type
			; solid:inserts { # nothing yet
			ex:a ex:b ex:c }.`,
		want: `insert { <a> <b> <c> . } exact strict`},

	// 422: the rules of Solid Protocol §5.3.1.
	{name: "empty document", body: ``, invalid: "no patch resource"},
	{name: "no patch resource", body: n3Pre + `ex:c ex:name "Carol".`, invalid: "no patch resource"},
	{name: "typed solid:Patch only", body: n3Pre + `_:p a solid:Patch; solid:inserts { ex:a ex:b ex:c }.`, invalid: "type solid:InsertDeletePatch"},
	{name: "inserts without a type", body: n3Pre + `_:p solid:inserts { ex:a ex:b ex:c }.`, invalid: "type solid:InsertDeletePatch"},
	{name: "two patch resources", body: n3Pre + `_:p a solid:InsertDeletePatch. _:q a solid:InsertDeletePatch.`, invalid: "2 patch resources"},
	{name: "variable as patch resource", body: n3Pre + `?p a solid:InsertDeletePatch.`, invalid: "variable ?p"},
	{name: "formula as patch resource", body: n3Pre + `{} a solid:InsertDeletePatch.`, invalid: "is a formula"},
	{name: "statement about something else", body: n3Pre + `_:p a solid:InsertDeletePatch. ex:a ex:b ex:c.`, invalid: "a statement about <http://ex/a>"},
	{name: "blank node property list outside the patch", body: n3Pre + `_:p a solid:InsertDeletePatch; ex:meta [ ex:b ex:c ].`, invalid: "a statement about a blank node"},
	{name: "two inserts", body: n3Pre + `_:p a solid:InsertDeletePatch; solid:inserts { ex:a ex:b 1 }, { ex:a ex:b 2 }.`, invalid: "more than one solid:inserts"},
	{name: "two deletes", body: n3Pre + `_:p a solid:InsertDeletePatch; solid:deletes {}; solid:deletes {}.`, invalid: "more than one solid:deletes"},
	{name: "two wheres", body: n3Pre + `_:p a solid:InsertDeletePatch; solid:where {}; solid:where {}.`, invalid: "more than one solid:where"},
	{name: "inserts an IRI", body: n3Pre + `_:p a solid:InsertDeletePatch; solid:inserts ex:c.`, invalid: "solid:inserts must be a formula"},
	{name: "deletes a literal", body: n3Pre + `_:p a solid:InsertDeletePatch; solid:deletes "{ ex:a ex:b ex:c }".`, invalid: "solid:deletes must be a formula"},
	{name: "where a variable", body: n3Pre + `_:p a solid:InsertDeletePatch; solid:where ?w.`, invalid: "solid:where must be a formula"},
	{name: "nested formula in inserts", body: n3Pre + `_:p a solid:InsertDeletePatch; solid:inserts { ex:a ex:says { ex:b ex:c ex:d } }.`, invalid: "nested in solid:inserts"},
	{name: "nested formula in where", body: n3Pre + `_:p a solid:InsertDeletePatch; solid:where { { ?x ex:c ex:d } ex:b ex:c }.`, invalid: "nested in solid:where"},
	{name: "variable in inserts, no where", body: n3Pre + `_:p a solid:InsertDeletePatch; solid:inserts { ?x ex:b ex:c }.`, invalid: "?x in solid:inserts does not occur in solid:where"},
	{name: "variable in inserts, not in where", body: n3Pre + `_:p a solid:InsertDeletePatch; solid:where { ?x ex:b ex:c }; solid:inserts { ?y ex:b ex:c }.`, invalid: "?y in solid:inserts"},
	{name: "variable in deletes, not in where", body: n3Pre + `_:p a solid:InsertDeletePatch; solid:where { ?x ex:b ex:c }; solid:deletes { ex:a ex:b ?y }.`, invalid: "?y in solid:deletes"},
	{name: "blank node in deletes", body: n3Pre + `_:p a solid:InsertDeletePatch; solid:deletes { ex:a ex:b _:b }.`, invalid: "blank node in solid:deletes"},
	{name: "anonymous blank node in deletes", body: n3Pre + `_:p a solid:InsertDeletePatch; solid:deletes { ex:a ex:b [] }.`, invalid: "blank node in solid:deletes"},
	{name: "blank node property list in deletes", body: n3Pre + `_:p a solid:InsertDeletePatch; solid:deletes { [ ex:b ex:c ] }.`, invalid: "blank node in solid:deletes"},
	{name: "collection in deletes", body: n3Pre + `_:p a solid:InsertDeletePatch; solid:deletes { ex:a ex:b ( 1 ) }.`, invalid: "blank node in solid:deletes"},
	{name: "blank node label in where and inserts", body: n3Pre + `_:p a solid:InsertDeletePatch; solid:where { ex:a ex:b _:x }; solid:inserts { _:x ex:c 1 }.`, invalid: "both solid:where and solid:inserts"},

	// 400: not N3 (or outside the Turtle + formulae + variables we read).
	{name: "cut short", body: n3Pre + `_:p a solid:InsertDeletePatch; solid:inserts { ex:c ex:name `, line: 3, col: 61},
	{name: "unbalanced braces", body: n3Pre + `_:p a solid:InsertDeletePatch; solid:inserts { ex:c ex:name "Carol" .`, line: 3, col: 70},
	{name: "missing final dot", body: n3Pre + `_:p a solid:InsertDeletePatch`, line: 3, col: 30},
	{name: "undefined prefix", body: n3Pre + `_:p a solid:InsertDeletePatch; solid:inserts { ex:c nope:name "Carol" }.`, line: 3, col: 53},
	{name: "IRI with a space", body: n3Pre + `_:p a solid:InsertDeletePatch; solid:inserts { <#c d> ex:name "Carol" }.`, line: 3, col: 51},
	{name: "unterminated string", body: n3Pre + `_:p a solid:InsertDeletePatch; solid:inserts { ex:c ex:name "Carol }.`, line: 3, col: 61},
	{name: "invalid UTF-8", body: n3Pre + "_:p a solid:InsertDeletePatch; solid:inserts { ex:c ex:name \"\xff\xfe\" }.", line: 3, col: 62},
	{name: "JSON", body: `{"inserts": []}`, line: 1, col: 2},
	{name: "N3 rules", body: n3Pre + `{ ?x ex:a ex:b } => { ?x ex:c ex:d }.`, line: 3, col: 18},
	{name: "deep nesting", body: strings.Repeat("{", 5000), line: 1, col: 1002},
}

func TestParseN3Patch(t *testing.T) { checkParse(t, N3, n3Cases) }
