package spec

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// clientsDir holds the real-client scripts (Node.js, ESM) and their pinned
// npm packages; cssDir holds the pinned Community Solid Server.
const (
	clientsDir = "clients"
	cssDir     = "css"
)

// chromiumPath is the browser the browser login test drives: Debian's
// chromium package, or $CHROMIUM.
func chromiumPath() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// requireNodeDeps fails t unless Node.js is on PATH and the npm packages of
// dir are installed from its current package-lock.json, as `make
// clients-deps` leaves them: node_modules/.package-lock.json (written by npm
// ci) no older than package-lock.json.
func requireNodeDeps(t testing.TB, dir string) {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatalf("the client tests need Node.js (node on PATH): %v", err)
	}
	lock, err := os.Stat(filepath.Join(dir, "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	inst, err := os.Stat(filepath.Join(dir, "node_modules", ".package-lock.json"))
	if err != nil {
		t.Fatalf("spec/%s: npm packages are not installed: run `make clients-deps` (%v)", dir, err)
	}
	if inst.ModTime().Before(lock.ModTime()) {
		t.Fatalf("spec/%s: node_modules is older than package-lock.json: run `make clients-deps`", dir)
	}
}

// requireChromium fails t unless the browser is installed.
func requireChromium(t testing.TB) {
	t.Helper()
	p := chromiumPath()
	if fi, err := os.Stat(p); err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
		t.Fatalf("the browser login test needs Chromium at %s: run `make chromium` (apt-get install chromium)", p)
	}
}

// runNode runs `node script args...` in clientsDir with stdin as standard
// input, logs its output and returns its standard output. It fails t with
// the script's output if the script exits non-zero or outlasts timeout.
func runNode(t testing.TB, timeout time.Duration, stdin string, script string, args ...string) []byte {
	t.Helper()
	out, stderr, took := runNodeQuiet(t, timeout, stdin, script, args...)
	t.Logf("node %s %s (%v):\n%s%s", script, strings.Join(args, " "), took, out, stderr)
	return out
}

// runNodeQuiet is runNode without logging the output when the script
// succeeds; it returns standard output, standard error and the run time.
func runNodeQuiet(t testing.TB, timeout time.Duration, stdin string, script string, args ...string) ([]byte, string, time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", append([]string{script}, args...)...)
	cmd.Dir = clientsDir
	cmd.Env = append(os.Environ(), "CHROMIUM="+chromiumPath())
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr strings.Builder
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start).Round(time.Millisecond)
	if ctx.Err() != nil {
		err = fmt.Errorf("killed after %v", timeout)
	}
	if err != nil {
		t.Fatalf("node %s %s: %v (after %v)\n--- stdout\n%s--- stderr\n%s", script, strings.Join(args, " "), err, took, stdout.String(), stderr.String())
	}
	return []byte(stdout.String()), stderr.String(), took
}

// A clientUser is what creds.mjs prints: an account with a pod and client
// credentials on one server.
type clientUser struct {
	WebID    string `json:"webId"`
	Pod      string `json:"pod"`
	ID       string `json:"id"`
	Secret   string `json:"secret"`
	Email    string `json:"email"`
	Password string `json:"password"`
	Issuer   string `json:"issuer"`
}

// createUser runs creds.mjs against the server at serverURL.
func createUser(t testing.TB, serverURL string) clientUser {
	t.Helper()
	out := runNode(t, 30*time.Second, "", "creds.mjs", serverURL)
	var u clientUser
	if err := json.Unmarshal(out, &u); err != nil {
		t.Fatalf("creds.mjs printed no JSON user: %v: %s", err, out)
	}
	for name, v := range map[string]string{"webId": u.WebID, "pod": u.Pod, "id": u.ID, "secret": u.Secret} {
		if v == "" {
			t.Fatalf("creds.mjs against %s: no %s in %s", serverURL, name, out)
		}
	}
	if !strings.HasPrefix(u.Pod, serverURL) || !strings.HasPrefix(u.WebID, serverURL) {
		t.Fatalf("creds.mjs against %s: pod %s and WebID %s are not on the server", serverURL, u.Pod, u.WebID)
	}
	return u
}

// A cssServer is the pinned Community Solid Server with accounts, pods and
// its OpenID provider (spec/css/config.json), on a free loopback port.
type cssServer struct {
	url    string // http://localhost:PORT/, its base URL and OIDC issuer
	cmd    *exec.Cmd
	log    *lockedBuffer
	exited chan struct{}
}

// startCSS runs spec/css/start.sh on a fresh data directory and waits until
// CSS answers; t's cleanup stops it. Its base URL names localhost, because
// CSS's token verifier takes an http WebID only on localhost; it listens on
// 127.0.0.1 only.
func startCSS(t testing.TB) *cssServer {
	t.Helper()
	requireNodeDeps(t, cssDir)
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	css := &cssServer{url: fmt.Sprintf("http://localhost:%d/", port), log: &lockedBuffer{}, exited: make(chan struct{})}
	css.cmd = exec.Command("bash", filepath.Join(cssDir, "start.sh"), fmt.Sprint(port), filepath.Join(t.TempDir(), "data"))
	css.cmd.Stdout = css.log
	css.cmd.Stderr = css.log
	if err := css.cmd.Start(); err != nil {
		t.Fatalf("starting CSS: %v", err)
	}
	go func() {
		css.cmd.Wait()
		close(css.exited)
	}()
	t.Cleanup(func() {
		css.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-css.exited:
		case <-time.After(5 * time.Second):
			css.cmd.Process.Kill()
			<-css.exited
		}
		if t.Failed() {
			const max = 8 << 10
			s := css.log.String()
			if len(s) > max {
				s = "…" + s[len(s)-max:]
			}
			t.Logf("--- CSS log (%s) ---\n%s", css.url, s)
		}
	})
	if err := waitReady(css.url, css.exited, 90*time.Second); err != nil {
		t.Fatalf("CSS on %s: %v\n%s", css.url, err, css.log.String())
	}
	return css
}

// startApp serves the browser test app (spec/clients/app/index.html) at /
// and the browser bundle of @inrupt/solid-client-authn-browser at /authn.js
// from a loopback server of its own, so the app has its own origin.
func startApp(t testing.TB) string {
	t.Helper()
	page := filepath.Join(clientsDir, "app", "index.html")
	bundle := filepath.Join(clientsDir, "node_modules", "@inrupt", "solid-client-authn-browser", "dist", "solid-client-authn.bundle.js")
	for _, f := range []string{page, bundle} {
		if _, err := os.Stat(f); err != nil {
			t.Fatalf("browser test app: %v (run `make clients-deps`)", err)
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		http.ServeFile(w, r, page)
	})
	mux.HandleFunc("GET /authn.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		http.ServeFile(w, r, bundle)
	})
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	srv := httptest.NewServer(mux) // listens on 127.0.0.1
	t.Cleanup(srv.Close)
	return srv.URL + "/"
}

// drain reads and closes a response body.
func drain(r io.ReadCloser) {
	io.Copy(io.Discard, r)
	r.Close()
}
