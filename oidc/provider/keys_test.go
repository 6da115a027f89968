package provider

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seedpod/seedpod/storage"
	"github.com/seedpod/seedpod/storage/cluster"
	"github.com/seedpod/seedpod/storage/disk"
	"github.com/seedpod/seedpod/storage/s3"
	"github.com/seedpod/seedpod/storage/s3/miniotest"
)

func kids(t *testing.T, p *Provider) []string {
	t.Helper()
	set, err := p.PublicKeys(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := range set.Len() {
		k, _ := set.Key(i)
		out = append(out, k.KeyID())
	}
	return out
}

func signedKid(t *testing.T, e *env) string {
	t.Helper()
	e.users.addCredentials("bot", "secret", alice)
	tr := e.tokens(e.tokenRequest(url.Values{"grant_type": {"client_credentials"}}, newDPoPKey(t), "bot", "secret"))
	e.verify(tr.AccessToken, "solid")
	h, _, _ := splitJWT(tr.AccessToken)
	var v struct{ Kid string }
	jsonUnmarshal(h, &v)
	return v.Kid
}

func TestKeyRotation(t *testing.T) {
	e := newEnv(t, envOptions{})
	old := kids(t, e.p)
	if len(old) != 1 || signedKid(t, e) != old[0] {
		t.Fatalf("initial keys %v", old)
	}
	if err := e.p.Rotate(t.Context()); err != nil {
		t.Fatal(err)
	}
	// Published at once, signing only after KeyPropagation.
	both := kids(t, e.p)
	if len(both) != 2 || both[0] != old[0] {
		t.Fatalf("after Rotate: %v", both)
	}
	if got := signedKid(t, e); got != old[0] {
		t.Errorf("signed with %s right after Rotate, want the old key", got)
	}
	e.clock.Advance(KeyPropagation)
	if got := signedKid(t, e); got != both[1] {
		t.Errorf("signed with %s after KeyPropagation, want the new key %s", got, both[1])
	}
	// The old key stays published while tokens it signed may be valid.
	e.clock.Advance(MaxTokenTTL - time.Minute)
	if got := kids(t, e.p); len(got) != 2 {
		t.Errorf("old key dropped too early: %v", got)
	}
	e.clock.Advance(3 * time.Minute)
	if got := kids(t, e.p); len(got) != 1 || got[0] != both[1] {
		t.Errorf("old key still published: %v", got)
	}
	// Rotate prunes it from storage.
	if err := e.p.Rotate(t.Context()); err != nil {
		t.Fatal(err)
	}
	var doc keyDoc
	if _, err := e.p.getJSON(t.Context(), keysKey, &doc); err != nil || len(doc.Keys) != 2 {
		t.Fatalf("stored keys after second Rotate: %d (%v), want 2", len(doc.Keys), err)
	}
}

// TestTwoProvidersOnOneDiskStore: two providers in one process share a
// disk store (disk is atomic within one process).
func TestTwoProvidersOnOneDiskStore(t *testing.T) {
	s, err := disk.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	testTwoProviders(t, s, s)
}

// TestTwoProvidersOnOneMinIO: two providers, each with its own S3
// client, as two processes would be, on one bucket of a real MinIO.
func TestTwoProvidersOnOneMinIO(t *testing.T) {
	srv := miniotest.Start(t)
	bucket := srv.NewBucket(t)
	open := func() storage.Store {
		st, err := s3.New(t.Context(), s3.Config{Endpoint: srv.Endpoint, Bucket: bucket, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, Secure: srv.Secure})
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	testTwoProviders(t, open(), open())
}

func testTwoProviders(t *testing.T, s1, s2 storage.Store) {
	users := newTestUsers()
	clk := newClock()
	bus := cluster.NewLocal() // what natsbus is to two processes
	defer bus.Close()
	// Both start at once: they must agree on one key.
	var a, b *env
	var wg sync.WaitGroup
	var ka, kb []string
	wg.Go(func() { a = newEnv(t, envOptions{store: s1, users: users, clock: clk, bus: bus}); ka = kids(t, a.p) })
	wg.Go(func() { b = newEnv(t, envOptions{store: s2, users: users, clock: clk, bus: bus}); kb = kids(t, b.p) })
	wg.Wait()
	if len(ka) != 1 || len(kb) != 1 || ka[0] != kb[0] {
		t.Fatalf("keys differ: %v %v", ka, kb)
	}
	cookie := users.login("acct-1", alice)
	redirect := "https://app.example/cb"
	id := a.publicClient(redirect) // registered through one…
	key := newDPoPKey(t)

	// …logged in at one, code redeemed at the other, token verified by both.
	pk := newPKCE()
	code := a.code(authQuery(id, redirect, pk), cookie, alice).Get("code")
	redeem := func(e *env, code, verifier string) *http.Response {
		return e.tokenRequest(url.Values{"grant_type": {"authorization_code"}, "code": {code},
			"redirect_uri": {redirect}, "client_id": {id}, "code_verifier": {verifier}}, key)
	}
	tr := b.tokens(redeem(b, code, pk.verifier))
	a.verify(tr.AccessToken, "solid")
	b.verify(tr.AccessToken, "solid")
	a.oauthErr(redeem(a, code, pk.verifier), http.StatusBadRequest, "invalid_grant")

	// Racing to redeem one code at both: exactly one wins.
	for range 5 {
		pk := newPKCE()
		code := b.code(authQuery(id, redirect, pk), cookie, alice).Get("code")
		var wins atomic.Int32
		var wg sync.WaitGroup
		for _, e := range []*env{a, b, a, b} {
			wg.Go(func() {
				if resp := redeem(e, code, pk.verifier); resp.StatusCode == http.StatusOK {
					wins.Add(1)
				}
			})
		}
		wg.Wait()
		if n := wins.Load(); n != 1 {
			t.Fatalf("%d redemptions of one code succeeded, want 1", n)
		}
	}

	// A refresh token from one is rotated at the other, once; its reuse at
	// the first revokes its successor for both.
	refresh := func(e *env, token string) *http.Response {
		return e.tokenRequest(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {token}, "client_id": {id}}, key)
	}
	pk = newPKCE() // tr's refresh token was revoked by the code's reuse above
	first := b.tokens(redeem(b, a.code(authQuery(id, redirect, pk), cookie, alice).Get("code"), pk.verifier))
	next := b.tokens(refresh(b, first.RefreshToken))
	third := a.tokens(refresh(a, next.RefreshToken))
	a.oauthErr(refresh(a, first.RefreshToken), http.StatusBadRequest, "invalid_grant")
	b.oauthErr(refresh(b, third.RefreshToken), http.StatusBadRequest, "invalid_grant")

	// A DPoP proof used at one is refused at the other (one Replay bus).
	users.addCredentials("bot", "secret", alice)
	proof := key.proof(t, "POST", issuer+".oidc/token", clk.Now())
	for i, e := range []*env{a, b} {
		r := newFormRequest(issuer+".oidc/token", url.Values{"grant_type": {"client_credentials"}})
		r.SetBasicAuth("bot", "secret")
		r.Header.Set("DPoP", proof)
		if resp := e.do(r); i == 0 {
			e.tokens(resp)
		} else {
			e.oauthErr(resp, http.StatusBadRequest, "invalid_dpop_proof")
		}
	}

	// A key rotated through one is published by the other within
	// KeyRevalidate, and signs only after KeyPropagation.
	if err := a.p.Rotate(t.Context()); err != nil {
		t.Fatal(err)
	}
	clk.Advance(KeyRevalidate)
	if got := kids(t, b.p); len(got) != 2 {
		t.Fatalf("other provider publishes %v after Rotate", got)
	}
	clk.Advance(KeyPropagation)
	if ka, kb := signedKid(t, a), signedKid(t, b); ka != kb {
		t.Errorf("after propagation, signing keys differ: %s %s", ka, kb)
	}
}
