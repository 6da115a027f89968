package s3

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/seedpod/seedpod/storage"
)

// staleTombstone is how long a tombstone keeps writers of its key
// waiting. A Delete removes its tombstone right after writing it; one
// older than this was left by a process that died in between, and is
// overwritten like any deleted key.
const staleTombstone = 30 * time.Second

// Delete implements storage.Store.
//
// MinIO has no conditional DELETE. A Delete with conditions therefore
// first replaces the object, with a PUT conditional on the ETag it
// checked, by a tombstone: an empty object whose ETag says so and which
// every method takes for a missing key. Once that PUT succeeds no other
// writer can change the object unseen (a Put waits for the tombstone to
// go), and the DELETE that follows removes only the tombstone. So two
// processes cannot both win a conditional Delete, and a conditional Delete
// never removes a version it did not check.
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
	for attempt := 1; ; attempt++ {
		st, ok, err := s.head(ctx, key, name)
		if err != nil {
			return err
		}
		if !ok || st.kind != kindOf(key) {
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
		if cond == (storage.Conditions{}) {
			return s.client.RemoveObject(ctx, s.bucket, name, minio.RemoveObjectOptions{})
		}
		err = s.putTombstone(ctx, name, st.info.ETag)
		if err == nil {
			// The key is deleted for every reader now; if this DELETE
			// fails, the tombstone goes stale and is overwritten later.
			s.client.RemoveObject(ctx, s.bucket, name, minio.RemoveObjectOptions{})
			return nil
		}
		if !isPreconditionFailed(err) && !isNotFound(err) {
			return err
		}
		// The object changed since the HEAD: check again.
		if attempt == maxAttempts {
			return fmt.Errorf("%w (%w)", errContention, err)
		}
		if err := backoff(ctx, attempt); err != nil {
			return err
		}
	}
}

// putTombstone replaces object name, if its ETag is still etag, by a
// tombstone.
func (s *Store) putTombstone(ctx context.Context, name, etag string) error {
	opts := minio.PutObjectOptions{
		ContentType: untypedType,
		Internal: minio.AdvancedPutOptions{
			SourceETag:  newETag(tombstoneKind, ""),
			SourceMTime: time.Now().Truncate(time.Second),
		},
	}
	opts.SetMatchETag(etag)
	_, err := s.core.PutObject(ctx, s.bucket, name, bytes.NewReader(nil), 0, "", "", opts)
	return err
}

// isStale reports whether a tombstone was left by a Delete that died.
func isStale(st stat) bool {
	return st.kind == tombstoneKind && time.Since(st.info.ModTime) > staleTombstone
}

// isEmpty reports whether container key has no children. It looks for
// any object below the container, at any depth: a descendant left behind
// by a race between processes (see "Concurrency") keeps it non-empty, so
// that it stays reachable. Tombstones do not count.
func (s *Store) isEmpty(ctx context.Context, key storage.Key) (bool, error) {
	opts := minio.ListObjectsOptions{Prefix: s.dir(key), Recursive: true, MaxKeys: 2}
	for oi := range s.client.ListObjectsIter(ctx, s.bucket, opts) {
		if oi.Err != nil {
			return false, oi.Err
		}
		if statOf("", oi).kind != tombstoneKind {
			return false, nil
		}
	}
	// minio-go ends a listing quietly when ctx is done.
	if err := context.Cause(ctx); err != nil {
		return false, err
	}
	return true, nil
}
