package patch

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

// insertData returns an INSERT DATA of n triples, as rdflib.js writes them.
func insertData(n int) []byte {
	var b bytes.Buffer
	b.WriteString("INSERT DATA { ")
	for i := range n {
		fmt.Fprintf(&b, "<http://ex/doc#s%d> <http://ex/name> \"name %d\"@en .\n", i, i)
	}
	b.WriteString(" }\n")
	return b.Bytes()
}

func n3Inserts(n int) []byte {
	var b bytes.Buffer
	b.WriteString(n3Pre + "_:patch solid:where { ?x ex:p ?y }; solid:inserts {\n")
	for i := range n {
		fmt.Fprintf(&b, "?x ex:q%d \"value %d\" .\n", i, i)
	}
	b.WriteString("}; a solid:InsertDeletePatch .\n")
	return b.Bytes()
}

func BenchmarkParseInsertData100(b *testing.B) {
	body := insertData(100)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(bytes.NewReader(body), SPARQLUpdate, base); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseN3Patch100(b *testing.B) {
	body := n3Inserts(100)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(bytes.NewReader(body), N3, base); err != nil {
			b.Fatal(err)
		}
	}
}

// TestParseIsLinear checks that parsing 16 times more takes nowhere near
// 256 times longer, for the shapes that could go quadratic: many triples,
// many operations, many formulas' worth of statements, and errors found
// at the end of a long body.
func TestParseIsLinear(t *testing.T) {
	shapes := []struct {
		name, contentType string
		body              func(n int) []byte
	}{
		{"triples", SPARQLUpdate, insertData},
		{"operations", SPARQLUpdate, func(n int) []byte {
			return bytes.Repeat([]byte("INSERT DATA { <a> <b> <c> } ;\n"), n)
		}},
		{"where patterns", SPARQLUpdate, func(n int) []byte {
			var b bytes.Buffer
			b.WriteString("DELETE { ?x0 <p> ?x1 } WHERE { ")
			for i := range n {
				fmt.Fprintf(&b, "?x%d <p> ?x%d . ", i, i+1)
			}
			b.WriteString("}")
			return b.Bytes()
		}},
		{"n3 inserts", N3, n3Inserts},
		{"error at the end", SPARQLUpdate, func(n int) []byte {
			return append(insertData(n), "FILTER"...)
		}},
		{"unsupported at the end", SPARQLUpdate, func(n int) []byte {
			return []byte("INSERT { <a> <b> <c> } WHERE { " + strings.Repeat("<a> <b> <c> . ", n) + "{ " + strings.Repeat("<a> <b> \"}\" . ", n) + "} }")
		}},
	}
	for _, s := range shapes {
		t.Run(s.name, func(t *testing.T) {
			timeOf := func(n int) time.Duration {
				body := s.body(n)
				best := time.Duration(1 << 62)
				for range 3 {
					start := time.Now()
					Parse(bytes.NewReader(body), s.contentType, base)
					best = min(best, time.Since(start))
				}
				return best
			}
			small, large := timeOf(1000), timeOf(16000)
			if large > 64*small+10*time.Millisecond {
				t.Errorf("parsing 16 times more took %v, against %v: not linear", large, small)
			}
		})
	}
}
