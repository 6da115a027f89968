package patch

import (
	"testing"
)

const sparqlPre = "PREFIX ex: <http://ex/>\n"

var sparqlCases = []parseCase{
	// The shapes rdflib.js 2.4.0's UpdateManager sends
	// (constructSparqlUpdateQuery, update_statement).
	{name: "rdflib DELETE DATA ; INSERT DATA",
		body: "DELETE DATA { <http://ex/doc#a> <http://ex/name> \"Bob\" .\n } \n ; INSERT DATA { <http://ex/doc#a> <http://ex/name> \"Robert\"@en .\n<http://ex/doc#a> <http://ex/age> \"42\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n }\n",
		want: `delete { <doc#a> <name> "Bob" . } strict ; insert { <doc#a> <name> "Robert"@en . <doc#a> <age> "42"^^<http://www.w3.org/2001/XMLSchema#integer> . }`},
	{name: "rdflib INSERT DATA with a blank node",
		body: "INSERT DATA { <http://ex/doc#a> <http://ex/addr> _:n5 .\n_:n5 <http://ex/city> \"Ghent\" .\n }\n",
		want: `insert { <doc#a> <addr> _:0 . _:0 <city> "Ghent" . }`},
	{name: "rdflib DELETE DATA only",
		body: "DELETE DATA { <http://ex/doc#a> <http://ex/name> \"Bob\" .\n } \n",
		want: `delete { <doc#a> <name> "Bob" . } strict`},
	{name: "rdflib DELETE INSERT WHERE for blank nodes",
		body: "DELETE { ?n17 <http://ex/city> \"Ghent\" .\n }\nINSERT { ?n17 <http://ex/city> \"Brussels\" .\n }\nWHERE { <http://ex/doc#me> <http://ex/address> ?n17 .\n?n17 <http://ex/city> \"Ghent\" . }\n",
		want: `where { <doc#me> <address> ?n17 . ?n17 <city> "Ghent" . } delete { ?n17 <city> "Ghent" . } insert { ?n17 <city> "Brussels" . }`},
	{name: "rdflib set_object",
		body: "DELETE DATA { <http://ex/a> <http://ex/b> \"c\" . } ;\nINSERT DATA { <http://ex/a> <http://ex/b> \"d\"  . }\n",
		want: `delete { <a> <b> "c" . } strict ; insert { <a> <b> "d" . }`},
	{name: "semicolon on its own line",
		body: "DELETE DATA { <a> <b> \"c\" . }\n;\nINSERT DATA { <a> <b> \"d\" . }",
		want: `delete { <a> <b> "c" . } strict ; insert { <a> <b> "d" . }`},

	{name: "INSERT DATA", body: sparqlPre + `INSERT DATA { <#c> ex:name "Carol" . }`, want: `insert { <doc#c> <name> "Carol" . }`},
	{name: "DELETE DATA", body: sparqlPre + `DELETE DATA { <#a> ex:knows <#b> }`, want: `delete { <doc#a> <knows> <doc#b> . } strict`},
	{name: "DELETE INSERT WHERE", body: sparqlPre + `DELETE { ?x ex:name "Bob" } INSERT { ?x ex:name "Robert" } WHERE { ?x ex:name "Bob" }`,
		want: `where { ?x <name> "Bob" . } delete { ?x <name> "Bob" . } insert { ?x <name> "Robert" . }`},
	{name: "INSERT WHERE", body: sparqlPre + `INSERT { <#a> ex:friendName ?n } WHERE { <#a> ex:knows ?f . ?f ex:name ?n }`,
		want: `where { <doc#a> <knows> ?f . ?f <name> ?n . } insert { <doc#a> <friendName> ?n . }`},
	{name: "DELETE WHERE template form", body: sparqlPre + `DELETE { <#a> ex:knows ?f } WHERE { <#a> ex:knows ?f }`,
		want: `where { <doc#a> <knows> ?f . } delete { <doc#a> <knows> ?f . }`},
	{name: "DELETE WHERE", body: sparqlPre + `DELETE WHERE { ?x ex:name ?n ; ex:age ?a }`,
		want: `where { ?x <name> ?n . ?x <age> ?a . } delete { ?x <name> ?n . ?x <age> ?a . }`},
	{name: "blank nodes in WHERE and INSERT", body: sparqlPre + `INSERT { ?x ex:addr [ ex:city "Ghent" ] } WHERE { ?x ex:addr [] }`,
		want: `where { ?x <addr> _:0 . } insert { ?x <addr> _:1 . _:1 <city> "Ghent" . }`},
	{name: "empty WHERE", body: sparqlPre + `INSERT { ex:a ex:b ex:c } WHERE {}`, want: `insert { <a> <b> <c> . }`},
	{name: "a sequence", body: sparqlPre + `INSERT DATA { ex:c ex:name "Carol" } ; DELETE { ?x ex:name "Carol" } INSERT { ?x ex:name "Caroline" } WHERE { ?x ex:name "Carol" } ; DELETE DATA { ex:a ex:knows ex:b }`,
		want: `insert { <c> <name> "Carol" . } ; where { ?x <name> "Carol" . } delete { ?x <name> "Carol" . } insert { ?x <name> "Caroline" . } ; delete { <a> <knows> <b> . } strict`},
	{name: "lowercase keywords, $ variables", body: `prefix ex: <http://ex/> delete { $x ex:p ?y } insert { ?x ex:q $y } where { $x ex:p $y }`,
		want: `where { ?x <p> ?y . } delete { ?x <p> ?y . } insert { ?x <q> ?y . }`},
	{name: "BASE and PREFIX between operations", body: `INSERT DATA { <a> <b> <c> } ; BASE <http://ex/other/> PREFIX e: <e#> INSERT DATA { <a> e:b <c> }`,
		want: `insert { <a> <b> <c> . } ; insert { <other/a> <other/e#b> <other/c> . }`},
	{name: "trailing semicolon", body: `INSERT DATA { <a> <b> <c> } ;`, want: `insert { <a> <b> <c> . }`},
	{name: "empty request", body: ``, want: ``},
	{name: "prologue only", body: sparqlPre, want: ``},
	{name: "empty INSERT DATA", body: `INSERT DATA {}`, want: ``},
	{name: "comments and no spaces", body: "# edit\nINSERT DATA{<a><b><c>}#done\n;DELETE DATA{<a><b>1}", want: `insert { <a> <b> <c> . } ; delete { <a> <b> "1"^^<http://www.w3.org/2001/XMLSchema#integer> . } strict`},
	{name: "literals of every kind", body: sparqlPre + `INSERT DATA { ex:c ex:n 42, 1.50, 1.0e3, true, "d"^^ex:dt, "hi"@en-GB, 'single', """two
lines""" }`,
		want: `insert { <c> <n> "42"^^<http://www.w3.org/2001/XMLSchema#integer> . <c> <n> "1.50"^^<http://www.w3.org/2001/XMLSchema#decimal> . <c> <n> "1.0e3"^^<http://www.w3.org/2001/XMLSchema#double> . <c> <n> "true"^^<http://www.w3.org/2001/XMLSchema#boolean> . <c> <n> "d"^^<dt> . <c> <n> "hi"@en-GB . <c> <n> "single" . <c> <n> "two\nlines" . }`},
	{name: "lists and a", body: sparqlPre + `INSERT DATA { ex:c a ex:T; ex:l ( ) }`, want: `insert { <c> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <T> . <c> <l> <http://www.w3.org/1999/02/22-rdf-syntax-ns#nil> . }`},

	// 422: well-formed SPARQL we do not apply.
	{name: "LOAD", body: `LOAD <http://127.0.0.1:9/other>`, invalid: "unsupported SPARQL construct: LOAD"},
	{name: "CLEAR", body: `CLEAR DEFAULT`, invalid: "unsupported SPARQL construct: CLEAR"},
	{name: "DROP", body: `drop all`, invalid: "unsupported SPARQL construct: DROP"},
	{name: "CREATE", body: `CREATE GRAPH <g>`, invalid: "unsupported SPARQL construct: CREATE"},
	{name: "ADD", body: `ADD DEFAULT TO <g>`, invalid: "unsupported SPARQL construct: ADD"},
	{name: "MOVE", body: `MOVE <g> TO DEFAULT`, invalid: "unsupported SPARQL construct: MOVE"},
	{name: "COPY", body: `COPY <g> TO DEFAULT`, invalid: "unsupported SPARQL construct: COPY"},
	{name: "WITH", body: sparqlPre + `WITH <g> DELETE { ?x ex:n "B" } WHERE { ?x ex:n "B" }`, invalid: "unsupported SPARQL construct: WITH"},
	{name: "USING", body: sparqlPre + `DELETE { ?x ex:n "B" } USING <g> WHERE { ?x ex:n "B" }`, invalid: "unsupported SPARQL construct: USING"},
	{name: "SELECT", body: `SELECT * WHERE { ?s ?p ?o }`, invalid: "unsupported SPARQL construct: SELECT"},
	{name: "GRAPH in INSERT DATA", body: `INSERT DATA { GRAPH <g> { <a> <b> <c> } }`, invalid: "unsupported SPARQL construct: GRAPH"},
	{name: "GRAPH in a template", body: `DELETE { GRAPH <g> { ?a <b> <c> } } WHERE { ?a <b> <c> }`, invalid: "unsupported SPARQL construct: GRAPH"},
	{name: "FILTER", body: sparqlPre + `DELETE { ?x ex:n ?n } WHERE { ?x ex:n ?n FILTER(?n = "Bob") }`, invalid: "unsupported SPARQL construct: FILTER"},
	{name: "OPTIONAL", body: sparqlPre + `INSERT { ?x ex:ok true } WHERE { ?x ex:n ?n OPTIONAL { ?x ex:k ?y } }`, invalid: "unsupported SPARQL construct: OPTIONAL"},
	{name: "UNION", body: sparqlPre + `INSERT { ?x ex:ok true } WHERE { { ?x ex:n "B" } UNION { ?x ex:n "A" } }`, invalid: "unsupported SPARQL construct: UNION"},
	{name: "MINUS", body: sparqlPre + `INSERT { ?x ex:ok true } WHERE { ?x ex:n ?n MINUS { ?x ex:k ?y } }`, invalid: "unsupported SPARQL construct: MINUS"},
	{name: "BIND", body: sparqlPre + `INSERT { ex:c ex:n ?n } WHERE { BIND("Carol" AS ?n) }`, invalid: "unsupported SPARQL construct: BIND"},
	{name: "VALUES", body: sparqlPre + `INSERT { ?x ex:ok true } WHERE { VALUES ?x { ex:a } }`, invalid: "unsupported SPARQL construct: VALUES"},
	{name: "SERVICE", body: sparqlPre + `INSERT { ?x ex:ok true } WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?x ex:n ?n } }`, invalid: "unsupported SPARQL construct: SERVICE"},
	{name: "subquery", body: sparqlPre + `INSERT { ?x ex:ok true } WHERE { { SELECT ?x WHERE { ?x ex:n ?n } } }`, invalid: "unsupported SPARQL construct: subquery (SELECT)"},
	{name: "nested group", body: sparqlPre + `INSERT { ?x ex:ok true } WHERE { { ?x ex:n ?n } }`, invalid: "unsupported SPARQL construct: nested group graph pattern"},
	{name: "property path sequence", body: sparqlPre + `INSERT { ?x ex:ok true } WHERE { ?x ex:k/ex:n ?n }`, invalid: "unsupported SPARQL construct: property path"},
	{name: "property path inverse", body: sparqlPre + `INSERT { ?x ex:ok true } WHERE { ?x ^ex:k ?n }`, invalid: "unsupported SPARQL construct: property path"},
	{name: "property path modifier", body: sparqlPre + `INSERT { ?x ex:ok true } WHERE { ?x ex:k+ ?n }`, invalid: "unsupported SPARQL construct: property path"},
	{name: "position in the message", body: "INSERT { ?x <ok> true }\nWHERE {\n  ?x <n> ?n FILTER(?n) }", invalid: "line 3, column 13"},

	// 400: not SPARQL Update.
	{name: "variable in INSERT DATA", body: `INSERT DATA { ?x <http://ex/name> "Carol" }`, line: 1, col: 13},
	{name: "variable in DELETE DATA", body: `DELETE DATA { <a> ?p "Carol" }`, line: 1, col: 13},
	{name: "blank node in DELETE DATA", body: `DELETE DATA { _:b <http://ex/name> "Bob" }`, line: 1, col: 13},
	{name: "anonymous blank node in DELETE DATA", body: `DELETE DATA { <a> <b> [] }`, line: 1, col: 13},
	{name: "blank node in a DELETE template", body: `DELETE { ?x <b> [] } WHERE { ?x <b> ?y }`, line: 1, col: 8},
	{name: "blank node in DELETE WHERE", body: `DELETE WHERE { ?x <b> _:y }`, line: 1, col: 14},
	{name: "not SPARQL", body: `hello`, line: 1, col: 1},
	{name: "cut short", body: `INSERT DATA { <#c> <http://ex/name> `, line: 1, col: 37},
	{name: "unbalanced braces", body: `INSERT DATA { <#c> <http://ex/name> "Carol" .`, line: 1, col: 46},
	{name: "undefined prefix", body: "INSERT DATA {\n <#c> nope:name \"Carol\" }", line: 2, col: 7},
	{name: "Turtle @prefix", body: "@prefix ex: <http://ex/> .\nINSERT DATA { ex:a ex:b ex:c }", line: 1, col: 1},
	{name: "missing WHERE", body: `DELETE { ?x <b> ?y }`, line: 1, col: 21},
	{name: "missing WHERE, other keyword", body: `INSERT { ?x <b> ?y } DATA { }`, line: 1, col: 22},
	{name: "INSERT without a block", body: `INSERT DATA <a>`, line: 1, col: 13},
	{name: "DELETE INSERT DATA", body: `DELETE { } INSERT DATA { }`, line: 1, col: 19},
	{name: "missing semicolon", body: `INSERT DATA { <a> <b> <c> } INSERT DATA { <a> <b> <d> }`, line: 1, col: 29},
	{name: "junk after an operation", body: `INSERT DATA { <a> <b> <c> } }`, line: 1, col: 29},
	{name: "two semicolons", body: `INSERT DATA { <a> <b> <c> } ; ;`, line: 1, col: 31},
	{name: "literal subject", body: `INSERT DATA { "a" <b> <c> }`, line: 1, col: 15},
	{name: "invalid UTF-8", body: "INSERT DATA { <#c> <http://ex/name> \"\xff\xfe\" }", line: 1, col: 38},
	{name: "deep nesting", body: "INSERT DATA { <a> <b> " + repeat("[ <b> ", 3000), line: 1, col: 6025},
}

func TestParseSPARQLUpdate(t *testing.T) { checkParse(t, SPARQLUpdate, sparqlCases) }

func repeat(s string, n int) string {
	b := make([]byte, 0, len(s)*n)
	for range n {
		b = append(b, s...)
	}
	return string(b)
}
