package notify

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/seedpod/seedpod/ldp"
)

// Bus subjects (the Bus adds its deployment's namespace). Every process
// subscribes to both.
const (
	// subjectChange carries one event per changed resource.
	subjectChange = "notify.change"
	// subjectChannel carries the id of a channel that was created or
	// removed, so that processes forget cached webhook lists and close
	// the sockets of a removed channel.
	subjectChannel = "notify.channel"
)

// Activity types (Activity Streams 2.0 vocabulary, as the Notifications
// Protocol uses them).
const (
	asCreate = "Create"
	asUpdate = "Update"
	asDelete = "Delete"
	asAdd    = "Add"
	asRemove = "Remove"
)

// event is one change as it travels on the Bus. Notification ids are made
// by the publisher, so the same change has the same ids in every process.
type event struct {
	Type      string `json:"type"`               // Create, Update or Delete
	URL       string `json:"url"`                // the changed resource
	ETag      string `json:"etag,omitempty"`     // its new storage ETag
	Parent    string `json:"parent,omitempty"`   // its container, if any
	ID        string `json:"id"`                 // notification id for URL
	ParentID  string `json:"parentId,omitempty"` // notification id for Parent
	Published string `json:"published"`          // xsd:dateTime
}

// channelEvent says a channel was created or removed.
type channelEvent struct {
	ID      string `json:"id"`      // uuid
	Topic   string `json:"topic"`   // its topic
	Removed bool   `json:"removed"` // false: created
}

// OnChange is the ldp.Config.OnChange hook: it publishes each change on
// the Bus. It does not block on delivery. On a nil Notifier it does
// nothing.
func (n *Notifier) OnChange(ctx context.Context, changes []ldp.Change) {
	if n == nil {
		return
	}
	now := time.Now().UTC().Format(time.RFC3339Nano)
	for _, c := range changes {
		ev := event{URL: c.URL, ID: "urn:uuid:" + uuid.NewString(), Published: now}
		switch c.Kind {
		case ldp.Created:
			ev.Type = asCreate
		case ldp.Updated:
			ev.Type = asUpdate
		case ldp.Deleted:
			ev.Type = asDelete
		default:
			continue
		}
		if ev.Type != asDelete {
			ev.ETag = c.ETag
		}
		// Auxiliary resources (.acl, .meta) are not contained in the
		// container, so their changes are not Add or Remove on it.
		if p, ok := c.Key.Parent(); ok && p != "/" && !isAux(c.URL) {
			ev.Parent = n.ldp.URLOf(p)
			ev.ParentID = "urn:uuid:" + uuid.NewString()
		}
		data, err := json.Marshal(ev)
		if err != nil {
			continue
		}
		// The request is over when delivery runs; its context must not
		// cancel the publication.
		pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		if err := n.bus.Publish(pctx, subjectChange, data); err != nil {
			n.log.Warn("notify: publish change", "url", c.URL, "err", err)
		}
		cancel()
		n.webhooks.changed(ev)
	}
}

// message is a notification (Notifications Protocol §7; Activity Streams
// 2.0 in JSON-LD).
type message struct {
	Context   []string `json:"@context"`
	ID        string   `json:"id"`
	Type      string   `json:"type"`
	Object    string   `json:"object"`
	Target    string   `json:"target,omitempty"`
	State     string   `json:"state,omitempty"`
	Published string   `json:"published"`
}

// messageContext is the @context of every notification.
var messageContext = []string{"https://www.w3.org/ns/activitystreams", "https://www.w3.org/ns/solid/notification/v1"}

// topicMessage is the notification of ev for a subscriber of its URL.
func topicMessage(ev *event) message {
	m := message{Context: messageContext, ID: ev.ID, Type: ev.Type, Object: ev.URL, Published: ev.Published}
	if ev.ETag != "" {
		m.State = `"` + ev.ETag + `"`
	}
	return m
}

// containerMessage is the notification of ev for a subscriber of its
// container: Add for a created child, Remove for a deleted one, and
// nothing (false) for an updated one, whose container did not change.
func containerMessage(ev *event) (message, bool) {
	var typ string
	switch ev.Type {
	case asCreate:
		typ = asAdd
	case asDelete:
		typ = asRemove
	default:
		return message{}, false
	}
	return message{Context: messageContext, ID: ev.ParentID, Type: typ, Object: ev.URL, Target: ev.Parent, Published: ev.Published}, true
}

// isAux reports whether u names an auxiliary resource (ldp's suffixes).
func isAux(u string) bool {
	return strings.HasSuffix(u, ".acl") || strings.HasSuffix(u, ".meta")
}
