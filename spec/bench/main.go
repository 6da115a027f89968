// Command bench puts the same closed-loop load, on loopback only, on Seedpod
// (filesystem and MinIO), the Community Solid Server and three physical-limit
// baselines, and prints one table of throughput, latency, errors and memory
// with the ratios against Seedpod's performance targets.
//
// It sits outside the request flow: it starts each server as a child process
// (bin/seedpod, spec/css/start.sh, itself in baseline mode, and MinIO through
// storage/s3/miniotest as the tests do), seeds it over HTTP, loads it, and
// stops it before the next target starts, so targets never compete for the
// two cores.
//
// Targets:
//
//	seedpod-disk   Seedpod on the filesystem
//	seedpod-minio  Seedpod on MinIO
//	css            Community Solid Server 7.2.0, file backend, public read/write
//	nethttp        bare net/http handler reading the same 2 KB file per GET
//	fsync          bare net/http handler doing write + fsync + rename per PUT
//	minio-go       the load generator itself calling minio-go GetObject + read
//
// Workloads: GET of a public ~2 KB Turtle document, PUT of new small Turtle
// documents under unique names, GET (Accept: text/turtle) of a container
// with 1,000 children, and N3 Patch (PATCH, text/n3) inserting one new
// triple, round-robin over 64 small Turtle documents (Solid servers only).
// authget (Solid servers only): a user made through the account JSON API
// (CSS v7's) and logged in with client credentials GETs a private copy of
// the ~2 KB document in its pod, with its DPoP-bound access token and a
// fresh DPoP proof per request, signed before the run (authload.go,
// proofs.go). CSS runs on http://localhost:PORT/, as its verifier wants;
// every client dials 127.0.0.1 and names the target's host in Host.
//
// Usage (scripts/bench.sh, via make bench, passes the paths):
//
//	go run ./spec/bench [-quick] [-targets seedpod-disk,nethttp,...] [-workloads get,authget,...] [-out FILE]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

