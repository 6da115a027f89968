package account

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/seedpod/seedpod/storage"
	"github.com/seedpod/seedpod/storage/disk"
	"github.com/seedpod/seedpod/storage/s3"
	"github.com/seedpod/seedpod/storage/s3/miniotest"
)

// minio is the MinIO server the tests share; each test takes a bucket.
var minio *miniotest.Server

func TestMain(m *testing.M) {
	s, stop, err := miniotest.StartMain()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	minio = s
	code := m.Run()
	stop()
	os.Exit(code)
}

// backends are the stores tests that touch storage semantics run on.
var backends = []struct {
	name string
	open func(t *testing.T) storage.Store
}{
	{"disk", diskStore},
	{"minio", minioStore},
}

func diskStore(t *testing.T) storage.Store {
	t.Helper()
	st, err := disk.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func minioStore(t *testing.T) storage.Store {
	t.Helper()
	st, err := s3.New(context.Background(), s3.Config{
		Endpoint: minio.Endpoint, Bucket: minio.NewBucket(t),
		AccessKey: minio.AccessKey, SecretKey: minio.SecretKey, Secure: minio.Secure,
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func diskStoreB(b *testing.B) storage.Store {
	b.Helper()
	st, err := disk.New(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	return st
}

func diskStoreF(f *testing.F) storage.Store {
	f.Helper()
	st, err := disk.New(f.TempDir())
	if err != nil {
		f.Fatal(err)
	}
	return st
}
