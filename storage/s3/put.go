package s3

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/seedpod/seedpod/storage"
)

// maxAttempts bounds the compare-and-swap loop of an unconditional Put
// that keeps losing to other writers of the same key.
const maxAttempts = 50

// errContention reports a Put that lost maxAttempts races in a row.
var errContention = errors.New("s3: too many concurrent writers")

// errSourceETag reports a server that ignored X-Minio-Source-Etag: not a
// MinIO server, or one too old.
var errSourceETag = errors.New("s3: server ignored X-Minio-Source-Etag; a MinIO server is required")

// Put implements storage.Store.
func (s *Store) Put(ctx context.Context, key storage.Key, r io.Reader, contentType string, cond storage.Conditions) (storage.Info, error) {
	if err := storage.CheckKey(key); err != nil {
		return storage.Info{}, fmt.Errorf("s3: put: %w", err)
	}
	if key == "/" {
		// The root always exists and has no marker to write.
		if err := checkConditions(cond, true, rootInfo.ETag); err != nil {
			return storage.Info{}, opError("put", key, err)
		}
		return rootInfo, nil
	}
	name, err := s.object(key)
	if err != nil {
		return storage.Info{}, opError("put", key, err)
	}
	k := kindOf(key)
	if k == containerKind {
		contentType = ""
	}
	if len(contentType) > MaxContentType {
		return storage.Info{}, opError("put", key, errLongType)
	}
	w := &write{
		key:   key,
		name:  name,
		kind:  k,
		etag:  newETag(k, contentType),
		mtime: time.Now().Truncate(time.Second),
	}
	w.opts = minio.PutObjectOptions{
		ContentType: contentType,
		Internal: minio.AdvancedPutOptions{
			SourceETag:  w.etag,
			SourceMTime: w.mtime,
		},
	}
	switch {
	case k == containerKind:
		w.opts.ContentType = containerType
	case contentType == "" || !plainHeader(contentType) || len(contentType) > maxHeaderType:
		// Info takes the content type from the ETag; the header is for
		// other S3 clients only, and must be one HTTP allows.
		w.opts.ContentType = untypedType
	}
	if w.kind == fileKind && r != nil {
		// Read the body, or its first part, before sending anything, so
		// that a failing reader changes nothing.
		if err := w.readFirst(r, s.partSize); err != nil {
			return storage.Info{}, opError("put", key, err)
		}
	}

	if parent, _ := key.Parent(); parent != "/" {
		pname, _ := s.object(parent) // valid: shorter than name
		defer s.locks.lock(pname, true)()
	}
	defer s.locks.lock(name, false)()

	size, err := s.put(ctx, w, cond)
	if err != nil {
		return storage.Info{}, opError("put", key, err)
	}
	return storage.Info{Key: key, Size: size, ContentType: contentType, ETag: w.etag, ModTime: w.mtime}, nil
}

// MaxContentType is the longest content type, in bytes, that Put
// accepts. The content type is part of the ETag (see "ETags and times" in
// the package comment), and MinIO limits a request's headers, which may
// hold two ETags, to 8 KB.
const MaxContentType = 1024

// errLongType reports a content type longer than MaxContentType.
var errLongType = fmt.Errorf("s3: content type longer than %d bytes", MaxContentType)

// maxHeaderType bounds the content type sent as the object's S3
// Content-Type header.
const maxHeaderType = 512

// plainHeader reports whether v can be sent as an HTTP header value as is:
// printable ASCII and tabs.
func plainHeader(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < 0x20 && c != '\t') || c > 0x7e {
			return false
		}
	}
	return true
}

// write is one Put in progress.
type write struct {
	key   storage.Key
	name  string
	kind  kind
	etag  string
	mtime time.Time
	opts  minio.PutObjectOptions

	first []byte    // the body, or its first part if rest is not nil
	rest  io.Reader // the remainder of a body longer than one part
}

// readFirst reads the body up to one part. If there is more, rest keeps
// the reader for a multipart upload.
func (w *write) readFirst(r io.Reader, partSize int) error {
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(r, int64(partSize)+1))
	if err != nil {
		return fmt.Errorf("reading body: %w", err)
	}
	w.first = buf.Bytes()
	if n > int64(partSize) {
		w.first, w.rest = w.first[:partSize], io.MultiReader(bytes.NewReader(w.first[partSize:]), r)
	}
	return nil
}

