package provider

import (
	"net/url"
	"testing"
	"time"
)

func TestSweepDeletesExpiredCodesAndRefreshTokens(t *testing.T) {
	e := newEnv(t, envOptions{})
	if n, err := e.p.Sweep(t.Context()); err != nil || n != 0 {
		t.Fatalf("Sweep on an empty store = %d, %v", n, err)
	}
	cookie := e.users.login("acct-1", alice)
	key := newDPoPKey(t)
	id, tr := e.codeFlow(key, cookie, alice) // one refresh token
	redirect := "https://app.example/cb"
	e.code(authQuery(id, redirect, newPKCE()), cookie, alice) // one unused code
	if n, err := e.p.Sweep(t.Context()); err != nil || n != 0 {
		t.Fatalf("Sweep before expiry = %d, %v", n, err)
	}
	// The unused code and the redeemed one (kept to detect reuse).
	e.clock.Advance(CodeTTL + time.Second)
	if n, err := e.p.Sweep(t.Context()); err != nil || n != 2 {
		t.Fatalf("Sweep after the codes expired = %d, %v, want 2", n, err)
	}
	e.tokens(e.tokenRequest(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tr.RefreshToken}, "client_id": {id}}, key))
	// The rotated refresh token expires first; then its successor.
	e.clock.Advance(RefreshTokenTTL - CodeTTL)
	if n, err := e.p.Sweep(t.Context()); err != nil || n != 1 {
		t.Fatalf("Sweep after the first refresh token expired = %d, %v, want 1", n, err)
	}
	e.clock.Advance(RefreshTokenTTL)
	if n, err := e.p.Sweep(t.Context()); err != nil || n != 1 {
		t.Fatalf("Sweep after the second refresh token expired = %d, %v, want 1", n, err)
	}
}

func TestPrefixes(t *testing.T) {
	e := newEnv(t, envOptions{})
	got := e.p.Prefixes()
	if len(got) != 2 || got[0] != "/.well-known/openid-configuration" || got[1] != "/.oidc/" {
		t.Errorf("Prefixes() = %v", got)
	}
}
