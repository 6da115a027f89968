package notify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/seedpod/seedpod/acl"
	"github.com/seedpod/seedpod/ldp/rdf"
	"github.com/seedpod/seedpod/oidc"
)

// features are the channel features both channel types support
// (Notifications Protocol §6.1), as short names of the notification
// context.
var features = []string{"accept", "endAt", "rate", "startAt", "state"}

// serviceURL is the subscription service of a channel type.
func (n *Notifier) serviceURL(typ string) string {
	if typ == typeWebhook {
		return n.base + prefix + webhookSvc
	}
	return n.base + prefix + wsService
}

// DescribeStorage is the ldp.Config.DescribeStorage hook: it links the
// storage to its subscription services and describes each (Notifications
// Protocol §5 Discovery, and the Description Resource Data Model: a
// notify:subscription per service, with notify:channelType and
// notify:feature). On a nil Notifier it adds nothing.
func (n *Notifier) DescribeStorage(g *rdf.Graph, storageURL string) {
	if n == nil {
		return
	}
	if g.Prefixes == nil {
		g.Prefixes = map[string]string{}
	}
	g.Prefixes["notify"] = notifyNS
	types := []string{typeWebSocket}
	if n.webhooks.fetch != nil {
		types = append(types, typeWebhook)
	}
	for _, typ := range types {
		svc := rdf.IRI(n.serviceURL(typ))
		g.Add(rdf.IRI(storageURL), rdf.IRI(notifyNS+"subscription"), svc)
		g.Add(svc, rdf.IRI(notifyNS+"channelType"), rdf.IRI(typ))
		for _, f := range features {
			g.Add(svc, rdf.IRI(notifyNS+"feature"), rdf.IRI(notifyNS+f))
		}
	}
}

// serveService answers a subscription service: its description on GET
// and HEAD, a new channel on POST.
func (n *Notifier) serveService(w http.ResponseWriter, r *http.Request, typ string) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		writeJSONLD(w, r, http.StatusOK, map[string]any{
			"@context":    []string{"https://www.w3.org/ns/solid/notification/v1"},
			"id":          n.serviceURL(typ),
			"channelType": typ,
			"feature":     features,
		})
	case http.MethodPost:
		n.subscribe(w, r, typ)
	case http.MethodOptions:
		w.Header().Set("Allow", "OPTIONS, HEAD, GET, POST")
		w.Header().Set("Accept-Post", "application/ld+json, text/turtle")
		w.WriteHeader(http.StatusNoContent)
	default:
		w.Header().Set("Allow", "OPTIONS, HEAD, GET, POST")
		httpError(w, http.StatusMethodNotAllowed, "use POST to subscribe")
	}
}

// subscribe creates a channel (Notifications Protocol §6 Subscription):
// 401 for the anonymous agent, 415 for a body that is not JSON-LD (or
// Turtle), 400 for one that does not parse, 422 for an unknown channel
// type, a topic elsewhere or a bad feature, 403 without Read on the
// topic, and 200 with the channel description otherwise.
func (n *Notifier) subscribe(w http.ResponseWriter, r *http.Request, service string) {
	ctx := r.Context()
	agent := oidc.FromContext(ctx)
	if agent.Anonymous() {
		httpError(w, http.StatusUnauthorized, "log in to subscribe to notifications")
		return
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBytes))
	if err != nil {
		httpError(w, http.StatusRequestEntityTooLarge, "the subscription request is too large")
		return
	}
	req, err := parseRequest(body, strings.ToLower(mt), n.serviceURL(service))
	var (
		ch    *channel
		token string
	)
	if err == nil {
		ch, token, err = n.createChannel(ctx, agent, r.Header.Get("Origin"), &req, service)
	}
	if err != nil {
		n.refuse(w, err)
		return
	}
	writeJSONLD(w, r, http.StatusOK, n.describe(ch, token))
	if ch.Type == typeWebhook && ch.State != "" {
		n.webhooks.sendState(ch)
	}
}

// refuse answers a failed subscription: the status of a *requestError,
// else 500.
func (n *Notifier) refuse(w http.ResponseWriter, err error) {
	var re *requestError
	if errors.As(err, &re) {
		httpError(w, re.status, re.msg)
		return
	}
	n.log.Error("notify: subscribe", "err", err)
	httpError(w, http.StatusInternalServerError, "internal error")
}

// createChannel checks req, made by agent from origin to the service of
// channel type service, and the agent's Read on the topic (403 without),
// then stores and announces the channel. It returns the channel and, for
// a WebSocketChannel2023, its capability token.
func (n *Notifier) createChannel(ctx context.Context, agent oidc.Agent, origin string, req *request, service string) (*channel, string, error) {
	if err := n.checkRequest(ctx, req, service); err != nil {
		return nil, "", err
	}
	modes, err := n.ldp.Permissions(ctx, agent, origin, req.Topic)
	if err != nil {
		return nil, "", fmt.Errorf("notify: permissions on %s: %w", req.Topic, err)
	}
	if !modes.Has(acl.Read) {
		return nil, "", &requestError{http.StatusForbidden, "you may not read the topic, so you may not subscribe to it"}
	}
	id := uuid.NewString()
	now := time.Now().UTC()
	ch := &channel{
		UUID: id, ID: n.serviceURL(service) + id, Type: req.Type, Topic: req.Topic,
		WebID: agent.WebID, ClientID: agent.ClientID, Origin: origin,
		StartAt: req.StartAt, EndAt: req.EndAt, Rate: req.Rate, State: req.State,
		SendTo: req.SendTo, Created: now,
	}
	if ch.EndAt.IsZero() || ch.EndAt.Sub(now) > n.maxDur {
		ch.EndAt = now.Add(n.maxDur).Truncate(time.Millisecond)
	}
	var token string
	if ch.Type == typeWebSocket {
		token = newToken()
		ch.TokenHash = hashToken(token)
	}
	if err := n.saveChannel(ctx, ch); err != nil {
		return nil, "", err
	}
	n.announce(ctx, ch, false)
	return ch, token, nil
}

