package s3

import (
	"context"
	"fmt"
	"iter"
	"strings"

	"github.com/minio/minio-go/v7"

	"github.com/seedpod/seedpod/storage"
)

// List implements storage.Store. A key that does not name a container
// yields ErrNotExist.
func (s *Store) List(ctx context.Context, key storage.Key) iter.Seq2[storage.Info, error] {
	return func(yield func(storage.Info, error) bool) {
		if err := storage.CheckKey(key); err != nil {
			yield(storage.Info{}, fmt.Errorf("s3: list: %w", err))
			return
		}
		if !key.IsContainer() {
			yield(storage.Info{}, opError("list", key, fmt.Errorf("%w: not a container key", storage.ErrNotExist)))
			return
		}
		if key != "/" {
			name, err := s.object(key)
			if err != nil {
				yield(storage.Info{}, opError("list", key, err))
				return
			}
			st, ok, err := s.head(ctx, key, name)
			if err == nil && (!ok || st.kind != containerKind) {
				err = storage.ErrNotExist
			}
			if err != nil {
				yield(storage.Info{}, opError("list", key, err))
				return
			}
		}
		dir := s.dir(key)
		noOwner := false
		// A plain listing describes each child fully (see newETag), so no
		// child needs a HEAD.
		opts := minio.ListObjectsOptions{Prefix: dir, FetchOwner: &noOwner}
		for oi := range s.client.ListObjectsIter(ctx, s.bucket, opts) {
			if oi.Err != nil {
				yield(storage.Info{}, opError("list", key, oi.Err))
				return
			}
			if strings.HasSuffix(oi.Key, "/") {
				// A common prefix: the children of a child container,
				// which is listed through its marker object instead.
				continue
			}
			st := statOf("", oi)
			if st.kind == tombstoneKind {
				continue // being deleted
			}
			k, ok := child(key, dir, oi.Key, st.kind == containerKind)
			if !ok {
				continue // not written by a Store
			}
			st.info.Key = k
			if !yield(st.info, nil) {
				return
			}
		}
		// minio-go ends a listing quietly when ctx is done; a caller
		// must not take that for the whole container.
		if err := context.Cause(ctx); err != nil {
			yield(storage.Info{}, opError("list", key, err))
		}
	}
}
