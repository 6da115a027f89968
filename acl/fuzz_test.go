package acl

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/seedpod/seedpod/ldp/rdf"
)

// FuzzParseACL parses arbitrary Turtle as the ACL of the container
// https://pod.example/c/ and checks that:
//
//   - nothing panics, and every error wraps ErrInvalid;
//   - Parse fails exactly when a naive reading of the graph (reference,
//     below) finds an invalid shape;
//   - the modes granted to a set of subjects, on the container and on a
//     member, equal those of the naive reading, so a garbage graph grants
//     only what its authorizations literally say, and nothing when it
//     does not parse;
//   - writing the graph as Turtle and reading it back gives the same
//     decisions (parse→serialize→parse is stable).
func FuzzParseACL(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		g, err := rdf.Parse(strings.NewReader(src), rdf.Turtle, fuzzDoc)
		if err != nil {
			if _, err := ParseDocument(strings.NewReader(src), rdf.Turtle, fuzzDoc); !errors.Is(err, ErrInvalid) {
				t.Fatalf("ParseDocument of a syntax error = %v, want ErrInvalid", err)
			}
			return
		}
		a, err := Parse(g)
		ref := newReference(g)
		if (err != nil) != ref.invalid {
			t.Fatalf("Parse error = %v, reference invalid = %v", err, ref.invalid)
		}
		if err != nil {
			if !errors.Is(err, ErrInvalid) || a != nil {
				t.Fatalf("Parse = %v, %v; want nil, ErrInvalid", a, err)
			}
			return
		}
		checkAgainstReference(t, a, ref)

		var buf bytes.Buffer
		if err := rdf.Write(&buf, g, rdf.Turtle, fuzzDoc); err != nil {
			return // not a graph the writer accepts (e.g. a bad IRI); nothing to compare
		}
		g2, err := rdf.Parse(&buf, rdf.Turtle, fuzzDoc)
		if err != nil {
			t.Fatalf("re-parse of written graph: %v\n%s", err, buf.String())
		}
		a2, err := Parse(g2)
		if err != nil {
			t.Fatalf("Parse of the round-tripped graph: %v", err)
		}
		checkAgainstReference(t, a2, ref)
	})
}

const (
	fuzzContainer = "https://pod.example/c/"
	fuzzDoc       = fuzzContainer + ".acl"
	fuzzMember    = fuzzContainer + "x"
	fuzzGroup     = "https://pod.example/groups#friends"
)

var fuzzSubjects = []Subject{
	{},
	{WebID: alice},
	{WebID: bob},
	{WebID: carol},
	{WebID: "mailto:alice@example.org"},
	{Origin: "https://app.example"},
	{WebID: alice, Origin: "https://app.example"},
	{WebID: bob, Origin: "https://app.example"},
	{WebID: bob, Origin: "https://evil.example"},
	{WebID: alice, Origin: "https://evil.example"},
	{WebID: carol, Origin: "https://app.example"},
	{Origin: "https://evil.example"},
	{WebID: alice, Origin: "null"},
	{Origin: "null"},
}

// fuzzMembers: bob is in fuzzGroup; membership of carol cannot be
// established (an error); nobody else is in any group.
func fuzzMembers(_ context.Context, g, webID string) (bool, error) {
	if g == fuzzGroup && webID == carol {
		return false, errGroupDown
	}
	return g == fuzzGroup && webID == bob, nil
}

func checkAgainstReference(t *testing.T, a *ACL, ref *reference) {
	t.Helper()
	for _, s := range fuzzSubjects {
		for _, c := range []struct {
			target    string
			inherited bool
		}{{fuzzContainer, false}, {fuzzContainer, true}, {fuzzMember, false}} {
			got, _ := a.Modes(context.Background(), s, c.target, c.inherited, fuzzMembers)
			if want := ref.modes(s, c.target, c.inherited); got != want {
				t.Fatalf("Modes(%+v, %s, inherited=%v) = %v, reference %v", s, c.target, c.inherited, got, want)
			}
		}
	}
	// Through Decide, the member inherits from the container's defaults.
	load := func(_ context.Context, u string) (*ACL, error) {
		if u == fuzzContainer {
			return a, nil
		}
		return nil, nil
	}
	for _, s := range fuzzSubjects {
		got, _ := Decide(context.Background(), s, fuzzMember, fuzzContainer, load, fuzzMembers)
		if want := ref.modes(s, fuzzContainer, true); got != want {
			t.Fatalf("Decide(%+v, member) = %v, reference %v", s, got, want)
		}
	}
}

