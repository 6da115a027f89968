package oidc

import (
	"crypto"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
)

// ProofWindow is how far a DPoP proof's iat may be from the server's
// clock, either way (RFC 9449 §4.3 checks 11 and §11.1). Clients create a
// fresh proof per request, so the window only has to cover clock skew and
// transit: 60 seconds, as the JavaScript verifier used by other Solid
// servers allows, tolerates the skew common in browsers and small hosts
// while keeping the replay cache short.
const ProofWindow = 60 * time.Second

// replayTTL is how long a proof's jti is remembered: as long as a proof
// with that iat can be accepted (iat ± ProofWindow), plus a margin.
const replayTTL = 2*ProofWindow + 5*time.Second

// maxJTI bounds the jti of a proof, which is stored in the replay cache.
const maxJTI = 256

// proof is a verified DPoP proof.
type proof struct {
	jkt string // RFC 7638 SHA-256 thumbprint of the proof key, base64url
	jti string
}

// proofClaims are the claims of a DPoP proof (RFC 9449 §4.2).
type proofClaims struct {
	JTI   string       `json:"jti"`
	HTM   string       `json:"htm"`
	HTU   string       `json:"htu"`
	IAT   *numericDate `json:"iat"`
	ATH   string       `json:"ath"`
	Nonce *string      `json:"nonce"`
}

// proofKey is a parsed proof JWK: its raw public key and thumbprint.
type proofKey struct {
	raw any
	jkt string
}

// keyCache remembers parsed proof keys by their JSON, since a client
// signs all its proofs with one key: parsing a JWK and computing its
// thumbprint then happens once per client key, not per request.
type keyCache struct {
	mu sync.RWMutex
	m  map[string]*proofKey
}

// maxKeys bounds keyCache; past it the cache starts afresh.
const maxKeys = 50_000

func (c *keyCache) get(raw []byte) *proofKey {
	c.mu.RLock()
	k := c.m[string(raw)]
	c.mu.RUnlock()
	return k
}

func (c *keyCache) put(raw []byte, k *proofKey) {
	c.mu.Lock()
	if len(c.m) >= maxKeys {
		clear(c.m)
	}
	c.m[string(raw)] = k
	c.mu.Unlock()
}

// privateMembers are the JWK members only a private (or symmetric) key
// has (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2).
var privateMembers = []string{"d", "p", "q", "dp", "dq", "qi", "oth", "k"}

// parseProofKey parses the jwk header of a proof: an EC, RSA or OKP public
// key (RFC 9449 §4.3 check 7: not a private key) that fits alg.
func parseProofKey(raw []byte, alg jwa.SignatureAlgorithm) (*proofKey, error) {
	var members map[string]json.RawMessage
	if err := unmarshalObject(raw, &members); err != nil {
		return nil, fmt.Errorf("jwk: %w", err)
	}
	for _, m := range privateMembers {
		if _, ok := members[m]; ok {
			return nil, fmt.Errorf("jwk has private member %q", m)
		}
	}
	key, err := jwk.ParseKey(raw)
	if err != nil {
		return nil, err
	}
	switch key.KeyType() {
	case jwa.EC, jwa.RSA, jwa.OKP:
	default:
		return nil, fmt.Errorf("jwk of type %s", key.KeyType())
	}
	var pub any
	if err := key.Raw(&pub); err != nil {
		return nil, err
	}
	if err := keyFits(alg, pub); err != nil {
		return nil, err
	}
	tp, err := key.Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, err
	}
	return &proofKey{raw: pub, jkt: base64.RawURLEncoding.EncodeToString(tp)}, nil
}

// verifyProof checks a DPoP proof (RFC 9449 §4.3) for a request with
// method and external URL htu (already normalised), bound to the access
// token whose SHA-256 is tokenHash (RFC 9449 §4.3 check 12, ath, when the
// proof has one). It checks everything but the replay of its jti, which
// the caller claims once the token is known to be worth it.
func (v *Verifier) verifyProof(s, method, htu string, tokenHash [32]byte, now time.Time) (*proof, error) {
	j, err := parseCompact(s)
	if err != nil {
		return nil, invalidf("malformed DPoP proof", "proof: %w", err)
	}
	h, alg, err := parseHeader(j.header)
	if err != nil {
		return nil, invalidf("bad DPoP proof header", "proof: %w", err)
	}
	if h.Typ != "dpop+jwt" {
		return nil, invalid("DPoP proof typ must be dpop+jwt")
	}
	if len(h.JWK) == 0 {
		return nil, invalid("DPoP proof has no jwk")
	}
	key := v.keys.get(h.JWK)
	if key == nil {
		if key, err = parseProofKey(h.JWK, alg); err != nil {
			return nil, invalidf("bad DPoP proof key", "proof: %w", err)
		}
		v.keys.put(h.JWK, key)
	} else if err := keyFits(alg, key.raw); err != nil {
		return nil, invalidf("bad DPoP proof key", "proof: %w", err)
	}
	if err := verifySignature(j, alg, key.raw); err != nil {
		return nil, invalidf("DPoP proof signature does not verify", "proof: %w", err)
	}
	var c proofClaims
	if err := unmarshalObject(j.payload, &c); err != nil {
		return nil, invalidf("malformed DPoP proof claims", "proof: %w", err)
	}
	switch {
	case c.JTI == "" || len(c.JTI) > maxJTI:
		return nil, invalid("DPoP proof needs a jti")
	case c.HTM != method:
		return nil, invalid("DPoP proof htm does not match the request method")
	case !c.IAT.valid():
		return nil, invalid("DPoP proof needs an iat")
	case c.Nonce != nil:
		// This server never asks for a nonce (RFC 9449 §8).
		return nil, invalid("DPoP proof nonce was not issued by this server")
	}
	if u, ok := normalizeURL(c.HTU); !ok || u != htu {
		return nil, invalid("DPoP proof htu does not match the request URL")
	}
	iat := time.Unix(0, int64(float64(*c.IAT)*1e9))
	if d := now.Sub(iat); d > ProofWindow || d < -ProofWindow {
		return nil, invalid("DPoP proof iat is too old or in the future")
	}
	// RFC 9449 §4.3 makes ath required next to an access token, but
	// Inrupt's solid-client-authn-node and -browser (4.x, 5.x: the
	// libraries most Solid apps log in with) never send it, and CSS does
	// not ask for it. A missing ath is accepted; a present one must match.
	// The proof is still bound to the token's key (cnf.jkt), method, URL,
	// time and a single use, so without ath it can only be combined with
	// another token bound to the same private key.
	want := base64.RawURLEncoding.EncodeToString(tokenHash[:])
	if c.ATH != "" && subtle.ConstantTimeCompare([]byte(c.ATH), []byte(want)) != 1 {
		return nil, invalid("DPoP proof ath does not match the access token")
	}
	return &proof{jkt: key.jkt, jti: c.JTI}, nil
}

// errReplayed is the cause of a refused replayed proof.
var errReplayed = errors.New("jti seen before")
