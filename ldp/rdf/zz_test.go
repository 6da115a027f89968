package rdf
import ("encoding/json"; "fmt"; "strings"; "testing"; "time"; "github.com/piprate/json-gold/ld")
func TestZExpandScale(t *testing.T) {
	for _, n := range []int{1000, 4000, 16000} {
		var s strings.Builder
		s.WriteString(`{"@context": {"ldp": "http://www.w3.org/ns/ldp#", "contains": {"@id": "ldp:contains", "@type": "@id"}}, "@id": "https://pod.example/c/", "contains": [`)
		for i := 0; i < n; i++ { if i > 0 { s.WriteString(",") }; fmt.Fprintf(&s, `{"@id": "https://pod.example/c/item%d", "ldp:x": [1,2]}`, i) }
		s.WriteString("]}")
		var doc any
		json.Unmarshal([]byte(s.String()), &doc)
		start := time.Now()
		out, err := ld.NewJsonLdProcessor().Expand(doc, jsonldOptions(""))
		t.Logf("expand %d: %d bytes, %v, err %v, %d", n, s.Len(), time.Since(start), err, len(out))
	}
	for _, d := range []int{256, 1000, 3000} {
		in := strings.Repeat(`{"http://ex/p": `, d) + "1" + strings.Repeat("}", d)
		var doc any
		json.Unmarshal([]byte(in), &doc)
		start := time.Now()
		ld.NewJsonLdProcessor().Expand(doc, jsonldOptions(""))
		t.Logf("expand depth %d: %v", d, time.Since(start))
	}
}
