// Package s3 is the storage.Store kept in a MinIO bucket, through
// minio-go. It sits at the bottom of the request flow, below ldp, like
// storage/disk, and knows nothing of Solid.
//
// It relies on MinIO extensions to S3 (conditional PUT, and the
// X-Minio-Source-Etag and X-Minio-Source-Mtime headers that let a writer
// choose an object's ETag and time), so it needs a MinIO server, not just
// any S3 service.
//
// # Layout
//
// Both forms of a key ("/a/b" and "/a/b/") are stored in one object, named
// after the key without its leading and trailing slash: the file's body,
// or the empty marker object of a container. Since there is only one
// object, "/a/b" and "/a/b/" can never both exist, and MinIO's conditional
// PUT makes that check atomic.
//
// The children of a container live under a prefix formed by its segments,
// each followed by "~/": with Config.Prefix "pods/", the file "/alice/notes"
// is the object "pods/alice~/notes", the marker of "/alice/" is the object
// "pods/alice", and the children of "/alice/" are listed under
// "pods/alice~/". MinIO cannot list the children of "x/" while an object
// "x" exists; the suffix keeps every object name apart from every such
// directory, since a segment is escaped so that it never ends in "~"
// (see escape in names.go: "~" becomes "~7E", and a few names that MinIO
// reserves get one byte escaped).
//
// The root container "/" has no marker and always exists; its children
// are directly under Config.Prefix.
//
// # ETags and times
//
// Every Put gives the object a fresh ETag of its own making, rather than
// MinIO's MD5 of the body, so that the ETag also changes when only the
// content type does. The ETag holds 128 random bits, one of them telling a
// container from a file, followed by the content type, all in hex (see
// newETag). A plain listing, which gives each object's size, ETag and
// time, therefore describes each child fully. Since MinIO limits request
// headers to 8 KB, Put accepts content types of up to MaxContentType
// bytes.
//
// ModTime is set by the writer and kept to whole seconds (the precision of
// HTTP's Last-Modified), so Put, Stat, Get and List all report the same
// time without a further request.
//
// # Cost
//
// Stat is one HEAD and Get one GET, whose headers give Info. List of a
// container is a HEAD of its marker followed by one ListObjects, paged by
// 1,000 children, with no request per child, whether file or container.
// Put of a new key is a HEAD of the parent and a HEAD of the key (in
// parallel) and a PUT; Put with IfMatch is usually a single conditional
// PUT. Bodies larger than 16 MiB are sent as a multipart upload whose
// completion carries the conditions. Delete is a HEAD and a DELETE, plus a
// short ListObjects for a container and a PUT when it has conditions.
//
// # Concurrency
//
// A Store is safe for concurrent use by multiple goroutines, and several
// processes may share a bucket and prefix. Put is atomic across processes:
// each write is a PUT conditional on the ETag the writer saw (If-Match) or
// on absence (If-None-Match: *), retried when another writer wins, so no
// writer ever overwrites a change it has not seen, a file never replaces a
// container, and IfMatch and IfNoneMatch hold across processes.
//
// MinIO has no conditional DELETE. A Delete with conditions first turns
// the object into a tombstone with a conditional PUT, then deletes it (see
// Delete), so conditional Deletes are atomic across processes too. One
// gap remains: deleting a container checks that it is empty and then
// deletes its marker, so a child created in between by another process is
// left unreachable until the container is created again. Within one Store
// a per-key lock closes that gap.
package s3

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/seedpod/seedpod/storage"
)

// Config says where a Store keeps its objects.
type Config struct {
	// Endpoint is the MinIO server's "host:port". Required.
	Endpoint string
	// Bucket is the bucket to use, created by New if missing. Required.
	Bucket string
	// AccessKey and SecretKey are the credentials. Both empty means
	// anonymous access.
	AccessKey, SecretKey string
	// Secure makes the Store use HTTPS. The zero value uses plain HTTP.
	Secure bool
	// Prefix is prepended to every object name, so that several Stores
	// (or other data) can share a bucket, such as "seedpod/". A missing
	// trailing slash is added. No other object in the bucket may be named
	// like the prefix without its slash ("seedpod"). The zero value uses
	// the whole bucket.
	Prefix string
}

