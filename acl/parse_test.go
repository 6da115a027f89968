package acl

import (
	"errors"
	"strings"
	"testing"

	"github.com/seedpod/seedpod/ldp/rdf"
)

func TestParseRejectsInvalidShapes(t *testing.T) {
	tests := []struct{ name, ttl string }{
		{"literal mode", `<#1> a acl:Authorization; acl:agent <` + alice + `>; acl:accessTo <./>; acl:mode "Read".`},
		{"blank mode", `<#1> a acl:Authorization; acl:agent <` + alice + `>; acl:accessTo <./>; acl:mode [].`},
		{"literal agent", `<#1> a acl:Authorization; acl:agent "` + alice + `"; acl:accessTo <./>; acl:mode acl:Read.`},
		{"blank agent", `<#1> a acl:Authorization; acl:agent []; acl:accessTo <./>; acl:mode acl:Read.`},
		{"literal agentClass", `<#1> a acl:Authorization; acl:agentClass "foaf:Agent"; acl:accessTo <./>; acl:mode acl:Read.`},
		{"literal agentGroup", `<#1> a acl:Authorization; acl:agentGroup "friends"; acl:accessTo <./>; acl:mode acl:Read.`},
		{"literal origin", `<#1> a acl:Authorization; acl:agent <` + alice + `>; acl:origin "https://app.example"; acl:accessTo <./>; acl:mode acl:Read.`},
		{"literal accessTo", `<#1> a acl:Authorization; acl:agent <` + alice + `>; acl:accessTo "./"; acl:mode acl:Read.`},
		{"blank default", `<#1> a acl:Authorization; acl:agent <` + alice + `>; acl:default []; acl:mode acl:Read.`},
		{"list as mode", `<#1> a acl:Authorization; acl:agent <` + alice + `>; acl:accessTo <./>; acl:mode (acl:Read acl:Write).`},
		{"one bad among good", ownerRoot + `<#2> a acl:Authorization; acl:agentClass foaf:Agent; acl:accessTo <./>; acl:mode 1.`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := ParseDocument(strings.NewReader(prefixes+tt.ttl), rdf.Turtle, aclURL(root))
			if !errors.Is(err, ErrInvalid) || a != nil {
				t.Fatalf("ParseDocument = %v, %v; want nil, ErrInvalid", a, err)
			}
		})
	}
}

func TestParseIgnores(t *testing.T) {
	tests := []struct {
		name string
		ttl  string
		want int // applicable authorizations
	}{
		{"owner", ownerRoot, 1},
		{"untyped", `<#1> acl:agent <` + alice + `>; acl:accessTo <./>; acl:mode acl:Read.`, 0},
		{"untyped with bad shapes", `<#1> acl:agent "x"; acl:accessTo "y"; acl:mode "z".`, 0},
		{"no access object", `<#1> a acl:Authorization; acl:agent <` + alice + `>; acl:mode acl:Read.`, 0},
		{"no mode", `<#1> a acl:Authorization; acl:agent <` + alice + `>; acl:accessTo <./>.`, 0},
		{"no subject", `<#1> a acl:Authorization; acl:accessTo <./>; acl:mode acl:Read.`, 0},
		{"only an unknown agent class", `<#1> a acl:Authorization; acl:agentClass <http://example.org/C>; acl:accessTo <./>; acl:mode acl:Read.`, 0},
		{"only an origin", `<#1> a acl:Authorization; acl:origin <https://app.example>; acl:accessTo <./>; acl:mode acl:Read.`, 1},
		{"type as literal", `<#1> a "acl:Authorization"; acl:agent <` + alice + `>; acl:accessTo <./>; acl:mode acl:Read.`, 0},
		{"pre-1.0 predicates", `<#1> a acl:Authorization; acl:agent <` + alice + `>; acl:defaultForNew <./>; acl:accessToClass <http://example.org/C>; acl:mode acl:Read.`, 0},
		{"trustedApp is not WAC", `<#1> a acl:Authorization; acl:trustedApp "x"; acl:agent <` + alice + `>; acl:accessTo <./>; acl:mode acl:Read.`, 1},
		{"type declared twice, rules split across statements",
			`<#1> a acl:Authorization. <#1> a acl:Authorization; acl:agent <` + alice + `>. <#1> acl:accessTo <./>. <#1> acl:mode acl:Read.`, 1},
		{"two authorizations", ownerRoot + `[] a acl:Authorization; acl:agentClass foaf:Agent; acl:accessTo <./>; acl:mode acl:Read.`, 2},
		{"empty", ``, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := mustParse(t, aclURL(root), tt.ttl)
			if a.Len() != tt.want {
				t.Errorf("Parse(%q).Len() = %d, want %d", tt.ttl, a.Len(), tt.want)
			}
		})
	}
}

