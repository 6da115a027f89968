package spec

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jwt"
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
		s.subscriptionService(t, s.rootURL(t), "WebSocketChannel2023")
	})
}

// subscriptionService finds, through the storage description linked from
// root (read through s, which may act as a user), the subscription
// service of a channel type that the description gives its storage,
// checks the service's features and description, and returns its URL.
func (s *target) subscriptionService(t testing.TB, root, channelType string) string {
	t.Helper()
	{
		desc := s.mustGet(t, root).mustLink(t, "http://www.w3.org/ns/solid/terms#storageDescription")
		r := s.mustGet(t, desc, "Accept", "text/turtle")
		g, err := parseRDF(r.body, r.Header.Get("Content-Type"), desc)
		if err != nil {
			t.Fatalf("storage description: %v\n%s", err, r.body)
		}
		var service string
		for _, tr := range g {
			storage := tr.s.kind == 'i' && g.hasIRI(tr.s.value, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "http://www.w3.org/ns/pim/space#Storage")
			if storage && tr.p.value == nsNotify+"subscription" && g.hasIRI(tr.o.value, nsNotify+"channelType", nsNotify+channelType) {
				service = tr.o.value
			}
		}
		if service == "" {
			t.Fatalf("no %s subscription service for a pim:Storage in\n%s", channelType, r.body)
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
		if d["id"] != service || d["channelType"] != nsNotify+channelType {
			t.Errorf("service description = %s", r.body)
		}
		return service
	}
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

// subscribe asks service, as u (nil: anonymous), for a channel of the
// given type on topic; extra adds members to the request.
func (s *target) subscribe(t testing.TB, u *user, service, channelType, topic string, extra ...string) *response {
	t.Helper()
	req := map[string]any{
		"@context": []string{"https://www.w3.org/ns/solid/notification/v1"},
		"type":     nsNotify + channelType,
		"topic":    topic,
	}
	for i := 0; i+1 < len(extra); i += 2 {
		req[extra[i]] = extra[i+1]
	}
	body, _ := json.Marshal(req)
	as := s
	if u != nil {
		as = u.as
	}
	return as.do(t, "POST", service, body, "Content-Type", "application/ld+json")
}

// openChannel subscribes owner to topic with a WebSocketChannel2023 and
// connects to its receiveFrom; it returns the socket and the channel.
func (s *target) openChannel(t testing.TB, owner *user, service, topic string) (*websocket.Conn, map[string]any) {
	t.Helper()
	r := s.subscribe(t, owner, service, "WebSocketChannel2023", topic)
	mustStatus(t, r, 200)
	var ch map[string]any
	if err := json.Unmarshal(r.body, &ch); err != nil {
		t.Fatalf("channel: %v\n%s", err, r.body)
	}
	if ch["topic"] != topic || ch["type"] != nsNotify+"WebSocketChannel2023" {
		t.Errorf("channel = %s", r.body)
	}
	if id, _ := ch["id"].(string); id == "" {
		t.Errorf("channel has no id: %s", r.body)
	}
	rf, _ := ch["receiveFrom"].(string)
	if !strings.HasPrefix(rf, "ws://") && !strings.HasPrefix(rf, "wss://") {
		t.Fatalf("receiveFrom = %q, want a websocket URL", rf)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, rf, nil)
	if err != nil {
		t.Fatalf("dial %s: %v", rf, err)
	}
	t.Cleanup(func() { ws.CloseNow() })
	return ws, ch
}

// nextNotification reads one notification within 10 s.
func nextNotification(t testing.TB, ws *websocket.Conn) map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, b, err := ws.Read(ctx)
	if err != nil {
		t.Fatalf("no notification: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("notification %q: %v", b, err)
	}
	return m
}

// wantNotification checks a notification's shape (Notifications Protocol
// §7, Activity Streams 2.0): its contexts, an id, its type, object and
// target, a published date, and state when one is given.
func wantNotification(t testing.TB, m map[string]any, typ, object, target, state string) {
	t.Helper()
	ctx, _ := m["@context"].([]any)
	if !slices.Contains(ctx, any("https://www.w3.org/ns/activitystreams")) || !slices.Contains(ctx, any("https://www.w3.org/ns/solid/notification/v1")) {
		t.Errorf("@context = %v", m["@context"])
	}
	if id, _ := m["id"].(string); !strings.Contains(id, ":") {
		t.Errorf("id = %v, want a URI", m["id"])
	}
	if m["type"] != typ || m["object"] != object {
		t.Errorf("type, object = %v, %v; want %s, %s", m["type"], m["object"], typ, object)
	}
	if target != "" && m["target"] != target {
		t.Errorf("target = %v, want %s", m["target"], target)
	}
	if state != "" && m["state"] != state {
		t.Errorf("state = %v, want %s", m["state"], state)
	}
	if p, _ := m["published"].(string); p == "" {
		t.Errorf("published missing")
	} else if _, err := time.Parse(time.RFC3339Nano, p); err != nil {
		t.Errorf("published = %q: %v", p, err)
	}
}

// TestNotificationsWebSocketChannel: a logged-in owner subscribes to a
// document and to its container, opens the receiveFrom sockets, and is
// told Create, Update and Delete for the document (with state, the new
// ETag) and Add and Remove for the container.
func TestNotificationsWebSocketChannel(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		owner := s.newUser(t)
		service := owner.as.subscriptionService(t, owner.pod, "WebSocketChannel2023")
		container := owner.pod + unique(t, "n") + "/"
		doc := container + "doc.txt"
		owner.as.mustPut(t, container+"other.txt", "text/plain", []byte("x"))
		wsDoc, _ := s.openChannel(t, owner, service, doc)
		wsDir, _ := s.openChannel(t, owner, service, container)

		owner.as.mustPut(t, doc, "text/plain", []byte("one"))
		etag := owner.as.do(t, "HEAD", doc, nil).Header.Get("ETag")
		wantNotification(t, nextNotification(t, wsDoc), "Create", doc, "", etag)
		wantNotification(t, nextNotification(t, wsDir), "Add", doc, container, "")

		owner.as.mustPut(t, doc, "text/plain", []byte("two"))
		etag = owner.as.do(t, "HEAD", doc, nil).Header.Get("ETag")
		wantNotification(t, nextNotification(t, wsDoc), "Update", doc, "", etag)

		mustSuccess(t, owner.as.do(t, "DELETE", doc, nil))
		wantNotification(t, nextNotification(t, wsDoc), "Delete", doc, "", "")
		wantNotification(t, nextNotification(t, wsDir), "Remove", doc, container, "")
	})
}

