package oidc

import (
	"context"
	"testing"
	"time"
)

func TestLocalReplay(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	r := newLocalReplay(func() time.Time { return now })
	ctx := context.Background()
	claim := func(key string) bool {
		t.Helper()
		ok, err := r.Claim(ctx, key, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !claim("a") {
		t.Fatal("first claim of a refused")
	}
	if claim("a") {
		t.Fatal("second claim of a accepted")
	}
	if !claim("b") {
		t.Fatal("first claim of b refused")
	}
	now = now.Add(59 * time.Second)
	if claim("a") {
		t.Fatal("claim of a accepted before its ttl")
	}
	now = now.Add(2 * time.Second)
	if !claim("a") {
		t.Fatal("claim of a refused after its ttl")
	}
	// Expired claims are swept.
	now = now.Add(2 * time.Minute)
	claim("c")
	if n := len(r.m); n != 1 {
		t.Errorf("%d claims kept, want 1", n)
	}
}
