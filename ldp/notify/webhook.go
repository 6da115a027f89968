package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/seedpod/seedpod/clients/fetch"
	"github.com/seedpod/seedpod/oidc"
	"github.com/seedpod/seedpod/storage"
)

// webhooks delivers notifications of WebhookChannel2023 channels
// (webhook-channel-2023: the server POSTs each notification to sendTo).
// The process where a change happens delivers it, so each notification
// is sent once however many processes there are; which channels exist is
// read from storage (cached by topic, forgotten when any process creates
// or removes a channel of that topic).
type webhooks struct {
	n           *Notifier
	fetch       *fetch.Client
	attempts    int
	backoff     time.Duration
	maxFailures int
	sem         chan struct{} // bounds concurrent deliveries

	mu    sync.Mutex
	cache map[string]topicEntry // topic → channel uuids
	// last is when each channel was last sent a notification by this
	// process, for the rate feature. It is per process: with several
	// processes a channel may get up to one notification per rate from
	// each (rate is a hint to limit traffic, not a guarantee).
	last map[string]time.Time
}

type topicEntry struct {
	ids     []string
	fetched time.Time
}

// topicCacheTTL bounds how long a cached channel list is trusted even
// without a bus message (a message lost between processes).
const topicCacheTTL = time.Minute

func newWebhooks(n *Notifier, cfg Config) *webhooks {
	w := &webhooks{
		n: n, fetch: cfg.Fetch,
		attempts: cfg.WebhookAttempts, backoff: cfg.WebhookBackoff, maxFailures: cfg.WebhookMaxFailures,
		sem:   make(chan struct{}, 64),
		cache: map[string]topicEntry{},
		last:  map[string]time.Time{},
	}
	if w.attempts <= 0 {
		w.attempts = 4
	}
	if w.backoff <= 0 {
		w.backoff = time.Second
	}
	if w.maxFailures <= 0 {
		w.maxFailures = 10
	}
	return w
}

// changed starts delivering ev to the webhooks of its resource and of
// its container. It does not wait: finding the channels may read storage.
func (w *webhooks) changed(ev event) {
	if w.fetch == nil || w.n.ctx.Err() != nil {
		return
	}
	w.n.wg.Add(1)
	go func() {
		defer w.n.wg.Done()
		w.fanOut(ev)
	}()
}

// fanOut starts a delivery for each webhook channel of ev's resource and
// container.
func (w *webhooks) fanOut(ev event) {
	ctx := w.n.ctx
	if ids := w.channels(ctx, ev.URL); len(ids) > 0 {
		body := marshal(topicMessage(&ev))
		for _, id := range ids {
			w.start(id, body, ev.ID)
		}
	}
	if ev.Parent != "" {
		if m, ok := containerMessage(&ev); ok {
			if ids := w.channels(ctx, ev.Parent); len(ids) > 0 {
				body := marshal(m)
				for _, id := range ids {
					w.start(id, body, m.ID)
				}
			}
		}
	}
}

// channels lists the webhook channels of topic.
func (w *webhooks) channels(ctx context.Context, topic string) []string {
	w.mu.Lock()
	e, ok := w.cache[topic]
	w.mu.Unlock()
	if ok && time.Since(e.fetched) < topicCacheTTL {
		return e.ids
	}
	e = topicEntry{fetched: time.Now()}
	for info, err := range w.n.store.List(ctx, topicKey(topic)) {
		if err != nil {
			if !errors.Is(err, storage.ErrNotExist) {
				w.n.log.Warn("notify: list webhooks", "topic", topic, "err", err)
				return nil // not cached: try again next time
			}
			break
		}
		e.ids = append(e.ids, info.Key.Name())
	}
	w.mu.Lock()
	if len(w.cache) >= 100_000 {
		clear(w.cache)
	}
	w.cache[topic] = e
	w.mu.Unlock()
	return e.ids
}

// forget drops the cached channel list of topic.
func (w *webhooks) forget(topic string) {
	w.mu.Lock()
	delete(w.cache, topic)
	w.mu.Unlock()
}

