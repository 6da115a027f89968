package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// minioServer is the MinIO that seedpod-minio and minio-go share in a run.
type minioServer struct {
	proc                 *process
	addr                 string // host:port of the S3 API
	accessKey, secretKey string
	startup              time.Duration
	idleRSS              int64
}

// minio returns the run's MinIO, starting it on first use.
func (b *bench) minio(ctx context.Context) (*minioServer, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.minIO != nil {
		return b.minIO, nil
	}
	if _, err := os.Stat(b.cfg.minioBin); err != nil {
		return nil, fmt.Errorf("minio binary: %w (make minio)", err)
	}
	dir, err := b.targetDir("minio")
	if err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	console, err := freeAddr()
	if err != nil {
		return nil, err
	}
	m := &minioServer{addr: addr, accessKey: "seedpodbench", secretKey: "seedpodbench-secret"}
	m.proc, err = startProcess(dir, "minio", []string{
		"MINIO_ROOT_USER=" + m.accessKey,
		"MINIO_ROOT_PASSWORD=" + m.secretKey,
		"MINIO_BROWSER=off",
		// Loopback only: no update checks, no call-home.
		"MINIO_UPDATE=off",
		"MINIO_CALLHOME_ENABLE=off",
		// Request counts per S3 API, to see what Seedpod asks of MinIO.
		"MINIO_PROMETHEUS_AUTH_TYPE=public",
	}, b.cfg.minioBin, "server", "--quiet", "--address", addr, "--console-address", console, filepath.Join(dir, "data"))
	if err != nil {
		return nil, err
	}
	if m.startup, err = m.proc.waitReady(ctx, time.Minute, httpOK("http://"+addr+"/minio/health/ready")); err != nil {
		m.proc.stop()
		return nil, err
	}
	time.Sleep(idleSettle)
	m.idleRSS = m.proc.rss()
	b.minIO = m
	return m, nil
}

// requests returns how many S3 requests of each API MinIO has served, from
// its Prometheus metrics.
func (m *minioServer) requests(ctx context.Context) (map[string]float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+m.addr+"/minio/metrics/v3/api/requests", nil)
	if err != nil {
		return nil, err
	}
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{Proxy: nil}}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("minio metrics: %s", resp.Status)
	}
	// minio_api_requests_total{name="GetObject",server="127.0.0.1:9000",type="s3"} 42
	counts := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "minio_api_requests_total{")
		if !ok {
			continue
		}
		labels, value, ok := strings.Cut(rest, "} ")
		if !ok {
			continue
		}
		_, api, ok := strings.Cut(labels, `name="`)
		if !ok {
			continue
		}
		api, _, _ = strings.Cut(api, `"`)
		n, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err == nil {
			counts[api] += n
		}
	}
	return counts, sc.Err()
}

// client returns a minio-go client whose transport keeps an idle
// connection for each of workers.
func (m *minioServer) client(workers int) (*minio.Client, error) {
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        2 * workers,
		MaxIdleConnsPerHost: 2 * workers,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return minio.New(m.addr, &minio.Options{
		Creds:     credentials.NewStaticV4(m.accessKey, m.secretKey, ""),
		Secure:    false,
		Region:    "us-east-1", // no bucket-location round trip
		Transport: tr,
	})
}

// makeBucket creates bucket, tolerating one that exists.
func (m *minioServer) makeBucket(ctx context.Context, bucket string) error {
	mc, err := m.client(1)
	if err != nil {
		return err
	}
	if ok, err := mc.BucketExists(ctx, bucket); err == nil && ok {
		return nil
	}
	if err := mc.MakeBucket(ctx, bucket, minio.MakeBucketOptions{}); err != nil {
		return fmt.Errorf("minio: make bucket %s: %w", bucket, err)
	}
	return nil
}

// startMinioGo readies the raw minio-go GET baseline: the 2 KB document as
// an object, read by the load generator itself with GetObject.
func startMinioGo(ctx context.Context, b *bench) (*instance, error) {
	m, err := b.minio(ctx)
	if err != nil {
		return nil, err
	}
	const bucket, object = "raw-bench", "bench/doc.ttl"
	if err := m.makeBucket(ctx, bucket); err != nil {
		return nil, err
	}
	mc, err := m.client(1)
	if err != nil {
		return nil, err
	}
	if _, err := mc.PutObject(ctx, bucket, object, bytes.NewReader(publicDoc), int64(len(publicDoc)),
		minio.PutObjectOptions{ContentType: "text/turtle"}); err != nil {
		return nil, fmt.Errorf("minio: put %s: %w", object, err)
	}
	return &instance{
		proc:      m.proc,
		startup:   m.startup,
		idleRSS:   m.idleRSS,
		workloads: []workload{getDoc},
		newClient: func(cfg config, _ workload) client {
			mc, err := m.client(cfg.getWorkers)
			if err != nil {
				panic(err) // minio.New fails only on a malformed endpoint
			}
			return &minioGetClient{mc: mc, bucket: bucket, object: object}
		},
		stop: func() {},
	}, nil
}

// minioGetClient reads one object with minio-go, as Seedpod's s3 backend
// would, with no HTTP server of ours in between.
type minioGetClient struct {
	mc             *minio.Client
	bucket, object string
}

func (c *minioGetClient) newWorker(int) worker { return c }

func (c *minioGetClient) do(ctx context.Context) error {
	obj, err := c.mc.GetObject(ctx, c.bucket, c.object, minio.GetObjectOptions{})
	if err != nil {
		return err
	}
	n, err := io.Copy(io.Discard, obj)
	obj.Close()
	if err != nil {
		return err
	}
	if n != int64(len(publicDoc)) {
		return fmt.Errorf("minio-go: read %d bytes, want %d", n, len(publicDoc))
	}
	return nil
}

func (c *minioGetClient) close() {}