// put writes w under cond and returns the size written. See "Concurrency"
// in the package comment.
func (s *Store) put(ctx context.Context, w *write, cond storage.Conditions) (int64, error) {
	var up upload
	if w.rest == nil {
		up = &singleUpload{s: s, w: w}
	} else {
		m := &multipartUpload{s: s, w: w}
		defer m.abort()
		if err := m.start(ctx); err != nil {
			return 0, err
		}
		up = m
	}

	// IfMatch with a file's ETag on a file: MinIO's If-Match decides
	// alone. It cannot match a container, whose ETags differ, and a
	// missing key fails it too, parent or not.
	if w.kind == fileKind && isFileETag(cond.IfMatch) {
		err := up.commit(ctx, precondition{ifMatch: cond.IfMatch, ifNoneMatch: cond.IfNoneMatch})
		if isPreconditionFailed(err) || isNotFound(err) {
			// MinIO answers If-Match on a missing key with 404
			// NoSuchKey, not 412.
			return 0, fmt.Errorf("%w (%w)", storage.ErrPrecondition, err)
		}
		return up.size(), err
	}

	// Create-only: one conditional PUT once the parent is known to exist.
	if cond.IfNoneMatch == "*" && cond.IfMatch == "" {
		if err := s.checkParent(ctx, w.key); err != nil {
			return 0, err
		}
		err := up.commit(ctx, precondition{ifNoneMatch: "*"})
		if !isPreconditionFailed(err) {
			return up.size(), err
		}
		// The object exists: as this key, as its other form, or as a
		// tombstone, which the loop below waits for.
		st, ok, herr := s.head(ctx, w.key, w.name)
		switch {
		case herr != nil:
			return 0, herr
		case ok && st.kind == w.kind:
			return 0, fmt.Errorf("%w (%w)", storage.ErrPrecondition, err)
		case ok && st.kind != tombstoneKind:
			return 0, fmt.Errorf("%w: %s", storage.ErrExist, otherForm(w.key))
		}
	}

	// Everything else is a compare-and-swap: read the current state,
	// check cond against it, and write conditionally on that state, again
	// until no other writer got in between.
	for attempt := 1; ; attempt++ {
		st, exists, err := s.current(ctx, w, cond.IfMatch == "")
		if err != nil {
			return 0, err
		}
		tomb := exists && st.kind == tombstoneKind
		if err := checkConditions(cond, exists && st.kind == w.kind, st.info.ETag); err != nil {
			return 0, err
		}
		if exists && !tomb && st.kind != w.kind {
			return 0, fmt.Errorf("%w: %s", storage.ErrExist, otherForm(w.key))
		}
		if !tomb || isStale(st) {
			pre := precondition{ifNoneMatch: "*"}
			if exists {
				pre = precondition{ifMatch: st.info.ETag}
			}
			err = up.commit(ctx, pre)
			if err == nil {
				return up.size(), nil
			}
			if !isPreconditionFailed(err) && !isNotFound(err) {
				return 0, err
			}
		} else {
			// A Delete is under way: wait until it is done.
			err = fmt.Errorf("waiting for a delete to finish")
		}
		if attempt == maxAttempts {
			return 0, fmt.Errorf("%w (%w)", errContention, err)
		}
		if err := backoff(ctx, attempt); err != nil {
			return 0, err
		}
	}
}

// current returns the state of w's object and, if checkParent, checks
// that w's parent container exists. The two requests run in parallel.
func (s *Store) current(ctx context.Context, w *write, checkParent bool) (stat, bool, error) {
	var perr error
	done := make(chan struct{})
	if checkParent {
		go func() {
			defer close(done)
			perr = s.checkParent(ctx, w.key)
		}()
	} else {
		close(done)
	}
	st, exists, err := s.head(ctx, w.key, w.name)
	<-done
	if err != nil {
		return stat{}, false, err
	}
	if perr != nil && !(exists && st.kind == w.kind) {
		// An existing key has a parent; a missing parent matters only
		// for a key that is missing too.
		return stat{}, false, perr
	}
	return st, exists, nil
}

