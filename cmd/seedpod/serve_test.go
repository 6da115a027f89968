package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestServeRoutesAccountsAndPods starts `seedpod serve` on a free
// loopback port and checks the wiring: /.account/ answers the account
// API, everything else is LDP (which refuses unclean paths itself), and
// both carry CORS headers.
func TestServeRoutesAccountsAndPods(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--listen", "127.0.0.1:0", "--data", t.TempDir(), "--base-url", "http://localhost:3000/"}, pw, io.Discard)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, pr)
	m := regexp.MustCompile(`on (127\.0\.0\.1:\d+)`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("no address in %q", line)
	}
	base := "http://" + m[1]
	client := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, tt := range []struct {
		path, accept string
		status       int
		body         string
	}{
		{"/.account/", "application/json", 200, `"controls"`},
		{"/.account/signup/", "text/html", 200, "Sign up"},
		{"/.account/nope/", "application/json", 404, "NotFoundHttpError"},
		{"/a//b", "", 400, ""},
		{"/.internal/accounts/", "", 404, ""},
	} {
		req, _ := http.NewRequest("GET", base+tt.path, nil)
		req.Header.Set("Origin", "https://app.example")
		if tt.accept != "" {
			req.Header.Set("Accept", tt.accept)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.status || !strings.Contains(string(b), tt.body) || resp.Header.Get("Access-Control-Allow-Origin") != "https://app.example" {
			t.Errorf("GET %s = %d (CORS %q), want %d with %q:\n%s", tt.path, resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"), tt.status, tt.body, b)
		}
	}
}
