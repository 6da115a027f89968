package notify

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"time"

	"github.com/seedpod/seedpod/ldp/rdf"
	"github.com/seedpod/seedpod/oidc"
)

// The notification gateway of Inrupt's Enterprise Solid Server, which
// @inrupt/solid-client-notifications (3.x) speaks instead of the
// Notifications Protocol's discovery: the server description at
// /.well-known/solid names a gateway (solid:notificationGateway); the
// client POSTs {"protocols": ["ws"], "features": […]} there and gets
// {"endpoint", "protocol", "features"}; it POSTs {"topic", …features} to
// that endpoint and gets {"endpoint", "protocol", "subprotocol"}; it opens
// a websocket to the endpoint with the subprotocol and receives the same
// notifications as a WebSocketChannel2023 (it is one: the same record,
// authorization and socket).
const (
	gatewayPath     = "gateway"
	gatewayWSPath   = "gateway/ws"
	gatewayProtocol = "ws"
	essSubprotocol  = "solid-0.2"
	nsSolid         = "http://www.w3.org/ns/solid/terms#"
)

// DescribeServer is the ldp.Config.DescribeServer hook: the description
// at /.well-known/solid names the gateway (first, since Inrupt's client
// reads the first subject) and the subscription services, as CSS's does.
// On a nil Notifier it adds nothing.
func (n *Notifier) DescribeServer(g *rdf.Graph, baseURL string) {
	if n == nil {
		return
	}
	if g.Prefixes == nil {
		g.Prefixes = map[string]string{}
	}
	g.Prefixes["solid"] = nsSolid
	g.Add(rdf.IRI(baseURL), rdf.IRI(nsSolid+"notificationGateway"), rdf.IRI(n.base+prefix+gatewayPath))
	n.DescribeStorage(g, baseURL)
}

// serveGateway answers the protocol negotiation.
func (n *Notifier) serveGateway(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "OPTIONS, POST")
		httpError(w, http.StatusMethodNotAllowed, "POST the protocols you speak")
		return
	}
	var req struct {
		Protocols []string `json:"protocols"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, maxRequestBytes)).Decode(&req); err != nil {
		httpError(w, http.StatusBadRequest, "the body must be JSON: {\"protocols\": [\"ws\"]}")
		return
	}
	if !slices.Contains(req.Protocols, gatewayProtocol) {
		httpError(w, http.StatusUnprocessableEntity, "the only protocol offered is \"ws\"")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"endpoint": n.base + prefix + gatewayWSPath,
		"protocol": gatewayProtocol,
		"features": []string{"state", "ttl"},
	})
}

// serveGatewayWS creates a websocket channel for the gateway's client.
func (n *Notifier) serveGatewayWS(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "OPTIONS, POST")
		httpError(w, http.StatusMethodNotAllowed, "POST the topic")
		return
	}
	ctx := r.Context()
	agent := oidc.FromContext(ctx)
	if agent.Anonymous() {
		httpError(w, http.StatusUnauthorized, "log in to subscribe to notifications")
		return
	}
	var body struct {
		Topic string  `json:"topic"`
		State string  `json:"state"`
		TTL   float64 `json:"ttl"` // seconds
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, maxRequestBytes)).Decode(&body); err != nil {
		httpError(w, http.StatusBadRequest, "the body must be JSON: {\"topic\": \"…\"}")
		return
	}
	if body.Topic == "" {
		httpError(w, http.StatusUnprocessableEntity, "the subscription has no topic")
		return
	}
	req := request{Type: typeWebSocket, Topic: body.Topic, State: body.State}
	if body.TTL > 0 && body.TTL < float64(n.maxDur/time.Second) {
		req.EndAt = time.Now().Add(time.Duration(body.TTL * float64(time.Second)))
	}
	ch, token, err := n.createChannel(ctx, agent, r.Header.Get("Origin"), &req, typeWebSocket)
	if err != nil {
		n.refuse(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"endpoint":    n.receiveFrom(ch, token),
		"protocol":    gatewayProtocol,
		"subprotocol": essSubprotocol,
	})
}

// writeJSON sends v as application/json.
func writeJSON(w http.ResponseWriter, status int, v any) {
	data, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(data)
}
