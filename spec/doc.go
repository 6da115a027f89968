// Package spec holds Seedpod's black-box conformance tests for the Solid
// Protocol (and, in later issues, WAC and Solid-OIDC).
//
// The tests speak only HTTP to a base URL: they sit outside the request flow
// of the server (cmd → ldp → acl, oidc, storage) and import none of its
// packages. By default `go test ./spec/` builds cmd/seedpod and runs every
// test against it on both storage backends, disk and MinIO; with -base-url
// (or SPEC_BASE_URL) the tests target a writable container on any running
// Solid server instead, such as the Community Solid Server started by
// spec/css/run.sh.
//
// Each test checks one requirement and is named after the spec anchor it
// covers; requirements.md maps requirement ids and anchors to tests, and lists
// where the reference server deviates from the spec.
package spec
