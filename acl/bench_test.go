package acl

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/seedpod/seedpod/ldp/rdf"
)

// benchPod builds what ldp's caches hold for a resource ten containers
// deep: pre-parsed ACLs by resource URL (only the root has one) and a
// parsed 1,000-member group in which bob is the last member added.
func benchPod(b *testing.B) (resource string, load Loader, members Members) {
	b.Helper()
	rootACL := mustParse(b, aclURL(root), ownerRoot+`
		<#public> a acl:Authorization; acl:agentClass foaf:Agent; acl:accessTo <profile/card>; acl:mode acl:Read.
		<#app> a acl:Authorization; acl:origin <https://app.example>; acl:default <./>; acl:mode acl:Read, acl:Write.
		<#friends> a acl:Authorization; acl:agentGroup </alice/aspects/friends#group>; acl:default <./>; acl:mode acl:Read.`)
	acls := map[string]*ACL{root: rootACL}
	load = func(_ context.Context, u string) (*ACL, error) { return acls[u], nil }

	const groupURL = root + "alice/aspects/friends#group"
	var src strings.Builder
	src.WriteString("<#group> <http://www.w3.org/2006/vcard/ns#hasMember> ")
	for i := range 999 {
		fmt.Fprintf(&src, "<https://friend%d.example/profile#me>, ", i)
	}
	src.WriteString("<" + bob + ">.")
	g, err := rdf.Parse(strings.NewReader(src.String()), rdf.Turtle, root+"alice/aspects/friends")
	if err != nil {
		b.Fatal(err)
	}
	groups := map[string]*Group{groupURL: ParseGroup(g, groupURL)}
	if groups[groupURL].Len() != 1000 {
		b.Fatalf("group has %d members", groups[groupURL].Len())
	}
	members = func(_ context.Context, groupURL, webID string) (bool, error) {
		return groups[groupURL].Has(webID), nil
	}
	return deep, load, members
}

func BenchmarkDecide(b *testing.B) {
	resource, load, members := benchPod(b)
	ctx := context.Background()
	for _, bb := range []struct {
		name string
		s    Subject
		want Mode
	}{
		{"Inherited10Deep", Subject{WebID: alice}, All},
		{"Group1000Members10Deep", Subject{WebID: bob}, Read},
		{"Origin10Deep", Subject{WebID: alice, Origin: "https://app.example"}, All},
		{"Anonymous10Deep", Subject{}, 0},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				m, err := Decide(ctx, bb.s, resource, root, load, members)
				if err != nil || m != bb.want {
					b.Fatalf("Decide = %v, %v; want %v", m, err, bb.want)
				}
			}
		})
	}
}

func BenchmarkCheck(b *testing.B) {
	resource, load, members := benchPod(b)
	ctx := context.Background()
	for _, bb := range []struct {
		name string
		s    Subject
	}{
		{"Inherited10Deep", Subject{WebID: alice}},
		{"Group1000Members10Deep", Subject{WebID: bob}},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := Check(ctx, bb.s, Read, resource, root, load, members); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkParseDocument measures parsing a typical pod root ACL, the cost
// ldp's ACL cache saves on every request.
func BenchmarkParseDocument(b *testing.B) {
	doc := prefixes + ownerRoot + `
		<#public> a acl:Authorization; acl:agentClass foaf:Agent; acl:accessTo <profile/card>; acl:mode acl:Read.
		<#friends> a acl:Authorization; acl:agentGroup </alice/aspects/friends#group>; acl:default <./>; acl:mode acl:Read.`
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseDocument(strings.NewReader(doc), rdf.Turtle, aclURL(root)); err != nil {
			b.Fatal(err)
		}
	}
}
