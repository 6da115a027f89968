package rdf

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// TestParsePathological runs shapes that once made a parser or writer
// slow (json-gold's ToRDF was quadratic in the values of a property and
// took minutes on deep nesting), made Write emit Turtle deeper than Parse
// accepts, or made Isomorphic (which checkStable uses) quadratic. Each must
// round-trip like a fuzz input. How fast they go is shown by benchmarks,
// not asserted here: a regression back to quadratic time shows up as this
// test running into go test's timeout.
func TestParsePathological(t *testing.T) {
	var ring strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&ring, "_:n%d <http://p> _:n%d .\n", i, (i+1)%2000)
	}
	var many strings.Builder
	many.WriteString(`{"@id": "https://pod.example/c/", "http://www.w3.org/ns/ldp#contains": [`)
	for i := range 16000 {
		if i > 0 {
			many.WriteString(",")
		}
		many.WriteString(`{"@id": "https://pod.example/c/item` + strconv.Itoa(i) + `"}`)
	}
	many.WriteString("]}")

	tests := []struct{ name, mediaType, in string }{
		{"json deep arrays", JSONLD, strings.Repeat("[", 5000) + strings.Repeat("]", 5000)},
		{"json deep objects", JSONLD, strings.Repeat(`{"http://ex/p": `, 3000) + "1" + strings.Repeat("}", 3000)},
		{"json deep lists", JSONLD, `{"http://ex/p": ` + strings.Repeat(`{"@list": [`, 2000) + "1" + strings.Repeat("]}", 2000) + "}"},
		{"json many values", JSONLD, many.String()},
		{"json wide blank nodes", JSONLD, `{"@id": "http://ex/s", "http://ex/p": [` + strings.Repeat(`{"http://ex/q": 1},`, 20000) + `1]}`},
		{"json many contexts", JSONLD, `{"@context": [` + strings.Repeat(`{"a": "http://ex/a"},`, 5000) + `{}], "a": 1}`},
		{"turtle symmetric blank nodes", Turtle, strings.Repeat("[] <http://p> [] .\n", 2000)},
		{"turtle deep collections", Turtle, "<a> <b> " + strings.Repeat("( ", maxDepth-1) + strings.Repeat(") ", maxDepth-1) + "."},
		{"turtle deep blank nodes", Turtle, "<a> <b> " + strings.Repeat("[ <p> ", maxDepth-1) + "1 " + strings.Repeat("] ", maxDepth-1) + "."},
		{"turtle long list", Turtle, "<a> <b> (" + strings.Repeat(" 1", 20000) + " ) ."},
		{"turtle blank node ring", Turtle, ring.String()},
		{"n-triples blank node chain", NTriples, chainNT(5000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkStable(t, tt.in, tt.mediaType)
		})
	}
}

func chainNT(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "_:n%d <http://p> _:n%d .\n", i, i+1)
	}
	return b.String()
}
