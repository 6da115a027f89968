package acl

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// ownerRoot is the root ACL of a pod owned by alice: full control of the
// root and, by default, of everything below it.
const ownerRoot = `<#owner> a acl:Authorization; acl:agent <` + alice + `>;
  acl:accessTo <./>; acl:default <./>; acl:mode acl:Read, acl:Write, acl:Control.`

const deep = root + "a/b/c/d/e/f/g/h/i/j/doc"

func TestDecide(t *testing.T) {
	const rwac = Read | Write | Append | Control
	friends := groups{
		root + "alice/aspects/friends#group": {bob, carol},
		root + "groups#family":               {carol},
	}
	tests := []struct {
		name     string
		docs     docs
		s        Subject
		resource string
		want     Mode
		wantErr  bool
	}{
		// Inheritance.
		{"owner on root through accessTo", docs{root: ownerRoot}, Subject{WebID: alice}, root, rwac, false},
		{"owner on child through default", docs{root: ownerRoot}, Subject{WebID: alice}, root + "x", rwac, false},
		{"owner ten containers deep", docs{root: ownerRoot}, Subject{WebID: alice}, deep, rwac, false},
		{"owner on deep container", docs{root: ownerRoot}, Subject{WebID: alice}, root + "a/b/c/", rwac, false},
		{"stranger", docs{root: ownerRoot}, Subject{WebID: bob}, root + "x", 0, false},
		{"anonymous", docs{root: ownerRoot}, Subject{}, root + "x", 0, false},
		{"accessTo on root does not reach children",
			docs{root: `<#r> a acl:Authorization; acl:agent <` + alice + `>; acl:accessTo <./>; acl:mode acl:Read.`},
			Subject{WebID: alice}, root + "x", 0, false},
		{"default on root does not grant the root itself",
			docs{root: `<#r> a acl:Authorization; acl:agent <` + alice + `>; acl:default <./>; acl:mode acl:Read.`},
			Subject{WebID: alice}, root, 0, false},
		{"own ACL overrides inherited default",
			docs{root: ownerRoot, root + "a/doc": `<#b> a acl:Authorization; acl:agent <` + bob + `>; acl:accessTo <doc>; acl:mode acl:Read.`},
			Subject{WebID: alice}, root + "a/doc", 0, false},
		{"own ACL grants through accessTo",
			docs{root: ownerRoot, root + "a/doc": `<#b> a acl:Authorization; acl:agent <` + bob + `>; acl:accessTo <doc>; acl:mode acl:Read.`},
			Subject{WebID: bob}, root + "a/doc", Read, false},
		{"own ACL: default rules do not apply to the resource itself",
			docs{root: ownerRoot, root + "a/": `<#b> a acl:Authorization; acl:agent <` + bob + `>; acl:default <./>; acl:mode acl:Read.`},
			Subject{WebID: bob}, root + "a/", 0, false},
		{"container's own ACL through accessTo",
			docs{root: ownerRoot, root + "a/b/": `<#b> a acl:Authorization; acl:agent <` + bob + `>; acl:accessTo <./>; acl:mode acl:Read.`},
			Subject{WebID: bob}, root + "a/b/", Read, false},
		{"nearest ancestor wins",
			docs{root: ownerRoot, root + "a/": `<#b> a acl:Authorization; acl:agent <` + bob + `>; acl:default <./>; acl:mode acl:Read.`},
			Subject{WebID: bob}, root + "a/b/c/doc", Read, false},
		{"nearest ancestor replaces the root entirely",
			docs{root: ownerRoot, root + "a/": `<#b> a acl:Authorization; acl:agent <` + bob + `>; acl:default <./>; acl:mode acl:Read.`},
			Subject{WebID: alice}, root + "a/b/c/doc", 0, false},
		{"ancestor accessTo rules do not reach descendants",
			docs{root: `<#p> a acl:Authorization; acl:agentClass foaf:Agent; acl:default <./>; acl:mode acl:Read.`,
				root + "a/": `<#p> a acl:Authorization; acl:agentClass foaf:Agent; acl:accessTo <./>; acl:mode acl:Read.`},
			Subject{}, root + "a/x", 0, false},
		{"default naming another container does not apply",
			docs{root: `<#p> a acl:Authorization; acl:agentClass foaf:Agent; acl:default </other/>; acl:mode acl:Read.`},
			Subject{}, root + "a/x", 0, false},
		{"empty own ACL denies and does not inherit",
			docs{root: ownerRoot, root + "a/x": `# nothing here`},
			Subject{WebID: alice}, root + "a/x", 0, false},
		{"no root ACL grants nothing", docs{}, Subject{WebID: alice}, root + "a/x", 0, false},
		{"empty root ACL grants nothing", docs{root: ""}, Subject{WebID: alice}, root, 0, false},

		// Modes.
		{"write implies append",
			docs{root: `<#w> a acl:Authorization; acl:agent <` + bob + `>; acl:accessTo <./>; acl:mode acl:Write.`},
			Subject{WebID: bob}, root, Write | Append, false},
		{"append does not imply write",
			docs{root: `<#w> a acl:Authorization; acl:agent <` + bob + `>; acl:accessTo <./>; acl:mode acl:Append.`},
			Subject{WebID: bob}, root, Append, false},
		{"control does not imply read",
			docs{root: `<#w> a acl:Authorization; acl:agent <` + bob + `>; acl:accessTo <./>; acl:mode acl:Control.`},
			Subject{WebID: bob}, root, Control, false},
		{"modes of matching authorizations are unioned",
			docs{root: `<#1> a acl:Authorization; acl:agent <` + bob + `>; acl:accessTo <./>; acl:mode acl:Read.
				<#2> a acl:Authorization; acl:agentClass acl:AuthenticatedAgent; acl:accessTo <./>; acl:mode acl:Append.
				<#3> a acl:Authorization; acl:agent <` + carol + `>; acl:accessTo <./>; acl:mode acl:Control.`},
			Subject{WebID: bob}, root, Read | Append, false},
		{"unknown and foreign modes are ignored",
			docs{root: `<#1> a acl:Authorization; acl:agent <` + bob + `>; acl:accessTo <./>;
				acl:mode acl:Access, <http://example.org/ns#Everything>, acl:Read.`},
			Subject{WebID: bob}, root, Read, false},
		{"authorization with only unknown modes grants nothing",
			docs{root: `<#1> a acl:Authorization; acl:agent <` + bob + `>; acl:accessTo <./>; acl:mode <http://example.org/ns#Everything>.`},
			Subject{WebID: bob}, root, 0, false},
		{"untyped authorization is ignored",
			docs{root: `<#1> acl:agent <` + bob + `>; acl:accessTo <./>; acl:mode acl:Read.`},
			Subject{WebID: bob}, root, 0, false},
		{"blank node authorization",
			docs{root: `[] a acl:Authorization; acl:agent <` + bob + `>; acl:accessTo <./>; acl:mode acl:Read.`},
			Subject{WebID: bob}, root, Read, false},
		{"type among others",
			docs{root: `<#1> a <http://example.org/Rule>, acl:Authorization; acl:agent <` + bob + `>; acl:accessTo <./>; acl:mode acl:Read.`},
			Subject{WebID: bob}, root, Read, false},

		// Agents.
		{"agent matches exactly", docs{root: `<#1> a acl:Authorization; acl:agent <` + bob + `>; acl:accessTo <./>; acl:mode acl:Read.`},
			Subject{WebID: bob + "x"}, root, 0, false},
		{"mailto agent is tolerated",
			docs{root: ownerRoot + `<#m> a acl:Authorization; acl:agent <mailto:alice@example.org>; acl:accessTo <./>; acl:mode acl:Read.`},
			Subject{WebID: alice}, root, rwac, false},
		{"foaf:Agent grants anonymous",
			docs{root: `<#p> a acl:Authorization; acl:agentClass foaf:Agent; acl:accessTo <./>; acl:mode acl:Read.`},
			Subject{}, root, Read, false},
		{"foaf:Agent grants authenticated",
			docs{root: `<#p> a acl:Authorization; acl:agentClass foaf:Agent; acl:accessTo <./>; acl:mode acl:Read.`},
			Subject{WebID: bob}, root, Read, false},
		{"AuthenticatedAgent denies anonymous",
			docs{root: `<#p> a acl:Authorization; acl:agentClass acl:AuthenticatedAgent; acl:accessTo <./>; acl:mode acl:Read.`},
			Subject{}, root, 0, false},
		{"AuthenticatedAgent grants any WebID",
			docs{root: `<#p> a acl:Authorization; acl:agentClass acl:AuthenticatedAgent; acl:accessTo <./>; acl:mode acl:Read.`},
			Subject{WebID: carol}, root, Read, false},
		{"unknown agent class grants nothing",
			docs{root: `<#p> a acl:Authorization; acl:agentClass <http://example.org/Friends>; acl:accessTo <./>; acl:mode acl:Read.`},
			Subject{WebID: carol}, root, 0, false},
		{"group member",
			docs{root: ownerRoot + `<#f> a acl:Authorization; acl:agentGroup </alice/aspects/friends#group>; acl:default <./>; acl:mode acl:Read.`},
			Subject{WebID: bob}, root + "alice/posts/1", Read, false},
		{"group non-member",
			docs{root: ownerRoot + `<#f> a acl:Authorization; acl:agentGroup </alice/aspects/friends#group>; acl:default <./>; acl:mode acl:Read.`},
			Subject{WebID: "https://eve.example/#me"}, root + "alice/posts/1", 0, false},
		{"group and anonymous",
			docs{root: ownerRoot + `<#f> a acl:Authorization; acl:agentGroup </alice/aspects/friends#group>; acl:default <./>; acl:mode acl:Read.`},
			Subject{}, root + "alice/posts/1", 0, false},
		{"group fragment matters",
			docs{root: `<#f> a acl:Authorization; acl:agentGroup </alice/aspects/friends#other>; acl:accessTo <./>; acl:mode acl:Read.`},
			Subject{WebID: bob}, root, 0, false},
		{"any of several groups",
			docs{root: `<#f> a acl:Authorization; acl:agentGroup </alice/aspects/friends#group>, </groups#family>; acl:accessTo <./>; acl:mode acl:Write.`},
			Subject{WebID: carol}, root, Write | Append, false},
		{"failing group lookup with a grant elsewhere",
			docs{root: `<#f> a acl:Authorization; acl:agentGroup <` + brokenGroup + `>; acl:accessTo <./>; acl:mode acl:Write.
				<#r> a acl:Authorization; acl:agent <` + bob + `>; acl:accessTo <./>; acl:mode acl:Read.`},
			Subject{WebID: bob}, root, Read, true},

		// Origins (WAC #authorization-evaluation-origin, as the package
		// documentation reads it: with an Origin, an authorization listing
		// acl:origin applies only to those origins; one without applies to
		// any origin).
		{"rule with origin O, no Origin: applies",
			docs{root: `<#1> a acl:Authorization; acl:agent <` + alice + `>; acl:origin <https://app.example>; acl:accessTo <./>; acl:mode acl:Read.`},
			Subject{WebID: alice}, root, Read, false},
		{"rule without origin, request with Origin: applies",
			docs{root: ownerRoot}, Subject{WebID: alice, Origin: "https://app.example"}, root, rwac, false},
		{"rule without origin, inherited, request with Origin: applies",
			docs{root: ownerRoot}, Subject{WebID: alice, Origin: "https://evil.example"}, deep, rwac, false},
		{"rule without origin still needs the agent",
			docs{root: ownerRoot}, Subject{WebID: bob, Origin: "https://app.example"}, root, 0, false},
		{"rule with origin O, request from O: applies",
			docs{root: `<#1> a acl:Authorization; acl:agent <` + alice + `>; acl:origin <https://app.example>; acl:accessTo <./>; acl:mode acl:Read, acl:Write.`},
			Subject{WebID: alice, Origin: "https://app.example"}, root, Read | Write | Append, false},
		{"rule with origin O, request from P: does not apply",
			docs{root: `<#1> a acl:Authorization; acl:agent <` + alice + `>; acl:origin <https://app.example>; acl:accessTo <./>; acl:mode acl:Read.`},
			Subject{WebID: alice, Origin: "https://evil.example"}, root, 0, false},
		{"rule with several origins, request from the second",
			docs{root: `<#1> a acl:Authorization; acl:agent <` + alice + `>; acl:origin <https://app.example>, <https://other.example>; acl:accessTo <./>; acl:mode acl:Read.`},
			Subject{WebID: alice, Origin: "https://other.example"}, root, Read, false},
		{"origin-restricted rule beside an unrestricted one, request from P",
			docs{root: `<#1> a acl:Authorization; acl:agent <` + alice + `>; acl:accessTo <./>; acl:mode acl:Read.
				<#2> a acl:Authorization; acl:agent <` + alice + `>; acl:origin <https://app.example>; acl:accessTo <./>; acl:mode acl:Write.`},
			Subject{WebID: alice, Origin: "https://evil.example"}, root, Read, false},
		{"origin-restricted rule beside an unrestricted one, request from O",
			docs{root: `<#1> a acl:Authorization; acl:agent <` + alice + `>; acl:accessTo <./>; acl:mode acl:Read.
				<#2> a acl:Authorization; acl:agent <` + alice + `>; acl:origin <https://app.example>; acl:accessTo <./>; acl:mode acl:Write.`},
			Subject{WebID: alice, Origin: "https://app.example"}, root, Read | Write | Append, false},
		{"origin-only rule does not combine with an agent rule",
			docs{root: `<#1> a acl:Authorization; acl:agent <` + alice + `>; acl:accessTo <./>; acl:mode acl:Read.
				<#2> a acl:Authorization; acl:origin <https://app.example>; acl:accessTo <./>; acl:mode acl:Write.`},
			Subject{WebID: alice, Origin: "https://app.example"}, root, Read, false},
		{"origin-only rule adds nothing to the owner",
			docs{root: ownerRoot + `<#app> a acl:Authorization; acl:origin <https://app.example>; acl:accessTo <./>; acl:default <./>; acl:mode acl:Read.`},
			Subject{WebID: alice, Origin: "https://app.example"}, root + "x", rwac, false},
		{"origin-only rule grants nobody, from its origin",
			docs{root: `<#2> a acl:Authorization; acl:origin <https://app.example>; acl:accessTo <./>; acl:mode acl:Read.`},
			Subject{WebID: alice, Origin: "https://app.example"}, root, 0, false},
		{"origin-only rule grants nobody, anonymous from its origin",
			docs{root: `<#2> a acl:Authorization; acl:origin <https://app.example>; acl:accessTo <./>; acl:mode acl:Read.`},
			Subject{Origin: "https://app.example"}, root, 0, false},
		{"origin-only rule grants nobody, without Origin",
			docs{root: `<#2> a acl:Authorization; acl:origin <https://app.example>; acl:accessTo <./>; acl:mode acl:Read.`},
			Subject{WebID: alice}, root, 0, false},
		{"public rule without origin, any Origin",
			docs{root: `<#p> a acl:Authorization; acl:agentClass foaf:Agent; acl:accessTo <./>; acl:mode acl:Read.`},
			Subject{Origin: "https://evil.example"}, root, Read, false},
		{"public rule and owner rule, foreign Origin",
			docs{root: ownerRoot + `<#p> a acl:Authorization; acl:agentClass foaf:Agent; acl:accessTo <./>; acl:mode acl:Read.`},
			Subject{WebID: alice, Origin: "https://evil.example"}, root, rwac, false},
		{"public rule listing O, request from P",
			docs{root: `<#p> a acl:Authorization; acl:agentClass foaf:Agent; acl:origin <https://app.example>; acl:accessTo <./>; acl:mode acl:Read.`},
			Subject{Origin: "https://evil.example"}, root, 0, false},
		{"public rule listing O, authenticated from P",
			docs{root: `<#p> a acl:Authorization; acl:agentClass foaf:Agent; acl:origin <https://app.example>; acl:accessTo <./>; acl:mode acl:Read.`},
			Subject{WebID: alice, Origin: "https://evil.example"}, root, 0, false},
		{"public rule listing O, request from O",
			docs{root: `<#p> a acl:Authorization; acl:agentClass foaf:Agent; acl:origin <https://app.example>; acl:accessTo <./>; acl:mode acl:Read.`},
			Subject{Origin: "https://app.example"}, root, Read, false},
		{"public rule listing O, no Origin",
			docs{root: `<#p> a acl:Authorization; acl:agentClass foaf:Agent; acl:origin <https://app.example>; acl:accessTo <./>; acl:mode acl:Read.`},
			Subject{}, root, Read, false},
		{"origin compared canonically",
			docs{root: `<#1> a acl:Authorization; acl:agent <` + alice + `>; acl:origin <HTTPS://App.Example:443/>; acl:accessTo <./>; acl:mode acl:Read.`},
			Subject{WebID: alice, Origin: "https://app.example"}, root, Read, false},
		{"origin port matters",
			docs{root: `<#1> a acl:Authorization; acl:agent <` + alice + `>; acl:origin <https://app.example:8443>; acl:accessTo <./>; acl:mode acl:Read.`},
			Subject{WebID: alice, Origin: "https://app.example"}, root, 0, false},
		{"origin scheme matters",
			docs{root: `<#1> a acl:Authorization; acl:agent <` + alice + `>; acl:origin <http://app.example>; acl:accessTo <./>; acl:mode acl:Read.`},
			Subject{WebID: alice, Origin: "https://app.example"}, root, 0, false},
		{"acl:origin with a path matches no origin",
			docs{root: `<#1> a acl:Authorization; acl:agent <` + alice + `>; acl:origin <https://app.example/index.html>; acl:accessTo <./>; acl:mode acl:Read.`},
			Subject{WebID: alice, Origin: "https://app.example"}, root, 0, false},
		{"opaque origin null: rules without origin apply",
			docs{root: ownerRoot + `<#p> a acl:Authorization; acl:agentClass foaf:Agent; acl:accessTo <./>; acl:mode acl:Read.`},
			Subject{WebID: alice, Origin: "null"}, root, rwac, false},
		{"opaque origin null matches no listed origin",
			docs{root: `<#1> a acl:Authorization; acl:agent <` + alice + `>; acl:accessTo <./>; acl:mode acl:Read.
				<#2> a acl:Authorization; acl:agent <` + alice + `>; acl:origin <https://app.example>; acl:accessTo <./>; acl:mode acl:Write.
				<#3> a acl:Authorization; acl:agentClass foaf:Agent; acl:origin <https://app.example>; acl:accessTo <./>; acl:mode acl:Control.`},
			Subject{WebID: alice, Origin: "null"}, root, Read, false},
		{"acl:origin that is no origin matches no request, not even null",
			docs{root: `<#1> a acl:Authorization; acl:agent <` + alice + `>; acl:origin <null>; acl:accessTo <./>; acl:mode acl:Read.`},
			Subject{WebID: alice, Origin: "null"}, root, 0, false},
		{"invalid Origin matches no listed origin",
			docs{root: `<#1> a acl:Authorization; acl:agent <` + alice + `>; acl:origin <https://app.example>; acl:accessTo <./>; acl:mode acl:Read.
				<#2> a acl:Authorization; acl:agent <` + alice + `>; acl:accessTo <./>; acl:mode acl:Append.`},
			Subject{WebID: alice, Origin: "https://app.example/path"}, root, Append, false},
		{"group with origin",
			docs{root: `<#f> a acl:Authorization; acl:agentGroup </alice/aspects/friends#group>; acl:origin <https://app.example>; acl:accessTo <./>; acl:mode acl:Read.`},
			Subject{WebID: bob, Origin: "https://app.example"}, root, Read, false},
		{"group with origin O, request from P",
			docs{root: `<#f> a acl:Authorization; acl:agentGroup </alice/aspects/friends#group>; acl:origin <https://app.example>; acl:accessTo <./>; acl:mode acl:Read.`},
			Subject{WebID: bob, Origin: "https://evil.example"}, root, 0, false},
		{"group without origin, request with Origin",
			docs{root: `<#f> a acl:Authorization; acl:agentGroup </alice/aspects/friends#group>; acl:accessTo <./>; acl:mode acl:Read.`},
			Subject{WebID: bob, Origin: "https://evil.example"}, root, Read, false},
		{"inherited origin authorization",
			docs{root: `<#1> a acl:Authorization; acl:agent <` + alice + `>; acl:origin <https://app.example>; acl:default <./>; acl:mode acl:Read.`},
			Subject{WebID: alice, Origin: "https://app.example"}, deep, Read, false},
		{"inherited origin authorization, request from P",
			docs{root: `<#1> a acl:Authorization; acl:agent <` + alice + `>; acl:origin <https://app.example>; acl:default <./>; acl:mode acl:Read.`},
			Subject{WebID: alice, Origin: "https://evil.example"}, deep, 0, false},

		// Errors deny.
		{"malformed root ACL",
			docs{root: `<#1> a acl:Authorization; acl:agent <` + alice + `>; acl:accessTo <./>; acl:mode "Read".`},
			Subject{WebID: alice}, root, 0, true},
		{"malformed own ACL does not fall back to the container",
			docs{root: ownerRoot, root + "a/x": `<#1> a acl:Authorization; acl:agent "` + alice + `"; acl:accessTo <x>; acl:mode acl:Read.`},
			Subject{WebID: alice}, root + "a/x", 0, true},
		{"syntax error in an ancestor ACL",
			docs{root: ownerRoot, root + "a/": `<#1> a acl:Authorization; acl:agent <` + alice},
			Subject{WebID: alice}, root + "a/b/c", 0, true},
		{"resource outside the storage", docs{root: ownerRoot}, Subject{WebID: alice}, "https://other.example/x", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decide(context.Background(), tt.s, tt.resource, root, tt.docs.loader(t), friends.members(t))
			if (err != nil) != tt.wantErr {
				t.Fatalf("Decide(%+v, %s) error = %v, want error %v", tt.s, tt.resource, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("Decide(%+v, %s) = %v, want %v", tt.s, tt.resource, got, tt.want)
			}
			// Check agrees with Decide on every mode Decide grants and
			// on the first one it does not.
			for _, m := range []Mode{Read, Append, Write, Control} {
				err := Check(context.Background(), tt.s, m, tt.resource, root, tt.docs.loader(t), friends.members(t))
				if tt.want.Has(m) != (err == nil) {
					t.Errorf("Check(%+v, %v, %s) = %v, Decide granted %v", tt.s, m, tt.resource, err, tt.want)
				}
				if err != nil && !tt.wantErr && !errors.Is(err, ErrDenied) {
					t.Errorf("Check(%+v, %v, %s) = %v, want ErrDenied", tt.s, m, tt.resource, err)
				}
			}
		})
	}
}

