package spec

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// rdflibDir holds the rdflib.js client test: package.json pins rdflib, and
// rdflib.test.cjs drives its UpdateManager and Fetcher.
const rdflibDir = "rdflib"

// TestRdflibClient runs spec/rdflib/rdflib.test.cjs (node --test) against
// Seedpod on disk: rdflib's UpdateManager, the client of SolidOS and mashlib,
// edits a document with SPARQL Update and with N3 Patch, and its Fetcher
// reads the result back. It installs the pinned rdflib with npm ci first if
// it is missing. Against an external target (-base-url) it does nothing:
// it checks Seedpod's compatibility with the client most pod users run, and
// CSS 7.2.0 fails it (DELETE DATA of an absent triple answers 205, not 409;
// it writes 🌱 as \U0001f331, which rdflib 2.4.0's parser drops).
// https://solidproject.org/TR/2024/protocol-20240512#n3-patch
func TestRdflibClient(t *testing.T) {
	t.Parallel()
	var disk *target
	for _, s := range targets {
		if s.name == "disk" {
			disk = s
		}
	}
	if disk == nil {
		t.Logf("rdflib client test: runs against Seedpod's disk target only, not %d external target(s)", len(targets))
		return
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("rdflib client test needs Node.js: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if want, have := rdflibVersion(t, "package.json", "dependencies"), rdflibVersion(t, "node_modules/rdflib/package.json", "version"); have != want {
		npm := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
		npm.Dir = rdflibDir
		if out, err := npm.CombinedOutput(); err != nil {
			t.Fatalf("npm ci in spec/%s (rdflib %s, found %q): %v\n%s", rdflibDir, want, have, err, out)
		}
	}
	cmd := exec.CommandContext(ctx, node, "--test")
	cmd.Dir = rdflibDir
	cmd.Env = append(os.Environ(), "SEEDPOD_URL="+disk.base.String())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node --test in spec/%s against %s: %v\n%s", rdflibDir, disk.base, err, out)
	}
	t.Logf("node --test against %s:\n%s", disk.base, out)
}

// rdflibVersion reads rdflib's version from a package.json under rdflibDir:
// the pinned one from "dependencies", or the installed one from "version".
// A missing file reads as "".
func rdflibVersion(t *testing.T, file, field string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(rdflibDir, file))
	if os.IsNotExist(err) {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct {
		Version      string            `json:"version"`
		Dependencies map[string]string `json:"dependencies"`
	}
	if err := json.Unmarshal(b, &pkg); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if field == "version" {
		return pkg.Version
	}
	return pkg.Dependencies["rdflib"]
}
