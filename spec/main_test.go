package spec

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	baseURLFlag = flag.String("base-url", os.Getenv("SPEC_BASE_URL"),
		"URL of a container, writable by anyone, on a running Solid server to test instead of Seedpod (env SPEC_BASE_URL)")
	serverFlag = flag.String("server", os.Getenv("SPEC_SERVER"),
		`label of the server at -base-url, e.g. "css"; it names the subtests and selects known deviations (env SPEC_SERVER)`)
	maxBodyFlag = flag.Int64("max-body", envInt64("SPEC_MAX_BODY"),
		"largest request body the server at -base-url accepts, if known; larger ones must get 413 (env SPEC_MAX_BODY)")
)

// seedpodMaxBody is the body limit the Seedpod targets run with: small, so
// that going over it is cheap, and far above any body the tests send.
const seedpodMaxBody = 1 << 20

func envInt64(name string) int64 {
	n, _ := strconv.ParseInt(os.Getenv(name), 10, 64)
	return n
}

// seedpodBin and minioBackend are the built binary and the MinIO backend
// of the Seedpod targets, for tests that start more processes (replicas);
// both are empty when the suite runs against an external server. builtBin
// is the binary whenever Seedpod was built (for tests that start their own
// servers, as the Solid-OIDC ones do).
var (
	builtBin     string
	seedpodBin   string
	minioBackend backend
	minioTarget  *target
)

// podName is the pod that TestMain creates on each Seedpod target; its root
// container is the base container of the tests.
const podName = "spec"

func TestMain(m *testing.M) {
	flag.Parse()
	code, err := runMain(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "spec:", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

func runMain(m *testing.M) (int, error) {
	if *baseURLFlag != "" {
		name := *serverFlag
		if name == "" {
			name = "external"
		}
		tg, err := newTarget(name, *baseURLFlag)
		if err != nil {
			return 1, err
		}
		tg.maxBody = *maxBodyFlag
		if err := waitReady(tg.base.String(), nil, 30*time.Second); err != nil {
			return 1, err
		}
		targets = []*target{tg}
		return m.Run(), nil
	}

	// No -base-url: build Seedpod and run it on every storage backend.
	dir, err := os.MkdirTemp("", "seedpod-spec-")
	if err != nil {
		return 1, err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "seedpod")
	build := exec.Command("go", "build", "-o", bin, "github.com/seedpod/seedpod/cmd/seedpod")
	if out, err := build.CombinedOutput(); err != nil {
		return 1, fmt.Errorf("building cmd/seedpod: %v\n%s", err, out)
	}
	builtBin = bin

	var servers []*seedpod
	defer func() {
		for _, sp := range servers {
			sp.stop()
		}
	}()
	backends, stopBackends, err := storageBackends(dir)
	defer stopBackends()
	if err != nil {
		return 1, err
	}
	for _, b := range backends {
		sp, err := startSeedpod(bin, dir, b)
		if err != nil {
			return 1, err
		}
		servers = append(servers, sp)
		targets = append(targets, sp.target)
		if b.name == "minio" {
			seedpodBin, minioBackend, minioTarget = bin, b, sp.target
		}
	}
	code := m.Run()
	if code != 0 {
		for _, sp := range servers {
			sp.dumpLog(os.Stderr)
		}
	}
	return code, nil
}

// A backend is one way of storing a Seedpod's data: its name and the
// storage flags of `seedpod serve` and `seedpod pod create`.
type backend struct {
	name  string
	flags []string
	// serveFlags are given to `seedpod serve` only (e.g. --nats).
	serveFlags []string
}

// A seedpod is a running `seedpod serve`.
type seedpod struct {
	target *target
	cmd    *exec.Cmd
	log    *lockedBuffer
	exited chan struct{}
}

// startSeedpod creates the public pod "spec" on backend b, then serves it
// on a free loopback port, and waits until it answers.
func startSeedpod(bin, dir string, b backend) (*seedpod, error) {
	create := exec.Command(bin, append([]string{"pod", "create", podName, "--public"}, b.flags...)...)
	if out, err := create.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%s: seedpod pod create: %v\n%s", b.name, err, out)
	}
	return serveSeedpod(bin, b)
}

// serveSeedpod serves backend b's existing data on a free loopback port and
// waits until it answers. extra are more flags of `seedpod serve`.
func serveSeedpod(bin string, b backend, extra ...string) (*seedpod, error) {
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		addr := fmt.Sprintf("127.0.0.1:%d", port)
		baseURL := "http://" + addr + "/"
		args := append([]string{"serve", "--listen", addr, "--base-url", baseURL,
			"--max-body", strconv.Itoa(seedpodMaxBody)}, append(b.flags, b.serveFlags...)...)
		args = append(args, extra...)
		sp := &seedpod{cmd: exec.Command(bin, args...), log: &lockedBuffer{}, exited: make(chan struct{})}
		sp.cmd.Stdout = sp.log
		sp.cmd.Stderr = sp.log
		if err := sp.cmd.Start(); err != nil {
			return nil, fmt.Errorf("%s: starting seedpod serve: %v", b.name, err)
		}
		go func() {
			sp.cmd.Wait()
			close(sp.exited)
		}()
		sp.target, err = newTarget(b.name, baseURL+podName+"/")
		if err != nil {
			sp.stop()
			return nil, err
		}
		sp.target.maxBody = seedpodMaxBody
		if err := waitReady(sp.target.base.String(), sp.exited, 30*time.Second); err != nil {
			sp.stop()
			lastErr = fmt.Errorf("%s: seedpod serve %s: %v\n%s", b.name, strings.Join(args, " "), err, sp.log.String())
			continue // the port may have been taken meanwhile
		}
		return sp, nil
	}
	return nil, lastErr
}

// stop ends the server: SIGTERM for a graceful shutdown, then SIGKILL.
func (sp *seedpod) stop() {
	if sp.cmd.Process == nil {
		return
	}
	select {
	case <-sp.exited:
		return
	default:
	}
	sp.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-sp.exited:
	case <-time.After(5 * time.Second):
		sp.cmd.Process.Kill()
		<-sp.exited
	}
}

func (sp *seedpod) dumpLog(w *os.File) {
	const max = 8 << 10
	s := sp.log.String()
	if len(s) > max {
		s = "…" + s[len(s)-max:]
	}
	fmt.Fprintf(w, "--- seedpod serve log (%s) ---\n%s\n", sp.target.name, s)
}

// waitReady polls u until the server answers with any status below 500,
// the process exits (exited is closed) or the timeout passes.
func waitReady(u string, exited <-chan struct{}, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	c := &http.Client{Timeout: 2 * time.Second}
	var last error
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodHead, u, nil)
		resp, err := c.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode < 500 {
				return nil
			}
			err = fmt.Errorf("HEAD %s: %s", u, resp.Status)
		}
		last = err
		select {
		case <-exited:
			return errors.New("server exited before it was ready")
		case <-ctx.Done():
			return fmt.Errorf("not ready after %v: %v", timeout, last)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// A lockedBuffer collects a child process's output.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
