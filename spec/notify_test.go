package spec

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// Notifications: discovery of the Solid Notifications Protocol's
// subscription services, and the legacy solid-0.1 websocket that
// Updates-Via advertises. Subscribing needs a logged-in agent on Seedpod,
// so channel tests live with the ldp/notify package's tests.

const nsNotify = "http://www.w3.org/ns/solid/notifications#"

// TestNotificationsDiscovery: the storage description links the storage
// to a WebSocketChannel2023 subscription service with its features
// (Notifications Protocol §5 Discovery, Description Resource Data Model),
// and the service describes itself as JSON-LD.
func TestNotificationsDiscovery(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		root := s.rootURL(t)
		desc := s.mustGet(t, root).mustLink(t, "http://www.w3.org/ns/solid/terms#storageDescription")
		r := s.mustGet(t, desc, "Accept", "text/turtle")
		g, err := parseRDF(r.body, r.Header.Get("Content-Type"), desc)
		if err != nil {
			t.Fatalf("storage description: %v\n%s", err, r.body)
		}
		var service string
		for _, svc := range g.objects(root, nsNotify+"subscription") {
			if g.hasIRI(svc.value, nsNotify+"channelType", nsNotify+"WebSocketChannel2023") {
				service = svc.value
			}
		}
		if service == "" {
			t.Fatalf("no WebSocketChannel2023 subscription service for <%s> in\n%s", root, r.body)
		}
		for _, f := range []string{"state", "rate", "startAt", "endAt"} {
			if !g.hasIRI(service, nsNotify+"feature", nsNotify+f) {
				t.Errorf("service <%s> lacks feature notify:%s", service, f)
			}
		}
		r = s.mustGet(t, service, "Accept", "application/ld+json")
		var d map[string]any
		if err := json.Unmarshal(r.body, &d); err != nil {
			t.Fatalf("service description: %v\n%s", err, r.body)
		}
		if d["id"] != service || d["channelType"] != nsNotify+"WebSocketChannel2023" {
			t.Errorf("service description = %s", r.body)
		}
	})
}

// TestNotificationsLegacyWebSocket: every response carries Updates-Via;
// the socket there greets with "protocol solid-0.1", acknowledges
// "sub <url>" with "ack <url>", and sends "pub <url>" when the resource or
// a resource it contains changes. An anonymous socket may not subscribe
// to what the anonymous agent may not read.
func TestNotificationsLegacyWebSocket(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		c := s.newContainer(t)
		r := s.mustGet(t, c)
		via := r.Header.Get("Updates-Via")
		if via == "" {
			t.Fatalf("GET %s: no Updates-Via header", c)
		}
		if u, err := url.Parse(via); err != nil || (u.Scheme != "ws" && u.Scheme != "wss") {
			t.Fatalf("Updates-Via %q is not a websocket URL", via)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		ws, _, err := websocket.Dial(ctx, via, &websocket.DialOptions{Subprotocols: []string{"solid-0.1"}})
		if err != nil {
			t.Fatalf("dial %s: %v", via, err)
		}
		defer ws.CloseNow()
		read := func() string {
			t.Helper()
			_, b, err := ws.Read(ctx)
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			return string(b)
		}
		if got := read(); got != "protocol solid-0.1" {
			t.Fatalf("greeting = %q", got)
		}
		doc := c + "doc.ttl"
		for _, sub := range []string{doc, c} {
			if err := ws.Write(ctx, websocket.MessageText, []byte("sub "+sub)); err != nil {
				t.Fatal(err)
			}
			if got := read(); got != "ack "+sub {
				t.Fatalf("sub %s: got %q", sub, got)
			}
		}
		s.mustPut(t, doc, "text/turtle", []byte("<#a> <#b> 1 ."))
		got := []string{read(), read()}
		slices.Sort(got)
		if want := []string{"pub " + c, "pub " + doc}; !slices.Equal(got, want) {
			t.Errorf("after PUT: %q, want %q", got, want)
		}

		// A container nobody may read: the anonymous socket is refused.
		hidden := s.newContainer(t)
		s.mustPut(t, hidden+".acl", "text/turtle", []byte(`@prefix acl: <http://www.w3.org/ns/auth/acl#>.
@prefix foaf: <http://xmlns.com/foaf/0.1/>.
<#w> a acl:Authorization; acl:agentClass foaf:Agent; acl:accessTo <./>; acl:default <./>;
  acl:mode acl:Write, acl:Control.`))
		if err := ws.Write(ctx, websocket.MessageText, []byte("sub "+hidden)); err != nil {
			t.Fatal(err)
		}
		if got := read(); got != "err "+hidden+" forbidden" {
			t.Errorf("sub of an unreadable container: %q, want an error", got)
		}
	}, knownDeviation("css", "CSS 7.2's default configuration does not enable the solid-0.1 websocket (no Updates-Via)"))
}
