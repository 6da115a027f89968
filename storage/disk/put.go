package disk

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/seedpod/seedpod/storage"
)

// Put implements storage.Store.
func (s *Store) Put(ctx context.Context, key storage.Key, r io.Reader, contentType string, cond storage.Conditions) (storage.Info, error) {
	if err := storage.CheckKey(key); err != nil {
		return storage.Info{}, keyError("put", err)
	}
	var info storage.Info
	var err error
	if key.IsContainer() {
		info, err = s.putDir(key, cond)
	} else {
		info, err = s.putFile(ctx, key, r, contentType, cond)
	}
	if err != nil {
		return storage.Info{}, opError("put", key, err)
	}
	return info, nil
}

// current returns the state of non-container key for checking conditions:
// its ETag, or ErrNotExist.
func (s *Store) current(key storage.Key) (string, error) {
	f, info, err := s.openFile(key)
	if err != nil {
		return "", err
	}
	f.Close()
	return info.ETag, nil
}

// check applies cond to non-container key.
func (s *Store) check(key storage.Key, cond storage.Conditions) error {
	etag, err := s.current(key)
	exists := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return checkConditions(cond, exists, etag)
}

func (s *Store) putFile(ctx context.Context, key storage.Key, r io.Reader, contentType string, cond storage.Conditions) (storage.Info, error) {
	if len(contentType) > maxContentType {
		return storage.Info{}, errors.New("content type too long")
	}
	if r == nil {
		r = eofReader{}
	}
	p := path(key)
	dir, name := split(p)

	// Fail early, before reading the body; checked again below.
	if hasConditions(cond) {
		if err := s.check(key, cond); err != nil {
			return storage.Info{}, err
		}
	}
	tmp, m, err := s.writeTemp(dir, r, contentType)
	if err != nil {
		return storage.Info{}, err
	}
	committed := false
	defer func() {
		if !committed {
			s.root.Remove(tmp)
		}
	}()
	if err := ctxErr(ctx); err != nil {
		return storage.Info{}, err
	}

	mu := s.lock(p)
	if hasConditions(cond) {
		if err := s.check(key, cond); err != nil {
			mu.Unlock()
			return storage.Info{}, err
		}
	}
	err = s.root.Rename(tmp, p)
	if err == nil {
		committed = true
		s.cache.set(dir, name, m)
		// The write is done; a failure to stamp the directory only
		// delays the change of the container's ETag.
		s.touch(dir)
	}
	mu.Unlock()
	if err != nil {
		if errors.Is(err, syscall.EEXIST) || errors.Is(err, syscall.EISDIR) || errors.Is(err, syscall.ENOTEMPTY) {
			// A directory is in the way: "/a/" exists.
			return storage.Info{}, fmt.Errorf("%w: a container has this name", storage.ErrExist)
		}
		return storage.Info{}, notExist(err)
	}
	if err := s.syncDir(dir); err != nil {
		return storage.Info{}, err
	}
	return m.info(key), nil
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// copyBufs holds buffers for writing files: the header and, for small
// bodies, the whole body, so that most files take one write.
var copyBufs = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// writeTemp writes a complete, synced file holding the body read from r
// to a new temporary file in dir, and returns its path and metadata.
func (s *Store) writeTemp(dir string, r io.Reader, contentType string) (_ string, m meta, err error) {
	var f *os.File
	var tmp string
	for range 3 {
		tmp = join(dir, tempPrefix+strconv.FormatUint(rand.Uint64(), 16))
		f, err = s.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if !errors.Is(err, fs.ErrExist) {
			break
		}
	}
	if err != nil {
		// A missing parent directory is a missing parent container.
		return "", meta{}, notExist(err)
	}
	defer func() {
		if err != nil {
			f.Close()
			s.root.Remove(tmp)
		}
	}()

	h := sha256.New()
	var n [2]byte
	binary.BigEndian.PutUint16(n[:], uint16(len(contentType)))
	h.Write(n[:])
	h.Write([]byte(contentType))

	bp := copyBufs.Get().(*[]byte)
	defer copyBufs.Put(bp)
	buf := *bp
	hlen := headerLen(contentType)
	if hlen > len(buf)/2 {
		buf = make([]byte, 2*hlen)
	}

	// Read the start of the body after the header.
	filled := hlen
	var rerr error
	for filled < len(buf) && rerr == nil {
		var k int
		k, rerr = r.Read(buf[filled:])
		filled += k
	}
	if rerr != nil && rerr != io.EOF {
		return "", meta{}, rerr
	}
	h.Write(buf[hlen:filled])
	size := int64(filled - hlen)
	if rerr == io.EOF {
		// The whole body fits: write header and body at once.
		m = finish(buf, h, size, contentType, s.now())
		if _, err := f.Write(buf[:filled]); err != nil {
			return "", meta{}, err
		}
	} else {
		// Write a blank header and what was read, copy the rest, then fill
		// in the header.
		clear(buf[:hlen])
		if _, err := f.Write(buf[:filled]); err != nil {
			return "", meta{}, err
		}
		k, err := copyHashing(f, h, r, buf)
		if err != nil {
			return "", meta{}, err
		}
		size += k
		m = finish(buf, h, size, contentType, s.now())
		if _, err := f.WriteAt(buf[:hlen], 0); err != nil {
			return "", meta{}, err
		}
	}
	if s.sync {
		if err := f.Sync(); err != nil {
			return "", meta{}, err
		}
	}
	if err := f.Close(); err != nil {
		return "", meta{}, err
	}
	return tmp, m, nil
}

// copyHashing copies r to f and h using buf, returning the count.
func copyHashing(f *os.File, h hash.Hash, r io.Reader, buf []byte) (int64, error) {
	var total int64
	for {
		n, rerr := r.Read(buf)
		if n > 0 {
			h.Write(buf[:n])
			if _, err := f.Write(buf[:n]); err != nil {
				return total, err
			}
			total += int64(n)
		}
		if rerr == io.EOF {
			return total, nil
		}
		if rerr != nil {
			return total, rerr
		}
	}
}

// finish completes the header in buf and returns the file's metadata.
func finish(buf []byte, h hash.Hash, size int64, contentType string, t time.Time) meta {
	var full [sha256.Size]byte
	var sum [etagSize]byte
	copy(sum[:], h.Sum(full[:0]))
	putHeader(buf, size, t.UnixNano(), sum, contentType)
	return meta{size: size, modTime: t.UnixNano(), etag: fileETag(sum), contentType: contentType}
}

func (s *Store) putDir(key storage.Key, cond storage.Conditions) (storage.Info, error) {
	p := path(key)
	mu := s.lock(p)
	defer mu.Unlock()
	info, err := s.statDir(key, p)
	exists := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return storage.Info{}, err
	}
	if err := checkConditions(cond, exists, info.ETag); err != nil {
		return storage.Info{}, err
	}
	if exists {
		return info, nil
	}
	if err := s.root.Mkdir(p, 0o755); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return storage.Info{}, fmt.Errorf("%w: a resource has this name", storage.ErrExist)
		}
		return storage.Info{}, notExist(err)
	}
	dir, name := split(p)
	s.touch(p)
	s.touch(dir)
	s.cache.remove(dir, name)
	s.cache.removeDir(p)
	if err := s.syncDir(dir); err != nil {
		return storage.Info{}, err
	}
	// Read the mtime back: the filesystem may keep less than nanoseconds.
	return s.statDir(key, p)
}
