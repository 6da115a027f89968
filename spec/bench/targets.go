package main

import (
	"github.com/seedpod/seedpod/clients/pod"

	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// workload is one kind of load.
type workload int

const (
	getDoc        workload = iota // GET of the public ~2 KB Turtle document
	listContainer                 // GET of the container with cfg.children children
	putDoc                        // PUT of new small Turtle documents
	patchDoc                      // N3 Patch appending one triple to one of patchDocs documents
	authGet                       // GET of a private ~2 KB document as its owner, a fresh DPoP proof each
)

// workloadFlags names the workloads in -workloads, in workload order.
var workloadFlags = []string{"get", "list", "put", "patch", "authget"}

func (w workload) String() string {
	return [...]string{"GET 2KB doc", "GET container", "PUT new doc", "PATCH N3 +1 triple", "GET 2KB doc DPoP"}[w]
}

// podWorkloads are the workloads of the Solid servers.
var podWorkloads = []workload{getDoc, listContainer, putDoc, patchDoc, authGet}

// podRoot is where every HTTP target keeps the seeded resources: the pod
// Seedpod creates, a container on CSS, a directory for the baselines.
const podRoot = "/bench/"

// instance is a started target.
type instance struct {
	proc      *process     // whose memory and CPU are reported; nil if none
	extra     *process     // a backend whose CPU is reported too (MinIO under Seedpod)
	s3        *minioServer // whose S3 requests per request are reported
	addr      string       // host:port an HTTP target listens on
	host      string       // host:port its URLs name, in Host and DPoP htu; "" for addr
	startup   time.Duration
	idleRSS   int64 // set by the runner unless the target sets it
	seed      bool  // seed the pod over HTTP before the workloads
	workloads []workload
	// newClient, if set, replaces the HTTP client (minio-go).
	newClient func(cfg config, w workload) client
	stop      func()
	user      *pod.User // the owner of the authenticated workload's document
}

// hostname returns the host:port that inst's URLs name.
func (inst *instance) hostname() string {
	if inst.host != "" {
		return inst.host
	}
	return inst.addr
}

// url returns the URL of path on inst.
func (inst *instance) url(path string) string { return "http://" + inst.hostname() + path }

// target is one of the systems under test.
type target struct {
	name  string
	desc  string
	start func(ctx context.Context, b *bench) (*instance, error)
}

var targets = map[string]target{
	"seedpod-disk": {"seedpod-disk", "Seedpod, filesystem storage", func(ctx context.Context, b *bench) (*instance, error) {
		return startSeedpod(ctx, b, nil)
	}},
	"seedpod-minio": {"seedpod-minio", "Seedpod, MinIO storage (RSS: Seedpod only)", func(ctx context.Context, b *bench) (*instance, error) {
		m, err := b.minio(ctx)
		if err != nil {
			return nil, err
		}
		return startSeedpod(ctx, b, m)
	}},
	"css":      {"css", "Community Solid Server 7.2.0, file backend", startCSS},
	"nethttp":  {"nethttp", "bare net/http, reads the 2 KB file per GET", startNetHTTP},
	"fsync":    {"fsync", "bare net/http, write+fsync+rename per PUT", startFsync},
	"minio-go": {"minio-go", "raw minio-go GetObject+read (RSS, start-up: MinIO)", startMinioGo},
}

// bench is one run: its configuration, temp dir and the MinIO shared by
// the targets that need it.
type bench struct {
	cfg        config
	dir        string
	idleBudget time.Duration // left of cfg.waitIdle
	mu         sync.Mutex
	minIO      *minioServer
}

func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(b.cfg.log, "bench: "+format+"\n", args...)
}

// targetDir makes a fresh directory for one target's data and logs.
func (b *bench) targetDir(name string) (string, error) {
	d := filepath.Join(b.dir, name)
	return d, os.MkdirAll(d, 0o755)
}

