package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/seedpod/seedpod/storage"
	"github.com/seedpod/seedpod/storage/disk"
	"github.com/seedpod/seedpod/storage/s3"
)

// storeFlags select and configure the storage backend; serve and pod
// create share them.
type storeFlags struct {
	data                 string
	s3Endpoint, s3Bucket string
	s3Access, s3Secret   string
}

// envOr returns the environment variable name, or def when it is unset.
func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

func (f *storeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.data, "data", envOr("SEEDPOD_DATA", "./data"), "directory of the filesystem storage (SEEDPOD_DATA)")
	fs.StringVar(&f.s3Endpoint, "s3-endpoint", envOr("SEEDPOD_S3_ENDPOINT", ""), "MinIO/S3 endpoint, host:port or http(s)://host:port; setting it selects MinIO storage (SEEDPOD_S3_ENDPOINT)")
	fs.StringVar(&f.s3Bucket, "s3-bucket", envOr("SEEDPOD_S3_BUCKET", "seedpod"), "bucket, created if missing (SEEDPOD_S3_BUCKET)")
	fs.StringVar(&f.s3Access, "s3-access-key", envOr("SEEDPOD_S3_ACCESS_KEY", ""), "access key (SEEDPOD_S3_ACCESS_KEY)")
	fs.StringVar(&f.s3Secret, "s3-secret-key", envOr("SEEDPOD_S3_SECRET_KEY", ""), "secret key (SEEDPOD_S3_SECRET_KEY)")
}

// revalidate is how long cached ACLs and groups are trusted before their
// ETag is checked again: on MinIO, other processes may change them.
func (f *storeFlags) revalidate() time.Duration {
	if f.s3Endpoint == "" {
		return 0
	}
	return time.Second
}

// open returns the configured store and a description of it for logs.
func (f *storeFlags) open(ctx context.Context) (storage.Store, string, error) {
	if f.s3Endpoint == "" {
		st, err := disk.New(f.data)
		if err != nil {
			return nil, "", err
		}
		return st, "filesystem " + f.data, nil
	}
	endpoint, secure := f.s3Endpoint, false
	switch {
	case strings.HasPrefix(endpoint, "https://"):
		endpoint, secure = strings.TrimPrefix(endpoint, "https://"), true
	case strings.HasPrefix(endpoint, "http://"):
		endpoint = strings.TrimPrefix(endpoint, "http://")
	}
	endpoint = strings.TrimSuffix(endpoint, "/")
	st, err := s3.New(ctx, s3.Config{
		Endpoint:  endpoint,
		Bucket:    f.s3Bucket,
		AccessKey: f.s3Access,
		SecretKey: f.s3Secret,
		Secure:    secure,
	})
	if err != nil {
		return nil, "", err
	}
	return st, fmt.Sprintf("MinIO %s bucket %s", f.s3Endpoint, f.s3Bucket), nil
}
