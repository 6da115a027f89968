package s3

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/minio/minio-go/v7"

	"github.com/seedpod/seedpod/storage"
)

// rootInfo describes the root container, which has no marker object. Its
// body never changes, so neither does its ETag: a container's (see
// newETag) that no Put can produce, being all zeros but the kind.
var rootInfo = storage.Info{Key: "/", ETag: "01000000000000000000000000000000"}

// Stat implements storage.Store.
func (s *Store) Stat(ctx context.Context, key storage.Key) (storage.Info, error) {
	if err := storage.CheckKey(key); err != nil {
		return storage.Info{}, fmt.Errorf("s3: stat: %w", err)
	}
	if key == "/" {
		return rootInfo, nil
	}
	name, err := s.object(key)
	if err != nil {
		return storage.Info{}, opError("stat", key, err)
	}
	st, ok, err := s.head(ctx, key, name)
	if err != nil {
		return storage.Info{}, opError("stat", key, err)
	}
	if !ok || st.kind != kindOf(key) {
		return storage.Info{}, opError("stat", key, storage.ErrNotExist)
	}
	return st.info, nil
}

// Get implements storage.Store. The returned Object reads with ctx: it
// must stay alive while the Object is in use.
func (s *Store) Get(ctx context.Context, key storage.Key) (storage.Object, error) {
	if err := storage.CheckKey(key); err != nil {
		return nil, fmt.Errorf("s3: get: %w", err)
	}
	if key == "/" {
		return &object{info: rootInfo}, nil
	}
	name, err := s.object(key)
	if err != nil {
		return nil, opError("get", key, err)
	}
	// One GET gives both the body and, in its headers, the Info.
	body, oi, _, err := s.core.GetObject(ctx, s.bucket, name, minio.GetObjectOptions{})
	if err != nil {
		if isNotFound(err) {
			err = fmt.Errorf("%w (%w)", storage.ErrNotExist, err)
		}
		return nil, opError("get", key, err)
	}
	st := statOf(key, oi)
	if st.kind != kindOf(key) {
		body.Close()
		return nil, opError("get", key, storage.ErrNotExist)
	}
	if st.kind == containerKind {
		body.Close()
		body = nil
	}
	return &object{ctx: ctx, s: s, name: name, info: st.info, body: body}, nil
}

// object is a storage.Object reading one version of an S3 object. It
// reads the body of the GET that opened it until a Seek moves elsewhere;
// the next Read then asks for the rest from there with a ranged GET,
// conditional on the same ETag, so that the bytes always come from the
// version described by Info.
type object struct {
	ctx  context.Context
	s    *Store
	name string
	info storage.Info

	body io.ReadCloser // nil when closed or not yet reopened
	off  int64         // offset of body's next byte
	pos  int64         // offset of the next Read
}

// maxSkip is how far forward a Seek may move within an open body by
// reading and discarding, rather than by a new request.
const maxSkip = 64 << 10

// errChanged reports that the object was replaced after it was opened.
var errChanged = errors.New("s3: object changed while reading")

func (o *object) Info() storage.Info { return o.info }

func (o *object) Read(p []byte) (int, error) {
	if o.pos >= o.info.Size {
		return 0, io.EOF
	}
	if o.body != nil && o.off != o.pos {
		if skip := o.pos - o.off; skip > 0 && skip <= maxSkip {
			n, err := io.CopyN(io.Discard, o.body, skip)
			o.off += n
			if err != nil {
				o.closeBody()
			}
		} else {
			o.closeBody()
		}
	}
	if o.body == nil {
		if err := o.open(); err != nil {
			return 0, err
		}
	}
	n, err := o.body.Read(p)
	o.pos += int64(n)
	o.off += int64(n)
	if err == io.EOF && o.pos < o.info.Size {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

// open starts reading at pos.
func (o *object) open() error {
	var opts minio.GetObjectOptions
	if err := opts.SetRange(o.pos, o.info.Size-1); err != nil {
		return err
	}
	if err := opts.SetMatchETag(o.info.ETag); err != nil {
		return err
	}
	body, _, _, err := o.s.core.GetObject(o.ctx, o.s.bucket, o.name, opts)
	if err != nil {
		if isPreconditionFailed(err) || isNotFound(err) {
			err = fmt.Errorf("%w (%w)", errChanged, err)
		}
		return opError("get", o.info.Key, err)
	}
	o.body, o.off = body, o.pos
	return nil
}

func (o *object) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += o.pos
	case io.SeekEnd:
		offset += o.info.Size
	default:
		return 0, errors.New("s3: seek: invalid whence")
	}
	if offset < 0 {
		return 0, errors.New("s3: seek: negative position")
	}
	o.pos = offset
	return offset, nil
}

func (o *object) Close() error {
	o.closeBody()
	return nil
}

// closeBody closes the open body. If little of it is left, it is read
// first: net/http reuses a connection only once its response body has been
// read to the end.
func (o *object) closeBody() {
	if o.body == nil {
		return
	}
	if left := o.info.Size - o.off; left <= maxSkip {
		io.CopyN(io.Discard, o.body, left+1)
	}
	o.body.Close()
	o.body = nil
}
