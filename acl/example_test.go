package acl_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/seedpod/seedpod/acl"
	"github.com/seedpod/seedpod/ldp/rdf"
)

// A pod at https://pod.example/alice/: alice owns everything, her friends
// (a group) may read her posts, and the public may read her profile.
func ExampleDecide() {
	const (
		root  = "https://pod.example/alice/"
		alice = "https://pod.example/alice/profile/card#me"
		bob   = "https://bob.example/profile#me"
	)
	// ACL documents by the URL of the resource they are attached to. ldp
	// reads them from storage and caches the parsed *acl.ACL.
	documents := map[string]string{
		root: `@prefix acl: <http://www.w3.org/ns/auth/acl#>.
			<#owner> a acl:Authorization; acl:agent <profile/card#me>;
			  acl:accessTo <./>; acl:default <./>;
			  acl:mode acl:Read, acl:Write, acl:Control.`,
		root + "posts/": `@prefix acl: <http://www.w3.org/ns/auth/acl#>.
			<#owner> a acl:Authorization; acl:agent <../profile/card#me>;
			  acl:accessTo <./>; acl:default <./>;
			  acl:mode acl:Read, acl:Write, acl:Control.
			<#friends> a acl:Authorization; acl:agentGroup <../aspects/friends#group>;
			  acl:default <./>; acl:mode acl:Read.`,
		root + "profile/card": `@prefix acl: <http://www.w3.org/ns/auth/acl#>.
			@prefix foaf: <http://xmlns.com/foaf/0.1/>.
			<#owner> a acl:Authorization; acl:agent <card#me>;
			  acl:accessTo <card>; acl:mode acl:Read, acl:Write, acl:Control.
			<#public> a acl:Authorization; acl:agentClass foaf:Agent;
			  acl:accessTo <card>; acl:mode acl:Read.`,
	}
	load := func(ctx context.Context, resourceURL string) (*acl.ACL, error) {
		doc, ok := documents[resourceURL]
		if !ok {
			return nil, nil // no ACL of its own: inherit
		}
		return acl.ParseDocument(strings.NewReader(doc), rdf.Turtle, resourceURL+".acl")
	}

	// Group documents, parsed once into sets.
	friendsDoc, _ := rdf.Parse(strings.NewReader(
		`<#group> <http://www.w3.org/2006/vcard/ns#hasMember> <`+bob+`>.`),
		rdf.Turtle, root+"aspects/friends")
	friends := acl.ParseGroup(friendsDoc, root+"aspects/friends#group")
	members := func(ctx context.Context, groupURL, webID string) (bool, error) {
		return groupURL == root+"aspects/friends#group" && friends.Has(webID), nil
	}

	ctx := context.Background()
	for _, q := range []struct {
		who      acl.Subject
		resource string
	}{
		{acl.Subject{WebID: alice}, root + "posts/2024/hello"},
		{acl.Subject{WebID: bob}, root + "posts/2024/hello"},
		{acl.Subject{WebID: bob}, root + "notes/secret"},
		{acl.Subject{}, root + "profile/card"},
		// From a web app: alice's authorization lists no acl:origin, so it
		// applies whatever app she uses.
		{acl.Subject{WebID: alice, Origin: "https://app.example"}, root + "profile/card"},
	} {
		m, err := acl.Decide(ctx, q.who, q.resource, root, load, members)
		fmt.Printf("%q on %s: %v %v\n", q.who.WebID, strings.TrimPrefix(q.resource, root), m, err)
	}

	err := acl.Check(ctx, acl.Subject{WebID: bob}, acl.Write, root+"posts/2024/hello", root, load, members)
	fmt.Println(errors.Is(err, acl.ErrDenied))

	user, public, _ := acl.Allow(ctx, acl.Subject{WebID: alice}, root+"profile/card", root, load, members)
	fmt.Println("WAC-Allow:", acl.WACAllowHeader(user, public))
	// Output:
	// "https://pod.example/alice/profile/card#me" on posts/2024/hello: read write append control <nil>
	// "https://bob.example/profile#me" on posts/2024/hello: read <nil>
	// "https://bob.example/profile#me" on notes/secret: none <nil>
	// "" on profile/card: read <nil>
	// "https://pod.example/alice/profile/card#me" on profile/card: read write append control <nil>
	// true
	// WAC-Allow: user="read write append control",public="read"
}