func TestParseResolvesAgainstTheDocument(t *testing.T) {
	a := mustParse(t, root+"alice/.acl", `<#1> a acl:Authorization; acl:agent <profile/card#me>;
		acl:accessTo <./>; acl:default <./>; acl:mode acl:Write.`)
	r := a.rules[0]
	if r.accessTo[0] != root+"alice/" || r.defaults[0] != root+"alice/" || r.agents[0] != alice || r.modes != Write|Append {
		t.Errorf("rule = %+v", r)
	}
}

func TestParseDocumentJSONLD(t *testing.T) {
	const doc = `{
	  "@context": {"acl": "http://www.w3.org/ns/auth/acl#", "foaf": "http://xmlns.com/foaf/0.1/"},
	  "@id": "#public", "@type": "acl:Authorization",
	  "acl:agentClass": {"@id": "foaf:Agent"},
	  "acl:accessTo": {"@id": "./"},
	  "acl:mode": [{"@id": "acl:Read"}, {"@id": "acl:Append"}]
	}`
	a, err := ParseDocument(strings.NewReader(doc), rdf.JSONLD, aclURL(root))
	if err != nil {
		t.Fatal(err)
	}
	m, err := a.Modes(t.Context(), Subject{}, root, false, nil)
	if err != nil || m != Read|Append {
		t.Errorf("Modes = %v, %v; want read append", m, err)
	}
}

func TestParseDocumentSyntaxError(t *testing.T) {
	_, err := ParseDocument(strings.NewReader("<#1> a"), rdf.Turtle, aclURL(root))
	var syn *rdf.SyntaxError
	if !errors.Is(err, ErrInvalid) || !errors.As(err, &syn) {
		t.Errorf("ParseDocument = %v, want ErrInvalid and *rdf.SyntaxError", err)
	}
	if _, err := ParseDocument(strings.NewReader(""), "text/html", aclURL(root)); !errors.Is(err, ErrInvalid) {
		t.Errorf("ParseDocument(text/html) = %v, want ErrInvalid", err)
	}
}

func TestNilAndZeroACL(t *testing.T) {
	var a *ACL
	if m, err := a.Modes(t.Context(), Subject{WebID: alice}, root, false, nil); m != 0 || err != nil || a.Len() != 0 {
		t.Errorf("nil ACL grants %v, %v", m, err)
	}
	if a, err := Parse(nil); err != nil || a.Len() != 0 {
		t.Errorf("Parse(nil) = %v, %v", a, err)
	}
}

func TestParseGroup(t *testing.T) {
	const doc = root + "alice/aspects/friends"
	g, err := rdf.Parse(strings.NewReader(prefixes+`
		<#group> a vcard:Group; vcard:hasMember <`+bob+`>, <`+carol+`>, "not an IRI", [].
		<#other> vcard:hasMember <https://eve.example/#me>.
		<`+bob+`> vcard:hasMember <https://mallory.example/#me>.`), rdf.Turtle, doc)
	if err != nil {
		t.Fatal(err)
	}
	grp := ParseGroup(g, doc+"#group")
	if grp.Len() != 2 {
		t.Errorf("Len = %d, want 2", grp.Len())
	}
	for webID, want := range map[string]bool{bob: true, carol: true, "https://eve.example/#me": false, "https://mallory.example/#me": false, "": false, "not an IRI": false} {
		if grp.Has(webID) != want {
			t.Errorf("Has(%q) = %v, want %v", webID, !want, want)
		}
	}
	var none *Group
	if none.Has(bob) || none.Len() != 0 || ParseGroup(nil, doc).Len() != 0 {
		t.Error("nil group has members")
	}
}

func TestOriginKey(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"https://app.example", "https://app.example", true},
		{"https://app.example/", "https://app.example", true},
		{"HTTPS://App.Example", "https://app.example", true},
		{"https://app.example:443", "https://app.example", true},
		{"http://app.example:80/", "http://app.example", true},
		{"http://app.example:443", "http://app.example:443", true},
		{"https://app.example:8443", "https://app.example:8443", true},
		{"http://[::1]:3000", "http://[::1]:3000", true},
		{"chrome-extension://abcdef", "chrome-extension://abcdef", true},
		{"null", "", false},
		{"", "", false},
		{"https://", "", false},
		{"https://:443", "", false},
		{"https://app.example/path", "", false},
		{"https://app.example?q", "", false},
		{"https://app.example#f", "", false},
		{"https://user@app.example", "", false},
		{"1https://app.example", "", false},
		{"://app.example", "", false},
	}
	for _, tt := range tests {
		got, ok := originKey(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("originKey(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	if n := testing.AllocsPerRun(100, func() { originKey("https://app.example") }); n != 0 {
		t.Errorf("originKey of a canonical origin allocates %v times", n)
	}
}
