package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/seedpod/seedpod/storage"
)

// Storage layout. "/.internal/" keys are never served over HTTP.
const (
	internalRoot = storage.Key("/.internal/")
	notifyRoot   = storage.Key("/.internal/notify/")
	channelsRoot = storage.Key("/.internal/notify/channels/")
	// webhooksRoot indexes webhook channels by topic:
	// webhooksRoot/{sha256 of topic}/{uuid}, empty bodies.
	webhooksRoot = storage.Key("/.internal/notify/webhooks/")
)

// channel is a subscription as stored: the Notifications Protocol's
// channel data model (§6) plus what the server needs to serve it.
type channel struct {
	UUID  string `json:"uuid"`
	ID    string `json:"id"`   // B.notifications/{service}/{uuid}
	Type  string `json:"type"` // full IRI
	Topic string `json:"topic"`
	// Who subscribed: only they may remove it; delivery re-checks their
	// Read on the topic.
	WebID    string `json:"webId"`
	ClientID string `json:"clientId,omitempty"`
	Origin   string `json:"origin,omitempty"`
	// Features (Notifications Protocol §6.1).
	StartAt time.Time     `json:"startAt,omitzero"`
	EndAt   time.Time     `json:"endAt"`
	Rate    time.Duration `json:"rate,omitempty"`
	State   string        `json:"state,omitempty"`
	// WebSocketChannel2023: SHA-256 of the capability token in receiveFrom.
	TokenHash string `json:"tokenHash,omitempty"`
	// WebhookChannel2023: where to POST, and failed attempts in a row.
	SendTo   string    `json:"sendTo,omitempty"`
	Failures int       `json:"failures,omitempty"`
	Created  time.Time `json:"created"`
}

// expired reports whether ch has passed its endAt.
func (ch *channel) expired(now time.Time) bool { return !ch.EndAt.IsZero() && now.After(ch.EndAt) }

// newToken returns an unguessable capability token (32 random bytes).
func newToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashToken is what is stored of a token.
func hashToken(tok string) string {
	s := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(s[:])
}

// tokenMatches compares a presented token with the stored hash in
// constant time.
func (ch *channel) tokenMatches(tok string) bool {
	h := hashToken(tok)
	return ch.TokenHash != "" && subtle.ConstantTimeCompare([]byte(h), []byte(ch.TokenHash)) == 1
}

// topicKey is the webhook index container of topic.
func topicKey(topic string) storage.Key {
	s := sha256.Sum256([]byte(topic))
	return webhooksRoot + storage.Key(hex.EncodeToString(s[:])+"/")
}

// validUUID reports whether s looks like a uuid we made, so it can be used
// in a key.
func validUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if r != '-' {
				return false
			}
		case '0' <= r && r <= '9', 'a' <= r && r <= 'f':
		default:
			return false
		}
	}
	return true
}

// errNoChannel means the channel does not exist (or has expired).
var errNoChannel = errors.New("notify: no such channel")

// ensureContainers creates the containers of keys, in order, if missing.
func ensureContainers(ctx context.Context, st storage.Store, keys ...storage.Key) error {
	for _, k := range keys {
		_, err := st.Put(ctx, k, nil, "", storage.Conditions{IfNoneMatch: "*"})
		if err != nil && !errors.Is(err, storage.ErrPrecondition) && !errors.Is(err, storage.ErrExist) {
			return fmt.Errorf("notify: create %s: %w", k, err)
		}
	}
	return nil
}

// saveChannel stores ch (and its webhook index entry).
func (n *Notifier) saveChannel(ctx context.Context, ch *channel) error {
	if err := ensureContainers(ctx, n.store, internalRoot, notifyRoot, channelsRoot); err != nil {
		return err
	}
	if ch.SendTo != "" {
		if err := ensureContainers(ctx, n.store, webhooksRoot, topicKey(ch.Topic)); err != nil {
			return err
		}
	}
	data, err := json.Marshal(ch)
	if err != nil {
		return err
	}
	if _, err := n.store.Put(ctx, channelsRoot+storage.Key(ch.UUID), bytes.NewReader(data), "application/json", storage.Conditions{}); err != nil {
		return fmt.Errorf("notify: save channel: %w", err)
	}
	if ch.SendTo == "" {
		return nil
	}
	// The index container may be removed by another process when its
	// last channel goes, between ensureContainers and this Put: then
	// create it again.
	for try := 0; ; try++ {
		_, err := n.store.Put(ctx, topicKey(ch.Topic)+storage.Key(ch.UUID), nil, "text/plain", storage.Conditions{})
		if err == nil {
			return nil
		}
		if !errors.Is(err, storage.ErrNotExist) || try == 3 {
			return fmt.Errorf("notify: index channel: %w", err)
		}
		if err := ensureContainers(ctx, n.store, topicKey(ch.Topic)); err != nil {
			return err
		}
	}
}

// loadChannel reads the channel with id uuid, with its storage ETag. An
// expired channel is removed and reported as errNoChannel.
func (n *Notifier) loadChannel(ctx context.Context, id string) (*channel, string, error) {
	if !validUUID(id) {
		return nil, "", errNoChannel
	}
	obj, err := n.store.Get(ctx, channelsRoot+storage.Key(id))
	if errors.Is(err, storage.ErrNotExist) {
		return nil, "", errNoChannel
	}
	if err != nil {
		return nil, "", err
	}
	defer obj.Close()
	data, err := io.ReadAll(io.LimitReader(obj, 64<<10))
	if err != nil {
		return nil, "", err
	}
	var ch channel
	if err := json.Unmarshal(data, &ch); err != nil {
		return nil, "", fmt.Errorf("notify: channel %s: %w", id, err)
	}
	if ch.expired(time.Now()) {
		n.removeChannel(ctx, &ch)
		return nil, "", errNoChannel
	}
	return &ch, obj.Info().ETag, nil
}

// removeChannel deletes ch from storage and tells every process, which
// close its sockets. It reports whether ch still existed.
func (n *Notifier) removeChannel(ctx context.Context, ch *channel) bool {
	err := n.store.Delete(ctx, channelsRoot+storage.Key(ch.UUID), storage.Conditions{})
	if ch.SendTo != "" {
		tk := topicKey(ch.Topic)
		n.store.Delete(ctx, tk+storage.Key(ch.UUID), storage.Conditions{})
		n.store.Delete(ctx, tk, storage.Conditions{}) // fails while others remain
	}
	n.announce(ctx, ch, true)
	return err == nil
}