// TestNotificationsSubscriptionAccess: subscribing needs Read on the
// topic (401 anonymous, 403 without Read), and an unknown channel type is
// 422.
func TestNotificationsSubscriptionAccess(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		owner, stranger := s.newUser(t), s.newUser(t)
		service := owner.as.subscriptionService(t, owner.pod, "WebSocketChannel2023")
		_, doc := s.privateDoc(t, owner)
		wantStatus(t, s.subscribe(t, nil, service, "WebSocketChannel2023", doc), 401)
		wantStatus(t, s.subscribe(t, stranger, service, "WebSocketChannel2023", doc), 403)
		wantStatus(t, s.subscribe(t, owner, service, "LDNChannel2023", doc), 422)
		mustStatus(t, s.subscribe(t, owner, service, "WebSocketChannel2023", doc), 200)
	})
}

// TestNotificationsUnsubscribe: DELETE of a channel's id removes it, and
// only the agent who created it may do that.
func TestNotificationsUnsubscribe(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		owner, stranger := s.newUser(t), s.newUser(t)
		service := owner.as.subscriptionService(t, owner.pod, "WebSocketChannel2023")
		_, doc := s.privateDoc(t, owner)
		r := s.subscribe(t, owner, service, "WebSocketChannel2023", doc)
		mustStatus(t, r, 200)
		var ch struct{ ID string }
		json.Unmarshal(r.body, &ch)
		wantStatus(t, stranger.as.do(t, "DELETE", ch.ID, nil), 403)
		mustSuccess(t, owner.as.do(t, "DELETE", ch.ID, nil))
		wantStatus(t, owner.as.do(t, "DELETE", ch.ID, nil), 404)
	}, knownDeviation("css", "any logged-in agent may DELETE a channel whose id it knows, not only its creator"))
}