func main() {
	if serveBaselineFromEnv() {
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// config is everything a run needs; defaultConfig and quickConfig fill it.
type config struct {
	targets   []string
	workloads []workload // run only these, where a target has them

	warmup, duration time.Duration // per workload
	timeout          time.Duration // per request
	pause            time.Duration // between the workloads of a target
	waitIdle         time.Duration // at most, in all, for a quiet machine before targets
	getWorkers       int
	putWorkers       int
	listWorkers      int
	patchWorkers     int
	maxGet           int // measured requests per workload, at most
	maxPut           int
	maxList          int
	maxPatch         int
	children         int // in the listed container

	// The authenticated GET (authget) runs with getWorkers, at most maxGet
	// measured requests, on DPoP proofs signed before the run.
	calibrate   time.Duration // trial run that sizes the pool of proofs
	calibProofs int           // proofs signed for the trial, at most
	maxProofs   int           // proofs signed for a run, at most

	client     string // "raw" or "transport"
	seedpodBin string
	minioBin   string
	cssStart   string
	workDir    string // parent of the run's temp dir; "" for os.TempDir
	keep       bool   // keep the temp dir (data and server logs)
	out        string // also write the table here
	log        io.Writer
}

var allTargets = []string{"nethttp", "fsync", "seedpod-disk", "minio-go", "seedpod-minio", "css"}

func defaultConfig() config {
	return config{
		targets:      allTargets,
		workloads:    []workload{getDoc, listContainer, putDoc, patchDoc, authGet},
		warmup:       time.Second,
		duration:     8 * time.Second,
		timeout:      30 * time.Second,
		pause:        time.Second,
		getWorkers:   32,
		putWorkers:   16,
		listWorkers:  2, // CSS's 6 s resource locks expire under more
		patchWorkers: 16,
		maxGet:       1_000_000,
		maxPut:       100_000,
		maxList:      100_000,
		maxPatch:     100_000,
		children:     1000,
		calibrate:    time.Second,
		calibProofs:  5000,
		maxProofs:    300_000,
		client:       "raw",
		seedpodBin:   "bin/seedpod",
		minioBin:     envOr("SEEDPOD_MINIO_BIN", "bin/minio"),
		cssStart:     "spec/css/start.sh",
	}
}

// quick turns c into a smoke run: a few hundred requests per workload.
func (c *config) quick() {
	c.warmup = 100 * time.Millisecond
	c.duration = 2 * time.Second
	c.pause = 100 * time.Millisecond
	c.getWorkers, c.putWorkers, c.listWorkers, c.patchWorkers = 8, 4, 2, 4
	c.maxGet, c.maxPut, c.maxList, c.maxPatch = 400, 200, 100, 200
	c.children = 100
	c.calibrate, c.calibProofs = 200*time.Millisecond, 400
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := defaultConfig()
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	quick := fs.Bool("quick", false, "smoke run: a few hundred requests per workload, 100 children")
	targets := fs.String("targets", strings.Join(allTargets, ","), "comma-separated targets to run, in order")
	workloads := fs.String("workloads", strings.Join(workloadFlags, ","), "comma-separated workloads to run: get (2 KB doc), list (container), put, patch (N3 Patch), authget (private 2 KB doc, DPoP)")
	warmup := fs.Duration("warmup", 0, "warm-up per workload (default 1s, quick 100ms)")
	duration := fs.Duration("duration", 0, "measured time per workload (default 8s, quick 2s)")
	getWorkers := fs.Int("get-workers", 0, "concurrent GET workers (default 32)")
	putWorkers := fs.Int("put-workers", 0, "concurrent PUT workers (default 16)")
	listWorkers := fs.Int("list-workers", 0, "concurrent container-listing workers (default 2)")
	patchWorkers := fs.Int("patch-workers", 0, "concurrent PATCH workers (default 16)")
	maxReq := fs.Int("max-requests", 0, "cap on measured requests per workload (default 1e6 GET and authenticated GET, 1e5 PUT, PATCH and listing)")
	fs.IntVar(&cfg.maxProofs, "max-proofs", cfg.maxProofs, "cap on the DPoP proofs signed before an authenticated GET run (about 0.6 KB each)")
	children := fs.Int("children", 0, "children in the listed container (default 1000, quick 100)")
	fs.StringVar(&cfg.client, "client", cfg.client, `HTTP client: "raw" (one keep-alive conn per worker, prebuilt requests) or "transport" (net/http Client)`)
	fs.StringVar(&cfg.seedpodBin, "seedpod", cfg.seedpodBin, "Seedpod binary")
	fs.StringVar(&cfg.minioBin, "minio", cfg.minioBin, "MinIO server binary")
	fs.StringVar(&cfg.cssStart, "css-start", cfg.cssStart, "script starting CSS: SCRIPT PORT DATADIR")
	fs.StringVar(&cfg.workDir, "workdir", "", "parent directory for data and logs (default $TMPDIR)")
	fs.BoolVar(&cfg.keep, "keep", false, "keep data and server logs")
	fs.DurationVar(&cfg.waitIdle, "wait-idle", 0, "before each target, wait for the CPUs to be under 15% busy, at most this long in all")
	fs.StringVar(&cfg.out, "out", "", "also write the result table to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *quick {
		cfg.quick()
	}
	cfg.targets = splitList(*targets)
	for _, t := range cfg.targets {
		if !slices.Contains(allTargets, t) {
			return fmt.Errorf("unknown target %q (have %s)", t, strings.Join(allTargets, ", "))
		}
	}
	cfg.workloads = nil
	for _, w := range splitList(*workloads) {
		i := slices.Index(workloadFlags, w)
		if i < 0 {
			return fmt.Errorf("unknown workload %q (have %s)", w, strings.Join(workloadFlags, ", "))
		}
		cfg.workloads = append(cfg.workloads, workload(i))
	}
	setIf(&cfg.warmup, *warmup)
	setIf(&cfg.duration, *duration)
	setIf(&cfg.getWorkers, *getWorkers)
	setIf(&cfg.putWorkers, *putWorkers)
	setIf(&cfg.listWorkers, *listWorkers)
	setIf(&cfg.patchWorkers, *patchWorkers)
	setIf(&cfg.maxGet, *maxReq)
	setIf(&cfg.maxPut, *maxReq)
	setIf(&cfg.maxList, *maxReq)
	setIf(&cfg.maxPatch, *maxReq)
	setIf(&cfg.children, *children)
	if cfg.client != "raw" && cfg.client != "transport" {
		return fmt.Errorf("-client: want raw or transport, have %q", cfg.client)
	}
	for _, p := range []*string{&cfg.seedpodBin, &cfg.minioBin, &cfg.cssStart} {
		if abs, err := filepath.Abs(*p); err == nil {
			*p = abs
		}
	}
	cfg.log = stderr

	rep, err := runBench(ctx, cfg)
	if rep == nil {
		return err
	}
	table := rep.String()
	fmt.Fprint(stdout, table)
	if cfg.out != "" {
		if werr := os.WriteFile(cfg.out, []byte(table), 0o644); werr != nil && err == nil {
			err = werr
		} else if werr == nil {
			fmt.Fprintf(stderr, "bench: table written to %s\n", cfg.out)
		}
	}
	return err
}

func setIf[T comparable](dst *T, v T) {
	var zero T
	if v != zero {
		*dst = v
	}
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
