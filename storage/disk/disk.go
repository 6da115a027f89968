// Package disk is the default storage.Store: resources are files under a
// root directory, and containers are directories. It sits at the bottom of
// the request flow, below ldp, and knows nothing of Solid.
//
// # Layout
//
// Key "/a/b" is the file "a/b" under the root; container "/a/" is the
// directory "a"; the root container "/" is the root directory itself. Every
// file starts with a small header holding the content type, ETag, body size
// and modification time, followed by the body (see header.go), so one
// rename replaces body and metadata together.
//
// A write goes to a temporary file in the target's directory, is synced,
// and is renamed over the target; the directory is then synced. A crash
// therefore leaves either the old resource or the new one, never a partial
// one. Temporary files are named "tmp\" plus random hex digits: storage
// keys cannot contain a backslash, so these names never collide with a
// resource, and List skips them. Those left behind by a crash are removed
// when List or Delete meets them.
//
// A container's ETag and ModTime come from its directory's mtime, which the
// Store sets from a strictly increasing clock whenever a child is added,
// replaced or removed, so the ETag changes with every such change even on
// filesystems with coarse timestamps.
//
// All paths are resolved through an os.Root: keys are checked with
// storage.ValidKey first, and symbolic links leading out of the root
// directory are never followed.
//
// # Concurrency
//
// A Store is safe for concurrent use by multiple goroutines. Conditional
// writes are atomic within one process only (a per-key lock guards each
// check-and-rename): the root directory must be served by a single process,
// and must not be modified behind its back while it runs, since List caches
// the metadata of the files it has seen and only this Store's own writes
// invalidate that cache.
package disk

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"hash/maphash"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/seedpod/seedpod/storage"
)

// Store is a storage.Store keeping files under a root directory. See the
// package comment for its layout and guarantees.
type Store struct {
	root  *os.Root
	start time.Time // temporary files older than this are stale

	// last is the last time, in Unix nanoseconds, handed out by now.
	last atomic.Int64

	seed  maphash.Seed
	locks [256]sync.Mutex

	cache metaCache

	// sync is false only in tests that create many files quickly.
	sync bool
}

var _ storage.Store = (*Store)(nil)

// New returns a Store keeping its files under the directory root, which it
// creates if missing. Call Close when done.
func New(root string) (*Store, error) {
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, fmt.Errorf("disk: %w", err)
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, fmt.Errorf("disk: %w", err)
	}
	s := &Store{
		root:  r,
		start: time.Now(),
		seed:  maphash.MakeSeed(),
		cache: newMetaCache(maxCached),
		sync:  true,
	}
	s.last.Store(s.start.UnixNano())
	return s, nil
}

// Close releases the root directory. The Store must not be used after.
func (s *Store) Close() error { return s.root.Close() }

// path returns the slash-separated path of key relative to the root
// directory: "." for "/", "a/b" for "/a/b" and "/a/b/". The key must be
// valid.
func path(key storage.Key) string {
	p := strings.TrimSuffix(string(key)[1:], "/")
	if p == "" {
		return "."
	}
	return p
}

// split returns the directory and base name of a path from path. The root
// "." has no directory.
func split(p string) (dir, name string) {
	i := strings.LastIndexByte(p, '/')
	if i < 0 {
		return ".", p
	}
	return p[:i], p[i+1:]
}

// join is the inverse of split.
func join(dir, name string) string {
	if dir == "." {
		return name
	}
	return dir + "/" + name
}

// lock locks the stripe for the path p. Both forms of a key ("/a" and
// "/a/") share a path and so a lock.
func (s *Store) lock(p string) *sync.Mutex {
	mu := &s.locks[maphash.String(s.seed, p)%uint64(len(s.locks))]
	mu.Lock()
	return mu
}

// now returns the current time, strictly after any time it returned
// before, so that stamping a directory with it always changes its ETag.
func (s *Store) now() time.Time {
	for {
		last := s.last.Load()
		t := time.Now().UnixNano()
		if t <= last {
			t = last + 1
		}
		if s.last.CompareAndSwap(last, t) {
			return time.Unix(0, t)
		}
	}
}

// touch stamps directory dir with a new mtime, changing its ETag.
func (s *Store) touch(dir string) error {
	t := s.now()
	return s.root.Chtimes(dir, t, t)
}

// syncDir makes the entries of directory dir durable.
func (s *Store) syncDir(dir string) error {
	if !s.sync {
		return nil
	}
	d, err := s.root.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// dirInfo describes the container key from its directory's FileInfo.
func dirInfo(key storage.Key, fi fs.FileInfo) storage.Info {
	return storage.Info{Key: key, ETag: dirETag(fi.ModTime()), ModTime: fi.ModTime()}
}

// dirETag derives a container's ETag from its directory's mtime.
func dirETag(t time.Time) string {
	return "d" + strconv.FormatInt(t.UnixNano(), 36)
}

// fileETag formats the stored hash of a file's body and content type.
func fileETag(sum [etagSize]byte) string {
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// statDir describes container key, stored at path p. It returns
// ErrNotExist if p is missing or not a directory.
func (s *Store) statDir(key storage.Key, p string) (storage.Info, error) {
	fi, err := s.root.Lstat(p)
	if err != nil {
		return storage.Info{}, notExist(err)
	}
	if !fi.IsDir() {
		return storage.Info{}, fs.ErrNotExist
	}
	return dirInfo(key, fi), nil
}

// checkConditions applies cond to the current state of a key: whether it
// exists, and its ETag if so.
func checkConditions(cond storage.Conditions, exists bool, etag string) error {
	if cond.IfMatch != "" && (!exists || cond.IfMatch != "*" && cond.IfMatch != etag) {
		return storage.ErrPrecondition
	}
	if cond.IfNoneMatch != "" && exists && (cond.IfNoneMatch == "*" || cond.IfNoneMatch == etag) {
		return storage.ErrPrecondition
	}
	return nil
}

func hasConditions(cond storage.Conditions) bool {
	return cond.IfMatch != "" || cond.IfNoneMatch != ""
}

// notExist maps "a path element is not a directory" to ErrNotExist: for a
// key "/a/b", a file "/a" means the container "/a/" does not exist.
func notExist(err error) error {
	if errors.Is(err, syscall.ENOTDIR) {
		return fmt.Errorf("%w (%w)", fs.ErrNotExist, err)
	}
	return err
}

// isTemp reports whether a directory entry is a temporary file.
func isTemp(name string) bool { return strings.HasPrefix(name, tempPrefix) }

// tempPrefix starts the name of every temporary file. It holds a
// backslash, which no storage key may contain.
const tempPrefix = `tmp\`

// isStaleTemp reports whether fi is a temporary file left by an earlier
// process. Temporary files of this process are younger than the Store.
func (s *Store) isStaleTemp(fi fs.FileInfo) bool {
	return fi.Mode().IsRegular() && fi.ModTime().Before(s.start)
}

// validName reports whether a directory entry can be a resource name,
// that is the last segment of a valid key.
func validName(name string) bool {
	return name != "." && name != ".." && name != "" && len(name) <= storage.MaxSegment &&
		!strings.ContainsAny(name, "\\\x00") && utf8.ValidString(name)
}

func keyError(op string, err error) error {
	return fmt.Errorf("disk: %s: %w", op, err)
}

func opError(op string, key storage.Key, err error) error {
	return fmt.Errorf("disk: %s %q: %w", op, key, err)
}

func ctxErr(ctx context.Context) error { return context.Cause(ctx) }
