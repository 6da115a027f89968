package s3

import (
	"context"
	"fmt"

	"github.com/minio/minio-go/v7"

	"github.com/seedpod/seedpod/storage"
)

// Delete implements storage.Store.
func (s *Store) Delete(ctx context.Context, key storage.Key, cond storage.Conditions) error {
	if err := storage.CheckKey(key); err != nil {
		return fmt.Errorf("s3: delete: %w", err)
	}
	if key == "/" {
		return fmt.Errorf("s3: delete %q: the root cannot be deleted: %w", key, storage.ErrInvalidKey)
	}
	name, err := s.object(key)
	if err != nil {
		return opError("delete", key, err)
	}
	defer s.locks.lock(name, false)()
	if err := s.delete(ctx, key, name, cond); err != nil {
		return opError("delete", key, err)
	}
	return nil
}

func (s *Store) delete(ctx context.Context, key storage.Key, name string, cond storage.Conditions) error {
	st, ok, err := s.head(ctx, key, name)
	if err != nil {
		return err
	}
	exists := ok && st.kind == kindOf(key)
	if !exists {
		if cond.IfMatch != "" {
			return storage.ErrPrecondition
		}
		return storage.ErrNotExist
	}
	if err := checkConditions(cond, true, st.info.ETag); err != nil {
		return err
	}
	if st.kind == containerKind {
		empty, err := s.isEmpty(ctx, key)
		if err != nil {
			return err
		}
		if !empty {
			return storage.ErrNotEmpty
		}
	}
	return s.client.RemoveObject(ctx, s.bucket, name, minio.RemoveObjectOptions{})
}

// isEmpty reports whether container key has no children. It looks for
// any object below the container, at any depth: a descendant left behind
// by a race between processes (see "Concurrency") keeps it non-empty, so
// that it stays reachable.
func (s *Store) isEmpty(ctx context.Context, key storage.Key) (bool, error) {
	opts := minio.ListObjectsOptions{Prefix: s.dir(key), Recursive: true, MaxKeys: 1}
	for oi := range s.client.ListObjectsIter(ctx, s.bucket, opts) {
		if oi.Err != nil {
			return false, oi.Err
		}
		return false, nil
	}
	// minio-go ends a listing quietly when ctx is done.
	if err := context.Cause(ctx); err != nil {
		return false, err
	}
	return true, nil
}
