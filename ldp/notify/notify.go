package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/seedpod/seedpod/clients/fetch"
	"github.com/seedpod/seedpod/ldp"
	"github.com/seedpod/seedpod/storage"
	"github.com/seedpod/seedpod/storage/cluster"
)

// Config configures a Notifier. Zero values are documented per field.
type Config struct {
	// LDP is the handler whose changes are notified and whose WAC decides
	// who may subscribe. Required.
	LDP *ldp.Handler
	// Store is the storage LDP serves; channel records and the signing
	// key live in it under /.internal/notify/. Required.
	Store storage.Store
	// Bus carries changes between the processes sharing Store
	// (cluster.NewLocal for one process). Required.
	Bus cluster.Bus
	// Fetch delivers webhooks; it refuses private addresses except its
	// allowed origins. Nil disables WebhookChannel2023.
	Fetch *fetch.Client
	// MaxDuration caps the lifetime of a channel (a later or missing endAt
	// becomes now+MaxDuration). Zero means two weeks, as CSS.
	MaxDuration time.Duration
	// AccessTTL is how long a Read decision is reused for delivery before
	// WAC is asked again. A change to any ACL clears the cache at once in
	// every process. Zero means 5 s.
	AccessTTL time.Duration
	// WebhookAttempts is how often one notification is tried on a webhook
	// before it is given up. Zero means 4.
	WebhookAttempts int
	// WebhookBackoff is the wait before the first retry; it doubles for
	// each further one. Zero means 1 s.
	WebhookBackoff time.Duration
	// WebhookMaxFailures is how many failed attempts in a row, across
	// notifications, drop a webhook channel. Zero means 10.
	WebhookMaxFailures int
	// Logger receives delivery errors. Zero means slog.Default().
	Logger *slog.Logger
}

// Notifier serves the notification endpoints under B.notifications/ and
// delivers changes. It is safe for concurrent use. New needs the
// ldp.Handler, whose Config needs the Notifier's hooks, so servers build
// the Handler with hooks calling a Notifier variable that is set right
// after (OnChange and DescribeStorage do nothing on a nil Notifier):
//
//	var n *notify.Notifier
//	h, err := ldp.New(ldp.Config{
//		...
//		OnChange:        func(ctx context.Context, c []ldp.Change) { n.OnChange(ctx, c) },
//		DescribeStorage: func(g *rdf.Graph, u string) { n.DescribeStorage(g, u) },
//		UpdatesVia:      notify.UpdatesVia(baseURL),
//	})
//	n, err = notify.New(notify.Config{LDP: h, Store: store, Bus: bus, Fetch: guarded})
//	mux.Handle("/.notifications/", verifier(n))
//	defer n.Close()
type Notifier struct {
	ldp      *ldp.Handler
	store    storage.Store
	bus      cluster.Bus
	log      *slog.Logger
	base     string // B, with trailing slash
	basePath string // path of B, with trailing slash
	wsBase   string // B with ws(s) scheme
	maxDur   time.Duration
	access   *accessCache
	hub      *hub
	webhooks *webhooks
	keys     *signer
	cancels  []func()
	ctx      context.Context // cancelled by Close
	stop     context.CancelFunc
	wg       sync.WaitGroup
}

// New returns a Notifier subscribed to cfg.Bus.
func New(cfg Config) (*Notifier, error) {
	if cfg.LDP == nil || cfg.Store == nil || cfg.Bus == nil {
		return nil, errors.New("notify: Config.LDP, Store and Bus are required")
	}
	u, err := url.Parse(cfg.LDP.BaseURL())
	if err != nil {
		return nil, fmt.Errorf("notify: base URL: %w", err)
	}
	n := &Notifier{
		ldp:      cfg.LDP,
		store:    cfg.Store,
		bus:      cfg.Bus,
		log:      cfg.Logger,
		base:     cfg.LDP.BaseURL(),
		basePath: u.EscapedPath(),
		maxDur:   cfg.MaxDuration,
	}
	n.wsBase = "ws" + strings.TrimPrefix(n.base, "http")
	if n.log == nil {
		n.log = slog.Default()
	}
	if n.maxDur <= 0 {
		n.maxDur = 14 * 24 * time.Hour
	}
	ttl := cfg.AccessTTL
	if ttl <= 0 {
		ttl = 5 * time.Second
	}
	n.ctx, n.stop = context.WithCancel(context.Background())
	n.access = newAccessCache(cfg.LDP, ttl)
	n.hub = newHub(n)
	n.keys = &signer{store: cfg.Store}
	n.webhooks = newWebhooks(n, cfg)
	for subject, fn := range map[string]func(string, []byte){
		subjectChange:  n.onBusChange,
		subjectChannel: n.onBusChannel,
	} {
		cancel, err := cfg.Bus.Subscribe(subject, fn)
		if err != nil {
			n.Close()
			return nil, fmt.Errorf("notify: subscribe to %s: %w", subject, err)
		}
		n.cancels = append(n.cancels, cancel)
	}
	n.wg.Add(1)
	go n.sweepLoop(sweepInterval)
	return n, nil
}