func TestMalformedACLErrorWrapsErrInvalid(t *testing.T) {
	load := docs{root: `<#1> a acl:Authorization; acl:agent <` + alice + `>; acl:accessTo <./>; acl:mode _:b.`}.loader(t)
	m, err := Decide(context.Background(), Subject{WebID: alice}, root, root, load, nil)
	if m != 0 || !errors.Is(err, ErrInvalid) {
		t.Fatalf("Decide = %v, %v; want none, ErrInvalid", m, err)
	}
	if err := Check(context.Background(), Subject{WebID: alice}, Read, root, root, load, nil); !errors.Is(err, ErrInvalid) || errors.Is(err, ErrDenied) {
		t.Fatalf("Check = %v, want ErrInvalid", err)
	}
}

func TestLoaderErrorIsReturned(t *testing.T) {
	boom := errors.New("disk on fire")
	calls := 0
	load := func(_ context.Context, u string) (*ACL, error) {
		calls++
		if u == root+"a/" {
			return nil, boom
		}
		return nil, nil
	}
	m, err := Decide(context.Background(), Subject{WebID: alice}, root+"a/b", root, load, nil)
	if m != 0 || !errors.Is(err, boom) {
		t.Fatalf("Decide = %v, %v; want none, %v", m, err, boom)
	}
	if calls != 2 {
		t.Errorf("loader called %d times, want 2 (a/b, then a/)", calls)
	}
}

