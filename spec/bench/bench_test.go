package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	// The baselines re-execute the running binary, here the test binary.
	if serveBaselineFromEnv() {
		return
	}
	os.Exit(m.Run())
}

// TestBenchSmoke runs the harness in quick mode against the baselines and
// Seedpod on disk (get, list, put, patch and the authenticated get, with a
// user made through the account API), so that it keeps working; it needs
// no CSS. It asserts no timings: only that every workload ran, without
// errors, with throughput and memory.
func TestBenchSmoke(t *testing.T) {
	root := moduleRoot(t)
	cfg := defaultConfig()
	cfg.quick()
	cfg.duration = time.Second
	cfg.targets = []string{"nethttp", "fsync", "minio-go", "seedpod-disk"}
	cfg.workDir = t.TempDir()
	cfg.log = testLog{t}
	cfg.minioBin = envOr("SEEDPOD_MINIO_BIN", filepath.Join(root, "bin", "minio"))
	if _, err := os.Stat(cfg.minioBin); err != nil {
		t.Fatalf("MinIO server: %v (make minio installs it)", err)
	}
	cfg.seedpodBin = filepath.Join(t.TempDir(), "seedpod")
	build := exec.Command("go", "build", "-o", cfg.seedpodBin, "./cmd/seedpod")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/seedpod: %v\n%s", err, out)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rep, err := runBench(ctx, cfg)
	if rep != nil {
		t.Logf("\n%s", rep)
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range rep.runs {
		if len(tr.rows) == 0 {
			t.Errorf("%s: no workload ran", tr.target.name)
		}
		if tr.startup <= 0 || tr.idleRSS <= 0 {
			t.Errorf("%s: start-up %v, idle RSS %d; want both > 0", tr.target.name, tr.startup, tr.idleRSS)
		}
		for _, r := range tr.rows {
			if r.res.errs > 0 || r.res.n == 0 || r.res.rps <= 0 || r.peakRSS <= 0 {
				t.Errorf("%s %s: %d requests, %.0f req/s, %d errors (first: %s), peak RSS %d; want requests, no errors, memory",
					tr.target.name, r.workload, r.res.n, r.res.rps, r.res.errs, r.res.firstErr, r.peakRSS)
			}
		}
	}
	if _, r := rep.find("seedpod-disk", authGet); r == nil {
		t.Errorf("seedpod-disk: the authenticated GET did not run")
	}
	if want := len(cfg.targets); len(rep.runs) != want {
		t.Errorf("ran %d targets, want %d", len(rep.runs), want)
	}
}

func TestReadResponse(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		code      int
		closeConn bool
	}{
		{"content-length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/turtle\r\n\r\nhello", 200, false},
		{"chunked", "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n1a\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nTrailer: t\r\n\r\n", 200, false},
		{"created, no body", "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", 201, false},
		{"no content", "HTTP/1.1 204 No Content\r\n\r\n", 204, false},
		{"reset content", "HTTP/1.1 205 Reset Content\r\n\r\n", 205, false},
		{"reset content, length 0", "HTTP/1.1 205 Reset Content\r\nContent-Length: 0\r\n\r\n", 205, false},
		{"connection close", "HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 3\r\n\r\nnot", 404, true},
		{"until EOF", "HTTP/1.1 200 OK\r\n\r\nall of it", 200, true},
		{"HTTP/1.0", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", 200, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A second response follows, to check the first was consumed whole.
			next := "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n"
			br := bufio.NewReader(strings.NewReader(tt.in + next))
			code, closeConn, err := readResponse(br)
			if err != nil || code != tt.code || closeConn != tt.closeConn {
				t.Fatalf("readResponse(%q) = %d, %v, %v; want %d, %v, nil", tt.in, code, closeConn, err, tt.code, tt.closeConn)
			}
			if closeConn {
				return // the body ran to EOF, or the connection is done
			}
			if code, _, err := readResponse(br); code != 202 || err != nil {
				t.Fatalf("next response = %d, %v; want 202: first body not consumed exactly", code, err)
			}
			if _, err := br.ReadByte(); err != io.EOF {
				t.Fatalf("trailing bytes after the second response")
			}
		})
	}
}

func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 200; i++ {
		d = append(d, time.Duration(i))
	}
	slices.Sort(d)
	for _, tt := range []struct{ p, want int }{{50, 100}, {99, 198}, {100, 200}, {1, 2}} {
		if got := percentile(d, tt.p); got != time.Duration(tt.want) {
			t.Errorf("percentile(1..200, %d) = %d, want %d", tt.p, got, tt.want)
		}
	}
	if got := percentile([]time.Duration{7}, 99); got != 7 {
		t.Errorf("percentile([7], 99) = %d, want 7", got)
	}
}

// moduleRoot returns the directory holding go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	return filepath.Dir(strings.TrimSpace(string(out)))
}

// testLog sends the bench's progress lines to t.Log.
type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// TestPatchRequests checks the raw PATCH requests with net/http's parser:
// round-robin documents spread over the workers, a distinct N3 Patch per
// request, and a Content-Length that matches.
func TestPatchRequests(t *testing.T) {
	const workers = 16
	c := &rawClient{addr: "127.0.0.1:1", host: "127.0.0.1:1", req: httpRequestFor(patchDoc, workers)}
	docs := map[string]int{}
	bodies := map[string]bool{}
	for id := range workers {
		w := c.newWorker(id).(*rawWorker)
		for seq := range 8 {
			w.seq = seq
			raw, err := w.appendRequest(nil)
			if err != nil {
				t.Fatal(err)
			}
			req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
			if err != nil {
				t.Fatalf("worker %d request %d: %v\n%s", id, seq, err, raw)
			}
			body, err := io.ReadAll(req.Body)
			if err != nil || int64(len(body)) != req.ContentLength {
				t.Fatalf("worker %d request %d: body %d bytes, %v; Content-Length %d", id, seq, len(body), err, req.ContentLength)
			}
			if req.Method != http.MethodPatch || req.Header.Get("Content-Type") != "text/n3" {
				t.Errorf("%s with %q; want PATCH with text/n3", req.Method, req.Header.Get("Content-Type"))
			}
			lit := fmt.Sprintf(`"w%d-%d"`, id, seq)
			if !bytes.Contains(body, []byte("solid:inserts")) || !bytes.Contains(body, []byte(lit)) {
				t.Errorf("body lacks solid:inserts or %s:\n%s", lit, body)
			}
			bodies[string(body)] = true
			docs[req.URL.Path]++
			if seq == 0 {
				if want := podRoot + patchDocPath(id*patchDocs/workers); req.URL.Path != want {
					t.Errorf("worker %d starts at %s, want %s", id, req.URL.Path, want)
				}
			}
		}
	}
	if len(bodies) != workers*8 {
		t.Errorf("%d distinct bodies, want %d", len(bodies), workers*8)
	}
	if len(docs) != patchDocs {
		t.Errorf("%d documents patched, want %d", len(docs), patchDocs)
	}
	for d, n := range docs {
		if n != 2 {
			t.Errorf("%s patched %d times, want 2", d, n)
		}
	}
}
