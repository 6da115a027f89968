// Package testproc holds what the test helpers that run real servers
// (storage/s3/miniotest for MinIO, storage/cluster/natstest for NATS)
// share: finding the pinned binary, a free loopback port, a data
// directory, the process's output for error messages, and tying the
// server's life to the test binary's.
package testproc

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// ErrNotFound is returned by FindBinary when the binary is nowhere.
var ErrNotFound = errors.New("binary not found")

// FindBinary locates the executable name: the path in the environment
// variable env if set (an error if it names nothing), else bin/NAME at the
// root of the module containing the working directory (where the Makefile
// installs it), else name on $PATH, else ErrNotFound.
func FindBinary(env, name string) (string, error) {
	if bin := os.Getenv(env); bin != "" {
		if _, err := os.Stat(bin); err != nil {
			return "", fmt.Errorf("%s=%s: %w", env, bin, err)
		}
		return bin, nil
	}
	if dir, err := os.Getwd(); err == nil {
		for {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				bin := filepath.Join(dir, "bin", name)
				if _, err := os.Stat(bin); err == nil {
					return bin, nil
				}
				break
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	if bin, err := exec.LookPath(name); err == nil {
		return bin, nil
	}
	return "", ErrNotFound
}

// NewDataDir makes a fresh directory for a test server's data, named
// after prefix and this process, in /dev/shm when there is one (tests want
// speed rather than durability) and the temporary directory otherwise.
// It first removes the directories of earlier test processes that died
// without stopping their servers, so that memory in /dev/shm is not lost
// for good. The caller removes the directory when the server stops.
func NewDataDir(prefix string) (string, error) {
	pattern := fmt.Sprintf("%s-%d-", prefix, os.Getpid())
	base := dataParent()
	removeStale(base, prefix)
	dir, err := os.MkdirTemp(base, pattern)
	if err != nil && base != os.TempDir() {
		dir, err = os.MkdirTemp("", pattern)
	}
	return dir, err
}

func dataParent() string {
	const shm = "/dev/shm"
	if fi, err := os.Stat(shm); err == nil && fi.IsDir() {
		return shm
	}
	return os.TempDir()
}

// removeStale removes the data directories under base of servers whose
// test process is gone.
func removeStale(base, prefix string) {
	matches, _ := filepath.Glob(filepath.Join(base, prefix+"-*-*"))
	for _, dir := range matches {
		pid, err := strconv.Atoi(strings.SplitN(filepath.Base(dir), "-", 3)[1])
		if err == nil && pid != os.Getpid() && !alive(pid) {
			os.RemoveAll(dir)
		}
	}
}

// FreePort returns a loopback port that was free a moment ago. Another
// process may take it before the server binds it; callers retry then.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// RandomHex returns n random bytes in hex.
func RandomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Output collects a process's output for error messages. It is safe for
// concurrent use and keeps about the first MiB.
type Output struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write implements io.Writer.
func (b *Output) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() > 1<<20 {
		return len(p), nil // enough to explain a failure
	}
	return b.buf.Write(p)
}

// Tail returns the last part of the output, or a note that there was none.
func (b *Output) Tail() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := strings.TrimSpace(b.buf.String())
	if out == "" {
		return "(no output)"
	}
	if len(out) > 2000 {
		out = "…" + out[len(out)-2000:]
	}
	return out
}