func TestWalkLoadsEachAncestorOnceAndStopsAtRoot(t *testing.T) {
	var seen []string
	load := func(_ context.Context, u string) (*ACL, error) {
		seen = append(seen, u)
		return nil, nil
	}
	const podRoot = root + "alice/"
	if _, err := Decide(context.Background(), Subject{}, podRoot+"a/b/", podRoot, load, nil); err != nil {
		t.Fatal(err)
	}
	want := []string{podRoot + "a/b/", podRoot + "a/", podRoot}
	if strings.Join(seen, " ") != strings.Join(want, " ") {
		t.Errorf("loaded %q, want %q", seen, want)
	}
}

func TestGroupsAreLookedUpOnlyWhenNeeded(t *testing.T) {
	load := docs{root: `<#bob> a acl:Authorization; acl:agent <` + bob + `>; acl:accessTo <./>; acl:mode acl:Read.
		<#pub> a acl:Authorization; acl:agentClass foaf:Agent; acl:accessTo <./>; acl:mode acl:Append.
		<#g1> a acl:Authorization; acl:agentGroup </g#1>; acl:accessTo <./>; acl:mode acl:Read.
		<#g2> a acl:Authorization; acl:agentGroup </g#2>; acl:accessTo <./>; acl:mode acl:Write.
		<#g3> a acl:Authorization; acl:agentGroup </g#3>; acl:origin <https://app.example>; acl:accessTo <./>; acl:mode acl:Control.`}.loader(t)
	var asked []string
	members := func(_ context.Context, g, webID string) (bool, error) {
		asked = append(asked, g)
		return true, nil
	}
	ctx := context.Background()
	tests := []struct {
		name   string
		s      Subject
		needed Mode
		want   string // groups asked, in order
	}{
		{"granted by acl:agent", Subject{WebID: bob}, Read, ""},
		{"granted by foaf:Agent", Subject{WebID: bob}, Append, ""},
		{"anonymous never asks", Subject{}, Write, ""},
		{"only the group that adds the mode", Subject{WebID: bob}, Write, root + "g#2"},
		{"group without origin, any Origin", Subject{WebID: bob, Origin: "https://evil.example"}, Write, root + "g#2"},
		{"group listing the request's origin", Subject{WebID: bob, Origin: "https://app.example"}, Control, root + "g#3"},
		{"group listing another origin is not asked", Subject{WebID: bob, Origin: "https://evil.example"}, Control, ""},
		{"null Origin: group listing an origin is not asked", Subject{WebID: bob, Origin: "null"}, Control, ""},
		{"group listing an origin, no Origin", Subject{WebID: bob}, Control, root + "g#3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			asked = nil
			_ = Check(ctx, tt.s, tt.needed, root, root, load, members)
			if got := strings.Join(asked, " "); got != tt.want {
				t.Errorf("Check(%+v, %v) asked groups %q, want %q", tt.s, tt.needed, got, tt.want)
			}
		})
	}
	for _, d := range []struct {
		s     Subject
		want  Mode
		asked string
	}{
		{Subject{WebID: carol}, All, root + "g#1 " + root + "g#2 " + root + "g#3"},
		{Subject{WebID: carol, Origin: "https://app.example"}, All, root + "g#1 " + root + "g#2 " + root + "g#3"},
		{Subject{WebID: carol, Origin: "https://evil.example"}, Read | Append | Write, root + "g#1 " + root + "g#2"},
	} {
		asked = nil
		m, err := Decide(ctx, d.s, root, root, load, members)
		if err != nil || m != d.want {
			t.Errorf("Decide(%+v) = %v, %v; want %v", d.s, m, err, d.want)
		}
		if got := strings.Join(asked, " "); got != d.asked {
			t.Errorf("Decide(%+v) asked %q, want %q", d.s, got, d.asked)
		}
	}
}

