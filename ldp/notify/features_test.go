package notify

import (
	"strings"
	"testing"
	"time"

	"github.com/seedpod/seedpod/storage"
)

func TestRateFeatureLimitsNotifications(t *testing.T) {
	s := newStack(t, stackOpts{})
	c, d := s.connect(t, alice, "/alice/r.txt", "rate", "PT10S")
	if d["rate"] != "PT10S" {
		t.Errorf("rate = %v", d["rate"])
	}
	s.mustDo(t, 201, alice, "PUT", "/alice/r.txt", "text/plain", "1")
	if m := readJSON(t, c); m["type"] != "Create" {
		t.Fatalf("got %v", m)
	}
	s.mustDo(t, 204, alice, "PUT", "/alice/r.txt", "text/plain", "2")
	quiet(t, c, 200*time.Millisecond)
}

func TestStartAtFeatureDelaysNotifications(t *testing.T) {
	s := newStack(t, stackOpts{})
	start := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	c, d := s.connect(t, alice, "/alice/later.txt", "startAt", start)
	if got, _ := d["startAt"].(string); !strings.HasPrefix(got, start[:19]) {
		t.Errorf("startAt = %q, want %s", got, start)
	}
	s.mustDo(t, 201, alice, "PUT", "/alice/later.txt", "text/plain", "1")
	quiet(t, c, 200*time.Millisecond)
}

func TestEndAtFeatureClosesTheChannel(t *testing.T) {
	s := newStack(t, stackOpts{cfg: func(c *Config) { c.MaxDuration = time.Hour }})
	// A later endAt is capped at MaxDuration.
	d := s.wsSubscribe(t, alice, "/alice/e.txt", "endAt", "2100-01-01T00:00:00Z")
	end, err := time.Parse(time.RFC3339Nano, d["endAt"].(string))
	if err != nil || end.After(time.Now().Add(time.Hour)) || end.Before(time.Now().Add(59*time.Minute)) {
		t.Errorf("endAt = %v, want about an hour from now", d["endAt"])
	}
	// A socket closes when its channel ends, and the channel is gone.
	// Two seconds leave room for a slow machine to subscribe and connect.
	c, d := s.connect(t, alice, "/alice/e.txt", "endAt", time.Now().Add(2*time.Second).UTC().Format(time.RFC3339Nano))
	closedByServer(t, c)
	time.Sleep(50 * time.Millisecond)
	st, _, _ := s.do(t, alice, "GET", strings.TrimPrefix(d["id"].(string), "http://pod.example"), "", "")
	if st != 404 {
		t.Errorf("GET expired channel = %d, want 404", st)
	}
}

func TestReceiveFromNeedsTheToken(t *testing.T) {
	s := newStack(t, stackOpts{})
	d := s.wsSubscribe(t, alice, "/alice/x")
	rf := strings.TrimPrefix(d["receiveFrom"].(string), "ws://pod.example")
	last := "A"
	if strings.HasSuffix(rf, "A") {
		last = "B"
	}
	for _, p := range []string{rf[:len(rf)-1] + last, rf[:strings.LastIndex(rf, "/")+1], "/.notifications/socket/nope/x"} {
		if st, _, _ := s.do(t, "", "GET", p, "", ""); st != 404 {
			t.Errorf("GET %s = %d, want 404", p, st)
		}
	}
}

func TestSweepRemovesExpiredChannels(t *testing.T) {
	s := newStack(t, stackOpts{})
	d := s.wsSubscribe(t, alice, "/alice/x")
	s.wsSubscribe(t, alice, "/alice/y")
	// Let the first channel's end pass, in storage, as time would.
	id := d["id"].(string)[len(d["id"].(string))-36:]
	ch, _, err := s.n.loadChannel(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	ch.EndAt = time.Now().Add(-time.Second)
	if err := s.n.saveChannel(t.Context(), ch); err != nil {
		t.Fatal(err)
	}
	if got := s.n.sweep(time.Minute); got != 1 {
		t.Errorf("sweep removed %d channels, want 1", got)
	}
	// Another sweep within the claimed interval does nothing, in any process.
	if got := s.n.sweep(time.Minute); got != 0 {
		t.Errorf("second sweep removed %d, want 0 (claimed)", got)
	}
	if _, err := s.store.Stat(t.Context(), channelsRoot+storage.Key(id)); err == nil {
		t.Error("expired channel record still stored")
	}
}
