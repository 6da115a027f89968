package notify

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jwt"
)

// receiver is a webhook endpoint on loopback that verifies each delivery
// as a third party would: it fetches the server's JWKS and checks the
// JWT's signature, issuer, audience, expiry and body hash.
type receiver struct {
	*httptest.Server
	jwksURL string
	mu      sync.Mutex
	fail    int // answer 500 to this many more requests
	got     []map[string]any
	errs    []string
	tries   int
	arrived chan struct{}
}

func newReceiver(t testing.TB) *receiver {
	rc := &receiver{arrived: make(chan struct{}, 100)}
	rc.Server = httptest.NewServer(http.HandlerFunc(rc.serve))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) serve(w http.ResponseWriter, r *http.Request) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.tries++
	defer func() { rc.arrived <- struct{}{} }()
	if rc.fail > 0 {
		rc.fail--
		w.WriteHeader(500)
		return
	}
	body, _ := io.ReadAll(r.Body)
	if err := rc.verify(r, body); err != nil {
		rc.errs = append(rc.errs, err.Error())
		w.WriteHeader(401)
		return
	}
	var m map[string]any
	json.Unmarshal(body, &m)
	rc.got = append(rc.got, m)
	w.WriteHeader(204)
}

func (rc *receiver) verify(r *http.Request, body []byte) error {
	if ct := r.Header.Get("Content-Type"); ct != "application/ld+json" {
		return &verifyError{"content type " + ct}
	}
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return &verifyError{"no bearer token"}
	}
	set, err := jwk.Fetch(r.Context(), rc.jwksURL)
	if err != nil {
		return err
	}
	parsed, err := jwt.Parse([]byte(tok), jwt.WithKeySet(set), jwt.WithValidate(true),
		jwt.WithIssuer(testBase), jwt.WithAudience(rc.URL+"/hook"))
	if err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	if h, _ := parsed.Get("body_sha256"); h != base64.RawURLEncoding.EncodeToString(sum[:]) {
		return &verifyError{"body hash mismatch"}
	}
	return nil
}

type verifyError struct{ s string }

func (e *verifyError) Error() string { return e.s }

// wait waits for n more requests.
func (rc *receiver) wait(t *testing.T, n int) {
	t.Helper()
	for range n {
		select {
		case <-rc.arrived:
		case <-time.After(5 * time.Second):
			t.Fatal("webhook request did not arrive")
		}
	}
}

func (rc *receiver) snapshot() ([]map[string]any, []string, int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]map[string]any(nil), rc.got...), append([]string(nil), rc.errs...), rc.tries
}

func webhookStack(t *testing.T, rc *receiver, maxFailures int) *stack {
	s := newStack(t, stackOpts{allow: []string{rc.URL}, cfg: func(c *Config) {
		c.WebhookAttempts = 3
		c.WebhookMaxFailures = maxFailures
	}})
	rc.jwksURL = s.URL + "/.notifications/jwks"
	return s
}

func (s *stack) hookSubscribe(t *testing.T, rc *receiver, topic string) map[string]any {
	t.Helper()
	return s.subscribe(t, alice, "WebhookChannel2023", map[string]any{
		"@context": []string{"https://www.w3.org/ns/solid/notification/v1"},
		"type":     "http://www.w3.org/ns/solid/notifications#WebhookChannel2023",
		"topic":    testBase + strings.TrimPrefix(topic, "/"),
		"sendTo":   rc.URL + "/hook",
	})
}

func TestWebhookDeliversSignedNotifications(t *testing.T) {
	rc := newReceiver(t)
	s := webhookStack(t, rc, 10)
	d := s.hookSubscribe(t, rc, "/alice/w.txt")
	if d["sendTo"] != rc.URL+"/hook" || d["type"] != typeWebhook || d["receiveFrom"] != nil {
		t.Fatalf("channel = %v", d)
	}
	hdr := s.mustDo(t, 201, alice, "PUT", "/alice/w.txt", "text/plain", "one")
	rc.wait(t, 1)
	s.mustDo(t, 204, alice, "DELETE", "/alice/w.txt", "", "")
	rc.wait(t, 1)
	got, errs, _ := rc.snapshot()
	if len(errs) > 0 || len(got) != 2 {
		t.Fatalf("receiver got %v, errors %v", got, errs)
	}
	checkMessage(t, got[0], "Create", testBase+"alice/w.txt", "", hdr.Get("ETag"))
	checkMessage(t, got[1], "Delete", testBase+"alice/w.txt", "", "")
}

func TestWebhookRetriesWithBackoff(t *testing.T) {
	rc := newReceiver(t)
	rc.fail = 2
	s := webhookStack(t, rc, 10)
	s.hookSubscribe(t, rc, "/alice/r.txt")
	start := time.Now()
	s.mustDo(t, 201, alice, "PUT", "/alice/r.txt", "text/plain", "one")
	rc.wait(t, 3)
	// Two retries: 20 ms, then 40 ms.
	if el := time.Since(start); el < 60*time.Millisecond {
		t.Errorf("three attempts took %v, want ≥ 60ms of backoff", el)
	}
	got, errs, tries := rc.snapshot()
	if len(got) != 1 || len(errs) > 0 || tries != 3 {
		t.Fatalf("got %d deliveries in %d tries, errors %v", len(got), tries, errs)
	}
}

func TestWebhookDroppedAfterRepeatedFailures(t *testing.T) {
	rc := newReceiver(t)
	rc.fail = 1000
	s := webhookStack(t, rc, 4)
	d := s.hookSubscribe(t, rc, "/alice/f.txt")
	path := strings.TrimPrefix(d["id"].(string), "http://pod.example")
	s.mustDo(t, 201, alice, "PUT", "/alice/f.txt", "text/plain", "one")
	rc.wait(t, 3) // three attempts for the first notification
	s.mustDo(t, 204, alice, "PUT", "/alice/f.txt", "text/plain", "two")
	rc.wait(t, 1) // the fourth failure in a row drops the channel
	deadline := time.Now().Add(5 * time.Second)
	for {
		st, _, _ := s.do(t, alice, "GET", path, "", "")
		if st == 404 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("channel still there (%d) after 4 failures", st)
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.mustDo(t, 204, alice, "PUT", "/alice/f.txt", "text/plain", "three")
	time.Sleep(100 * time.Millisecond)
	if _, _, tries := rc.snapshot(); tries != 4 {
		t.Errorf("receiver saw %d requests, want 4 (none after the drop)", tries)
	}
}

func TestWebhookStateOnSubscribe(t *testing.T) {
	rc := newReceiver(t)
	s := webhookStack(t, rc, 10)
	hdr := s.mustDo(t, 201, alice, "PUT", "/alice/st.txt", "text/plain", "one")
	s.subscribe(t, alice, "WebhookChannel2023", map[string]any{
		"type": "WebhookChannel2023", "topic": testBase + "alice/st.txt", "sendTo": rc.URL + "/hook", "state": "stale",
	})
	rc.wait(t, 1)
	got, errs, _ := rc.snapshot()
	if len(got) != 1 {
		t.Fatalf("got %v, errors %v", got, errs)
	}
	checkMessage(t, got[0], "Update", testBase+"alice/st.txt", "", hdr.Get("ETag"))
}
