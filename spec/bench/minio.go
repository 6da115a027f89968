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
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/seedpod/seedpod/storage/s3/miniotest"
)

// minioServer is the MinIO that seedpod-minio and minio-go share in a run.
type minioServer struct {
	srv     *miniotest.Server
	proc    *process // nil for an external server (see miniotest)
	startup time.Duration
	idleRSS int64
}

// minio returns the run's MinIO, starting it on first use through
// miniotest, as the tests do: on a free loopback port, data in /dev/shm.
func (b *bench) minio(ctx context.Context) (*minioServer, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.minIO != nil {
		return b.minIO, nil
	}
	// miniotest passes our environment on to MinIO: ask for public request
	// metrics (see requests), and no call-home.
	os.Setenv(miniotest.EnvBinary, b.cfg.minioBin)
	os.Setenv("MINIO_PROMETHEUS_AUTH_TYPE", "public")
	os.Setenv("MINIO_CALLHOME_ENABLE", "off")
	t0 := time.Now()
	srv, stop, err := miniotest.StartMain()
	if err != nil {
		return nil, err
	}
	m := &minioServer{srv: srv, startup: time.Since(t0)}
	if pid := childWithArg(srv.Endpoint); pid > 0 {
		m.proc = &process{name: "minio", pid: pid, stopFn: stop, started: t0}
		time.Sleep(idleSettle)
		m.idleRSS = m.proc.rss()
	} else {
		stop() // an external server: nothing to measure or stop
	}
	b.minIO = m
	return m, nil
}

// childWithArg returns the pid of a descendant of this process with arg on
// its command line, or 0.
func childWithArg(arg string) int {
	for _, pid := range treePIDs(os.Getpid())[1:] {
		cmdline, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
		if slices.Contains(strings.Split(string(cmdline), "\x00"), arg) {
			return pid
		}
	}
	return 0
}

// requests returns how many S3 requests of each API MinIO has served, from
// its Prometheus metrics.
func (m *minioServer) requests(ctx context.Context) (map[string]float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.srv.URL()+"/minio/metrics/v3/api/requests", nil)
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
	return minio.New(m.srv.Endpoint, &minio.Options{
		Creds:     credentials.NewStaticV4(m.srv.AccessKey, m.srv.SecretKey, ""),
		Secure:    m.srv.Secure,
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
