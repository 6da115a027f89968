package disk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"

	"github.com/seedpod/seedpod/storage"
)

// listBatch is how many directory entries List reads at a time.
const listBatch = 256

// List implements storage.Store. Listing a key that is not a container key
// yields ErrInvalidKey.
func (s *Store) List(ctx context.Context, key storage.Key) iter.Seq2[storage.Info, error] {
	return func(yield func(storage.Info, error) bool) {
		if err := storage.CheckKey(key); err != nil {
			yield(storage.Info{}, keyError("list", err))
			return
		}
		if !key.IsContainer() {
			yield(storage.Info{}, opError("list", key, fmt.Errorf("%w: not a container", storage.ErrInvalidKey)))
			return
		}
		if err := s.list(ctx, key, yield); err != nil {
			yield(storage.Info{}, opError("list", key, err))
		}
	}
}

// list yields the children of container key, and returns an error that
// stops the listing. It returns nil if yield asks to stop.
func (s *Store) list(ctx context.Context, key storage.Key, yield func(storage.Info, error) bool) error {
	p := path(key)
	// A Root for the directory lets each child be opened relative to it,
	// without resolving the directory's path again.
	dir, err := s.root.OpenRoot(p)
	if err != nil {
		// OpenRoot's error for a file is not ENOTDIR: look.
		if fi, lerr := s.root.Lstat(p); lerr != nil || !fi.IsDir() {
			return fmt.Errorf("%w (%w)", fs.ErrNotExist, err)
		}
		return err
	}
	defer dir.Close()
	rd, err := dir.Open(".")
	if err != nil {
		return notExist(err)
	}
	defer rd.Close()
	d, err := openListDir(dir, rd)
	if err != nil {
		return err
	}
	defer d.Close()

	buf := headerBufs.Get().(*[]byte)
	defer headerBufs.Put(buf)
	for {
		if err := ctxErr(ctx); err != nil {
			return err
		}
		ents, rerr := d.ReadDir(listBatch)
		for _, e := range ents {
			name := e.Name()
			var info storage.Info
			switch {
			case !validName(name):
				if isTemp(name) {
					s.removeIfStale(dir, name)
				}
				continue
			case e.Type().IsRegular():
				m, ok, tok := s.cache.lookup(p, name)
				if !ok {
					var err error
					m, err = d.readMeta(name, *buf)
					if errors.Is(err, fs.ErrNotExist) {
						continue // deleted since ReadDir
					}
					if err != nil {
						if !yield(storage.Info{}, opError("list", key+storage.Key(name), err)) {
							return nil
						}
						continue
					}
					s.cache.add(p, name, m, tok)
				}
				info = m.info(key + storage.Key(name))
			case e.IsDir():
				fi, err := dir.Lstat(name)
				if errors.Is(err, fs.ErrNotExist) {
					continue
				}
				if err != nil {
					if !yield(storage.Info{}, opError("list", key+storage.Key(name+"/"), err)) {
						return nil
					}
					continue
				}
				info = dirInfo(key+storage.Key(name+"/"), fi)
			default:
				// Symbolic links and other special files are not
				// resources.
				continue
			}
			if !yield(info, nil) {
				return nil
			}
		}
		if rerr == io.EOF {
			return nil
		}
		if rerr != nil {
			return notExist(rerr)
		}
	}
}

// removeIfStale removes temporary file name in dir if a crash left it.
func (s *Store) removeIfStale(dir *os.Root, name string) {
	if fi, err := dir.Lstat(name); err == nil && s.isStaleTemp(fi) {
		dir.Remove(name)
	}
}
