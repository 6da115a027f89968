package notify

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/coder/websocket"
	"github.com/seedpod/seedpod/oidc"
)

// legacyProtocol is the solid-0.1 websocket protocol
// (https://github.com/solid/solid-spec/blob/master/api-websockets.md), as
// NSS and CSS implement it.
const legacyProtocol = "solid-0.1"

// maxLegacySubs bounds the topics one solid-0.1 socket may follow.
const maxLegacySubs = 1000

// serveLegacy serves the solid-0.1 websocket advertised by Updates-Via.
// The server greets with "protocol solid-0.1"; "sub <url>" subscribes to
// a resource on this server and is answered "ack <url>"; "pub <url>" is
// sent when that resource changes, or a resource it contains. A socket
// acts as the agent its upgrade request carried, usually the anonymous
// agent, so it may only subscribe to what that agent may read: otherwise
// the answer is "err <url> forbidden" (as NSS); other refusals are
// "error <message>" (as CSS). Read is checked again for every pub.
func (n *Notifier) serveLegacy(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		httpError(w, http.StatusMethodNotAllowed, "open a websocket here")
		return
	}
	// The client should ask for the solid-0.1 subprotocol; as CSS does, a
	// client that asks for none is warned, one that asks only for others
	// is told and disconnected.
	asked := r.Header.Values("Sec-WebSocket-Protocol")
	ws, err := websocket.Accept(w, r, acceptOptions(legacyProtocol))
	if err != nil {
		return
	}
	ws.SetReadLimit(8192)
	agent := oidc.FromContext(r.Context())
	c := newConn(ws, agent, r.Header.Get("Origin"), nil)
	n.hub.register(c)
	defer n.hub.remove(c)
	defer c.close()
	ctx, cancel := context.WithCancel(n.ctx)
	defer cancel()
	if len(asked) > 0 && ws.Subprotocol() != legacyProtocol {
		wctx, wcancel := context.WithTimeout(ctx, 5*time.Second)
		ws.Write(wctx, websocket.MessageText, []byte("protocol "+legacyProtocol))
		ws.Write(wctx, websocket.MessageText, []byte("error Client does not support protocol "+legacyProtocol))
		wcancel()
		ws.Close(websocket.StatusPolicyViolation, "solid-0.1 only")
		return
	}
	c.send([]byte("protocol " + legacyProtocol))
	if len(asked) == 0 {
		c.send([]byte("warning Missing Sec-WebSocket-Protocol header, expected value '" + legacyProtocol + "'"))
	}
	go func() {
		defer cancel()
		n.readLegacy(ctx, c)
	}()
	c.writeLoop(ctx)
	ws.Close(websocket.StatusNormalClosure, "")
}

// readLegacy handles the client's messages until the socket closes.
func (n *Notifier) readLegacy(ctx context.Context, c *conn) {
	for {
		typ, data, err := c.ws.Read(ctx)
		if err != nil {
			return
		}
		if typ != websocket.MessageText {
			c.send([]byte("warning Unrecognized message format"))
			continue
		}
		verb, arg, ok := strings.Cut(strings.TrimSpace(string(data)), " ")
		arg = strings.TrimSpace(arg)
		if !ok || arg == "" {
			c.send([]byte("warning Unrecognized message format"))
			continue
		}
		switch verb {
		case "sub":
			n.legacySub(ctx, c, arg)
		default:
			c.send([]byte("warning Unrecognized message type: " + truncate(verb, 50)))
		}
	}
}

// legacySub subscribes c to arg, a URL on this server (absolute or
// relative to the base URL).
func (n *Notifier) legacySub(ctx context.Context, c *conn, arg string) {
	base, _ := url.Parse(n.base)
	u, err := base.Parse(arg)
	if err != nil {
		c.send([]byte("error Invalid URL " + truncate(arg, 200)))
		return
	}
	topic, err := n.ldp.CanonicalURL(u.String())
	if err != nil || strings.HasPrefix(strings.TrimPrefix(topic, n.base), ".") {
		c.send([]byte("error Not a resource on this server: " + truncate(arg, 200)))
		return
	}
	if len(c.subs) >= maxLegacySubs {
		c.send([]byte("error Too many subscriptions"))
		return
	}
	if !n.access.canRead(ctx, c.agent, c.origin, topic) {
		// As NSS answers a sub of what the socket's agent may not read.
		c.send([]byte("err " + topic + " forbidden"))
		return
	}
	n.hub.add(c, topic)
	c.send([]byte("ack " + topic))
}

// truncate cuts s to at most n bytes.
func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
