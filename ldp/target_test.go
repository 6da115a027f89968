package ldp

import (
	"strings"
	"testing"

	"github.com/seedpod/seedpod/storage"
)

func TestParseKey(t *testing.T) {
	long := strings.Repeat("a", storage.MaxSegment+1)
	tests := []struct {
		raw, base string
		want      storage.Key
		bad       bool
	}{
		{"/", "/", "/", false},
		{"/alice/", "/", "/alice/", false},
		{"/alice/notes.ttl", "/", "/alice/notes.ttl", false},
		{"/alice/a%20b", "/", "/alice/a b", false},
		{"/alice/%C3%A9t%C3%A9", "/", "/alice/été", false},
		{"/alice/..notes", "/", "/alice/..notes", false},
		{"/alice/.acl", "/", "/alice/.acl", false},
		{"/alice/%2Enotes", "/", "/alice/.notes", false},
		{"/pods/alice/x", "/pods/", "/alice/x", false},
		{"/pods", "/pods/", "/", false},
		{"/alice/../bob", "/", "", true},
		{"/alice/./x", "/", "", true},
		{"/alice/%2e%2e/bob", "/", "", true},
		{"/alice/%2E/x", "/", "", true},
		{"/alice/a%2Fb", "/", "", true},
		{"/alice/a%5Cb", "/", "", true},
		{"/alice/a%00b", "/", "", true},
		{"/alice//x", "/", "", true},
		{"//alice", "/", "", true},
		{"/alice/%zz", "/", "", true},
		{"/alice/%", "/", "", true},
		{"/alice/%FF%FE", "/", "", true},
		{"/alice/" + long, "/", "", true},
		{"/other/x", "/pods/", "", true},
	}
	for _, tt := range tests {
		got, err := parseKey(tt.raw, tt.base)
		if tt.bad {
			if err == nil {
				t.Errorf("parseKey(%q, %q) = %q, want an error", tt.raw, tt.base, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parseKey(%q, %q) = %q, %v; want %q", tt.raw, tt.base, got, err, tt.want)
		}
	}
}

func FuzzParseKey(f *testing.F) {
	for _, s := range []string{"/", "/a/b", "/a/%2e%2e/", "/a//b", "/a/%zz", "/..x/", "/a%2Fb", "/é/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		k, err := parseKey(raw, "/")
		if err != nil {
			return
		}
		if !storage.ValidKey(k) {
			t.Fatalf("parseKey(%q) = %q, not a valid key", raw, k)
		}
		// The canonical URL of a key parses back to the same key.
		back, err := parseKey("/"+escapeKey(k), "/")
		if err != nil || back != k {
			t.Fatalf("round trip of %q via %q = %q, %v", k, escapeKey(k), back, err)
		}
	})
}

func TestAuxOf(t *testing.T) {
	tests := []struct {
		key     storage.Key
		kind    AuxKind
		subject storage.Key
	}{
		{"/a/b", NotAux, ""},
		{"/a/b.acl", ACLResource, "/a/b"},
		{"/a/.acl", ACLResource, "/a/"},
		{"/a/b.meta", MetaResource, "/a/b"},
		{"/a/.meta", MetaResource, "/a/"},
		{"/a/x.acl/", NotAux, ""},
		{"/a/b.acl.ttl", NotAux, ""},
	}
	for _, tt := range tests {
		kind, subj := auxOf(tt.key)
		if kind != tt.kind || subj != tt.subject {
			t.Errorf("auxOf(%q) = %v, %q; want %v, %q", tt.key, kind, subj, tt.kind, tt.subject)
		}
	}
}

func TestPodOf(t *testing.T) {
	tests := []struct {
		key, pod storage.Key
		ok, root bool
	}{
		{"/", "", false, false},
		{"/x", "", false, false},
		{"/alice/", "/alice/", true, true},
		{"/alice/x", "/alice/", true, false},
		{"/alice/a/b/", "/alice/", true, false},
	}
	for _, tt := range tests {
		pod, ok := podOf(tt.key)
		if pod != tt.pod || ok != tt.ok || isPodRoot(tt.key) != tt.root {
			t.Errorf("podOf(%q) = %q, %v (root %v); want %q, %v (root %v)", tt.key, pod, ok, isPodRoot(tt.key), tt.pod, tt.ok, tt.root)
		}
	}
}

func TestSafeSlug(t *testing.T) {
	tests := []struct{ slug, want string }{
		{"notes", "notes"},
		{"my%20notes", "my notes"},
		{"photos/", "photos"},
		{"a/b", ""},
		{"a%2Fb", ""},
		{"..", ""},
		{".", ""},
		{".acl", ""},
		{"x.acl", ""},
		{"x.meta", ""},
		{"..notes", "..notes"},
		{"", ""},
		{"a\\b", ""},
		{strings.Repeat("n", 300), ""},
	}
	for _, tt := range tests {
		if got := safeSlug(tt.slug); got != tt.want {
			t.Errorf("safeSlug(%q) = %q, want %q", tt.slug, got, tt.want)
		}
	}
}

func TestWantsContainer(t *testing.T) {
	tests := []struct {
		links []string
		want  bool
	}{
		{nil, false},
		{[]string{`<http://www.w3.org/ns/ldp#BasicContainer>; rel="type"`}, true},
		{[]string{`<http://www.w3.org/ns/ldp#Resource>; rel="type", <http://www.w3.org/ns/ldp#BasicContainer>; rel="type"`}, true},
		{[]string{`<http://www.w3.org/ns/ldp#Container>; rel = "type"`}, true},
		{[]string{`<http://www.w3.org/ns/ldp#Resource>; rel="type"`}, false},
		{[]string{`<http://www.w3.org/ns/ldp#BasicContainer>; rel="describedby"`}, false},
	}
	for _, tt := range tests {
		if got := wantsContainer(tt.links); got != tt.want {
			t.Errorf("wantsContainer(%q) = %v, want %v", tt.links, got, tt.want)
		}
	}
}
