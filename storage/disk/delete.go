package disk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"syscall"

	"github.com/seedpod/seedpod/storage"
)

// Delete implements storage.Store.
func (s *Store) Delete(ctx context.Context, key storage.Key, cond storage.Conditions) error {
	if err := storage.CheckKey(key); err != nil {
		return keyError("delete", err)
	}
	if key == "/" {
		return opError("delete", key, fmt.Errorf("%w: the root cannot be deleted", storage.ErrInvalidKey))
	}
	if err := ctxErr(ctx); err != nil {
		return opError("delete", key, err)
	}
	p := path(key)
	dir, name := split(p)
	mu := s.lock(p)
	var err error
	if key.IsContainer() {
		err = s.deleteDir(key, p, cond)
	} else {
		err = s.deleteFile(key, p, cond)
	}
	if err == nil {
		s.cache.remove(dir, name)
		s.touch(dir)
	}
	mu.Unlock()
	if err == nil {
		err = s.syncDir(dir)
	}
	if err != nil {
		return opError("delete", key, err)
	}
	return nil
}

// deleteFile removes the file of key at p; the caller holds its lock.
func (s *Store) deleteFile(key storage.Key, p string, cond storage.Conditions) error {
	// Root.Remove removes empty directories too: "/a" must not remove
	// "/a/".
	fi, err := s.root.Lstat(p)
	if err == nil && !fi.Mode().IsRegular() {
		err = fs.ErrNotExist
	}
	if err != nil {
		err = notExist(err)
		if errors.Is(err, fs.ErrNotExist) && cond.IfMatch != "" {
			return storage.ErrPrecondition
		}
		return err
	}
	if hasConditions(cond) {
		if err := s.check(key, cond); err != nil {
			return err
		}
	}
	return notExist(s.root.Remove(p))
}

// deleteDir removes the directory of container key at p; the caller holds
// its lock.
func (s *Store) deleteDir(key storage.Key, p string, cond storage.Conditions) error {
	info, err := s.statDir(key, p)
	if errors.Is(err, fs.ErrNotExist) && cond.IfMatch != "" {
		return storage.ErrPrecondition
	}
	if err != nil {
		return err
	}
	if err := checkConditions(cond, true, info.ETag); err != nil {
		return err
	}
	err = s.root.Remove(p)
	if isNotEmpty(err) && s.removeStaleTemps(p) {
		err = s.root.Remove(p)
	}
	if isNotEmpty(err) {
		return storage.ErrNotEmpty
	}
	if err != nil {
		return notExist(err)
	}
	s.cache.removeDir(p)
	return nil
}

func isNotEmpty(err error) bool {
	return errors.Is(err, syscall.ENOTEMPTY) || errors.Is(err, syscall.EEXIST)
}

// removeStaleTemps removes the temporary files a crash left in directory
// p, and reports whether p holds nothing else. A temporary file of this
// process means a Put is under way, so p is not empty.
func (s *Store) removeStaleTemps(p string) bool {
	d, err := s.root.Open(p)
	if err != nil {
		return false
	}
	defer d.Close()
	var stale []string
	for {
		ents, err := d.ReadDir(64)
		for _, e := range ents {
			if !isTemp(e.Name()) {
				return false
			}
			fi, err := e.Info()
			if err != nil || !s.isStaleTemp(fi) {
				return false
			}
			stale = append(stale, join(p, e.Name()))
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return false
		}
	}
	for _, t := range stale {
		s.root.Remove(t)
	}
	return true
}
