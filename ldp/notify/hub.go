package notify

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/seedpod/seedpod/oidc"
)

// hub holds the websockets connected to this process, by topic, and
// delivers events to them. Events arrive from the Bus (from every
// process, this one included) and are handed to one dispatching goroutine,
// so the Bus is never blocked by delivery.
type hub struct {
	n        *Notifier
	mu       sync.RWMutex
	topics   map[string]map[*conn]struct{} // topic URL → sockets
	channels map[string]map[*conn]struct{} // channel uuid → sockets
	all      map[*conn]struct{}
	queue    chan *event
}

// queueSize bounds events waiting for dispatch; past it events are
// dropped (and logged), never blocking the Bus.
const queueSize = 4096

func newHub(n *Notifier) *hub {
	h := &hub{
		n:        n,
		topics:   map[string]map[*conn]struct{}{},
		channels: map[string]map[*conn]struct{}{},
		all:      map[*conn]struct{}{},
		queue:    make(chan *event, queueSize),
	}
	n.wg.Add(1)
	go h.run()
	return h
}

// conn is one connected websocket: a WebSocketChannel2023 socket (ch set)
// or a solid-0.1 socket (ch nil, topics chosen by "sub").
type conn struct {
	ws     *websocket.Conn
	out    chan []byte
	done   chan struct{}
	once   sync.Once
	agent  oidc.Agent
	origin string
	ch     *channel
	last   time.Time // last notification sent (rate feature); dispatcher only
	subs   map[string]bool
}

// outSize bounds the messages waiting to be written to one socket; a
// client that falls further behind is disconnected.
const outSize = 32

func newConn(ws *websocket.Conn, agent oidc.Agent, origin string, ch *channel) *conn {
	return &conn{ws: ws, out: make(chan []byte, outSize), done: make(chan struct{}), agent: agent, origin: origin, ch: ch, subs: map[string]bool{}}
}

// close ends the socket's writer; the handler then closes the socket.
func (c *conn) close() { c.once.Do(func() { close(c.done) }) }

// send queues msg, disconnecting a client that does not keep up.
func (c *conn) send(msg []byte) {
	select {
	case c.out <- msg:
	default:
		c.close()
	}
}

// writeLoop writes queued messages until the socket or the request ends.
// It runs on the request's goroutine.
func (c *conn) writeLoop(ctx context.Context) {
	for {
		select {
		case msg := <-c.out:
			wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			err := c.ws.Write(wctx, websocket.MessageText, msg)
			cancel()
			if err != nil {
				return
			}
		case <-c.done:
			return
		case <-ctx.Done():
			return
		}
	}
}

// add registers c for topic.
func (h *hub) add(c *conn, topic string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	select {
	case <-c.done:
		return // already removed, or about to be
	default:
	}
	h.all[c] = struct{}{}
	if c.subs[topic] {
		return
	}
	c.subs[topic] = true
	set := h.topics[topic]
	if set == nil {
		set = map[*conn]struct{}{}
		h.topics[topic] = set
	}
	set[c] = struct{}{}
	if c.ch != nil {
		cs := h.channels[c.ch.UUID]
		if cs == nil {
			cs = map[*conn]struct{}{}
			h.channels[c.ch.UUID] = cs
		}
		cs[c] = struct{}{}
	}
}

// register records c without topics yet (a solid-0.1 socket before its
// first sub), so that Close reaches it.
func (h *hub) register(c *conn) {
	h.mu.Lock()
	h.all[c] = struct{}{}
	h.mu.Unlock()
}

// remove forgets c.
func (h *hub) remove(c *conn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.all, c)
	for t := range c.subs {
		if set := h.topics[t]; set != nil {
			delete(set, c)
			if len(set) == 0 {
				delete(h.topics, t)
			}
		}
	}
	if c.ch != nil {
		if cs := h.channels[c.ch.UUID]; cs != nil {
			delete(cs, c)
			if len(cs) == 0 {
				delete(h.channels, c.ch.UUID)
			}
		}
	}
}

// closeChannel disconnects the sockets of a removed channel.
func (h *hub) closeChannel(id string) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for c := range h.channels[id] {
		c.close()
	}
}

// closeAll disconnects every socket.
func (h *hub) closeAll() {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for c := range h.all {
		c.close()
	}
}

// publish queues ev for dispatch.
func (h *hub) publish(ev *event) {
	select {
	case h.queue <- ev:
	default:
		h.n.log.Warn("notify: dispatch queue full; change dropped", "url", ev.URL)
	}
}

// run dispatches queued events until the Notifier closes.
func (h *hub) run() {
	defer h.n.wg.Done()
	for {
		select {
		case ev := <-h.queue:
			h.dispatch(ev)
		case <-h.n.ctx.Done():
			return
		}
	}
}

// dispatch delivers ev to the sockets of its resource and of its
// container.
func (h *hub) dispatch(ev *event) {
	now := time.Now()
	h.deliver(ev.URL, now, func() ([]byte, bool) {
		return marshal(topicMessage(ev)), true
	})
	if ev.Parent != "" {
		h.deliver(ev.Parent, now, func() ([]byte, bool) {
			m, ok := containerMessage(ev)
			if !ok {
				return nil, false
			}
			return marshal(m), true
		})
	}
}

// deliver sends the notification build makes (once, if needed) to the
// channel sockets of topic, and "pub topic" to its solid-0.1 sockets.
// solid-0.1 publishes a container whenever a child changes, updates
// included (CSS and NSS do the same).
func (h *hub) deliver(topic string, now time.Time, build func() ([]byte, bool)) {
	h.mu.RLock()
	targets := make([]*conn, 0, len(h.topics[topic]))
	for c := range h.topics[topic] {
		targets = append(targets, c)
	}
	h.mu.RUnlock()
	if len(targets) == 0 {
		return
	}
	var (
		msg     []byte
		built   bool
		ok      bool
		pub     = []byte("pub " + topic)
		ctx     = h.n.ctx
		channel = func() ([]byte, bool) {
			if !built {
				msg, ok = build()
				built = true
			}
			return msg, ok
		}
	)
	for _, c := range targets {
		if c.ch == nil {
			if h.n.access.canRead(ctx, c.agent, c.origin, topic) {
				c.send(pub)
			}
			continue
		}
		ch := c.ch
		if ch.expired(now) {
			c.close()
			continue
		}
		if !ch.StartAt.IsZero() && now.Before(ch.StartAt) {
			continue
		}
		if ch.Rate > 0 && now.Sub(c.last) < ch.Rate {
			continue
		}
		m, ok := channel()
		if !ok {
			continue
		}
		if !h.n.access.canRead(ctx, oidc.Agent{WebID: ch.WebID, ClientID: ch.ClientID}, ch.Origin, ch.Topic) {
			continue
		}
		c.last = now
		c.send(m)
	}
}

func marshal(m message) []byte {
	b, _ := json.Marshal(m)
	return b
}
