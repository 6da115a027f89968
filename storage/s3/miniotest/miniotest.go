// Package miniotest runs a real MinIO server for tests. Tests of
// storage/s3, the spec suite and the benchmarks use it, so that every
// S3 code path is exercised against the real thing rather than a mock
// (STYLE.md §5: never skip a storage test).
//
// # Choosing the server
//
// If the environment variables POD_TEST_S3_ENDPOINT, POD_TEST_S3_ACCESS_KEY
// and POD_TEST_S3_SECRET_KEY are all set, that server is used and nothing
// is started. The endpoint is "host:port", or a URL such as
// "https://host:port" to use TLS.
//
// Otherwise the package starts the MinIO binary on a free port of
// 127.0.0.1 (its console too, though disabled), with a fresh data
// directory (in /dev/shm when there is one) and random root credentials,
// and stops it and removes the directory afterwards; the kernel kills it
// if the test binary dies first. Starting retries with new ports if
// another process takes one meanwhile. MinIO's output is kept quiet and
// shown only if it fails to start. The binary is looked up,
// in order, in $SEEDPOD_MINIO_BIN, in bin/minio of the module containing
// the working directory (where `make minio` installs it), and in $PATH. If
// it is missing, the test fails with a message saying to run `make minio`.
//
// # Use
//
// One server for a whole test package, from TestMain:
//
//	var srv *miniotest.Server
//
//	func TestMain(m *testing.M) {
//		s, stop, err := miniotest.StartMain()
//		if err != nil {
//			fmt.Fprintln(os.Stderr, err)
//			os.Exit(1)
//		}
//		srv = s
//		code := m.Run()
//		stop()
//		os.Exit(code)
//	}
//
// or one server for a single test (stopped by t.Cleanup):
//
//	srv := miniotest.Start(t)
//
// Either way, each test then takes a fresh bucket of its own, which is
// removed with everything in it when the test ends:
//
//	bucket := srv.NewBucket(t)
//
// A Server is safe for concurrent use; parallel tests may call NewBucket
// and Client at the same time.
package miniotest

import (
	"github.com/seedpod/seedpod/storage/internal/testproc"

	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// Environment variables naming an existing S3 server to use instead of
// starting MinIO.
const (
	EnvEndpoint  = "POD_TEST_S3_ENDPOINT"
	EnvAccessKey = "POD_TEST_S3_ACCESS_KEY"
	EnvSecretKey = "POD_TEST_S3_SECRET_KEY"
	// EnvBinary names the MinIO server binary, overriding the search in
	// bin/ and $PATH. The Makefile sets it.
	EnvBinary = "SEEDPOD_MINIO_BIN"
)

// startAttempts is how many times Start tries a fresh port when MinIO
// fails to come up, for instance because another process took the port
// between choosing it and MinIO binding it.
const startAttempts = 5

// readyTimeout bounds the wait for one MinIO process to answer its health
// check. Starting takes about a second, more on a loaded CI machine
// running many test packages at once.
const readyTimeout = 60 * time.Second

// Server is a running S3 server: either a MinIO process started by this
// package or the external server named by the environment.
type Server struct {
	// Endpoint is "host:port", as minio.New wants it.
	Endpoint string
	// Secure is true when the server speaks TLS.
	Secure bool
	// AccessKey and SecretKey are credentials with full access.
	AccessKey, SecretKey string

	cmd    *exec.Cmd        // nil for an external server
	exited chan struct{}    // closed when cmd has exited
	dir    string           // data, certificates and log of cmd
	log    *testproc.Output // MinIO's output, shown when something fails

	clientOnce sync.Once
	client     *minio.Client
	clientErr  error
}

// Start returns a running server for the test or benchmark tb and stops it
// when tb ends. It fails tb if no server can be had.
func Start(tb testing.TB) *Server {
	tb.Helper()
	s, stop, err := StartMain()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(stop)
	return s
}

// StartMain returns a running server and a function that stops it and
// removes its data. It is meant for TestMain, where there is no testing.TB
// yet; the caller must call stop before the test binary exits. For an
// external server (see the package comment) stop does nothing.
func StartMain() (s *Server, stop func(), err error) {
	if s, ok, err := external(); ok || err != nil {
		return s, func() {}, err
	}
	bin, err := findBinary()
	if err != nil {
		return nil, nil, err
	}
	for attempt := 1; ; attempt++ {
		s, err := launch(bin)
		if err == nil {
			return s, s.stop, nil
		}
		if attempt == startAttempts {
			return nil, nil, fmt.Errorf("miniotest: MinIO did not start after %d attempts: %w", attempt, err)
		}
	}
}

// external returns the server named by the environment, if any.
func external() (*Server, bool, error) {
	endpoint, access, secret := os.Getenv(EnvEndpoint), os.Getenv(EnvAccessKey), os.Getenv(EnvSecretKey)
	if endpoint == "" && access == "" && secret == "" {
		return nil, false, nil
	}
	if endpoint == "" || access == "" || secret == "" {
		return nil, false, fmt.Errorf("miniotest: set all of %s, %s and %s, or none", EnvEndpoint, EnvAccessKey, EnvSecretKey)
	}
	s := &Server{Endpoint: endpoint, AccessKey: access, SecretKey: secret}
	if strings.Contains(endpoint, "://") {
		u, err := url.Parse(endpoint)
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			return nil, false, fmt.Errorf("miniotest: %s=%q is not host:port or an http(s) URL", EnvEndpoint, endpoint)
		}
		s.Endpoint, s.Secure = u.Host, u.Scheme == "https"
	}
	return s, true, nil
}

