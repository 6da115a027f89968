package notify

import (
	"errors"
	"testing"
)

// FuzzParseRequest: no panic, every error is a *requestError with a 4xx
// status, and a parsed request has a known type and a topic.
func FuzzParseRequest(f *testing.F) {
	for _, s := range []string{
		`{"@context":["https://www.w3.org/ns/solid/notification/v1"],"type":"http://www.w3.org/ns/solid/notifications#WebSocketChannel2023","topic":"http://pod.example/a"}`,
		`{"type":"WebhookChannel2023","topic":"http://pod.example/a","sendTo":"https://r.example/","rate":"PT1S","startAt":"2030-01-01T00:00:00Z"}`,
		`{"@graph":[{"@type":"notify:WebSocketChannel2023","notify:topic":{"@id":"x"}}]}`,
		`[{"type":["WebSocketChannel2023"],"topic":[{"@value":"x"}]}]`,
		`{"type":1e400,"topic":null}`,
	} {
		f.Add(s, "application/ld+json")
	}
	f.Add(`@prefix n: <http://www.w3.org/ns/solid/notifications#>. <#s> a n:WebSocketChannel2023; n:topic <x>; n:rate "PT1S".`, "text/turtle")
	f.Fuzz(func(t *testing.T, body, mt string) {
		r, err := parseRequest([]byte(body), mt, "http://pod.example/")
		if err != nil {
			var re *requestError
			if !errors.As(err, &re) || re.status < 400 || re.status > 499 {
				t.Fatalf("error %v is not a 4xx requestError", err)
			}
			return
		}
		if (r.Type != typeWebSocket && r.Type != typeWebhook) || r.Topic == "" || r.Rate < 0 {
			t.Fatalf("accepted %+v", r)
		}
	})
}

// FuzzParseDuration: no panic; accepted durations are within a year and
// survive a round trip through formatDuration.
func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"PT10S", "P1DT2H3M4.5S", "P1M", "PT", "P400D"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseDuration(s)
		if err != nil {
			return
		}
		if d < 0 || d.Hours() > 366*24 {
			t.Fatalf("parseDuration(%q) = %v", s, d)
		}
		if _, err := parseDuration(formatDuration(d)); err != nil {
			t.Fatalf("round trip of %q via %q: %v", s, formatDuration(d), err)
		}
	})
}