// Store is a storage.Store in a MinIO bucket. See the package comment for
// its layout and guarantees.
type Store struct {
	client *minio.Client
	core   minio.Core
	bucket string
	prefix string

	// partSize is the size of a multipart upload's parts, and the
	// largest body sent in a single PUT. Tests lower it.
	partSize int

	locks keyLocks
}

var _ storage.Store = (*Store)(nil)

// defaultPartSize is minio-go's own choice. MinIO needs at least 5 MiB.
const defaultPartSize = 16 << 20

// New returns a Store for cfg, creating the bucket if it does not exist.
// ctx bounds only the requests New itself makes.
func New(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Endpoint == "" || cfg.Bucket == "" {
		return nil, errors.New("s3: config needs an Endpoint and a Bucket")
	}
	tr, err := minio.DefaultTransport(cfg.Secure)
	if err != nil {
		return nil, fmt.Errorf("s3: %w", err)
	}
	// A pod server makes many concurrent requests to one host.
	tr.MaxIdleConnsPerHost = 256
	return newStore(ctx, cfg, tr)
}

// newStore is New with the HTTP transport to use. Tests pass one that
// counts requests.
func newStore(ctx context.Context, cfg Config, tr http.RoundTripper) (*Store, error) {
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:     credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:    cfg.Secure,
		Transport: tr,
	})
	if err != nil {
		return nil, fmt.Errorf("s3: %w", err)
	}
	prefix := strings.Trim(cfg.Prefix, "/")
	if prefix != "" {
		prefix += "/"
	}
	s := &Store{
		client:   client,
		core:     minio.Core{Client: client},
		bucket:   cfg.Bucket,
		prefix:   prefix,
		partSize: defaultPartSize,
	}
	if err := s.ensureBucket(ctx); err != nil {
		return nil, fmt.Errorf("s3: bucket %s: %w", cfg.Bucket, err)
	}
	return s, nil
}

// ensureBucket creates the bucket if it does not exist.
func (s *Store) ensureBucket(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil || ok {
		return err
	}
	err = s.client.MakeBucket(ctx, s.bucket, minio.MakeBucketOptions{})
	if code := minio.ToErrorResponse(err).Code; code == "BucketAlreadyOwnedByYou" || code == "BucketAlreadyExists" {
		return nil // another process created it meanwhile
	}
	return err
}

// kind is what an object holds.
type kind int

const (
	fileKind kind = iota
	containerKind
	// tombstoneKind marks an object that a conditional Delete is about
	// to remove. See delete.go.
	tombstoneKind
)

// kindOf returns the kind of object key names.
func kindOf(key storage.Key) kind {
	if key.IsContainer() {
		return containerKind
	}
	return fileKind
}

// containerType is the S3 content type of container markers, as other
// S3 tools write for directory markers. Only other tools see it: Info
// comes from the ETag.
const containerType = "application/x-directory"

// untypedType is the S3 content type of files put without one.
const untypedType = "application/octet-stream"

// stat describes an object as found in S3.
type stat struct {
	kind kind
	info storage.Info
}

// statOf describes the object of key from oi, as found by a HEAD, a GET
// or a listing. Everything but the size and time comes from the ETag (see
// newETag), so all three agree and a plain listing is enough.
func statOf(key storage.Key, oi minio.ObjectInfo) stat {
	k, contentType := parseETag(oi.ETag)
	if oi.Size != 0 {
		k = fileKind
	}
	return stat{kind: k, info: storage.Info{
		Key:         key,
		Size:        oi.Size,
		ContentType: contentType,
		ETag:        oi.ETag,
		ModTime:     oi.LastModified.Truncate(time.Second),
	}}
}

// newETag returns a fresh ETag for an object of kind k holding content
// of contentType: 128 random bits, of which the lowest two of the first
// byte give the kind, followed by the content type, all in hex (which is
// what MinIO expects of an ETag; it accepts any length).
//
// Carrying the content type and kind in the ETag lets a plain listing
// describe every child: MinIO can also list user metadata, but checks
// permissions twice per object to do so, which makes listing ten times
// slower. Knowing the kind from an ETag alone also lets Put send a single
// conditional PUT when IfMatch names a file's ETag, as no container can
// match it.
func newETag(k kind, contentType string) string {
	var b [16]byte
	rand.Read(b[:])
	b[0] = b[0]&^3 | byte(k)
	if k != fileKind {
		contentType = ""
	}
	return hex.EncodeToString(b[:]) + hex.EncodeToString([]byte(contentType))
}

