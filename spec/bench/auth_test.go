package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
)

// testUser returns a podUser with a key and a made-up token, enough to
// sign proofs.
func testUser(t testing.TB) *podUser {
	t.Helper()
	raw, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	u := &podUser{token: "token", ath: "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg"}
	if u.key, err = jwk.FromRaw(raw); err != nil {
		t.Fatal(err)
	}
	if u.pub, err = u.key.PublicKey(); err != nil {
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
		var c proofClaims
		if err := json.Unmarshal(payload, &c); err != nil {
			t.Fatal(err)
		}
		if c.HTM != http.MethodGet || c.HTU != htu || c.ATH != u.ath || time.Since(time.Unix(c.IAT, 0)) > time.Minute {
			t.Errorf("claims %+v; want GET %s, ath %s, iat now", c, htu, u.ath)
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
		p, err := u.proof(http.MethodGet, "http://localhost:3000/alice/private.ttl", time.Now())
		if err != nil {
			b.Fatal(err)
		}
		size = len(p)
	}
	b.ReportMetric(float64(size), "bytes/proof")
}
