package disk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"sync"
	"syscall"

	"github.com/seedpod/seedpod/storage"
)

// headerBufs holds buffers for reading headers; most headers are far
// shorter than this.
var headerBufs = sync.Pool{New: func() any { b := make([]byte, 512); return &b }}

// Stat implements storage.Store.
func (s *Store) Stat(ctx context.Context, key storage.Key) (storage.Info, error) {
	if err := storage.CheckKey(key); err != nil {
		return storage.Info{}, keyError("stat", err)
	}
	var info storage.Info
	var err error
	if key.IsContainer() {
		info, err = s.statDir(key, path(key))
	} else {
		var f openedFile
		f, info, err = s.openFile(key)
		if err == nil {
			f.Close()
		}
	}
	if err != nil {
		return storage.Info{}, opError("stat", key, err)
	}
	return info, nil
}

// Get implements storage.Store.
func (s *Store) Get(ctx context.Context, key storage.Key) (storage.Object, error) {
	if err := storage.CheckKey(key); err != nil {
		return nil, keyError("get", err)
	}
	if key.IsContainer() {
		info, err := s.statDir(key, path(key))
		if err != nil {
			return nil, opError("get", key, err)
		}
		return &emptyObject{Reader: strings.NewReader(""), info: info}, nil
	}
	f, info, err := s.openFile(key)
	if err != nil {
		return nil, opError("get", key, err)
	}
	return &object{SectionReader: io.NewSectionReader(f, f.hlen, info.Size), f: f.File, info: info}, nil
}

// openedFile is a resource file opened for reading.
type openedFile struct {
	*os.File
	hlen int64 // where the body starts
}

// openFile opens the file for non-container key and reads its header. It
// returns ErrNotExist if there is no such file, including when the key's
// path is a directory.
func (s *Store) openFile(key storage.Key) (openedFile, storage.Info, error) {
	f, err := s.root.Open(path(key))
	if err != nil {
		return openedFile{}, storage.Info{}, notExist(err)
	}
	bp := headerBufs.Get().(*[]byte)
	m, hlen, err := readHeader(f, *bp)
	headerBufs.Put(bp)
	if err == nil {
		// Catch truncated files (a disk problem, not a crash: files are
		// renamed into place only once complete and synced).
		var fi fs.FileInfo
		if fi, err = f.Stat(); err == nil && fi.Size() != int64(hlen)+m.size {
			err = fmt.Errorf("%w: file has %d bytes, header says %d", errBadHeader, fi.Size(), int64(hlen)+m.size)
		}
	}
	if err != nil {
		f.Close()
		if errors.Is(err, syscall.EISDIR) {
			// "/a" when "/a/" exists.
			err = fs.ErrNotExist
		}
		return openedFile{}, storage.Info{}, err
	}
	return openedFile{f, int64(hlen)}, m.info(key), nil
}

func (m meta) info(key storage.Key) storage.Info {
	return storage.Info{Key: key, Size: m.size, ContentType: m.contentType, ETag: m.etag, ModTime: m.time()}
}

// object is the storage.Object of a file: a window on its body.
type object struct {
	*io.SectionReader
	f    *os.File
	info storage.Info
}

func (o *object) Info() storage.Info { return o.info }
func (o *object) Close() error       { return o.f.Close() }

// emptyObject is the storage.Object of a container.
type emptyObject struct {
	*strings.Reader
	info storage.Info
}

func (o *emptyObject) Info() storage.Info { return o.info }
func (o *emptyObject) Close() error       { return nil }