// TestNotificationsBadRequests: a body that is not JSON is 400, another
// media type 415 (Seedpod's reading of the protocol: CSS converts
// whatever it gets and answers 422 to both).
func TestNotificationsBadRequests(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		owner := s.newUser(t)
		service := owner.as.subscriptionService(t, owner.pod, "WebSocketChannel2023")
		wantStatus(t, owner.as.do(t, "POST", service, []byte(`{"type":`), "Content-Type", "application/ld+json"), 400)
		wantStatus(t, owner.as.do(t, "POST", service, []byte(`x`), "Content-Type", "text/plain"), 415)
	}, knownDeviation("css", "a subscription body that is not JSON, or not RDF at all, is 422, not 400 or 415"))
}

// TestNotificationsRevokedRead: when the owner takes Read back from a
// subscriber, the subscriber's channel stops delivering.
func TestNotificationsRevokedRead(t *testing.T) {
	run(t, func(t testing.TB, s *target) {
		owner, friend := s.newUser(t), s.newUser(t)
		service := owner.as.subscriptionService(t, owner.pod, "WebSocketChannel2023")
		container, doc := s.privateDoc(t, owner)
		s.setACL(t, owner, container, ownerRule(owner.webID, container, true)+
			rule("friend", "acl:agent <"+friend.webID+">", container, true, "acl:Read"))
		ws, _ := s.openChannel(t, friend, service, doc)
		owner.as.mustPut(t, doc, "text/turtle", []byte(exampleTurtle))
		if m := nextNotification(t, ws); m["type"] != "Update" {
			t.Errorf("got %v, want Update", m["type"])
		}
		s.setACL(t, owner, container, ownerRule(owner.webID, container, true))
		owner.as.mustPut(t, doc, "text/turtle", []byte(exampleTurtle+"\n"))
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if _, b, err := ws.Read(ctx); err == nil && strings.Contains(string(b), `"Update"`) {
			t.Errorf("after Read was revoked, still got %s", b)
		}
	}, knownDeviation("css", "Read is only checked when subscribing: a subscriber whose Read was revoked goes on receiving notifications"))
}

