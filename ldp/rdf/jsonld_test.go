package rdf

import (
	"errors"
	"strings"
	"testing"
)

func TestParseJSONLD(t *testing.T) {
	tests := []struct {
		name, in, want string // want is Turtle, parsed with the same base
	}{
		{"inline context and relative @id", `{
  "@context": {"foaf": "http://xmlns.com/foaf/0.1/", "knows": {"@id": "foaf:knows", "@type": "@id"}},
  "@id": "#me", "@type": "foaf:Person", "foaf:name": "Alice", "knows": "../bob#me"
}`, `@prefix foaf: <http://xmlns.com/foaf/0.1/> .
<#me> a foaf:Person ; foaf:name "Alice" ; foaf:knows <https://pod.example/alice/bob#me> .`},
		{"@base in context", `{"@context": {"@base": "https://other.example/x/"}, "@id": "y", "http://ex/p": {"@id": "z"}}`,
			`<https://other.example/x/y> <http://ex/p> <https://other.example/x/z> .`},
		{"top-level @graph is the default graph", `{"@context": {"ex": "http://ex/"}, "@graph": [{"@id": "ex:a", "ex:p": 1}, {"@id": "ex:b", "ex:p": true}]}`,
			`<http://ex/a> <http://ex/p> 1 . <http://ex/b> <http://ex/p> true .`},
		{"literals", `{"@id": "http://ex/s",
  "http://ex/p": [{"@value": "chat", "@language": "fr"}, {"@value": "2024-01-01", "@type": "http://www.w3.org/2001/XMLSchema#date"}, 1.5, 1234567890123, "x\ny"]}`,
			`<http://ex/s> <http://ex/p> "chat"@fr, "2024-01-01"^^<http://www.w3.org/2001/XMLSchema#date>, "1.5E0"^^<http://www.w3.org/2001/XMLSchema#double>, 1234567890123, "x\ny" .`},
		{"blank nodes and lists", `{"@id": "http://ex/s", "http://ex/p": {"http://ex/q": "v"}, "http://ex/l": {"@list": [1, {"@id": "http://ex/o"}]}}`,
			`<http://ex/s> <http://ex/p> [ <http://ex/q> "v" ] ; <http://ex/l> ( 1 <http://ex/o> ) .`},
		{"pod IRIs are kept", `[{"@id": "http://localhost:3000/alice/card#me", "http://ex/p": [{"@id": "http://127.0.0.1:8443/x"}, {"@id": "https://[::1]/y"}, {"@id": "https://pod.example/é"}, {"@id": "urn:uuid:1234"}, {"@id": "did:example:123"}]}]`,
			`<http://localhost:3000/alice/card#me> <http://ex/p> <http://127.0.0.1:8443/x>, <https://[::1]/y>, <https://pod.example/é>, <urn:uuid:1234>, <did:example:123> .`},
		{"empty", `{}`, ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustParse(t, tt.in, JSONLD, testBase)
			want := mustParse(t, tt.want, Turtle, testBase)
			if !Isomorphic(got, want) {
				t.Errorf("Parse(%s) =\n%s\nwant\n%s", tt.in, ntString(t, got), ntString(t, want))
			}
		})
	}
}

func TestParseJSONLDKeepsContextPrefixes(t *testing.T) {
	g := mustParse(t, `{"@context": {"foaf": "http://xmlns.com/foaf/0.1/", "name": "http://xmlns.com/foaf/0.1/name"}, "@id": "#me", "name": "A"}`, JSONLD, testBase)
	if g.Prefixes["foaf"] != "http://xmlns.com/foaf/0.1/" {
		t.Errorf("Prefixes = %v, want foaf", g.Prefixes)
	}
}

// Remote contexts must never be fetched: the loader refuses them all.
func TestParseJSONLDRefusesRemoteContexts(t *testing.T) {
	tests := []struct{ name, in string }{
		{"string context", `{"@context": "https://www.w3.org/ns/activitystreams", "type": "Note"}`},
		{"context array", `{"@context": [{"ex": "http://ex/"}, "http://169.254.169.254/latest/meta-data/"], "ex:p": 1}`},
		{"relative context", `{"@context": "ctx.jsonld", "p": 1}`},
		{"scoped context", `{"@context": {"p": {"@id": "http://ex/p", "@context": "http://evil.example/c"}}, "p": {"q": 1}}`},
		{"@import", `{"@context": {"@version": 1.1, "@import": "http://evil.example/c"}, "p": 1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.in), JSONLD, testBase)
			var se *SyntaxError
			if !errors.As(err, &se) || !strings.Contains(se.Msg, "remote context") {
				t.Errorf("Parse(%s) error = %v, want a *SyntaxError about the remote context", tt.in, err)
			}
		})
	}
}

func TestParseJSONLDRefusesNamedGraphs(t *testing.T) {
	in := `{"@id": "http://ex/g", "@graph": [{"@id": "http://ex/s", "http://ex/p": "o"}]}`
	_, err := Parse(strings.NewReader(in), JSONLD, testBase)
	var se *SyntaxError
	if !errors.As(err, &se) || !strings.Contains(se.Msg, "named graph") {
		t.Errorf("Parse(%s) error = %v, want a *SyntaxError about named graphs", in, err)
	}
}

func TestParseJSONLDErrors(t *testing.T) {
	tests := []struct{ name, in string }{
		{"invalid @id", `{"@id": 5}`},
		{"invalid context", `{"@context": 5}`},
		{"invalid @type", `{"@id": "http://ex/s", "@type": {"a": 1}}`},
		{"number", `5`},
		{"null", `null`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.in), JSONLD, testBase)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Errorf("Parse(%s) error = %v, want a *SyntaxError", tt.in, err)
			}
		})
	}
}