func TestCheckWithFailingGroup(t *testing.T) {
	load := docs{root: `<#bob> a acl:Authorization; acl:agent <` + bob + `>; acl:accessTo <./>; acl:mode acl:Read.
		<#g> a acl:Authorization; acl:agentGroup <` + brokenGroup + `>; acl:accessTo <./>; acl:mode acl:Read, acl:Write.`}.loader(t)
	members := groups{}.members(t)
	ctx := context.Background()
	if err := Check(ctx, Subject{WebID: bob}, Read, root, root, load, members); err != nil {
		t.Errorf("Check(Read) = %v, want nil: granted without the group", err)
	}
	err := Check(ctx, Subject{WebID: bob}, Write, root, root, load, members)
	if !errors.Is(err, errGroupDown) || errors.Is(err, ErrDenied) {
		t.Errorf("Check(Write) = %v, want the group error, not a denial", err)
	}
	if err := Check(ctx, Subject{WebID: bob}, Write, root, root, load, nil); !errors.Is(err, ErrDenied) {
		t.Errorf("Check(Write) with nil Members = %v, want ErrDenied", err)
	}
}

func TestAllow(t *testing.T) {
	load := docs{root: ownerRoot + `
		<#pub> a acl:Authorization; acl:agentClass foaf:Agent; acl:default <./>; acl:mode acl:Read.
		<#app> a acl:Authorization; acl:origin <https://app.example>; acl:default <./>; acl:mode acl:Read, acl:Write.
		<#pubapp> a acl:Authorization; acl:agentClass foaf:Agent; acl:origin <https://app.example>; acl:default <./>; acl:mode acl:Append.`}.loader(t)
	ctx := context.Background()
	tests := []struct {
		s            Subject
		user, public Mode
		header       string
	}{
		{Subject{WebID: alice}, All, Read | Append, `user="read write append control",public="read append"`},
		{Subject{WebID: bob}, Read | Append, Read | Append, `user="read append",public="read append"`},
		{Subject{}, Read | Append, Read | Append, `user="read append",public="read append"`},
		// The owner's authorization lists no origin: it applies from any app.
		// The origin-only #app grants nobody; #pubapp is public from its
		// origin only.
		{Subject{WebID: alice, Origin: "https://app.example"}, All, Read | Append, `user="read write append control",public="read append"`},
		{Subject{WebID: alice, Origin: "https://evil.example"}, All, Read, `user="read write append control",public="read"`},
		{Subject{WebID: alice, Origin: "null"}, All, Read, `user="read write append control",public="read"`},
		{Subject{WebID: bob, Origin: "https://app.example"}, Read | Append, Read | Append, `user="read append",public="read append"`},
		{Subject{WebID: bob, Origin: "https://evil.example"}, Read, Read, `user="read",public="read"`},
		{Subject{Origin: "https://evil.example"}, Read, Read, `user="read",public="read"`},
	}
	for _, tt := range tests {
		user, public, err := Allow(ctx, tt.s, root+"doc", root, load, nil)
		if err != nil || user != tt.user || public != tt.public {
			t.Errorf("Allow(%+v) = %v, %v, %v; want %v, %v", tt.s, user, public, err, tt.user, tt.public)
		}
		if h := WACAllowHeader(user, public); h != tt.header {
			t.Errorf("WACAllowHeader(%v, %v) = %s, want %s", user, public, h, tt.header)
		}
	}
}