// parseETag returns what an ETag from newETag tells: the kind of object,
// and the content type. Other ETags, such as those of objects written by
// other programs, are files' with no content type.
func parseETag(etag string) (kind, string) {
	if len(etag) < 32 {
		return fileKind, ""
	}
	b, err := hex.DecodeString(etag)
	if err != nil || !utf8.Valid(b[16:]) {
		return fileKind, ""
	}
	switch k := kind(b[0] & 3); {
	case k == fileKind:
		return fileKind, string(b[16:])
	case (k == containerKind || k == tombstoneKind) && len(b) == 16:
		return k, ""
	}
	return fileKind, ""
}

// isFileETag reports whether etag is one that newETag gives files, in
// canonical form.
func isFileETag(etag string) bool {
	if len(etag) < 32 || strings.ToLower(etag) != etag {
		return false
	}
	b, err := hex.DecodeString(etag)
	return err == nil && kind(b[0]&3) == fileKind
}

// checkConditions applies cond to the current state of a key: whether it
// exists (in the form the key names), and its ETag if so.
func checkConditions(cond storage.Conditions, exists bool, etag string) error {
	if cond.IfMatch != "" && (!exists || cond.IfMatch != "*" && cond.IfMatch != etag) {
		return storage.ErrPrecondition
	}
	if cond.IfNoneMatch != "" && exists && (cond.IfNoneMatch == "*" || cond.IfNoneMatch == etag) {
		return storage.ErrPrecondition
	}
	return nil
}

// head describes the object called name as the object of key, with one
// HEAD request. It reports false if there is no such object.
func (s *Store) head(ctx context.Context, key storage.Key, name string) (stat, bool, error) {
	oi, err := s.client.StatObject(ctx, s.bucket, name, minio.StatObjectOptions{})
	if err != nil {
		if isNotFound(err) {
			return stat{}, false, nil
		}
		return stat{}, false, err
	}
	return statOf(key, oi), true, nil
}

// S3 error codes that matter here.
const (
	codeNoSuchKey          = "NoSuchKey"
	codePreconditionFailed = "PreconditionFailed"
)

// isNotFound reports a missing object (not a missing bucket).
func isNotFound(err error) bool {
	r := minio.ToErrorResponse(err)
	return r.Code == codeNoSuchKey || r.StatusCode == http.StatusNotFound && r.Code != "NoSuchBucket"
}

// isPreconditionFailed reports a failed If-Match or If-None-Match.
func isPreconditionFailed(err error) bool {
	r := minio.ToErrorResponse(err)
	return r.Code == codePreconditionFailed || r.StatusCode == http.StatusPreconditionFailed
}

// opError wraps err with the operation and key. Errors from S3 keep their
// text and type for logs (errors.As finds a minio.ErrorResponse) but are
// always wrapped, never returned bare.
func opError(op string, key storage.Key, err error) error {
	return fmt.Errorf("s3: %s %q: %w", op, key, err)
}

// keyLocks serialises operations on the same object within one Store, so
// that Delete's check-then-delete is atomic with respect to this Store's
// other calls and a container is not deleted while this Store puts a
// child into it. Put takes its parent's lock shared and its own
// exclusively, Delete its own exclusively; locks are taken parent first,
// so they cannot deadlock.
type keyLocks struct {
	mu sync.Mutex
	m  map[string]*keyLock
}

type keyLock struct {
	sync.RWMutex
	refs int
}

// lock locks name, shared or exclusively, and returns the unlock function.
func (l *keyLocks) lock(name string, shared bool) func() {
	l.mu.Lock()
	if l.m == nil {
		l.m = make(map[string]*keyLock)
	}
	k := l.m[name]
	if k == nil {
		k = &keyLock{}
		l.m[name] = k
	}
	k.refs++
	l.mu.Unlock()
	if shared {
		k.RLock()
	} else {
		k.Lock()
	}
	return func() {
		if shared {
			k.RUnlock()
		} else {
			k.Unlock()
		}
		l.mu.Lock()
		if k.refs--; k.refs == 0 {
			delete(l.m, name)
		}
		l.mu.Unlock()
	}
}
