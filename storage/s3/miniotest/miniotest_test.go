package miniotest

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"
)

func TestStartAndNewBucket(t *testing.T) {
	s := Start(t)
	if !strings.HasPrefix(s.Endpoint, "127.0.0.1:") && os.Getenv(EnvEndpoint) == "" {
		t.Errorf("Endpoint = %q, want a loopback address", s.Endpoint)
	}
	c, err := s.Client()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var bucket string
	t.Run("bucket", func(t *testing.T) {
		bucket = s.NewBucket(t)
		if other := s.NewBucket(t); other == bucket {
			t.Errorf("NewBucket returned %q twice", bucket)
		}
		if _, err := c.PutObject(ctx, bucket, "a/b", strings.NewReader("x"), 1, minio.PutObjectOptions{}); err != nil {
			t.Fatal(err)
		}
	})
	// The subtest's cleanup removed the bucket and its contents.
	if ok, err := c.BucketExists(ctx, bucket); err != nil || ok {
		t.Errorf("BucketExists(%s) after cleanup = %v, %v; want false", bucket, ok, err)
	}
}

func TestExternal(t *testing.T) {
	tests := []struct {
		endpoint, access, secret string
		ok, wantErr              bool
		wantEndpoint             string
		wantSecure               bool
	}{
		{"", "", "", false, false, "", false},
		{"127.0.0.1:9000", "k", "s", true, false, "127.0.0.1:9000", false},
		{"http://127.0.0.1:9000", "k", "s", true, false, "127.0.0.1:9000", false},
		{"https://127.0.0.1:9443/", "k", "s", true, false, "127.0.0.1:9443", true},
		{"127.0.0.1:9000", "", "s", false, true, "", false},
		{"ftp://127.0.0.1:9000", "k", "s", false, true, "", false},
	}
	for _, tt := range tests {
		t.Setenv(EnvEndpoint, tt.endpoint)
		t.Setenv(EnvAccessKey, tt.access)
		t.Setenv(EnvSecretKey, tt.secret)
		s, ok, err := external()
		if ok != tt.ok || (err != nil) != tt.wantErr {
			t.Errorf("external() with %q, %q, %q = %v, %v, want %v, error %v", tt.endpoint, tt.access, tt.secret, ok, err, tt.ok, tt.wantErr)
			continue
		}
		if ok && (s.Endpoint != tt.wantEndpoint || s.Secure != tt.wantSecure || s.AccessKey != tt.access || s.SecretKey != tt.secret) {
			t.Errorf("external() with %q = %+v, want endpoint %q secure %v", tt.endpoint, s, tt.wantEndpoint, tt.wantSecure)
		}
	}
}

func TestMissingBinarySaysMakeMinio(t *testing.T) {
	t.Setenv(EnvBinary, "/nonexistent/minio")
	_, err := findBinary()
	if err == nil || !strings.Contains(err.Error(), "make minio") {
		t.Errorf("findBinary() = %v, want an error saying to run make minio", err)
	}
}