// findBinary locates the server binary; see the package comment.
func findBinary() (string, error) {
	bin, err := testproc.FindBinary(EnvBinary, "minio")
	if errors.Is(err, testproc.ErrNotFound) {
		return "", errors.New("miniotest: MinIO server binary not found in $" + EnvBinary +
			", bin/minio or $PATH; run `make minio` to build it (or set " + EnvEndpoint + ", " +
			EnvAccessKey + " and " + EnvSecretKey + " to use a running server)")
	}
	if err != nil {
		return "", fmt.Errorf("miniotest: %w; run `make minio` to build it", err)
	}
	return bin, nil
}

// launch starts one MinIO process on a fresh port and waits until it
// serves requests with the credentials it was given.
func launch(bin string) (*Server, error) {
	dir, err := testproc.NewDataDir("miniotest")
	if err != nil {
		return nil, fmt.Errorf("miniotest: %w", err)
	}
	addr, err := freeAddr()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	console, err := freeAddr()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s := &Server{
		Endpoint:  addr,
		AccessKey: "seedpod-" + testproc.RandomHex(4),
		SecretKey: testproc.RandomHex(16),
		dir:       dir,
		log:       &testproc.Output{},
		exited:    make(chan struct{}),
	}
	cmd := exec.Command(bin, "server",
		"--quiet",
		"--address", addr,
		"--console-address", console,
		"--certs-dir", filepath.Join(dir, "certs"),
		filepath.Join(dir, "data"))
	cmd.Env = append(os.Environ(),
		"MINIO_ROOT_USER="+s.AccessKey,
		"MINIO_ROOT_PASSWORD="+s.SecretKey,
		"MINIO_BROWSER=off",
		"MINIO_UPDATE=off",
		"MINIO_CI_CD=on",
	)
	cmd.Dir = dir
	cmd.Stdout = s.log
	cmd.Stderr = s.log
	testproc.SetProcAttr(cmd)
	// Linux sends Pdeathsig when the thread that started the process
	// exits, not the process: start and wait on a thread of our own that
	// lives exactly as long as MinIO.
	started := make(chan error)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with us
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		cmd.Wait()
		close(s.exited)
	}()
	if err := <-started; err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("miniotest: starting %s: %w", bin, err)
	}
	s.cmd = cmd
	if err := s.waitReady(); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

