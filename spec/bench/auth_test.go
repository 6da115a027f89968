package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
	"github.com/seedpod/seedpod/clients/pod"
)

// testUser returns a User with a key and a made-up token, enough to sign
// proofs.
func testUser(t testing.TB) *pod.User {
	t.Helper()
	raw, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	key, err := jwk.FromRaw(raw)
	if err != nil {
		t.Fatal(err)
	}
	u, err := pod.NewUser(key, "token")
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestSignProofs checks a pool: every proof verifies with the user's
// public key from its own header, and carries a jti of its own, the
// method, htu, ath and a current iat.
func TestSignProofs(t *testing.T) {
	u := testUser(t)
	const htu = "http://localhost:3000/alice/private.ttl"
	pool, err := signProofs(context.Background(), u, http.MethodGet, htu, 200, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(pool.proofs) != 200 {
		t.Fatalf("%d proofs, want 200", len(pool.proofs))
	}
	sum := sha256.Sum256([]byte(u.Token))
	ath := base64.RawURLEncoding.EncodeToString(sum[:])
	jtis := map[string]bool{}
	for {
		p, ok := pool.take()
		if !ok {
			break
		}
		msg, err := jws.Parse([]byte(p))
		if err != nil {
			t.Fatal(err)
		}
		hdr := msg.Signatures()[0].ProtectedHeaders()
		if hdr.Type() != "dpop+jwt" || hdr.Algorithm() != jwa.ES256 {
			t.Fatalf("typ %q alg %q, want dpop+jwt ES256", hdr.Type(), hdr.Algorithm())
		}
		payload, err := jws.Verify([]byte(p), jws.WithKey(jwa.ES256, hdr.JWK()))
		if err != nil {
			t.Fatalf("proof does not verify with its own jwk: %v", err)
		}
		var c struct {
			JTI string `json:"jti"`
			HTM string `json:"htm"`
			HTU string `json:"htu"`
			IAT int64  `json:"iat"`
			ATH string `json:"ath"`
		}
		if err := json.Unmarshal(payload, &c); err != nil {
			t.Fatal(err)
		}
		if c.HTM != http.MethodGet || c.HTU != htu || c.ATH != ath || time.Since(time.Unix(c.IAT, 0)) > time.Minute {
			t.Errorf("claims %+v; want GET %s, ath %s, iat now", c, htu, ath)
		}
		if c.JTI == "" || jtis[c.JTI] {
			t.Errorf("jti %q empty or repeated", c.JTI)
		}
		jtis[c.JTI] = true
	}
	if pool.used() != 200 {
		t.Errorf("used %d, want 200", pool.used())
	}
}

// BenchmarkSignProof is the client's cost of one DPoP proof: what the
// authenticated workload signs ahead of the run.
func BenchmarkSignProof(b *testing.B) {
	u := testUser(b)
	var size int
	for b.Loop() {
		p, err := u.Proof(http.MethodGet, "http://localhost:3000/alice/private.ttl", time.Now())
		if err != nil {
			b.Fatal(err)
		}
		size = len(p)
	}
	b.ReportMetric(float64(size), "bytes/proof")
}

// TestAuthRequests checks the raw authenticated requests with net/http's
// parser: the Host a target's URLs name (not the address dialled), the
// token, a proof of its own per request, and errNoProofs once the pool is
// used up.
func TestAuthRequests(t *testing.T) {
	u := testUser(t)
	u.Pod = "http://localhost:3000/alice/"
	inst := &instance{addr: "127.0.0.1:3000", host: "localhost:3000", user: u}
	pool, err := signProofs(context.Background(), u, http.MethodGet, u.Pod+privatePath, 3, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	c := newHTTPClient(defaultConfig(), inst, authRequest(inst, pool), 1).(*rawClient)
	if c.addr != "127.0.0.1:3000" {
		t.Errorf("dials %s, want 127.0.0.1:3000", c.addr)
	}
	w := c.newWorker(0).(*rawWorker)
	seen := map[string]bool{}
	for i := range 3 {
		raw, err := w.appendRequest(nil)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
		if err != nil {
			t.Fatalf("request %d: %v\n%s", i, err, raw)
		}
		if req.Host != "localhost:3000" || req.URL.Path != "/alice/private.ttl" || req.Method != http.MethodGet {
			t.Errorf("%s %s, Host %s; want GET /alice/private.ttl, Host localhost:3000", req.Method, req.URL.Path, req.Host)
		}
		if got := req.Header.Get("Authorization"); got != "DPoP "+u.Token {
			t.Errorf("Authorization %q, want DPoP %s", got, u.Token)
		}
		proof := req.Header.Get("DPoP")
		if proof == "" || seen[proof] {
			t.Errorf("request %d: DPoP proof empty or sent before", i)
		}
		seen[proof] = true
	}
	if _, err := w.appendRequest(nil); !errors.Is(err, errNoProofs) {
		t.Errorf("fourth request: %v, want errNoProofs", err)
	}
}

// budgetClient's workers succeed until a shared budget is spent, then
// report errNoProofs, as a used-up pool of proofs does.
type budgetClient struct{ left atomic.Int64 }

func (c *budgetClient) newWorker(int) worker { return budgetWorker{c} }

type budgetWorker struct{ c *budgetClient }

func (w budgetWorker) do(context.Context) error {
	if w.c.left.Add(-1) < 0 {
		return errNoProofs
	}
	return nil
}

func (budgetWorker) close() {}

// TestRunLoadNoProofs checks that a run whose proofs run out ends early,
// counting every request sent and no error.
func TestRunLoadNoProofs(t *testing.T) {
	c := &budgetClient{}
	c.left.Store(1000)
	res := runLoad(context.Background(), c, loadSpec{workers: 4, duration: time.Minute, max: 1 << 30})
	if res.n != 1000 || res.total != 1000 || res.errs != 0 || res.elapsed >= time.Minute {
		t.Errorf("n %d, total %d, errors %d, elapsed %v; want 1000, 1000, 0, under a minute", res.n, res.total, res.errs, res.elapsed)
	}
}
