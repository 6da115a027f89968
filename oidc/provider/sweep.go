package provider

import (
	"context"
	"errors"
	"time"

	"github.com/seedpod/seedpod/storage"
)

// Sweep deletes expired authorization codes and refresh tokens from the
// store (the ones never presented again stay otherwise) and reports how
// many it deleted. It is safe to run from several processes at once;
// callers run it every hour or so.
func (p *Provider) Sweep(ctx context.Context) (int, error) {
	n := 0
	now := p.now()
	for _, prefix := range []string{codesPrefix, refreshPrefix} {
		for info, err := range p.store.List(ctx, storage.Key(prefix)) {
			if errors.Is(err, storage.ErrNotExist) {
				break // nothing stored yet
			}
			if err != nil {
				return n, err
			}
			if info.Key.IsContainer() {
				continue
			}
			var rec struct {
				Expires time.Time `json:"expires"`
			}
			etag, err := p.getJSON(ctx, info.Key, &rec)
			if errors.Is(err, storage.ErrNotExist) {
				continue // redeemed meanwhile
			}
			if err != nil {
				return n, err
			}
			if now.Before(rec.Expires) {
				continue
			}
			err = p.store.Delete(ctx, info.Key, storage.Conditions{IfMatch: etag})
			if err != nil && !conflict(err) {
				return n, err
			}
			if err == nil {
				n++
			}
		}
	}
	return n, nil
}

// Prefixes are the path prefixes the provider serves, for a router in
// front of it: the discovery document and everything under .oidc/ below
// the issuer's path.
func (p *Provider) Prefixes() []string {
	return []string{p.discoveryPath, p.base.Path + ".oidc/"}
}
