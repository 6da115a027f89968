package storage

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

var keyTests = []struct {
	key   Key
	valid bool
	// parent and name are checked only for valid keys.
	parent Key // want Parent, "" for none
	name   string
}{
	{"/", true, "", ""},
	{"/a", true, "/", "a"},
	{"/a/", true, "/", "a"},
	{"/a/b", true, "/a/", "b"},
	{"/a/b/", true, "/a/", "b"},
	{"/a/b/c", true, "/a/b/", "c"},
	{"/..notes", true, "/", "..notes"},
	{"/.acl", true, "/", ".acl"},
	{"/a/.meta", true, "/a/", ".meta"},
	{"/...", true, "/", "..."},
	{"/a..", true, "/", "a.."},
	{"/héllo wörld/日本語", true, "/héllo wörld/", "日本語"},
	{"/100%/a#b?c", true, "/100%/", "a#b?c"},
	{"/ /", true, "/", " "},
	{Key("/" + strings.Repeat("x", MaxSegment)), true, "/", strings.Repeat("x", MaxSegment)},
	{Key("/" + strings.Repeat("é", MaxSegment/2) + "/"), true, "/", strings.Repeat("é", MaxSegment/2)},

	{"", false, "", ""},
	{"a", false, "", "a"},
	{"a/b", false, "", "b"},
	{"//", false, "", ""},
	{"//a", false, "", "a"},
	{"/a//", false, "", ""},
	{"/a//b", false, "", "b"},
	{"/.", false, "", "."},
	{"/./", false, "", "."},
	{"/..", false, "", ".."},
	{"/../", false, "", ".."},
	{"/a/..", false, "", ".."},
	{"/a/../b", false, "", "b"},
	{"/a/./b", false, "", "b"},
	{"/a\x00", false, "", "a\x00"},
	{"/a\\b", false, "", "a\\b"},
	{"/..\\x", false, "", "..\\x"},
	{"/\xff", false, "", "\xff"},
	{"/a/\xc3", false, "", "\xc3"},
	{Key("/" + strings.Repeat("x", MaxSegment+1)), false, "", strings.Repeat("x", MaxSegment+1)},
	{Key("/a/" + strings.Repeat("é", MaxSegment/2) + "x/b"), false, "", "b"},
}

func TestValidKey(t *testing.T) {
	for _, tt := range keyTests {
		if got := ValidKey(tt.key); got != tt.valid {
			t.Errorf("ValidKey(%q) = %v, want %v", tt.key, got, tt.valid)
		}
		err := CheckKey(tt.key)
		if tt.valid != (err == nil) {
			t.Errorf("CheckKey(%q) = %v, want valid %v", tt.key, err, tt.valid)
		}
		if err != nil && !errors.Is(err, ErrInvalidKey) {
			t.Errorf("CheckKey(%q) = %v, want ErrInvalidKey", tt.key, err)
		}
	}
}

func TestParentAndName(t *testing.T) {
	for _, tt := range keyTests {
		if !tt.valid {
			continue
		}
		parent, ok := tt.key.Parent()
		if parent != tt.parent || ok != (tt.parent != "") {
			t.Errorf("Key(%q).Parent() = %q, %v, want %q, %v", tt.key, parent, ok, tt.parent, tt.parent != "")
		}
		if got := tt.key.Name(); got != tt.name {
			t.Errorf("Key(%q).Name() = %q, want %q", tt.key, got, tt.name)
		}
		if got, want := tt.key.IsContainer(), strings.HasSuffix(string(tt.key), "/"); got != want {
			t.Errorf("Key(%q).IsContainer() = %v, want %v", tt.key, got, want)
		}
	}
}

func TestKeyErrorMessage(t *testing.T) {
	err := CheckKey(Key("/a\x00\xff" + strings.Repeat("y", 200)))
	msg := err.Error()
	if !utf8.ValidString(msg) || len(msg) > 120 || !strings.HasPrefix(msg, "storage: invalid key ") {
		t.Errorf("CheckKey error = %q, want a short valid UTF-8 message", msg)
	}
}

func FuzzValidKey(f *testing.F) {
	for _, tt := range keyTests {
		f.Add(string(tt.key))
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := Key(s)
		valid := ValidKey(k)
		parent, hasParent := k.Parent() // must not panic on any input
		name := k.Name()
		if !valid {
			if err := CheckKey(k); !errors.Is(err, ErrInvalidKey) {
				t.Fatalf("CheckKey(%q) = %v, want ErrInvalidKey", s, err)
			}
			return
		}
		if err := CheckKey(k); err != nil {
			t.Fatalf("CheckKey(%q) = %v for a valid key", s, err)
		}
		if k == "/" {
			if hasParent || name != "" || !k.IsContainer() {
				t.Fatalf("root: Parent() = %q, %v; Name() = %q", parent, hasParent, name)
			}
			return
		}
		if !hasParent {
			t.Fatalf("Key(%q).Parent() reports no parent", s)
		}
		if !ValidKey(parent) || !parent.IsContainer() {
			t.Fatalf("Key(%q).Parent() = %q, not a valid container key", s, parent)
		}
		// The key is its parent plus its name, and the name is a valid
		// single segment.
		rebuilt := string(parent) + name
		if k.IsContainer() {
			rebuilt += "/"
		}
		if rebuilt != s {
			t.Fatalf("Key(%q): Parent %q + Name %q does not rebuild it", s, parent, name)
		}
		if name == "" || strings.Contains(name, "/") || !ValidKey(Key("/"+name)) {
			t.Fatalf("Key(%q).Name() = %q, not a valid segment", s, name)
		}
		// Both forms of a valid key are valid.
		other := Key(strings.TrimSuffix(s, "/"))
		if !k.IsContainer() {
			other = k + "/"
		}
		if !ValidKey(other) {
			t.Fatalf("ValidKey(%q) but not ValidKey(%q)", s, other)
		}
		// Walking up always ends at the root.
		for p, n := k, 0; p != "/"; n++ {
			p, _ = p.Parent()
			if n > len(s) {
				t.Fatalf("Key(%q): Parent chain does not reach /", s)
			}
		}
	})
}
