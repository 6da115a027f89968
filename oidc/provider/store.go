package provider

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/seedpod/seedpod/storage"
)

// Keys under which the provider keeps its state. The names below the
// collections are SHA-256 hex digests of what a client presents, so no
// stored name is a usable secret and any presented string maps to a
// valid key.
const (
	keyPrefix      = "/.internal/oidc/"
	keysKey        = storage.Key(keyPrefix + "keys")
	secretKey      = storage.Key(keyPrefix + "secret")
	clientsPrefix  = keyPrefix + "clients/"
	codesPrefix    = keyPrefix + "codes/"
	refreshPrefix  = keyPrefix + "refresh/"
	consentsPrefix = keyPrefix + "consents/"
)

// maxRecord bounds what is read back from storage.
const maxRecord = 1 << 20

// digest is the hex SHA-256 of s, used to name stored records.
func digest(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// randomToken returns n random bytes as unpadded base64url.
func randomToken(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// getJSON reads the JSON record at key into v and returns its ETag.
// A missing record is storage.ErrNotExist.
func (p *Provider) getJSON(ctx context.Context, key storage.Key, v any) (string, error) {
	obj, err := p.store.Get(ctx, key)
	if err != nil {
		return "", err
	}
	defer obj.Close()
	data, err := io.ReadAll(io.LimitReader(obj, maxRecord+1))
	if err != nil {
		return "", fmt.Errorf("provider: read %s: %w", key, err)
	}
	if len(data) > maxRecord {
		return "", fmt.Errorf("provider: read %s: record too large", key)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return "", fmt.Errorf("provider: decode %s: %w", key, err)
	}
	return obj.Info().ETag, nil
}

// putJSON writes v as JSON at key under cond and returns the new ETag.
func (p *Provider) putJSON(ctx context.Context, key storage.Key, v any, cond storage.Conditions) (string, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("provider: encode %s: %w", key, err)
	}
	info, err := p.store.Put(ctx, key, bytes.NewReader(data), "application/json", cond)
	if errors.Is(err, storage.ErrNotExist) && cond.IfMatch == "" {
		// The parent containers do not exist yet (storage.Store.Put).
		if err = p.makeParents(ctx, key); err == nil {
			info, err = p.store.Put(ctx, key, bytes.NewReader(data), "application/json", cond)
		}
	}
	if err != nil {
		return "", err
	}
	return info.ETag, nil
}

// makeParents creates the missing containers above key, top down. A
// container that another process created meanwhile is fine.
func (p *Provider) makeParents(ctx context.Context, key storage.Key) error {
	var missing []storage.Key
	for k, ok := key.Parent(); ok && k != "/"; k, ok = k.Parent() {
		if _, err := p.store.Stat(ctx, k); err == nil {
			break
		}
		missing = append(missing, k)
	}
	for i := len(missing) - 1; i >= 0; i-- {
		_, err := p.store.Put(ctx, missing[i], nil, "", storage.Conditions{IfNoneMatch: "*"})
		if err != nil && !errors.Is(err, storage.ErrPrecondition) && !errors.Is(err, storage.ErrExist) {
			return err
		}
	}
	return nil
}

// conflict reports whether err means a conditional write or delete lost a
// race (or the record is already gone).
func conflict(err error) bool {
	return errors.Is(err, storage.ErrPrecondition) || errors.Is(err, storage.ErrExist) ||
		errors.Is(err, storage.ErrNotExist)
}

// lostCreate reports whether a create-only Put failed because the key
// exists.
func lostCreate(err error) bool {
	return errors.Is(err, storage.ErrPrecondition) || errors.Is(err, storage.ErrExist)
}

// spend reads the single-use record at key into v, lets check accept or
// refuse it, and then replaces it with spent() — the record marked as
// used — on the condition that nobody changed it meanwhile, so that of
// several callers racing, in one process or several, exactly one spends
// it. It returns storage.ErrNotExist if the record is missing or another
// caller spent it first, and check's error if check refuses (the record
// then stays as it was).
func (p *Provider) spend(ctx context.Context, key storage.Key, v any, check func() error, spent func() any) error {
	etag, err := p.getJSON(ctx, key, v)
	if err != nil {
		return err
	}
	if err := check(); err != nil {
		return err
	}
	if _, err := p.putJSON(ctx, key, spent(), storage.Conditions{IfMatch: etag}); err != nil {
		if conflict(err) {
			return storage.ErrNotExist
		}
		return err
	}
	return nil
}
