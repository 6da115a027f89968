package oidc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/seedpod/seedpod/clients/fetch"
)

// How issuers' keys are cached. Keys are kept for keysTTL; a token with an
// unknown kid makes the verifier fetch them again, but not more often than
// every keysRefresh per issuer; a failed discovery or JWKS fetch is
// remembered for keysRetry.
const (
	keysTTL     = 10 * time.Minute
	keysRefresh = 30 * time.Second
	keysRetry   = 30 * time.Second
)

// issuerKey is one signing key of an issuer.
type issuerKey struct {
	kid string
	alg string // the key's alg member, "" if none
	raw any    // public key
}

// issuerEntry caches the keys of one issuer. mu serializes fetches, so
// that concurrent requests with new tokens of one issuer fetch once.
type issuerEntry struct {
	mu      sync.Mutex
	keys    []issuerKey
	err     error     // of the last fetch, while fresh
	fetched time.Time // when the last fetch ended
}

// issuerCache holds the keys of the issuers seen.
type issuerCache struct {
	mu sync.Mutex
	m  map[string]*issuerEntry
}

// maxIssuers bounds issuerCache; past it the cache starts afresh.
const maxIssuers = 1000

func (c *issuerCache) entry(iss string) *issuerEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.m[iss]
	if e == nil {
		if len(c.m) >= maxIssuers {
			clear(c.m)
		}
		e = &issuerEntry{}
		c.m[iss] = e
	}
	return e
}

// issuerKeys returns the keys of iss that may verify a token with kid and
// alg: those of this server's provider (Config.LocalKeys, read
// internally) for the local issuer, else those found by OpenID discovery,
// fetched through the guarded client and cached.
func (v *Verifier) issuerKeys(ctx context.Context, iss, kid string, alg jwa.SignatureAlgorithm) ([]issuerKey, error) {
	if v.localIssuer != "" && sameIssuer(iss, v.localIssuer) {
		if v.localKeys == nil {
			return nil, invalid("this server issues no tokens")
		}
		set, err := v.localKeys(ctx)
		if err != nil {
			return nil, invalidf("issuer keys not available", "local keys: %w", err)
		}
		return matchKeys(keysOf(set), kid, alg), nil
	}
	if v.fetch == nil {
		return nil, invalid("tokens from other issuers are not accepted")
	}
	e := v.issuers.entry(iss)
	e.mu.Lock()
	defer e.mu.Unlock()
	now := v.now()
	age := now.Sub(e.fetched)
	switch {
	case e.fetched.IsZero():
	case e.err != nil && age < keysRetry:
		return nil, invalidf("issuer keys not available", "issuer %s: %w", iss, e.err)
	case e.err == nil && age < keysTTL:
		if m := matchKeys(e.keys, kid, alg); len(m) > 0 || age < keysRefresh {
			return m, nil
		}
	}
	keys, err := v.fetchKeys(ctx, iss)
	e.keys, e.err, e.fetched = keys, err, v.now()
	if err != nil {
		if errors.Is(err, ErrInvalidToken) {
			return nil, err
		}
		v.log.Log(ctx, fetchLogLevel(err), "oidc: issuer keys not available", "issuer", iss, "err", err)
		return nil, invalidf("issuer keys not available", "issuer %s: %w", iss, err)
	}
	return matchKeys(keys, kid, alg), nil
}

// matchKeys returns the keys with kid (any key when kid is empty) that
// fit alg.
func matchKeys(keys []issuerKey, kid string, alg jwa.SignatureAlgorithm) []issuerKey {
	var out []issuerKey
	for _, k := range keys {
		if (kid == "" || k.kid == kid) && (k.alg == "" || k.alg == string(alg)) && keyFits(alg, k.raw) == nil {
			out = append(out, k)
		}
	}
	return out
}

// keysOf converts a JWK set to its public signing keys. Symmetric keys,
// encryption keys and keys that do not convert are left out.
func keysOf(set jwk.Set) []issuerKey {
	if set == nil {
		return nil
	}
	var out []issuerKey
	for i := 0; i < set.Len(); i++ {
		k, _ := set.Key(i)
		if k.KeyType() == jwa.OctetSeq || k.KeyUsage() == "enc" {
			continue
		}
		pk, err := k.PublicKey()
		if err != nil {
			continue
		}
		var raw any
		if err := pk.Raw(&raw); err != nil {
			continue
		}
		alg := ""
		if k.Algorithm() != nil {
			alg = k.Algorithm().String()
		}
		out = append(out, issuerKey{kid: k.KeyID(), alg: alg, raw: raw})
	}
	return out
}

// discovery is the part of an OpenID Provider's metadata the verifier
// reads (OpenID Connect Discovery 1.0 §3).
type discovery struct {
	Issuer  string `json:"issuer"`
	JWKSURI string `json:"jwks_uri"`
}

// fetchKeys finds iss's keys: its discovery document at
// iss/.well-known/openid-configuration (Discovery §4), whose issuer must
// be iss exactly (§4.3), then the JWK set at its jwks_uri.
func (v *Verifier) fetchKeys(ctx context.Context, iss string) ([]issuerKey, error) {
	confURL := strings.TrimSuffix(iss, "/") + "/.well-known/openid-configuration"
	body, err := v.get(ctx, confURL, "application/json")
	if err != nil {
		return nil, err
	}
	var d discovery
	if err := unmarshalObject(body, &d); err != nil {
		return nil, fmt.Errorf("discovery: %w", err)
	}
	if d.Issuer != iss {
		return nil, invalidf("token iss does not match its issuer", "discovery at %s names issuer %q", confURL, d.Issuer)
	}
	if !httpURL(d.JWKSURI) {
		return nil, fmt.Errorf("discovery at %s: bad jwks_uri %q", confURL, d.JWKSURI)
	}
	body, err = v.get(ctx, d.JWKSURI, "application/jwk-set+json, application/json")
	if err != nil {
		return nil, err
	}
	set, err := jwk.Parse(body)
	if err != nil {
		return nil, fmt.Errorf("jwks at %s: %w", d.JWKSURI, err)
	}
	return keysOf(set), nil
}

// Errors behind refusals that depend on the configuration or on limits.
var (
	errRateLimited = errors.New("too many fetches from this host")
	errNoLocal     = errors.New("local documents cannot be read (no Config.ReadLocal)")
	errNoFetch     = errors.New("remote documents cannot be fetched (no Config.Fetch)")
)

// fetchLogLevel is the level at which a failed fetch is logged: warning,
// except when the per-host limit refused it, which clients can cause at
// will and which would otherwise flood the log.
func fetchLogLevel(err error) slog.Level {
	if errors.Is(err, errRateLimited) {
		return slog.LevelDebug
	}
	return slog.LevelWarn
}

// get fetches rawURL like getResponse and returns the body.
func (v *Verifier) get(ctx context.Context, rawURL, accept string) ([]byte, error) {
	resp, err := v.getResponse(ctx, rawURL, accept)
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}

// getResponse fetches rawURL through the guarded client, within the
// per-host rate limit; anything but a 200 response is an error.
func (v *Verifier) getResponse(ctx context.Context, rawURL, accept string) (*fetch.Response, error) {
	if !v.limit.allow(rawURL, v.now()) {
		return nil, fmt.Errorf("%s: %w", rawURL, errRateLimited)
	}
	resp, err := v.fetch.Get(ctx, rawURL, accept)
	if err != nil {
		return nil, err
	}
	if resp.Status != http.StatusOK {
		return nil, fmt.Errorf("%s: status %d", rawURL, resp.Status)
	}
	return resp, nil
}