// TestNotificationsWebhook: a WebhookChannel2023 delivers each
// notification as a POST to sendTo that the receiver can verify: a JWT
// (Authorization: Bearer) signed by a key in the server's JWK Set
// (B.notifications/jwks), with iss the server, aud the sendTo URL and
// body_sha256 the hash of the body (ldp/notify's package comment). A
// sendTo on a private address is refused (422). It runs a Seedpod of its
// own that may reach the loopback receiver (--fetch-allow); against an
// external server there is nothing to run.
func TestNotificationsWebhook(t *testing.T) {
	t.Parallel()
	if seedpodBin == "" {
		t.Log("webhooks need a receiver the server may reach: Seedpod only")
		return
	}
	got := make(chan string, 10)
	var jwksURL, hookURL string
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := verifyDelivery(r, body, jwksURL, hookURL); err != nil {
			got <- "unverified: " + err.Error()
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		got <- string(body)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer recv.Close()
	hookURL = recv.URL + "/hook"
	root := startSeedpodFetching(t, recv.URL)
	jwksURL = root + ".notifications/jwks"
	tg, err := newTarget("webhook", root)
	if err != nil {
		t.Fatal(err)
	}
	owner := tg.newUser(t)
	service := owner.as.subscriptionService(t, owner.pod, "WebhookChannel2023")
	doc := owner.pod + unique(t, "hook") + ".txt"
	wantStatus(t, tg.subscribe(t, owner, service, "WebhookChannel2023", doc, "sendTo", "http://127.0.0.1:9/hook"), 422)
	r := tg.subscribe(t, owner, service, "WebhookChannel2023", doc, "sendTo", hookURL)
	mustStatus(t, r, 200)
	owner.as.mustPut(t, doc, "text/plain", []byte("one"))
	etag := owner.as.do(t, "HEAD", doc, nil).Header.Get("ETag")
	select {
	case b := <-got:
		var m map[string]any
		if err := json.Unmarshal([]byte(b), &m); err != nil {
			t.Fatalf("delivery %q: %v", b, err)
		}
		wantNotification(t, m, "Create", doc, "", etag)
	case <-time.After(10 * time.Second):
		t.Fatal("no webhook delivery within 10 s")
	}
}

// verifyDelivery checks a webhook delivery as a receiver would.
func verifyDelivery(r *http.Request, body []byte, jwksURL, aud string) error {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return errors.New("no Bearer token")
	}
	set, err := jwk.Fetch(r.Context(), jwksURL)
	if err != nil {
		return err
	}
	iss := strings.TrimSuffix(jwksURL, ".notifications/jwks")
	parsed, err := jwt.Parse([]byte(tok), jwt.WithKeySet(set), jwt.WithValidate(true), jwt.WithIssuer(iss), jwt.WithAudience(aud))
	if err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	if h, _ := parsed.Get("body_sha256"); h != base64.RawURLEncoding.EncodeToString(sum[:]) {
		return errors.New("body_sha256 does not match the body")
	}
	return nil
}

// TestReplicasDeliverNotifications: two Seedpod processes on one MinIO
// bucket and one NATS server, with one base URL (as behind a load
// balancer). A channel made through one serves sockets on both, and a
// change made through either process reaches the sockets on both.
func TestReplicasDeliverNotifications(t *testing.T) {
	a, _ := startReplica(t)
	if a == nil {
		return
	}
	c := startReplicaWithBase(t, a)
	owner := a.newUser(t)
	service := owner.as.subscriptionService(t, owner.pod, "WebSocketChannel2023")
	doc := owner.pod + unique(t, "replicas") + ".txt"
	r := a.subscribe(t, owner, service, "WebSocketChannel2023", doc)
	mustStatus(t, r, 200)
	var ch struct{ ReceiveFrom string }
	json.Unmarshal(r.body, &ch)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var sockets []*websocket.Conn
	for _, s := range []*target{a, c} {
		ws, _, err := websocket.Dial(ctx, ch.ReceiveFrom, &websocket.DialOptions{HTTPClient: s.client})
		if err != nil {
			t.Fatalf("dial %s through %s: %v", ch.ReceiveFrom, s.name, err)
		}
		defer ws.CloseNow()
		sockets = append(sockets, ws)
	}
	expect := func(typ string) {
		t.Helper()
		for i, ws := range sockets {
			if m := nextNotification(t, ws); m["type"] != typ || m["object"] != doc {
				t.Errorf("socket %d: got %v %v, want %s of %s", i, m["type"], m["object"], typ, doc)
			}
		}
	}
	// Through a.
	owner.as.mustPut(t, doc, "text/plain", []byte("one"))
	expect("Create")
	// Through c, with the same token and a fresh proof.
	r = c.do(t, http.MethodPut, doc, []byte("two"), "Content-Type", "text/plain",
		"Authorization", "DPoP "+owner.login.Token, "DPoP", dpopProof(t, owner, http.MethodPut, doc))
	mustSuccess(t, r)
	expect("Update")
}
