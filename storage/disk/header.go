package disk

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"
)

// Every file starts with this header, followed by the body. Integers are
// big-endian.
//
//	offset  size  field
//	0       4     magic "spd1"
//	4       4     header length H; the body starts at offset H
//	8       8     body size in bytes
//	16      8     modification time, Unix nanoseconds
//	24      16    ETag: SHA-256 of content type and body, truncated
//	40      2     content type length n
//	42      n     content type
//
// H is 42+n. The header is written before the body with its size, time and
// ETag zeroed, and completed once the body is written, before the file is
// synced and renamed into place.
const (
	magic          = "spd1"
	fixedHeader    = 42
	etagSize       = 16
	maxContentType = 1<<16 - 1
)

// meta is a file's metadata as kept in its header.
type meta struct {
	size        int64
	modTime     int64 // Unix nanoseconds
	etag        string
	contentType string
}

// headerLen is the length of the header for a content type.
func headerLen(contentType string) int { return fixedHeader + len(contentType) }

// putHeader writes the header for m into b, which must be
// headerLen(m.contentType) bytes long; sum is the raw ETag.
func putHeader(b []byte, size, modTime int64, sum [etagSize]byte, contentType string) {
	copy(b, magic)
	binary.BigEndian.PutUint32(b[4:], uint32(headerLen(contentType)))
	binary.BigEndian.PutUint64(b[8:], uint64(size))
	binary.BigEndian.PutUint64(b[16:], uint64(modTime))
	copy(b[24:40], sum[:])
	binary.BigEndian.PutUint16(b[40:], uint16(len(contentType)))
	copy(b[fixedHeader:], contentType)
}

var errBadHeader = errors.New("disk: bad file header")

// parseHeader decodes the header at the start of b. It returns the header
// length, or, if b is too short to hold the whole header, the length
// needed and a nil error with a zero meta; callers read more and retry.
func parseHeader(b []byte) (m meta, hlen int, err error) {
	if len(b) < fixedHeader {
		return meta{}, 0, errBadHeader
	}
	if string(b[:4]) != magic {
		return meta{}, 0, errBadHeader
	}
	hlen = int(binary.BigEndian.Uint32(b[4:]))
	if hlen < fixedHeader || hlen > fixedHeader+maxContentType {
		return meta{}, 0, errBadHeader
	}
	if len(b) < hlen {
		return meta{}, hlen, nil
	}
	n := int(binary.BigEndian.Uint16(b[40:]))
	if fixedHeader+n != hlen {
		return meta{}, 0, errBadHeader
	}
	size := int64(binary.BigEndian.Uint64(b[8:]))
	if size < 0 {
		return meta{}, 0, errBadHeader
	}
	var sum [etagSize]byte
	copy(sum[:], b[24:40])
	return meta{
		size:        size,
		modTime:     int64(binary.BigEndian.Uint64(b[16:])),
		etag:        fileETag(sum),
		contentType: string(b[fixedHeader:hlen]),
	}, hlen, nil
}

// readerAt is the part of *os.File that readHeader needs.
type readerAt interface {
	ReadAt(p []byte, off int64) (int, error)
}

// readHeader reads and decodes the header of f using buf, which should
// hold at least a few hundred bytes.
func readHeader(f readerAt, buf []byte) (meta, int, error) {
	n, err := f.ReadAt(buf, 0)
	if n < fixedHeader {
		if err == nil || err == io.EOF {
			err = errBadHeader
		}
		return meta{}, 0, err
	}
	m, hlen, err := parseHeader(buf[:n])
	if err != nil || m.etag != "" {
		return m, hlen, err
	}
	// A long content type: read the whole header.
	big := make([]byte, hlen)
	if _, err := f.ReadAt(big, 0); err != nil {
		return meta{}, 0, fmt.Errorf("%w: %w", errBadHeader, err)
	}
	return parseHeader(big)
}

func (m meta) time() time.Time { return time.Unix(0, m.modTime) }
