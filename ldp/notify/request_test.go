package notify

import (
	"errors"
	"testing"
	"time"
)

func TestParseRequest(t *testing.T) {
	const topic = "http://pod.example/alice/x"
	tests := []struct {
		name, mt, body string
		want           request
		status         int
	}{
		{"full IRI", "application/ld+json", `{"@context":["https://www.w3.org/ns/solid/notification/v1"],"type":"http://www.w3.org/ns/solid/notifications#WebSocketChannel2023","topic":"` + topic + `"}`,
			request{Type: typeWebSocket, Topic: topic}, 0},
		{"short type", "application/json", `{"type":"WebhookChannel2023","topic":"` + topic + `","sendTo":"https://r.example/h"}`,
			request{Type: typeWebhook, Topic: topic, SendTo: "https://r.example/h"}, 0},
		{"prefixed", "application/ld+json", `{"@type":"notify:WebSocketChannel2023","notify:topic":{"@id":"` + topic + `"}}`,
			request{Type: typeWebSocket, Topic: topic}, 0},
		{"features", "application/ld+json", `{"type":"WebSocketChannel2023","topic":"` + topic + `","startAt":"2030-01-01T00:00:00Z","endAt":"2030-01-02T00:00:00.5+01:00","rate":"PT1M30S","state":"\"e1\"","accept":"application/ld+json"}`,
			request{Type: typeWebSocket, Topic: topic, StartAt: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), EndAt: time.Date(2030, 1, 1, 23, 0, 0, 5e8, time.UTC), Rate: 90 * time.Second, State: `"e1"`, Accept: "application/ld+json"}, 0},
		{"graph", "application/ld+json", `{"@graph":[{"type":"WebSocketChannel2023","topic":"` + topic + `"}]}`,
			request{Type: typeWebSocket, Topic: topic}, 0},
		{"turtle", "text/turtle", `@prefix n: <http://www.w3.org/ns/solid/notifications#>. <#s> a n:WebSocketChannel2023; n:topic <` + topic + `>.`,
			request{Type: typeWebSocket, Topic: topic}, 0},
		{"not JSON", "application/ld+json", `{`, request{}, 400},
		{"trailing data", "application/ld+json", `{} {}`, request{}, 400},
		{"not an object", "application/ld+json", `"x"`, request{}, 400},
		{"two nodes", "application/ld+json", `[{},{}]`, request{}, 422},
		{"two topics", "application/ld+json", `{"type":"WebSocketChannel2023","topic":["a","b"]}`, request{}, 422},
		{"topic twice", "application/ld+json", `{"type":"WebSocketChannel2023","topic":"a","notify:topic":"b"}`, request{}, 422},
		{"unknown type", "application/ld+json", `{"type":"StreamingHTTPChannel2023","topic":"a"}`, request{}, 422},
		{"bad date", "application/ld+json", `{"type":"WebSocketChannel2023","topic":"a","startAt":"tomorrow"}`, request{}, 422},
		{"media type", "text/html", `<p>`, request{}, 415},
		{"turtle two topics", "text/turtle", `<#a> <http://www.w3.org/ns/solid/notifications#topic> <x>. <#b> <http://www.w3.org/ns/solid/notifications#topic> <y>.`, request{}, 422},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseRequest([]byte(tt.body), tt.mt, "http://pod.example/.notifications/WebSocketChannel2023/")
			if tt.status != 0 {
				var re *requestError
				if !errors.As(err, &re) || re.status != tt.status {
					t.Fatalf("parseRequest(%q) error = %v, want status %d", tt.body, err, tt.status)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseRequest(%q): %v", tt.body, err)
			}
			if !got.StartAt.Equal(tt.want.StartAt) || !got.EndAt.Equal(tt.want.EndAt) {
				t.Errorf("times = %v, %v; want %v, %v", got.StartAt, got.EndAt, tt.want.StartAt, tt.want.EndAt)
			}
			got.StartAt, got.EndAt, tt.want.StartAt, tt.want.EndAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
			if got != tt.want {
				t.Errorf("parseRequest(%q) = %+v, want %+v", tt.body, got, tt.want)
			}
		})
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"PT10S", 10 * time.Second, true},
		{"PT0.5S", 500 * time.Millisecond, true},
		{"PT1M30S", 90 * time.Second, true},
		{"P1DT2H", 26 * time.Hour, true},
		{"P2D", 48 * time.Hour, true},
		{"PT0S", 0, true},
		{"P", 0, false},
		{"PT", 0, false},
		{"10S", 0, false},
		{"P1M", 0, false}, // months have no fixed length
		{"P1Y", 0, false},
		{"PT1D", 0, false},
		{"P1H", 0, false},
		{"-PT1S", 0, false},
		{"PTS", 0, false},
		{"PT1.2.3S", 0, false},
		{"P400D", 0, false},
		{"PT1S2", 0, false},
	}
	for _, tt := range tests {
		got, err := parseDuration(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseDuration(%q) = %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
		if tt.ok {
			if back, err := parseDuration(formatDuration(got)); err != nil || back != got {
				t.Errorf("round trip of %q via %q = %v, %v", tt.in, formatDuration(got), back, err)
			}
		}
	}
}
