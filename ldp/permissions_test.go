package ldp

import (
	"context"
	"testing"

	"github.com/seedpod/seedpod/acl"
	"github.com/seedpod/seedpod/oidc"
	"github.com/seedpod/seedpod/storage/disk"
)

func TestPermissions(t *testing.T) {
	st, err := disk.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const owner = "https://id.example/alice#me"
	if _, err := CreatePod(ctx, st, "alice", PodOptions{Owner: owner}); err != nil {
		t.Fatal(err)
	}
	if _, err := CreatePod(ctx, st, "pub", PodOptions{Public: true}); err != nil {
		t.Fatal(err)
	}
	h, err := New(Config{Store: st, BaseURL: "https://pod.example/"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		agent, origin, url string
		want               acl.Mode
		err                bool
	}{
		{owner, "", "https://pod.example/alice/doc", acl.Read | acl.Write | acl.Append | acl.Control, false},
		{owner, "", "https://pod.example/alice/.acl", acl.All, false},
		{owner, "", "https://pod.example/alice/x.meta", acl.Read | acl.Write | acl.Append | acl.Control, false},
		{"", "", "https://pod.example/alice/doc", 0, false},
		{"https://id.example/bob#me", "", "https://pod.example/alice/doc", 0, false},
		{"", "", "https://pod.example/pub/doc", acl.Read | acl.Write | acl.Append | acl.Control, false},
		{owner, "", "https://pod.example/.internal/notify/", 0, false},
		{owner, "", "https://elsewhere.example/alice/doc", 0, true},
	}
	for _, tt := range tests {
		got, err := h.Permissions(ctx, oidc.Agent{WebID: tt.agent}, tt.origin, tt.url)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("Permissions(%q, %q) = %v, %v; want %v, error %v", tt.agent, tt.url, got, err, tt.want, tt.err)
		}
	}
	if got, err := h.CanonicalURL("https://pod.example/alice/a%7Eb?q#f"); err != nil || got != "https://pod.example/alice/a~b" {
		t.Errorf("CanonicalURL = %q, %v", got, err)
	}
}
