package spec

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/seedpod/seedpod/storage/cluster/natstest"
	"github.com/seedpod/seedpod/storage/s3/miniotest"
)

// storageBackends returns the storage backends Seedpod is tested on, with
// the services they need started, and a function that stops those
// services. It never returns fewer backends: a backend that cannot be set
// up is an error, not a skip.
func storageBackends(dir string) ([]backend, func(), error) {
	disk := backend{name: "disk", flags: []string{"--s3-endpoint=", "--data", filepath.Join(dir, "disk")}}

	// MinIO: the server named by POD_TEST_S3_* if set, else one started on
	// a free loopback port (see miniotest). Each run uses a fresh bucket,
	// which `seedpod pod create` creates.
	srv, stopMinIO, err := miniotest.StartMain()
	if err != nil {
		return nil, func() {}, fmt.Errorf("starting MinIO: %w", err)
	}
	var b [6]byte
	rand.Read(b[:])
	bucket := "seedpod-spec-" + hex.EncodeToString(b[:])
	s3 := backend{name: "minio", flags: []string{
		"--s3-endpoint", srv.URL(),
		"--s3-bucket", bucket,
		"--s3-access-key", srv.AccessKey,
		"--s3-secret-key", srv.SecretKey,
	}}
	// The MinIO target is the one that runs as several processes
	// (replicas_test.go): they share DPoP replay claims and change events
	// through a real NATS server, as a deployment would.
	natsSrv, stopNATS, err := natstest.StartMain()
	if err != nil {
		stopMinIO()
		return nil, func() {}, fmt.Errorf("starting NATS: %w", err)
	}
	s3.serveFlags = []string{"--nats", natsSrv.URL}
	stop := func() {
		stopNATS()
		// An external server keeps running: remove the bucket. A server
		// started here takes its data with it when it stops.
		if c, err := srv.Client(); err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			c.RemoveBucketWithOptions(ctx, bucket, minio.RemoveBucketOptions{ForceDelete: true})
			cancel()
		}
		stopMinIO()
	}
	return []backend{disk, s3}, stop, nil
}
