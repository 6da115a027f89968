package patch

import (
	"errors"
	"strings"
	"testing"

	"github.com/seedpod/seedpod/ldp/rdf"
)

// TestParseThenApply runs parsed patches against documents, as the PATCH
// handler does.
func TestParseThenApply(t *testing.T) {
	const doc = `<#a> :name "Alice"; :knows <#b>; :address [ :city "Ghent" ]. <#b> :name "Bob".`
	tests := []struct {
		name, contentType, body string
		want                    string // Turtle after "@prefix : <http://ex/>."; ignored when err is set
		err                     error
	}{
		{name: "rdflib N3 with a blank node found by the where", contentType: N3, body: `
@prefix solid: <http://www.w3.org/ns/solid/terms#>.
@prefix ex: <http://www.example.org/terms#>.

_:patch

      solid:where {
        <http://ex/doc#a> <http://ex/address> ?n3 .
      };
      solid:deletes {
        ?n3 <http://ex/city> "Ghent" .
      };
      solid:inserts {
        ?n3 <http://ex/city> "Brussels" .
      };   a solid:InsertDeletePatch .
`,
			want: `<#a> :name "Alice"; :knows <#b>; :address [ :city "Brussels" ]. <#b> :name "Bob".`},
		{name: "rdflib SPARQL DELETE DATA ; INSERT DATA", contentType: SPARQLUpdate,
			body: "DELETE DATA { <http://ex/doc#b> <http://ex/name> \"Bob\" .\n } \n ; INSERT DATA { <http://ex/doc#b> <http://ex/name> \"Robert\" .\n }\n",
			want: `<#a> :name "Alice"; :knows <#b>; :address [ :city "Ghent" ]. <#b> :name "Robert".`},
		{name: "rdflib SPARQL DELETE DATA of an absent triple", contentType: SPARQLUpdate,
			body: "DELETE DATA { <http://ex/doc#b> <http://ex/name> \"Robert\" .\n } \n ; INSERT DATA { <http://ex/doc#b> <http://ex/name> \"Bobby\" .\n }\n",
			err:  ErrMissing},
		{name: "a failing later operation undoes nothing it did not do", contentType: SPARQLUpdate,
			body: `INSERT DATA { <#c> <http://ex/name> "Carol" } ; DELETE DATA { <#c> <http://ex/name> "Dan" }`,
			err:  ErrMissing},
		{name: "SPARQL where with several solutions", contentType: SPARQLUpdate,
			body: `PREFIX : <http://ex/> DELETE { ?x :name ?n } INSERT { ?x :label ?n } WHERE { ?x :name ?n }`,
			want: `<#a> :label "Alice"; :knows <#b>; :address [ :city "Ghent" ]. <#b> :label "Bob".`},
		{name: "SPARQL DELETE WHERE", contentType: SPARQLUpdate,
			body: `PREFIX : <http://ex/> DELETE WHERE { <#a> :address ?x . ?x :city ?c }`,
			want: `<#a> :name "Alice"; :knows <#b>. <#b> :name "Bob".`},
		{name: "SPARQL blank nodes in WHERE are variables", contentType: SPARQLUpdate,
			body: `PREFIX : <http://ex/> INSERT { <#a> :city ?c } WHERE { <#a> :address [ :city ?c ] }`,
			want: `<#a> :name "Alice"; :knows <#b>; :address [ :city "Ghent" ]; :city "Ghent". <#b> :name "Bob".`},
		{name: "SPARQL where matching nothing changes nothing", contentType: SPARQLUpdate,
			body: `PREFIX : <http://ex/> DELETE { ?x :name ?n } WHERE { ?x :name "Zoe"; :name ?n }`,
			want: doc},
		{name: "N3 inserted blank nodes are new", contentType: N3,
			body: n3Pre + `_:p a solid:InsertDeletePatch; solid:inserts { <#b> ex:address [ ex:city "Ghent" ] }.`,
			want: `<#a> :name "Alice"; :knows <#b>; :address [ :city "Ghent" ]. <#b> :name "Bob"; :address [ :city "Ghent" ].`},
		{name: "N3 where with two solutions", contentType: N3,
			body: n3Pre + `_:p a solid:InsertDeletePatch; solid:where { ?x ex:name ?n }; solid:inserts { ?x ex:ok true }.`,
			err:  ErrAmbiguous},
		{name: "N3 where with no solution", contentType: N3,
			body: n3Pre + `_:p a solid:InsertDeletePatch; solid:where { ?x ex:name "Zoe" }; solid:inserts { ?x ex:ok true }.`,
			err:  ErrNoMatch},
		{name: "N3 deletes of an absent triple", contentType: N3,
			body: n3Pre + `_:p a solid:InsertDeletePatch; solid:deletes { <#a> ex:name "Zoe" }.`,
			err:  ErrMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := graph(t, doc)
			before := append([]rdf.Triple(nil), g.Triples...)
			p, err := Parse(strings.NewReader(tt.body), tt.contentType, base)
			if err != nil {
				t.Fatalf("Parse = %v", err)
			}
			err = p.Apply(g)
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
				rdf.Write(&b, g, rdf.Turtle, base)
				t.Errorf("result:\n%s\nwant:\n%s", b.String(), tt.want)
			}
		})
	}
}
