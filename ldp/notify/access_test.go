package notify

import (
	"testing"
	"time"
)

// aclFor is an ACL for a container: alice holds everything, others (a
// WebID or "public") hold Read.
func aclFor(readers ...string) string {
	s := `@prefix acl: <http://www.w3.org/ns/auth/acl#>.
@prefix foaf: <http://xmlns.com/foaf/0.1/>.
<#owner> a acl:Authorization; acl:agent <` + alice + `>; acl:accessTo <./>; acl:default <./>;
  acl:mode acl:Read, acl:Write, acl:Control.
`
	for i, r := range readers {
		who := "acl:agent <" + r + ">"
		if r == "public" {
			who = "acl:agentClass foaf:Agent"
		}
		s += "<#r" + string(rune('a'+i)) + "> a acl:Authorization; " + who + "; acl:accessTo <./>; acl:default <./>; acl:mode acl:Read.\n"
	}
	return s
}

func TestRevokingReadStopsDelivery(t *testing.T) {
	s := newStack(t, stackOpts{})
	s.mustDo(t, 201, alice, "PUT", "/alice/shared/", "text/turtle", "")
	s.mustDo(t, 201, alice, "PUT", "/alice/shared/.acl", "text/turtle", aclFor(bob))
	c, _ := s.connect(t, bob, "/alice/shared/doc.txt")
	s.mustDo(t, 201, alice, "PUT", "/alice/shared/doc.txt", "text/plain", "one")
	if m := readJSON(t, c); m["type"] != "Create" {
		t.Fatalf("got %v, want Create", m)
	}
	s.mustDo(t, 204, alice, "PUT", "/alice/shared/.acl", "text/turtle", aclFor())
	s.mustDo(t, 204, alice, "PUT", "/alice/shared/doc.txt", "text/plain", "two")
	quiet(t, c, 300*time.Millisecond)
}

func TestLegacySolid01(t *testing.T) {
	s := newStack(t, stackOpts{})
	s.mustDo(t, 201, alice, "PUT", "/alice/public/", "text/turtle", "")
	s.mustDo(t, 201, alice, "PUT", "/alice/public/.acl", "text/turtle", aclFor("public"))
	s.mustDo(t, 201, alice, "PUT", "/alice/private/", "text/turtle", "")

	c := s.dial(t, "ws://pod.example/.notifications/solid-0.1", "solid-0.1")
	if c.Subprotocol() != "solid-0.1" {
		t.Errorf("subprotocol = %q", c.Subprotocol())
	}
	if got := read(t, c); got != "protocol solid-0.1" {
		t.Fatalf("greeting = %q", got)
	}
	ctx := t.Context()
	send := func(msg string) {
		t.Helper()
		if err := c.Write(ctx, 1, []byte(msg)); err != nil {
			t.Fatal(err)
		}
	}
	send("sub http://pod.example/alice/public/doc.ttl")
	if got := read(t, c); got != "ack http://pod.example/alice/public/doc.ttl" {
		t.Fatalf("sub = %q", got)
	}
	send("sub /alice/public/") // relative to the server
	if got := read(t, c); got != "ack http://pod.example/alice/public/" {
		t.Fatalf("sub = %q", got)
	}
	// Anonymous sockets may only follow what everyone may read.
	send("sub http://pod.example/alice/private/x")
	if got := read(t, c); got != "err http://pod.example/alice/private/x forbidden" {
		t.Fatalf("sub private = %q", got)
	}
	send("sub https://elsewhere.example/x")
	if got := read(t, c); got != "error Not a resource on this server: https://elsewhere.example/x" {
		t.Fatalf("sub elsewhere = %q", got)
	}
	send("hello")
	if got := read(t, c); got != "warning Unrecognized message format" {
		t.Fatalf("junk = %q", got)
	}

	// A change publishes the resource and its container.
	s.mustDo(t, 201, alice, "PUT", "/alice/public/doc.ttl", "text/turtle", "<#a> <#b> 1 .")
	got := map[string]bool{read(t, c): true, read(t, c): true}
	for _, want := range []string{"pub http://pod.example/alice/public/doc.ttl", "pub http://pod.example/alice/public/"} {
		if !got[want] {
			t.Errorf("after PUT got %v, want %q", got, want)
		}
	}
	// An update of a child publishes its container too (as NSS and CSS).
	s.mustDo(t, 204, alice, "PUT", "/alice/public/doc.ttl", "text/turtle", "<#a> <#b> 2 .")
	got = map[string]bool{read(t, c): true, read(t, c): true}
	if !got["pub http://pod.example/alice/public/"] || !got["pub http://pod.example/alice/public/doc.ttl"] {
		t.Errorf("after update got %v", got)
	}
	// Changes to what the socket does not follow, or may not read, are not sent.
	s.mustDo(t, 201, alice, "PUT", "/alice/private/x", "text/plain", "secret")
	quiet(t, c, 200*time.Millisecond)
}

func TestLegacyAuthenticatedSocketFollowsItsAgent(t *testing.T) {
	s := newStack(t, stackOpts{})
	s.mustDo(t, 201, alice, "PUT", "/alice/private/", "text/turtle", "")
	// The verifier would put alice in the upgrade request's context.
	c := s.dialAs(t, alice, "ws://pod.example/.notifications/solid-0.1", "solid-0.1")
	read(t, c)
	if err := c.Write(t.Context(), 1, []byte("sub http://pod.example/alice/private/")); err != nil {
		t.Fatal(err)
	}
	if got := read(t, c); got != "ack http://pod.example/alice/private/" {
		t.Fatalf("sub = %q", got)
	}
	s.mustDo(t, 201, alice, "PUT", "/alice/private/x", "text/plain", "secret")
	if got := read(t, c); got != "pub http://pod.example/alice/private/" {
		t.Fatalf("got %q", got)
	}
}

func TestLegacySubprotocol(t *testing.T) {
	s := newStack(t, stackOpts{})
	// No subprotocol asked: greeted, then warned.
	c := s.dial(t, "ws://pod.example/.notifications/solid-0.1")
	if got := read(t, c); got != "protocol solid-0.1" {
		t.Errorf("greeting = %q", got)
	}
	if got := read(t, c); got != "warning Missing Sec-WebSocket-Protocol header, expected value 'solid-0.1'" {
		t.Errorf("warning = %q", got)
	}
	// Only another one asked: told, and disconnected.
	c = s.dial(t, "ws://pod.example/.notifications/solid-0.1", "other")
	if got := read(t, c); got != "protocol solid-0.1" {
		t.Errorf("greeting = %q", got)
	}
	if got := read(t, c); got != "error Client does not support protocol solid-0.1" {
		t.Errorf("error = %q", got)
	}
	closedByServer(t, c)
}
