package provider

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/seedpod/seedpod/storage"
)

// storedKey is one signing key as kept in storage.
type storedKey struct {
	JWK        json.RawMessage `json:"jwk"` // the private key (RFC 7517)
	Created    time.Time       `json:"created"`
	ActiveFrom time.Time       `json:"activeFrom"` // when it starts signing
}

// keyDoc is the stored key set, oldest first.
type keyDoc struct {
	Keys []storedKey `json:"keys"`
}

// signingKey is a parsed storedKey.
type signingKey struct {
	kid        string
	priv       *ecdsa.PrivateKey
	pub        jwk.Key
	activeFrom time.Time
}

// keySet is a parsed keyDoc with the ETag it was read at.
type keySet struct {
	keys []signingKey
	etag string
}

// current is the newest key already active at now (the oldest key if
// none is, which only a clock set back can cause).
func (s *keySet) current(now time.Time) *signingKey {
	cur := &s.keys[0]
	for i := range s.keys {
		if !s.keys[i].activeFrom.After(now) {
			cur = &s.keys[i]
		}
	}
	return cur
}

// published reports whether key i must still be in the JWKS at now: it
// is the newest, or its successor took over less than MaxTokenTTL (plus
// a minute of clock skew) ago, so tokens it signed may still be valid.
func (s *keySet) published(i int, now time.Time) bool {
	return i == len(s.keys)-1 || now.Before(s.keys[i+1].activeFrom.Add(MaxTokenTTL+time.Minute))
}

// keyring caches the stored key set, revalidating it every KeyRevalidate.
type keyring struct {
	p       *Provider
	mu      sync.Mutex
	set     *keySet
	checked time.Time
}

// get returns the key set, creating the first key if there is none.
func (k *keyring) get(ctx context.Context) (*keySet, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	now := k.p.now()
	if k.set != nil {
		if age := now.Sub(k.checked); age >= 0 && age < KeyRevalidate {
			return k.set, nil
		}
		if info, err := k.p.store.Stat(ctx, keysKey); err == nil && info.ETag == k.set.etag {
			k.checked = now
			return k.set, nil
		}
	}
	set, err := k.load(ctx)
	if err != nil {
		return nil, err
	}
	k.set, k.checked = set, now
	return set, nil
}

// load reads the stored key set, creating it with one key if missing. Of
// several processes creating it at once, one wins the create-only write
// and the others read what it wrote.
func (k *keyring) load(ctx context.Context) (*keySet, error) {
	for range 3 {
		var doc keyDoc
		etag, err := k.p.getJSON(ctx, keysKey, &doc)
		if err == nil {
			return parseKeyDoc(doc, etag)
		}
		if !errors.Is(err, storage.ErrNotExist) {
			return nil, err
		}
		now := k.p.now()
		sk, err := newStoredKey(now, now)
		if err != nil {
			return nil, err
		}
		doc = keyDoc{Keys: []storedKey{sk}}
		etag, err = k.p.putJSON(ctx, keysKey, doc, storage.Conditions{IfNoneMatch: "*"})
		if err == nil {
			return parseKeyDoc(doc, etag)
		}
		if !lostCreate(err) {
			return nil, err
		}
	}
	return nil, errors.New("provider: key set keeps changing")
}

// Rotate adds a new signing key that starts signing KeyPropagation from
// now, and drops keys that no token still valid can have been signed
// with. See the package comment for the policy.
func (p *Provider) Rotate(ctx context.Context) error {
	if _, err := p.keys.get(ctx); err != nil { // creates the first key if needed
		return err
	}
	for range 5 {
		var doc keyDoc
		etag, err := p.getJSON(ctx, keysKey, &doc)
		if err != nil {
			return err
		}
		set, err := parseKeyDoc(doc, etag)
		if err != nil {
			return err
		}
		now := p.now()
		var kept []storedKey
		for i, sk := range doc.Keys {
			if set.published(i, now) {
				kept = append(kept, sk)
			}
		}
		sk, err := newStoredKey(now, now.Add(KeyPropagation))
		if err != nil {
			return err
		}
		doc.Keys = append(kept, sk)
		_, err = p.putJSON(ctx, keysKey, doc, storage.Conditions{IfMatch: etag})
		if err == nil {
			p.keys.mu.Lock()
			p.keys.set = nil
			p.keys.mu.Unlock()
			return nil
		}
		if !conflict(err) {
			return err
		}
	}
	return errors.New("provider: rotate: key set keeps changing")
}

// newStoredKey generates a P-256 key for ES256.
func newStoredKey(created, activeFrom time.Time) (storedKey, error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return storedKey{}, err
	}
	k, err := jwk.FromRaw(priv)
	if err != nil {
		return storedKey{}, err
	}
	tp, err := k.Thumbprint(crypto.SHA256)
	if err != nil {
		return storedKey{}, err
	}
	k.Set(jwk.KeyIDKey, base64.RawURLEncoding.EncodeToString(tp))
	k.Set(jwk.AlgorithmKey, jwa.ES256)
	k.Set(jwk.KeyUsageKey, jwk.ForSignature)
	raw, err := json.Marshal(k)
	if err != nil {
		return storedKey{}, err
	}
	return storedKey{JWK: raw, Created: created.UTC(), ActiveFrom: activeFrom.UTC()}, nil
}

func parseKeyDoc(doc keyDoc, etag string) (*keySet, error) {
	if len(doc.Keys) == 0 {
		return nil, errors.New("provider: stored key set is empty")
	}
	set := &keySet{etag: etag}
	for _, sk := range doc.Keys {
		k, err := jwk.ParseKey(sk.JWK)
		if err != nil {
			return nil, fmt.Errorf("provider: stored key: %w", err)
		}
		var priv ecdsa.PrivateKey
		if err := k.Raw(&priv); err != nil {
			return nil, fmt.Errorf("provider: stored key: %w", err)
		}
		pub, err := jwk.PublicKeyOf(k)
		if err != nil {
			return nil, fmt.Errorf("provider: stored key: %w", err)
		}
		set.keys = append(set.keys, signingKey{kid: k.KeyID(), priv: &priv, pub: pub, activeFrom: sk.ActiveFrom})
	}
	return set, nil
}

// PublicKeys returns the public keys that tokens from this provider may
// be signed with (what the JWKS endpoint serves), for a verifier in the
// same process. The set is the caller's to keep.
func (p *Provider) PublicKeys(ctx context.Context) (jwk.Set, error) {
	set, err := p.keys.get(ctx)
	if err != nil {
		return nil, err
	}
	now := p.now()
	out := jwk.NewSet()
	for i, k := range set.keys {
		if !set.published(i, now) {
			continue
		}
		c, err := k.pub.Clone()
		if err != nil {
			return nil, err
		}
		if err := out.AddKey(c); err != nil {
			return nil, err
		}
	}
	return out, nil
}