func TestEffective(t *testing.T) {
	d := docs{root: ownerRoot, root + "a/": ownerRoot, root + "a/b/doc": ownerRoot}
	load := d.loader(t)
	tests := []struct{ resource, owner string }{
		{root, root},
		{root + "x", root},
		{root + "a/", root + "a/"},
		{root + "a/b/", root + "a/"},
		{root + "a/b/doc", root + "a/b/doc"},
		{root + "a/b/doc2", root + "a/"},
	}
	for _, tt := range tests {
		a, owner, err := Effective(context.Background(), tt.resource, root, load)
		if err != nil || a == nil || owner != tt.owner {
			t.Errorf("Effective(%s) = %v, %q, %v; want ACL of %s", tt.resource, a, owner, err, tt.owner)
		}
	}
	for _, bad := range [][2]string{{"https://pod.example/x", "https://pod.example"}, {"https://pod.exampleX/", root}, {"", root}} {
		if _, _, err := Effective(context.Background(), bad[0], bad[1], load); err == nil {
			t.Errorf("Effective(%q, %q) = nil error, want one", bad[0], bad[1])
		}
	}
}

func TestParent(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"https://h/a/b", "https://h/a/", true},
		{"https://h/a/b/", "https://h/a/", true},
		{"https://h/a", "https://h/", true},
		{"https://h/a/", "https://h/", true},
		{"https://h:8443/alice/x", "https://h:8443/alice/", true},
		{"https://h/", "", false},
		{"https://h", "", false},
		{"/a/b", "", false},
		{"", "", false},
		{"https://h//", "https://h/", true},
	}
	for _, tt := range tests {
		got, ok := Parent(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Parent(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