// checkRequest checks a parsed request against this server and the
// service it was sent to.
func (n *Notifier) checkRequest(ctx context.Context, req *request, service string) error {
	if req.Type != service {
		return unprocessable("this service creates %s channels, not %s", short(service), short(req.Type))
	}
	topic, err := n.ldp.CanonicalURL(req.Topic)
	if err != nil || !strings.HasPrefix(req.Topic, n.base) {
		return unprocessable("the topic %q is not a resource on this server", req.Topic)
	}
	if strings.HasPrefix(strings.TrimPrefix(topic, n.base), ".") {
		return unprocessable("the topic %q is not a resource on this server", req.Topic)
	}
	req.Topic = topic
	if req.Accept != "" && !acceptsJSONLD(req.Accept) {
		return unprocessable("notifications are sent as application/ld+json only")
	}
	if !req.EndAt.IsZero() && req.EndAt.Before(time.Now()) {
		return unprocessable("endAt is in the past")
	}
	if !req.StartAt.IsZero() && !req.EndAt.IsZero() && !req.StartAt.Before(req.EndAt) {
		return unprocessable("startAt must be before endAt")
	}
	switch req.Type {
	case typeWebhook:
		if req.SendTo == "" {
			return unprocessable("a WebhookChannel2023 subscription needs sendTo")
		}
		if err := n.webhooks.fetch.Check(ctx, req.SendTo); err != nil {
			return unprocessable("sendTo %q cannot be used: it must be a public http(s) URL", req.SendTo)
		}
	default:
		if req.SendTo != "" {
			return unprocessable("sendTo is only for WebhookChannel2023")
		}
	}
	return nil
}

// acceptsJSONLD reports whether an accept feature value (a media range
// list) admits application/ld+json.
func acceptsJSONLD(v string) bool {
	for part := range strings.SplitSeq(v, ",") {
		mt, _, _ := strings.Cut(part, ";")
		switch strings.ToLower(strings.TrimSpace(mt)) {
		case "application/ld+json", "application/*", "*/*":
			return true
		}
	}
	return false
}

// short is the local name of a channel type IRI.
func short(typ string) string { return strings.TrimPrefix(typ, notifyNS) }

// describe is the channel description sent to its creator
// (Notifications Protocol §6, Notification Channel Data Model). token is
// the capability of a WebSocketChannel2023, "" when not known (only the
// subscription response carries receiveFrom).
func (n *Notifier) describe(ch *channel, token string) map[string]any {
	d := map[string]any{
		"@context": []string{"https://www.w3.org/ns/solid/notification/v1"},
		"id":       ch.ID,
		"type":     ch.Type,
		"topic":    ch.Topic,
		"endAt":    ch.EndAt.UTC().Format(time.RFC3339Nano),
	}
	if !ch.StartAt.IsZero() {
		d["startAt"] = ch.StartAt.UTC().Format(time.RFC3339Nano)
	}
	if ch.Rate > 0 {
		d["rate"] = formatDuration(ch.Rate)
	}
	if ch.State != "" {
		d["state"] = ch.State
	}
	if token != "" {
		d["receiveFrom"] = n.receiveFrom(ch, token)
	}
	if ch.SendTo != "" {
		// The sender is this server: deliveries carry a JWT whose issuer
		// is it, signed by a key of its JWKS (see the package comment).
		d["sendTo"] = ch.SendTo
		d["sender"] = n.base
	}
	return d
}

// serveChannel answers a channel URL: DELETE unsubscribes (only its
// creator may), GET describes it to its creator.
func (n *Notifier) serveChannel(w http.ResponseWriter, r *http.Request, rest string) {
	service, id, _ := strings.Cut(rest, "/")
	typ := typeWebSocket
	if service+"/" == webhookSvc {
		typ = typeWebhook
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodDelete:
	default:
		w.Header().Set("Allow", "OPTIONS, HEAD, GET, DELETE")
		httpError(w, http.StatusMethodNotAllowed, "use DELETE to unsubscribe")
		return
	}
	ctx := r.Context()
	agent := oidc.FromContext(ctx)
	if agent.Anonymous() {
		httpError(w, http.StatusUnauthorized, "log in to manage notification channels")
		return
	}
	ch, _, err := n.loadChannel(ctx, id)
	if err == nil && ch.Type != typ {
		err = errNoChannel
	}
	switch {
	case errors.Is(err, errNoChannel):
		httpError(w, http.StatusNotFound, "no such channel")
		return
	case err != nil:
		n.log.Error("notify: load channel", "err", err)
		httpError(w, http.StatusInternalServerError, "internal error")
		return
	case ch.WebID != agent.WebID:
		httpError(w, http.StatusForbidden, "only the agent who created a channel may manage it")
		return
	}
	if r.Method != http.MethodDelete {
		writeJSONLD(w, r, http.StatusOK, n.describe(ch, ""))
		return
	}
	n.removeChannel(ctx, ch)
	w.WriteHeader(http.StatusNoContent)
}

// receiveFrom is the capability URL of a WebSocketChannel2023's socket.
func (n *Notifier) receiveFrom(ch *channel, token string) string {
	return n.wsBase + prefix + socketPath + ch.UUID + "/" + token
}