// waitReady waits until the process answers its liveness probe and
// accepts its own credentials. The second check matters: if another
// process took our port first, the probe may reach that server instead.
func (s *Server) waitReady() error {
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	health := "http://" + s.Endpoint + "/minio/health/live"
	hc := &http.Client{Timeout: 2 * time.Second}
	for {
		select {
		case <-s.exited:
			return fmt.Errorf("MinIO exited early: %s", s.log.Tail())
		case <-ctx.Done():
			return fmt.Errorf("MinIO not ready after %v: %s", readyTimeout, s.log.Tail())
		case <-time.After(50 * time.Millisecond):
		}
		resp, err := hc.Get(health)
		if err != nil {
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			continue
		}
		c, err := s.Client()
		if err != nil {
			return err
		}
		if _, err := c.ListBuckets(ctx); err != nil {
			if minio.ToErrorResponse(err).StatusCode == http.StatusForbidden {
				return fmt.Errorf("port %s is served by another S3 server: %w", s.Endpoint, err)
			}
			continue
		}
		return nil
	}
}

// stop ends the MinIO process, politely first, and removes its directory.
func (s *Server) stop() {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
	}
	os.RemoveAll(s.dir)
}

// URL returns the server's base URL, such as "http://127.0.0.1:41234".
func (s *Server) URL() string {
	if s.Secure {
		return "https://" + s.Endpoint
	}
	return "http://" + s.Endpoint
}

// Client returns a minio-go client for the server with full access. It is
// shared by all callers.
func (s *Server) Client() (*minio.Client, error) {
	s.clientOnce.Do(func() {
		s.client, s.clientErr = minio.New(s.Endpoint, &minio.Options{
			Creds:  credentials.NewStaticV4(s.AccessKey, s.SecretKey, ""),
			Secure: s.Secure,
		})
		if s.clientErr != nil {
			s.clientErr = fmt.Errorf("miniotest: %w", s.clientErr)
		}
	})
	return s.client, s.clientErr
}

// NewBucket creates a bucket with a fresh random name and returns the
// name. When tb ends, the bucket and everything in it are removed.
func (s *Server) NewBucket(tb testing.TB) string {
	tb.Helper()
	c, err := s.Client()
	if err != nil {
		tb.Fatal(err)
	}
	// Bucket names are 3 to 63 lowercase letters, digits and hyphens.
	bucket := "seedpod-test-" + testproc.RandomHex(8)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := c.MakeBucket(ctx, bucket, minio.MakeBucketOptions{}); err != nil {
		tb.Fatalf("miniotest: creating bucket %s: %v", bucket, err)
	}
	tb.Cleanup(func() {
		if err := s.removeBucket(bucket); err != nil {
			tb.Errorf("miniotest: %v", err)
		}
	})
	return bucket
}

// removeBucket deletes bucket and its contents.
func (s *Server) removeBucket(bucket string) error {
	c, err := s.Client()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	// MinIO removes a bucket with its contents in one request; other
	// servers need the objects removed first.
	if c.RemoveBucketWithOptions(ctx, bucket, minio.RemoveBucketOptions{ForceDelete: true}) == nil {
		return nil
	}
	objects := c.ListObjects(ctx, bucket, minio.ListObjectsOptions{Recursive: true})
	for res := range c.RemoveObjects(ctx, bucket, objects, minio.RemoveObjectsOptions{}) {
		if res.Err != nil {
			return fmt.Errorf("emptying bucket %s: removing %s: %w", bucket, res.ObjectName, res.Err)
		}
	}
	if err := c.RemoveBucket(ctx, bucket); err != nil {
		return fmt.Errorf("removing bucket %s: %w", bucket, err)
	}
	return nil
}

// freeAddr is a loopback address with a port that was free a moment ago.
// Another process may take it before MinIO binds it; launch's caller
// retries in that case.
func freeAddr() (string, error) {
	port, err := testproc.FreePort()
	if err != nil {
		return "", fmt.Errorf("miniotest: %w", err)
	}
	return "127.0.0.1:" + strconv.Itoa(port), nil
}