// checkParent returns ErrNotExist if the container holding key does not
// exist.
func (s *Store) checkParent(ctx context.Context, key storage.Key) error {
	parent, _ := key.Parent()
	if parent == "/" {
		return nil
	}
	name, _ := s.object(parent)
	st, ok, err := s.head(ctx, parent, name)
	if err != nil {
		return err
	}
	if !ok || st.kind != containerKind {
		return fmt.Errorf("%w: parent %s", storage.ErrNotExist, parent)
	}
	return nil
}

// otherForm returns "/a/" for "/a" and the reverse.
func otherForm(key storage.Key) storage.Key {
	if key.IsContainer() {
		return key[:len(key)-1]
	}
	return key + "/"
}

// backoff sleeps a little longer after each lost race, with jitter so
// that racing writers spread out.
func backoff(ctx context.Context, attempt int) error {
	d := time.Duration(rand.Int64N(int64(time.Millisecond) << min(attempt, 7)))
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// precondition is what MinIO checks when committing a write.
type precondition struct {
	ifMatch     string
	ifNoneMatch string
}

func (p precondition) apply(opts *minio.PutObjectOptions) {
	if p.ifMatch != "" {
		opts.SetMatchETag(p.ifMatch)
	}
	if p.ifNoneMatch != "" {
		opts.SetMatchETagExcept(p.ifNoneMatch)
	}
}

// upload sends a body and commits it under a precondition; commit may be
// retried with another precondition after it fails one.
type upload interface {
	commit(ctx context.Context, p precondition) error
	size() int64
}

// singleUpload sends a body of at most one part in one PUT, again on
// every commit.
type singleUpload struct {
	s *Store
	w *write
}

func (u *singleUpload) size() int64 { return int64(len(u.w.first)) }

func (u *singleUpload) commit(ctx context.Context, p precondition) error {
	opts := u.w.opts
	p.apply(&opts)
	info, err := u.s.core.PutObject(ctx, u.s.bucket, u.w.name, bytes.NewReader(u.w.first), int64(len(u.w.first)), "", "", opts)
	if err != nil {
		return err
	}
	if info.ETag != u.w.etag {
		return errSourceETag
	}
	return nil
}

// multipartUpload sends the parts of a large body once, in start; each
// commit is a CompleteMultipartUpload carrying the precondition, which
// MinIO checks atomically with making the object visible.
type multipartUpload struct {
	s     *Store
	w     *write
	id    string
	parts []minio.CompletePart
	n     int64
	done  bool
}

func (u *multipartUpload) size() int64 { return u.n }

func (u *multipartUpload) start(ctx context.Context) error {
	id, err := u.s.core.NewMultipartUpload(ctx, u.s.bucket, u.w.name, u.w.opts)
	if err != nil {
		return err
	}
	u.id = id
	buf := u.w.first
	r := u.w.rest
	for num := 1; ; num++ {
		part, err := u.s.core.PutObjectPart(ctx, u.s.bucket, u.w.name, u.id, num, bytes.NewReader(buf), int64(len(buf)), minio.PutObjectPartOptions{})
		if err != nil {
			return err
		}
		u.parts = append(u.parts, minio.CompletePart{PartNumber: num, ETag: part.ETag})
		u.n += int64(len(buf))
		if r == nil {
			return nil
		}
		if num == 1 {
			buf = make([]byte, u.s.partSize) // do not overwrite w.first's backing array
		}
		n, err := io.ReadFull(r, buf[:cap(buf)])
		switch {
		case err == io.EOF:
			return nil
		case err == io.ErrUnexpectedEOF:
			buf, r = buf[:n], nil
		case err != nil:
			return fmt.Errorf("reading body: %w", err)
		default:
			buf = buf[:n]
		}
	}
}

func (u *multipartUpload) commit(ctx context.Context, p precondition) error {
	opts := u.w.opts
	p.apply(&opts)
	info, err := u.s.core.CompleteMultipartUpload(ctx, u.s.bucket, u.w.name, u.id, u.parts, opts)
	if err != nil {
		return err
	}
	u.done = true
	if info.ETag != u.w.etag {
		return errSourceETag
	}
	return nil
}

// abort discards the parts of an upload that was not committed.
func (u *multipartUpload) abort() {
	if u.done || u.id == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	u.s.core.AbortMultipartUpload(ctx, u.s.bucket, u.w.name, u.id)
}
