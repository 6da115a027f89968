// Package storage keeps bytes under keys. It is the bottom of the request
// flow (oidc → ldp → acl → ldp → storage) and knows nothing of Solid: no RDF,
// no ACLs, no containment triples. ldp maps resource URLs to Keys and gives
// them Solid semantics.
//
// A Key is an absolute, canonical, slash-separated path such as
// "/alice/profile/card". A Key ending in "/" names a container: a container
// exists once it has been Put (with an empty body) and stays until it is
// Deleted, whether or not it has children. "/" is the root container of a
// Store and always exists.
//
// Backends live in subpackages (storage/disk, storage/s3); every backend
// passes the contract in storage/storagetest.
package storage

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"iter"
	"strings"
	"time"
	"unicode/utf8"
)

// Sentinel errors returned (wrapped) by every Store. ErrNotExist and ErrExist
// are the io/fs ones, so errors from package os match them too.
var (
	// ErrNotExist: the key does not exist.
	ErrNotExist = fs.ErrNotExist
	// ErrExist: the write would create something that already exists in
	// another form, such as "/a" when "/a/" exists or the reverse.
	ErrExist = fs.ErrExist
	// ErrPrecondition: an IfMatch or IfNoneMatch condition failed.
	ErrPrecondition = errors.New("storage: precondition failed")
	// ErrInvalidKey: the key is not a valid Key (see ValidKey).
	ErrInvalidKey = errors.New("storage: invalid key")
	// ErrNotEmpty: Delete of a container that still has children.
	ErrNotEmpty = errors.New("storage: container not empty")
)

// MaxSegment is the longest path segment, in bytes, that a Key may hold. It
// fits the 255-byte name limit of common filesystems with room for the
// disk backend's temporary-file suffix.
const MaxSegment = 200

// Key names a resource in a Store. See the package comment for its syntax.
type Key string

// IsContainer reports whether k names a container (ends in "/").
func (k Key) IsContainer() bool { return strings.HasSuffix(string(k), "/") }

// Parent returns the container holding k, and false for the root "/".
func (k Key) Parent() (Key, bool) {
	s := strings.TrimSuffix(string(k), "/")
	if s == "" {
		return "", false
	}
	return Key(s[:strings.LastIndexByte(s, '/')+1]), true
}

// Name returns the last segment of k, without a trailing slash. The root
// has the empty name.
func (k Key) Name() string {
	s := strings.TrimSuffix(string(k), "/")
	return s[strings.LastIndexByte(s, '/')+1:]
}

// ValidKey reports whether k is a canonical Key: it starts with "/", has no
// empty segment (no "//") except the trailing one of a container, no "." or
// ".." segment, no NUL or backslash, is valid UTF-8, and no segment is
// longer than MaxSegment bytes. Names that merely start with dots, such as
// "..notes", are valid.
func ValidKey(k Key) bool {
	s := string(k)
	if !strings.HasPrefix(s, "/") || !utf8.ValidString(s) || strings.ContainsAny(s, "\x00\\") {
		return false
	}
	if s == "/" {
		return true
	}
	s = strings.TrimSuffix(s[1:], "/")
	for seg := range strings.SplitSeq(s, "/") {
		if seg == "" || seg == "." || seg == ".." || len(seg) > MaxSegment {
			return false
		}
	}
	return true
}

// Info describes a stored resource.
type Info struct {
	// Key is the resource's key.
	Key Key
	// Size is the length of the body in bytes (0 for containers).
	Size int64
	// ContentType is the media type given to Put ("" for containers).
	ContentType string
	// ETag is an opaque, strong validator without quotes. It changes
	// whenever the body or content type changes.
	ETag string
	// ModTime is when the resource was last written.
	ModTime time.Time
}

// Conditions are preconditions on a write. The zero value has none.
type Conditions struct {
	// IfMatch, when set, requires the current ETag to equal it; a missing
	// key fails the condition.
	IfMatch string
	// IfNoneMatch "*" requires that the key does not exist yet. Other
	// values require the current ETag (if any) to differ from it.
	IfNoneMatch string
}

// Object is an open resource body. Callers must Close it.
type Object interface {
	io.ReadSeekCloser
	// Info describes the object that was opened.
	Info() Info
}

// Store keeps bytes under Keys. Implementations are safe for concurrent
// use by multiple goroutines, and, where a backend says so, by multiple
// processes sharing the same underlying storage.
//
// Every method returns ErrInvalidKey (wrapped) for a key that fails
// ValidKey, before touching storage.
type Store interface {
	// Stat describes key. It returns ErrNotExist if key does not exist.
	// Stat("/") always succeeds.
	Stat(ctx context.Context, key Key) (Info, error)

	// Get opens key for reading; the caller closes the Object. A Seek on
	// the Object allows Range requests without reading what is skipped.
	// It returns ErrNotExist if key does not exist. Getting a container
	// yields an empty body.
	Get(ctx context.Context, key Key) (Object, error)

	// Put stores the bytes of r under key with contentType, replacing any
	// previous body atomically: readers see either the old or the new
	// body, never a mix or a partial one, even after a crash. A key that
	// names a container is created with an empty body (r may be nil).
	// The parent container must exist, else ErrNotExist. Put returns
	// ErrExist if the other form of the key exists ("/a" versus "/a/"),
	// and ErrPrecondition when cond fails; the condition check and the
	// write are one atomic step, also across processes where the backend
	// supports several. On error nothing is changed.
	Put(ctx context.Context, key Key, r io.Reader, contentType string, cond Conditions) (Info, error)

	// Delete removes key. It returns ErrNotExist if key does not exist,
	// ErrNotEmpty for a container that still has children, and
	// ErrPrecondition when cond fails. The root "/" cannot be deleted
	// (ErrInvalidKey).
	Delete(ctx context.Context, key Key, cond Conditions) error

	// List yields the direct children of container key in one pass, in no
	// particular order; child containers have keys ending in "/". It
	// yields a single ErrNotExist error if the container does not exist.
	// The listing is read incrementally, so memory stays flat however
	// many children there are.
	List(ctx context.Context, key Key) iter.Seq2[Info, error]
}

// CheckKey returns a wrapped ErrInvalidKey if k is not valid.
func CheckKey(k Key) error {
	if !ValidKey(k) {
		return &KeyError{Key: k}
	}
	return nil
}

// KeyError reports an invalid key.
type KeyError struct{ Key Key }

func (e *KeyError) Error() string { return "storage: invalid key " + quote(string(e.Key)) }

// Unwrap makes errors.Is(err, ErrInvalidKey) true.
func (e *KeyError) Unwrap() error { return ErrInvalidKey }

func quote(s string) string {
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return "\"" + strings.ToValidUTF8(s, "?") + "\""
}