// startSeedpod creates a public pod named "bench" with the CLI, serves it,
// and seeds it over HTTP. With m set, the pod lives in MinIO.
func startSeedpod(ctx context.Context, b *bench, m *minioServer) (*instance, error) {
	if _, err := os.Stat(b.cfg.seedpodBin); err != nil {
		return nil, fmt.Errorf("seedpod binary: %w (go build -o bin/seedpod ./cmd/seedpod)", err)
	}
	name := "seedpod-disk"
	if m != nil {
		name = "seedpod-minio"
	}
	dir, err := b.targetDir(name)
	if err != nil {
		return nil, err
	}
	data := filepath.Join(dir, "data")
	common := []string{"--data", data}
	if m != nil {
		bucket := "seedpod-bench"
		if err := m.makeBucket(ctx, bucket); err != nil {
			return nil, err
		}
		common = append(common, "--s3-endpoint", m.srv.URL(), "--s3-bucket", bucket,
			"--s3-access-key", m.srv.AccessKey, "--s3-secret-key", m.srv.SecretKey)
	}
	create := exec.CommandContext(ctx, b.cfg.seedpodBin, append([]string{"pod", "create", "bench", "--public"}, common...)...)
	if out, err := create.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("seedpod pod create: %v\n%s", err, out)
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	p, err := startProcess(dir, "seedpod", nil, append([]string{b.cfg.seedpodBin, "serve",
		"--listen", addr, "--base-url", "http://" + addr + "/"}, common...)...)
	if err != nil {
		return nil, err
	}
	inst := &instance{proc: p, addr: addr, seed: true, workloads: podWorkloads, stop: p.stop}
	if m != nil {
		inst.extra, inst.s3 = m.proc, m
	}
	if inst.startup, err = p.waitReady(ctx, 30*time.Second, httpOK(addr, inst.url(podRoot))); err != nil {
		p.stop()
		return nil, err
	}
	return inst, nil
}

// startCSS starts the Community Solid Server through spec/css/start.sh with
// a public read/write configuration, and seeds it over HTTP.
func startCSS(ctx context.Context, b *bench) (*instance, error) {
	if _, err := os.Stat(b.cfg.cssStart); err != nil {
		return nil, fmt.Errorf("CSS start script: %w", err)
	}
	dir, err := b.targetDir("css")
	if err != nil {
		return nil, err
	}
	data := filepath.Join(dir, "data")
	if err := os.MkdirAll(data, 0o755); err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	port := addr[strings.LastIndexByte(addr, ':')+1:]
	// CSS's token verifier accepts http WebIDs only on localhost, so its
	// base URL is http://localhost:PORT/ and requests say so in Host, while
	// the clients dial 127.0.0.1, where it listens.
	p, err := startProcess(dir, "css", nil, "bash", b.cfg.cssStart, port, data)
	if err != nil {
		return nil, err
	}
	inst := &instance{proc: p, addr: addr, host: "localhost:" + port, seed: true, workloads: podWorkloads, stop: p.stop}
	if inst.startup, err = p.waitReady(ctx, 3*time.Minute, httpOK(addr, inst.url("/"))); err != nil {
		p.stop()
		return nil, err
	}
	return inst, nil
}