// reference evaluates WAC straight from the triples, one query per
// question, as the SPARQL examples of WAC #authorization-matching do. It
// shares no code with Parse or modes.
type reference struct {
	g       *rdf.Graph
	auths   []rdf.Term
	invalid bool
}

func newReference(g *rdf.Graph) *reference {
	ref := &reference{g: g}
	for _, t := range g.Triples {
		if t.P == rdf.IRI(rdf.RDFType) && t.O == rdf.IRI(aclNS+"Authorization") {
			if _, lit := t.S.(rdf.Literal); !lit && !ref.isAuth(t.S) {
				ref.auths = append(ref.auths, t.S)
			}
		}
	}
	for _, t := range g.Triples {
		if !ref.isAuth(t.S) {
			continue
		}
		switch t.P {
		case rdf.IRI(aclNS + "accessTo"), rdf.IRI(aclNS + "default"), rdf.IRI(aclNS + "mode"),
			rdf.IRI(aclNS + "agent"), rdf.IRI(aclNS + "agentClass"), rdf.IRI(aclNS + "agentGroup"), rdf.IRI(aclNS + "origin"):
			if _, ok := t.O.(rdf.IRI); !ok {
				ref.invalid = true
			}
		}
	}
	return ref
}

func (ref *reference) isAuth(s rdf.Term) bool {
	for _, a := range ref.auths {
		if a == s {
			return true
		}
	}
	return false
}

func (ref *reference) has(s rdf.Term, p, o string) bool {
	for _, t := range ref.g.Triples {
		if t.S == s && t.P == rdf.IRI(aclNS+p) && t.O == rdf.IRI(o) {
			return true
		}
	}
	return false
}

func (ref *reference) hasAny(s rdf.Term, p string) bool {
	for _, t := range ref.g.Triples {
		if t.S == s && t.P == rdf.IRI(aclNS+p) {
			return true
		}
	}
	return false
}

// sameOrigin compares an acl:origin IRI with the request origins of
// fuzzSubjects, which are all canonical or the opaque "null".
func sameOrigin(aclOrigin, request string) bool {
	o := strings.ToLower(aclOrigin)
	o = strings.TrimSuffix(o, "/")
	if strings.HasPrefix(o, "https://") {
		o = strings.TrimSuffix(o, ":443")
	}
	return request != "null" && o == request
}

// modes answers, mode by mode, with acl:origin read as the package
// documentation does (WAC #authorization-evaluation-origin): without an
// Origin it is ignored; with one, an authorization listing acl:origin
// counts only if one of its values is the request's origin, and an
// authorization without acl:origin counts whatever the origin. A mode is
// granted if a counting authorization granting it matches the agent; an
// authorization with only acl:origin as subject matches nobody.
func (ref *reference) modes(s Subject, target string, inherited bool) Mode {
	objectPred := "accessTo"
	if inherited {
		objectPred = "default"
	}
	var granted Mode
	for _, m := range []struct {
		mode  Mode
		grant []string
	}{
		{Read, []string{"Read"}},
		{Append, []string{"Append", "Write"}},
		{Write, []string{"Write"}},
		{Control, []string{"Control"}},
	} {
		for _, auth := range ref.auths {
			if !ref.has(auth, objectPred, target) {
				continue
			}
			grants := false
			for _, name := range m.grant {
				grants = grants || ref.has(auth, "mode", aclNS+name)
			}
			if !grants {
				continue
			}
			if s.Origin != "" && ref.hasAny(auth, "origin") {
				listed := false
				for _, t := range ref.g.Triples {
					if t.S == auth && t.P == rdf.IRI(aclNS+"origin") {
						if o, ok := t.O.(rdf.IRI); ok && sameOrigin(string(o), s.Origin) {
							listed = true
						}
					}
				}
				if !listed {
					continue
				}
			}
			if ref.has(auth, "agentClass", "http://xmlns.com/foaf/0.1/Agent") ||
				s.WebID != "" && ref.has(auth, "agentClass", aclNS+"AuthenticatedAgent") ||
				s.WebID != "" && ref.has(auth, "agent", s.WebID) ||
				s.WebID == bob && ref.has(auth, "agentGroup", fuzzGroup) {
				granted |= m.mode
				break
			}
		}
	}
	return granted
}

