package notify

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/coder/websocket"
	"github.com/seedpod/seedpod/oidc"
)

// acceptOptions accept websockets from any origin. Browsers send no
// credentials a websocket here could abuse: a WebSocketChannel2023 socket
// is authorized by the capability in its URL, and a solid-0.1 socket is
// anonymous unless the verifier finds a token, which browsers cannot
// attach to a websocket by themselves (cross-site websocket hijacking
// needs ambient credentials such as cookies).
func acceptOptions(protocols ...string) *websocket.AcceptOptions {
	return &websocket.AcceptOptions{InsecureSkipVerify: true, Subprotocols: protocols}
}

// serveSocket serves the receiveFrom URL of a WebSocketChannel2023
// (websocket-channel-2023: the client opens a websocket to receiveFrom and
// receives notifications as text messages). rest is "{uuid}/{token}".
func (n *Notifier) serveSocket(w http.ResponseWriter, r *http.Request, rest string) {
	id, token, ok := strings.Cut(rest, "/")
	if !ok || r.Method != http.MethodGet {
		httpError(w, http.StatusNotFound, "not found")
		return
	}
	ch, _, err := n.loadChannel(r.Context(), id)
	if errors.Is(err, errNoChannel) || (err == nil && (ch.Type != typeWebSocket || !ch.tokenMatches(token))) {
		httpError(w, http.StatusNotFound, "no such channel, or it has expired")
		return
	}
	if err != nil {
		n.log.Error("notify: load channel", "err", err)
		httpError(w, http.StatusInternalServerError, "internal error")
		return
	}
	// Inrupt's client (see gateway.go) asks for the solid-0.2
	// subprotocol; WebSocketChannel2023 clients ask for none.
	ws, err := websocket.Accept(w, r, acceptOptions(essSubprotocol))
	if err != nil {
		return // Accept has answered
	}
	ws.SetReadLimit(4096)
	c := newConn(ws, oidc.Agent{WebID: ch.WebID, ClientID: ch.ClientID}, ch.Origin, ch)
	// The client sends nothing; CloseRead handles pings and the close
	// handshake, and cancels ctx when the client goes.
	ctx := ws.CloseRead(n.ctx)
	n.hub.add(c, ch.Topic)
	defer n.hub.remove(c)
	defer c.close()
	if ch.State != "" {
		n.sendState(ctx, c, ch)
	}
	endAt := time.Until(ch.EndAt)
	ctx, cancel := context.WithTimeout(ctx, endAt)
	defer cancel()
	c.writeLoop(ctx)
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		ws.Close(websocket.StatusNormalClosure, "the channel has expired")
		return
	}
	ws.Close(websocket.StatusNormalClosure, "")
}

// sendState implements the state feature (Notifications Protocol §6.1):
// when the state the client gave differs from the topic's current one,
// a notification of the current state is sent at once (Update, or Delete
// when the topic is gone).
func (n *Notifier) sendState(ctx context.Context, c *conn, ch *channel) {
	if m, ok := n.stateMessage(ctx, ch); ok {
		c.send(marshal(m))
	}
}