// start delivers body to channel id in the background.
func (w *webhooks) start(id string, body []byte, jti string) {
	if w.n.ctx.Err() != nil {
		return
	}
	w.n.wg.Add(1)
	go func() {
		defer w.n.wg.Done()
		select {
		case w.sem <- struct{}{}:
		case <-w.n.ctx.Done():
			return
		}
		defer func() { <-w.sem }()
		w.deliver(id, body, jti)
	}()
}

// deliver sends one notification to a channel, if its features and its
// creator's Read on the topic allow, retrying with exponential backoff.
func (w *webhooks) deliver(id string, body []byte, jti string) {
	ctx := w.n.ctx
	ch, _, err := w.n.loadChannel(ctx, id)
	if err != nil || ch.Type != typeWebhook {
		return
	}
	now := time.Now()
	if !ch.StartAt.IsZero() && now.Before(ch.StartAt) {
		return
	}
	if ch.Rate > 0 {
		w.mu.Lock()
		last := w.last[id]
		if now.Sub(last) < ch.Rate {
			w.mu.Unlock()
			return
		}
		if len(w.last) >= 100_000 {
			clear(w.last)
		}
		w.last[id] = now
		w.mu.Unlock()
	}
	if !w.n.access.canRead(ctx, oidc.Agent{WebID: ch.WebID, ClientID: ch.ClientID}, ch.Origin, ch.Topic) {
		return
	}
	w.post(ctx, ch, body, jti)
}

// post tries to deliver body until it succeeds, the attempts run out or
// the channel is dropped after too many failures in a row.
func (w *webhooks) post(ctx context.Context, ch *channel, body []byte, jti string) {
	wait := w.backoff
	for attempt := 0; attempt < w.attempts; attempt++ {
		if attempt > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return
			}
			wait *= 2
		}
		err := w.send(ctx, ch, body, jti)
		if ctx.Err() != nil {
			return // shutting down: not the receiver's failure
		}
		if err == nil {
			if ch.Failures > 0 {
				w.setFailures(ctx, ch.UUID, func(int) int { return 0 })
			}
			return
		}
		w.n.log.Info("notify: webhook delivery failed", "channel", ch.ID, "attempt", attempt+1, "err", err)
		if n := w.setFailures(ctx, ch.UUID, func(f int) int { return f + 1 }); n >= w.maxFailures {
			w.n.log.Warn("notify: webhook dropped after repeated failures", "channel", ch.ID, "sendTo", ch.SendTo, "failures", n)
			w.n.removeChannel(ctx, ch)
			return
		}
	}
}

// errStatus is a delivery the receiver did not accept.
var errStatus = errors.New("notify: webhook receiver did not answer 2xx")

// send makes one delivery attempt.
func (w *webhooks) send(ctx context.Context, ch *channel, body []byte, jti string) error {
	auth, err := w.n.keys.sign(ctx, w.n.base, ch.SendTo, ch.ID, jti, body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ch.SendTo, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/ld+json")
	req.Header.Set("Authorization", auth)
	resp, err := w.fetch.Do(req)
	if err != nil {
		return err
	}
	if resp.Status < 200 || resp.Status > 299 {
		return errStatus
	}
	return nil
}

// setFailures updates the stored count of failed attempts in a row with
// f, and returns the new count. The record is rewritten only if nobody
// changed it meanwhile (several processes may deliver to one channel).
func (w *webhooks) setFailures(ctx context.Context, id string, f func(int) int) int {
	for range 5 {
		ch, etag, err := w.n.loadChannel(ctx, id)
		if err != nil {
			return 0
		}
		ch.Failures = f(ch.Failures)
		data, err := json.Marshal(ch)
		if err != nil {
			return 0
		}
		_, err = w.n.store.Put(ctx, channelsRoot+storage.Key(id), bytes.NewReader(data), "application/json", storage.Conditions{IfMatch: etag})
		if err == nil {
			return ch.Failures
		}
		if !errors.Is(err, storage.ErrPrecondition) {
			return ch.Failures
		}
	}
	return 0
}

// sendState sends the state notification of a new webhook channel.
func (w *webhooks) sendState(ch *channel) {
	w.n.wg.Add(1)
	go func() {
		defer w.n.wg.Done()
		m, ok := w.n.stateMessage(w.n.ctx, ch)
		if !ok {
			return
		}
		w.post(w.n.ctx, ch, marshal(m), m.ID)
	}()
}
