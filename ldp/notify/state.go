package notify

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/seedpod/seedpod/oidc"
)

// stateMessage returns the notification the state feature calls for, if
// the topic's current ETag differs from ch.State. The ETag is the one a
// GET by the subscriber would see, found by a HEAD through the ldp
// Handler as that agent; a representation suffix (ldp's "-as-") is
// ignored on both sides, so any representation's ETag counts as current.
func (n *Notifier) stateMessage(ctx context.Context, ch *channel) (message, bool) {
	agent := oidc.Agent{WebID: ch.WebID, ClientID: ch.ClientID}
	req, err := http.NewRequestWithContext(oidc.NewContext(ctx, agent), http.MethodHead, ch.Topic, nil)
	if err != nil {
		return message{}, false
	}
	if ch.Origin != "" {
		req.Header.Set("Origin", ch.Origin)
	}
	rec := &headRecorder{h: http.Header{}}
	n.ldp.ServeHTTP(rec, req)
	m := message{
		Context:   messageContext,
		ID:        "urn:uuid:" + uuid.NewString(),
		Object:    ch.Topic,
		Published: time.Now().UTC().Format(time.RFC3339Nano),
	}
	switch {
	case rec.status == http.StatusOK:
		etag := rec.h.Get("ETag")
		if stripRep(etag) == stripRep(ch.State) {
			return message{}, false
		}
		m.Type, m.State = asUpdate, etag
	case rec.status == http.StatusNotFound:
		m.Type = asDelete
	default:
		return message{}, false // not readable now: say nothing
	}
	return m, true
}

// stripRep removes quotes, a weak prefix and ldp's representation suffix.
func stripRep(etag string) string {
	etag = strings.Trim(strings.TrimPrefix(etag, "W/"), `"`)
	if i := strings.LastIndex(etag, "-as-"); i >= 0 {
		etag = etag[:i]
	}
	return etag
}

// headRecorder is the ResponseWriter of an in-process HEAD: it keeps the
// status and headers and drops the body.
type headRecorder struct {
	h      http.Header
	status int
}

func (r *headRecorder) Header() http.Header { return r.h }
func (r *headRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return len(b), nil
}
func (r *headRecorder) WriteHeader(s int) {
	if r.status == 0 {
		r.status = s
	}
}
