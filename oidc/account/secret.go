package account

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/seedpod/seedpod/storage"
)

// secretKey is the HMAC key of the CSRF tokens, shared by every process
// on one store: created once at /.internal/secrets/account-hmac with
// IfNoneMatch "*", so a process that loses the race reads the winner's.
// It never changes, so each process keeps it once read.
type secretKey struct {
	svc *Service

	mu  sync.Mutex
	key []byte
}

func (k *secretKey) get(ctx context.Context) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.key != nil {
		return k.key, nil
	}
	s := k.svc
	if err := s.setup(ctx); err != nil {
		return nil, err
	}
	for range 3 {
		if key, err := k.read(ctx); err == nil {
			k.key = key
			return key, nil
		} else if !errors.Is(err, storage.ErrNotExist) {
			return nil, err
		}
		fresh := make([]byte, 32)
		rand.Read(fresh)
		_, err := s.store.Put(ctx, hmacKeyKey, strings.NewReader(string(fresh)), "application/octet-stream", storage.Conditions{IfNoneMatch: "*"})
		if err == nil {
			k.key = fresh
			return fresh, nil
		}
		if !errors.Is(err, storage.ErrPrecondition) {
			return nil, fmt.Errorf("account: HMAC key: %w", err)
		}
	}
	return nil, errors.New("account: HMAC key: cannot create or read")
}

func (k *secretKey) read(ctx context.Context) ([]byte, error) {
	obj, err := k.svc.store.Get(ctx, hmacKeyKey)
	if err != nil {
		return nil, err
	}
	defer obj.Close()
	b, err := io.ReadAll(io.LimitReader(obj, 1024))
	if err != nil {
		return nil, err
	}
	if len(b) < 32 {
		return nil, errors.New("account: HMAC key too short")
	}
	return b, nil
}
