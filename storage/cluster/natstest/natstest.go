// Package natstest runs a real NATS server, with JetStream, for tests.
// The tests of storage/cluster/natsbus use it, so that the NATS Bus is
// exercised against the real thing rather than a mock (STYLE.md §5).
//
// # The server
//
// The package starts the nats-server binary as
//
//	nats-server -js -sd DIR -a 127.0.0.1 -p PORT --auth TOKEN
//
// on a free port of 127.0.0.1, with a fresh JetStream directory (in
// /dev/shm when there is one) and a random token, so that a client cannot
// reach another server by mistake; it stops the server and removes the
// directory afterwards, and the kernel kills it if the test binary dies
// first. Starting retries with new ports if another process takes one
// meanwhile. The server's output is kept quiet and shown only if it fails
// to start. The binary is looked up, in order, in $SEEDPOD_NATS_BIN, in
// bin/nats-server of the module containing the working directory (where
// `make nats` installs it), and in $PATH. If it is missing, the test fails
// with a message saying to run `make nats`. (Unlike miniotest there is no
// way to use an external server: tests stop and restart the server to see
// what clients do when it is gone.)
//
// # Use
//
// One server for a whole test package, from TestMain:
//
//	var srv *natstest.Server
//
//	func TestMain(m *testing.M) {
//		s, stop, err := natstest.StartMain()
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
//	srv := natstest.Start(t)
//
// Tests sharing a server keep apart by using names of their own, such as
// the fresh subject prefix from Namespace.
package natstest

import (
	"github.com/seedpod/seedpod/storage/internal/testproc"

	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

const (
	// EnvBinary names the nats-server binary, overriding the search in
	// bin/ and $PATH. The Makefile sets it.
	EnvBinary = "SEEDPOD_NATS_BIN"
)

// startAttempts is how many times Start tries a fresh port when the server
// fails to come up, for instance because another process took the port
// between choosing it and the server binding it.
const startAttempts = 5

// readyTimeout bounds the wait for one server to answer JetStream
// requests. Starting takes a few milliseconds, more on a loaded machine.
const readyTimeout = 60 * time.Second

// Server is a running NATS server with JetStream, started by this package.
type Server struct {
	// URL is the server's client URL, credentials included, as
	// nats.Connect and natsbus.Dial want it.
	URL string

	bin  string           // the nats-server binary
	args []string         // of bin
	dir  string           // holds the JetStream storage
	log  *testproc.Output // the server's output, shown when something fails

	mu     sync.Mutex
	cmd    *exec.Cmd     // the running process, or nil
	exited chan struct{} // closed when cmd has exited
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
// yet; the caller must call stop before the test binary exits.
func StartMain() (s *Server, stop func(), err error) {
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
			return nil, nil, fmt.Errorf("natstest: nats-server did not start after %d attempts: %w", attempt, err)
		}
	}
}

// findBinary locates the server binary; see the package comment.
func findBinary() (string, error) {
	bin, err := testproc.FindBinary(EnvBinary, "nats-server")
	if errors.Is(err, testproc.ErrNotFound) {
		return "", errors.New("natstest: nats-server binary not found in $" + EnvBinary +
			", bin/nats-server or $PATH; run `make nats` to install it")
	}
	if err != nil {
		return "", fmt.Errorf("natstest: %w; run `make nats` to install it", err)
	}
	return bin, nil
}

// launch starts one server on a fresh port and waits until it answers
// JetStream requests with the token it was given.
func launch(bin string) (*Server, error) {
	dir, err := testproc.NewDataDir("natstest")
	if err != nil {
		return nil, fmt.Errorf("natstest: %w", err)
	}
	port, err := testproc.FreePort()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	token := testproc.RandomHex(16)
	s := &Server{
		URL: "nats://" + token + "@127.0.0.1:" + strconv.Itoa(port),
		bin: bin,
		args: []string{
			"-js", "-sd", filepath.Join(dir, "jetstream"),
			"-a", "127.0.0.1", "-p", strconv.Itoa(port),
			"--auth", token,
		},
		dir: dir,
		log: &testproc.Output{},
	}
	if err := s.start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

// start starts the server process and waits until it is ready.
func (s *Server) start() error {
	cmd := exec.Command(s.bin, s.args...)
	cmd.Dir = s.dir
	cmd.Stdout = s.log
	cmd.Stderr = s.log
	testproc.SetProcAttr(cmd)
	exited := make(chan struct{})
	// Linux sends Pdeathsig when the thread that started the process
	// exits, not the process: start and wait on a thread of our own that
	// lives exactly as long as the server.
	started := make(chan error)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with us
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		cmd.Wait()
		close(exited)
	}()
	if err := <-started; err != nil {
		return fmt.Errorf("natstest: starting %s: %w", s.bin, err)
	}
	s.mu.Lock()
	s.cmd, s.exited = cmd, exited
	s.mu.Unlock()
	if err := s.waitReady(exited); err != nil {
		s.kill()
		return err
	}
	return nil
}

// waitReady waits until the server accepts our token and answers a
// JetStream request. The token matters: if another process took our port
// first, it refuses the connection instead of passing for ours.
func (s *Server) waitReady(exited <-chan struct{}) error {
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	for {
		select {
		case <-exited:
			return fmt.Errorf("nats-server exited early: %s", s.log.Tail())
		case <-ctx.Done():
			return fmt.Errorf("nats-server not ready after %v: %s", readyTimeout, s.log.Tail())
		case <-time.After(20 * time.Millisecond):
		}
		nc, err := nats.Connect(s.URL, nats.Timeout(2*time.Second), nats.NoReconnect())
		if err != nil {
			if errors.Is(err, nats.ErrAuthorization) {
				return fmt.Errorf("port of %s is served by another NATS server: %w", s.URL, err)
			}
			continue
		}
		js, err := jetstream.New(nc)
		if err == nil {
			_, err = js.AccountInfo(ctx)
		}
		nc.Close()
		if err == nil {
			return nil
		}
	}
}

// stop ends the server and removes its directory.
func (s *Server) stop() {
	s.kill()
	if s.dir != "" {
		os.RemoveAll(s.dir)
	}
}

// kill ends the server process, politely first, if it runs.
func (s *Server) kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
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
	s.cmd = nil
}

// Stop stops the server, keeping its data, to test what clients do when it
// is gone; Restart brings it back.
func (s *Server) Stop() {
	s.kill()
}

// Restart starts a server stopped by Stop again, on the same port with
// the same JetStream data, and waits until it is ready. It fails tb if
// the server does not come back.
func (s *Server) Restart(tb testing.TB) {
	tb.Helper()
	s.kill()
	if err := s.start(); err != nil {
		tb.Fatalf("natstest: restarting: %v", err)
	}
}

// Namespace returns a fresh subject prefix, such as "t3f9a0c1d.", for a
// test to keep its subjects and buckets apart from other tests on the
// same server.
func Namespace() string {
	return "t" + testproc.RandomHex(6) + "."
}