var fuzzSeeds = []string{
	"",
	"garbage",
	prefixes + ownerRoot,
	prefixes + `<#owner> a acl:Authorization; acl:agent <` + alice + `>; acl:accessTo <./>; acl:default <./>; acl:mode acl:Read, acl:Write, acl:Control.
<#public> a acl:Authorization; acl:agentClass foaf:Agent; acl:default <./>; acl:mode acl:Read.
<#friends> a acl:Authorization; acl:agentGroup </groups#friends>; acl:accessTo <./>; acl:mode acl:Append.`,
	prefixes + `[] a acl:Authorization; acl:agentClass acl:AuthenticatedAgent; acl:accessTo <x>, <./>; acl:mode acl:Write.`,
	prefixes + `<#o> a acl:Authorization; acl:origin <https://app.example>, <HTTPS://APP.EXAMPLE:443/>; acl:default <./>; acl:mode acl:Read.
<#a> a acl:Authorization; acl:agent <` + bob + `>; acl:default <./>; acl:mode acl:Read, acl:Write.`,
	prefixes + `<#p> a acl:Authorization; acl:agentClass foaf:Agent; acl:origin <https://app.example/>; acl:accessTo <./>; acl:mode acl:Read.`,
	prefixes + `<#a> a acl:Authorization; acl:agent <` + alice + `>; acl:origin <https://app.example>; acl:accessTo <./>; acl:default <./>; acl:mode acl:Write.
<#r> a acl:Authorization; acl:agent <` + alice + `>, <` + bob + `>; acl:accessTo <./>; acl:default <./>; acl:mode acl:Read.
<#g> a acl:Authorization; acl:agentGroup </groups#friends>; acl:origin <https://evil.example>; acl:default <./>; acl:mode acl:Control.
<#n> a acl:Authorization; acl:agentClass acl:AuthenticatedAgent; acl:origin <https://app.example/path>; acl:accessTo <./>; acl:mode acl:Append.`,
	prefixes + `<#bad> a acl:Authorization; acl:agent <` + alice + `>; acl:accessTo <./>; acl:mode "Read".`,
	prefixes + `<#bad> a acl:Authorization; acl:agent [ a foaf:Person ]; acl:accessTo <./>; acl:mode acl:Read.`,
	prefixes + `<#u> acl:agent "x"; acl:mode 1; acl:accessTo <./>.`,
	prefixes + `<#1> a acl:Authorization. <#1> acl:accessTo <./>. <#1> acl:mode acl:Control. <#1> acl:agent <mailto:alice@example.org>.`,
	prefixes + `<#1> a acl:Authorization; acl:mode acl:Read, <http://example.org/Mode>, acl:Access; acl:agentClass <http://example.org/C>, foaf:Agent; acl:accessTo <x>.`,
	prefixes + `<#1> a acl:Authorization; acl:agentGroup <#g>; acl:accessTo <./>; acl:mode (acl:Read).`,
	"@prefix a: <http://www.w3.org/ns/auth/acl#>. <> a a:Authorization; a:accessTo <>; a:mode a:Read; a:agentClass <http://xmlns.com/foaf/0.1/Agent>.",
	"@base <https://pod.example/> . <#r> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/ns/auth/acl#Authorization>; <http://www.w3.org/ns/auth/acl#default> <c/>; <http://www.w3.org/ns/auth/acl#mode> <http://www.w3.org/ns/auth/acl#Write>; <http://www.w3.org/ns/auth/acl#agent> <https://bob.example/profile#me>.",
}
