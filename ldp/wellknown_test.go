package ldp

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/seedpod/seedpod/ldp/rdf"
	"github.com/seedpod/seedpod/storage/disk"
)

func TestDescriptionHooksAndUpdatesVia(t *testing.T) {
	st, err := disk.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := CreatePod(context.Background(), st, "alice", PodOptions{Public: true}); err != nil {
		t.Fatal(err)
	}
	get := func(h *Handler, path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec
	}
	plain, err := New(Config{Store: st, BaseURL: "https://pod.example/"})
	if err != nil {
		t.Fatal(err)
	}
	if rec := get(plain, "/.well-known/solid"); rec.Code != 404 {
		t.Errorf("server description without hook = %d, want 404", rec.Code)
	}
	if rec := get(plain, "/alice/"); rec.Header().Get("Updates-Via") != "" {
		t.Errorf("Updates-Via without config = %q", rec.Header().Get("Updates-Via"))
	}
	hooked, err := New(Config{
		Store: st, BaseURL: "https://pod.example/",
		UpdatesVia: "wss://pod.example/.notifications/solid-0.1",
		DescribeStorage: func(g *rdf.Graph, u string) {
			g.Add(rdf.IRI(u), rdf.IRI("http://example.org/storageHook"), rdf.IRI(u+"x"))
		},
		DescribeServer: func(g *rdf.Graph, u string) {
			g.Add(rdf.IRI(u), rdf.IRI("http://example.org/serverHook"), rdf.IRI(u+"y"))
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ path, want string }{
		{"/.well-known/solid/alice", "<http://example.org/storageHook> <https://pod.example/alice/x>"},
		{"/.well-known/solid", "<https://pod.example/> <http://example.org/serverHook> <https://pod.example/y>"},
	} {
		rec := get(hooked, tt.path)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), tt.want) {
			t.Errorf("GET %s = %d\n%s\nwant it to contain %s", tt.path, rec.Code, rec.Body, tt.want)
		}
	}
	for _, path := range []string{"/alice/", "/alice/missing", "/.well-known/solid"} {
		if got := get(hooked, path).Header().Get("Updates-Via"); got != "wss://pod.example/.notifications/solid-0.1" {
			t.Errorf("GET %s: Updates-Via = %q", path, got)
		}
	}
	rec := httptest.NewRecorder()
	hooked.ServeHTTP(rec, httptest.NewRequest("PUT", "/.well-known/solid", strings.NewReader("x")))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("PUT server description = %d, want 405", rec.Code)
	}
}