// Close stops delivery: bus subscriptions end, open sockets are closed
// and webhook retries are abandoned. It does not close the Bus.
func (n *Notifier) Close() error {
	for _, c := range n.cancels {
		c()
	}
	n.stop()
	n.hub.closeAll()
	n.wg.Wait()
	return nil
}

// UpdatesVia returns the value for ldp.Config.UpdatesVia on a server
// with base URL baseURL (with trailing slash): the URL of its solid-0.1
// websocket, ws:// or wss:// as the base is http:// or https://.
func UpdatesVia(baseURL string) string {
	return "ws" + strings.TrimPrefix(baseURL, "http") + prefix + legacyPath
}

// Prefix is the URL path under which ServeHTTP answers: the base URL's
// path followed by ".notifications/".
func (n *Notifier) Prefix() string { return n.basePath + prefix }

// Path segments under B.
const (
	prefix        = ".notifications/"
	wsService     = "WebSocketChannel2023/"
	webhookSvc    = "WebhookChannel2023/"
	socketPath    = "socket/"
	legacyPath    = "solid-0.1"
	jwksPath      = "jwks"
	notifyNS      = "http://www.w3.org/ns/solid/notifications#"
	typeWebSocket = notifyNS + "WebSocketChannel2023"
	typeWebhook   = notifyNS + "WebhookChannel2023"
)

// ServeHTTP serves everything under B.notifications/. Mount it at that
// path, behind the middleware that puts the oidc.Agent in the context.
func (n *Notifier) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), n.basePath+prefix)
	if !ok {
		httpError(w, http.StatusNotFound, "not found")
		return
	}
	switch {
	case rest == wsService:
		n.serveService(w, r, typeWebSocket)
	case rest == webhookSvc:
		if n.webhooks.fetch == nil {
			httpError(w, http.StatusNotFound, "webhooks are not enabled on this server")
			return
		}
		n.serveService(w, r, typeWebhook)
	case strings.HasPrefix(rest, wsService) || strings.HasPrefix(rest, webhookSvc):
		n.serveChannel(w, r, rest)
	case strings.HasPrefix(rest, socketPath):
		n.serveSocket(w, r, strings.TrimPrefix(rest, socketPath))
	case rest == legacyPath:
		n.serveLegacy(w, r)
	case rest == jwksPath:
		n.serveJWKS(w, r)
	case rest == gatewayPath:
		n.serveGateway(w, r)
	case rest == gatewayWSPath:
		n.serveGatewayWS(w, r)
	default:
		httpError(w, http.StatusNotFound, "not found")
	}
}

// httpError sends a short plain-text error.
func httpError(w http.ResponseWriter, status int, msg string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	if status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", `DPoP algs="ES256 PS256 RS256 EdDSA"`)
	}
	w.WriteHeader(status)
	fmt.Fprintln(w, msg)
}

// writeJSONLD sends v as application/ld+json.
func writeJSONLD(w http.ResponseWriter, r *http.Request, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		httpError(w, http.StatusInternalServerError, "internal error")
		return
	}
	w.Header().Set("Content-Type", "application/ld+json")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(data)
	}
}

// onBusChange delivers a change published by any process to the sockets
// connected to this one.
func (n *Notifier) onBusChange(_ string, data []byte) {
	var ev event
	if err := json.Unmarshal(data, &ev); err != nil || ev.URL == "" {
		n.log.Warn("notify: bad change event on the bus", "err", err)
		return
	}
	// The change may come from another process: the Handler forgets
	// what it cached of it (ACLs, groups), so WAC sees it at once.
	n.ldp.Forget(ev.URL)
	if strings.HasSuffix(ev.URL, ".acl") {
		// Who may read what may have changed anywhere below.
		n.access.clear()
	}
	n.hub.publish(&ev)
}

// onBusChannel reacts to a channel created or removed by any process.
func (n *Notifier) onBusChannel(_ string, data []byte) {
	var ce channelEvent
	if err := json.Unmarshal(data, &ce); err != nil || ce.ID == "" {
		return
	}
	n.webhooks.forget(ce.Topic)
	if ce.Removed {
		n.hub.closeChannel(ce.ID)
	}
}

// announce tells every process that a channel was created or removed.
func (n *Notifier) announce(ctx context.Context, ch *channel, removed bool) {
	data, _ := json.Marshal(channelEvent{ID: ch.UUID, Topic: ch.Topic, Removed: removed})
	if err := n.bus.Publish(ctx, subjectChannel, data); err != nil {
		n.log.Warn("notify: publish channel event", "err", err)
	}
}
