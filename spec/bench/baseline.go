package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
)

// The physical-limit baselines run in a process of their own (the bench
// binary, re-executed with these variables set) so that their start-up
// time and memory are measured like any other server's.
const (
	envBaselineDir    = "SEEDPOD_BENCH_BASELINE_DIR"
	envBaselineListen = "SEEDPOD_BENCH_BASELINE_LISTEN"
)

// serveBaselineFromEnv serves the baseline handler and returns true if this
// process was started as a baseline server; it returns false at once
// otherwise. It never returns while serving.
func serveBaselineFromEnv() bool {
	dir, addr := os.Getenv(envBaselineDir), os.Getenv(envBaselineListen)
	if dir == "" || addr == "" {
		return false
	}
	srv := &http.Server{Addr: addr, Handler: baselineHandler(dir)}
	fmt.Fprintln(os.Stderr, srv.ListenAndServe())
	os.Exit(1)
	return true
}

// baselineHandler is the least a server can do for our workloads:
//   - GET reads the named file from dir (from the page cache) and writes it;
//   - PUT writes the body to a temporary file in the target's directory,
//     fsyncs it and renames it into place, like storage/disk.
//
// It checks nothing and knows no RDF: the physical limit for Seedpod.
func baselineHandler(dir string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := filepath.Join(dir, filepath.FromSlash(path.Clean("/"+r.URL.Path)))
		switch r.Method {
		case http.MethodGet:
			b, err := os.ReadFile(name)
			if err != nil {
				http.Error(w, "not found", http.StatusNotFound)
				return
			}
			w.Header().Set("Content-Type", "text/turtle")
			w.Write(b)
		case http.MethodPut:
			if err := writeSynced(name, r.Body); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			w.WriteHeader(http.StatusCreated)
		default:
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		}
	})
}

// writeSynced writes body to name through a synced temporary file.
func writeSynced(name string, body io.Reader) error {
	f, err := os.CreateTemp(filepath.Dir(name), ".tmp-*")
	if err != nil {
		return err
	}
	_, err = io.Copy(f, body)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), name)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}