// startBaseline re-executes this binary as the baseline server on dir.
func startBaseline(ctx context.Context, b *bench, name string, w workload) (*instance, error) {
	dir, err := b.targetDir(name)
	if err != nil {
		return nil, err
	}
	root := filepath.Join(dir, "data", filepath.FromSlash(podRoot))
	if err := os.MkdirAll(filepath.Join(root, putPath), 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(root, docPath), publicDoc, 0o644); err != nil {
		return nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	p, err := startProcess(dir, name, []string{
		envBaselineDir + "=" + filepath.Join(dir, "data"),
		envBaselineListen + "=" + addr,
	}, self)
	if err != nil {
		return nil, err
	}
	inst := &instance{proc: p, addr: addr, workloads: []workload{w}, stop: p.stop}
	if inst.startup, err = p.waitReady(ctx, 30*time.Second, httpOK(addr, inst.url(podRoot+docPath))); err != nil {
		p.stop()
		return nil, err
	}
	return inst, nil
}

func startNetHTTP(ctx context.Context, b *bench) (*instance, error) {
	return startBaseline(ctx, b, "nethttp", getDoc)
}

func startFsync(ctx context.Context, b *bench) (*instance, error) {
	return startBaseline(ctx, b, "fsync", putDoc)
}

// httpRequestFor returns the requests of workload w, run by workers
// workers, against an HTTP target.
func httpRequestFor(w workload, workers int) httpRequest {
	switch w {
	case getDoc:
		return httpRequest{method: http.MethodGet, accept: "text/turtle",
			path: func(int, int) string { return podRoot + docPath }}
	case listContainer:
		return httpRequest{method: http.MethodGet, accept: "text/turtle",
			path: func(int, int) string { return podRoot + listPath }}
	case putDoc:
		return httpRequest{method: http.MethodPut, contentType: "text/turtle", body: smallDoc,
			path: func(id, seq int) string { return fmt.Sprintf("%s%sw%03d-%07d.ttl", podRoot, putPath, id, seq) }}
	case patchDoc:
		// Worker id starts spread documents after worker id-1 and goes
		// round-robin, so that workers seldom patch the same document at
		// once; every request inserts a new triple, so documents grow.
		spread := max(1, patchDocs/max(1, workers))
		return httpRequest{method: http.MethodPatch, contentType: "text/n3", appendBody: appendPatchBody,
			path: func(id, seq int) string { return podRoot + patchDocPath((id*spread+seq)%patchDocs) }}
	}
	panic("unknown workload")
}

// seedPod writes the resources of the public workloads through HTTP, as a
// client would, then checks that they read back.
func seedPod(ctx context.Context, inst *instance, children int) error {
	tr := loopbackTransport(inst.addr, time.Minute)
	tr.MaxIdleConnsPerHost = 16
	hc := &http.Client{Timeout: time.Minute, Transport: tr}
	base := inst.url(podRoot)
	put := func(path string, body []byte) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPut, base+path, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "text/turtle")
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			return fmt.Errorf("seed: PUT %s: %s: %s", path, resp.Status, bytes.TrimSpace(msg))
		}
		return nil
	}
	get := func(path string) ([]byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept", "text/turtle")
		resp, err := hc.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("seed: GET %s: %s", path, resp.Status)
		}
		return body, err
	}

	if err := put(docPath, publicDoc); err != nil {
		return err
	}
	if err := put(putPath+"seed.ttl", smallDoc); err != nil {
		return err
	}
	for i := range patchDocs {
		if err := put(patchDocPath(i), smallDoc); err != nil {
			return err
		}
	}
	// The first child creates the container; the rest go 8 at a time.
	if err := put(listPath+fmt.Sprintf(childNameF, 0), smallDoc); err != nil {
		return err
	}
	next := make(chan int)
	errc := make(chan error, 8)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := put(listPath+fmt.Sprintf(childNameF, i), smallDoc); err != nil {
					errc <- err
					return
				}
			}
		}()
	}
	var err error
feed:
	for i := 1; i < children; i++ {
		select {
		case next <- i:
		case err = <-errc:
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err != nil {
		return err
	}
	select {
	case err := <-errc:
		return err
	default:
	}

	body, err := get(docPath)
	if err != nil {
		return err
	}
	if len(body) < len(publicDoc)/2 {
		return fmt.Errorf("seed: GET %s: %d bytes, want about %d", docPath, len(body), len(publicDoc))
	}
	if body, err = get(listPath); err != nil {
		return err
	}
	if last := fmt.Sprintf(childNameF, children-1); !bytes.Contains(body, []byte(last)) {
		return fmt.Errorf("seed: GET %s: listing lacks %s (%d bytes)", listPath, last, len(body))
	}
	last := patchDocPath(patchDocs - 1)
	if body, err = get(last); err != nil {
		return err
	}
	if !bytes.Contains(body, []byte("schema.org")) {
		return fmt.Errorf("seed: GET %s: not the seeded document (%d bytes)", last, len(body))
	}
	return nil
}
