package provider

import (
	"context"
	"crypto/rand"
	"errors"
	"sync"

	"github.com/seedpod/seedpod/storage"
)

// secret is the HMAC key for CSRF tokens, created once in the store
// (create-only, so processes agree) and cached for good.
type secret struct {
	p   *Provider
	mu  sync.Mutex
	key []byte
}

type secretDoc struct {
	Key []byte `json:"key"`
}

func (s *secret) get(ctx context.Context) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.key != nil {
		return s.key, nil
	}
	for range 3 {
		var doc secretDoc
		_, err := s.p.getJSON(ctx, secretKey, &doc)
		if err == nil && len(doc.Key) >= 32 {
			s.key = doc.Key
			return s.key, nil
		}
		if err == nil {
			return nil, errors.New("provider: stored secret is too short")
		}
		if !errors.Is(err, storage.ErrNotExist) {
			return nil, err
		}
		doc.Key = make([]byte, 32)
		rand.Read(doc.Key)
		if _, err := s.p.putJSON(ctx, secretKey, doc, storage.Conditions{IfNoneMatch: "*"}); err != nil && !lostCreate(err) {
			return nil, err
		}
	}
	return nil, errors.New("provider: secret keeps changing")
}
