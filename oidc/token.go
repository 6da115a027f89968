package oidc

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
)

// TokenLeeway is the clock skew allowed when checking an access token's
// exp, nbf and iat against the server's clock: the token comes from
// another server, whose clock may differ a little.
const TokenLeeway = 60 * time.Second

// Solid-OIDC §5 (https://solidproject.org/TR/oidc#tokens-access): the
// audience every Solid access token carries.
const solidAudience = "solid"

// accessToken is an access token parsed and checked without any fetch.
type accessToken struct {
	jws    *compactJWS
	alg    jwa.SignatureAlgorithm
	kid    string
	claims tokenClaims
	exp    time.Time
}

// tokenClaims are the claims of a Solid-OIDC access token (Solid-OIDC §5,
// RFC 9068, RFC 9449 §6).
type tokenClaims struct {
	Iss      string          `json:"iss"`
	Aud      json.RawMessage `json:"aud"`
	WebID    string          `json:"webid"`
	ClientID string          `json:"client_id"`
	Azp      string          `json:"azp"`
	Exp      *numericDate    `json:"exp"`
	Iat      *numericDate    `json:"iat"`
	Nbf      *numericDate    `json:"nbf"`
	Cnf      struct {
		JKT string `json:"jkt"`
	} `json:"cnf"`
}

// parseToken decodes an access token and checks everything that needs no
// fetch: compact form, header, audience, times, the WebID and issuer
// syntax, and the binding to the proof key jkt.
func parseToken(s, jkt string, now time.Time) (*accessToken, error) {
	j, err := parseCompact(s)
	if err != nil {
		return nil, invalidf("malformed access token", "token: %w", err)
	}
	h, alg, err := parseHeader(j.header)
	if err != nil {
		return nil, invalidf("bad access token header", "token: %w", err)
	}
	if h.Typ == "dpop+jwt" || len(h.JWK) > 0 {
		// A proof is not a token; nor does a token carry its own key.
		return nil, invalid("not an access token")
	}
	t := &accessToken{jws: j, alg: alg, kid: h.Kid}
	c := &t.claims
	if err := unmarshalObject(j.payload, c); err != nil {
		return nil, invalidf("malformed access token claims", "token: %w", err)
	}
	if !hasAudience(c.Aud, solidAudience) {
		return nil, invalid("access token audience must include solid")
	}
	if !c.Exp.valid() || !c.Iat.valid() {
		return nil, invalid("access token needs exp and iat")
	}
	t.exp = date(*c.Exp)
	if !now.Before(t.exp.Add(TokenLeeway)) {
		return nil, invalid("access token expired")
	}
	if date(*c.Iat).After(now.Add(TokenLeeway)) {
		return nil, invalid("access token issued in the future")
	}
	if c.Nbf != nil && (!c.Nbf.valid() || date(*c.Nbf).After(now.Add(TokenLeeway))) {
		return nil, invalid("access token not yet valid")
	}
	if c.Cnf.JKT == "" {
		return nil, invalid("access token is not DPoP-bound")
	}
	if c.Cnf.JKT != jkt {
		return nil, invalid("DPoP proof key does not match the access token cnf.jkt")
	}
	if !httpURL(c.WebID) {
		return nil, invalid("access token needs a webid")
	}
	if !issuerURL(c.Iss) {
		return nil, invalid("access token needs an http(s) iss")
	}
	return t, nil
}

// date converts a NumericDate, checked with valid, to a time.
func date(d numericDate) time.Time {
	return time.Unix(0, int64(float64(d)*1e9))
}

// hasAudience reports whether the aud claim, a string or an array of
// strings (RFC 7519 §4.1.3), includes want.
func hasAudience(raw json.RawMessage, want string) bool {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return one == want
	}
	var many []string
	if json.Unmarshal(raw, &many) == nil {
		return slices.Contains(many, want)
	}
	return false
}

// httpURL reports whether s is an absolute http(s) URL with a host and
// without userinfo.
func httpURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil && u.Opaque == ""
}

// issuerURL reports whether s can be an issuer identifier: an http(s)
// URL without query or fragment (OpenID Connect Discovery §2).
func issuerURL(s string) bool {
	return httpURL(s) && !strings.ContainsAny(s, "?#")
}

// verified is a verified access token as remembered by tokenCache.
type verified struct {
	agent Agent
	jkt   string
	exp   time.Time
}

// tokenCache remembers verified access tokens by the SHA-256 of the
// token until they expire, so that a client's later requests cost only
// the proof.
type tokenCache struct {
	mu sync.RWMutex
	m  map[[32]byte]verified
}

// maxTokens bounds tokenCache; when full, expired entries go, and if that
// is not enough the cache starts afresh.
const maxTokens = 100_000

func (c *tokenCache) get(h [32]byte, now time.Time) (verified, bool) {
	c.mu.RLock()
	e, ok := c.m[h]
	c.mu.RUnlock()
	if ok && !now.Before(e.exp.Add(TokenLeeway)) {
		return verified{}, false
	}
	return e, ok
}

func (c *tokenCache) put(h [32]byte, e verified, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxTokens {
		for k, v := range c.m {
			if !now.Before(v.exp.Add(TokenLeeway)) {
				delete(c.m, k)
			}
		}
		if len(c.m) >= maxTokens {
			clear(c.m)
		}
	}
	c.m[h] = e
}
