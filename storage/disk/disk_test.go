package disk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seedpod/seedpod/storage"
	"github.com/seedpod/seedpod/storage/storagetest"
)

func newStore(t testing.TB) *Store {
	t.Helper()
	s, err := New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestStore(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Store { return newStore(t) })
}

func BenchmarkDisk(b *testing.B) {
	storagetest.Bench(b, func(b *testing.B) storage.Store { return newStore(b) })
}

func mustPut(t testing.TB, s *Store, key storage.Key, body string) storage.Info {
	t.Helper()
	info, err := s.Put(context.Background(), key, strings.NewReader(body), "text/plain", storage.Conditions{})
	if err != nil {
		t.Fatalf("Put(%q) = %v", key, err)
	}
	return info
}

func listKeys(t testing.TB, s *Store, key storage.Key) []storage.Key {
	t.Helper()
	var keys []storage.Key
	for info, err := range s.List(context.Background(), key) {
		if err != nil {
			t.Fatalf("List(%q): %v", key, err)
		}
		keys = append(keys, info.Key)
	}
	slices.Sort(keys)
	return keys
}

func TestNewCreatesRoot(t *testing.T) {
	root := filepath.Join(t.TempDir(), "a", "b")
	s, err := New(root)
	if err != nil {
		t.Fatalf("New(%q) = %v", root, err)
	}
	defer s.Close()
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		t.Fatalf("root not created: %v", err)
	}
	// A second Store on the same root sees the first one's data.
	mustPut(t, s, "/x", "hello")
	s2, err := New(root)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if got := listKeys(t, s2, "/"); !slices.Equal(got, []storage.Key{"/x"}) {
		t.Errorf("List(/) on reopened store = %v", got)
	}
}

func TestLayout(t *testing.T) {
	root := t.TempDir()
	s, err := New(root)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mustPut(t, s, "/c/", "")
	mustPut(t, s, "/c/..notes", "hello")
	b, err := os.ReadFile(filepath.Join(root, "c", "..notes"))
	if err != nil {
		t.Fatal(err)
	}
	m, hlen, err := parseHeader(b)
	if err != nil {
		t.Fatal(err)
	}
	if string(b[hlen:]) != "hello" || m.size != 5 || m.contentType != "text/plain" {
		t.Errorf("file = %q, header %+v; want body hello after the header", b, m)
	}
	if fi, err := os.Stat(filepath.Join(root, "c")); err != nil || !fi.IsDir() {
		t.Errorf("container /c/ is not a directory: %v", err)
	}
}

// A crash can leave temporary files behind. They are never listed, never
// make a container non-empty, and List removes them.
func TestLeftoverTempFiles(t *testing.T) {
	root := t.TempDir()
	s, err := New(root)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mustPut(t, s, "/c/", "")
	mustPut(t, s, "/c/a", "a")
	mustPut(t, s, "/d/", "")
	// Half-written files, as a crash during Put leaves them: blank or
	// truncated header, some body.
	old := time.Now().Add(-time.Hour)
	for _, p := range []string{"c/" + tempPrefix + "1234", "d/" + tempPrefix + "abcd", tempPrefix + "ff"} {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.WriteFile(full, make([]byte, 100), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(full, old, old); err != nil {
			t.Fatal(err)
		}
	}
	if got := listKeys(t, s, "/c/"); !slices.Equal(got, []storage.Key{"/c/a"}) {
		t.Errorf("List(/c/) = %v, want [/c/a]", got)
	}
	if _, err := os.Stat(filepath.Join(root, "c", tempPrefix+"1234")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale temp file in /c/ not removed by List: %v", err)
	}
	if got := listKeys(t, s, "/"); !slices.Equal(got, []storage.Key{"/c/", "/d/"}) {
		t.Errorf("List(/) = %v, want [/c/ /d/]", got)
	}
	// /d/ holds only a stale temporary file: it is empty.
	if err := s.Delete(context.Background(), "/d/", storage.Conditions{}); err != nil {
		t.Errorf("Delete(/d/) with a stale temp file = %v", err)
	}
	// A fresh temporary file is a Put under way: the container is not
	// empty, and the file stays.
	mustPut(t, s, "/e/", "")
	fresh := filepath.Join(root, "e", tempPrefix+"beef")
	if err := os.WriteFile(fresh, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(context.Background(), "/e/", storage.Conditions{}); !errors.Is(err, storage.ErrNotEmpty) {
		t.Errorf("Delete(/e/) during a Put = %v, want ErrNotEmpty", err)
	}
	listKeys(t, s, "/e/")
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("fresh temp file removed: %v", err)
	}
}

// Content types longer than the usual header buffer round-trip, in Get,
// Stat and List.
func TestLongContentType(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	for _, n := range []int{400, 600, 5000, maxContentType} {
		ct := "application/x-long; p=" + strings.Repeat("v", n-22)
		key := storage.Key(fmt.Sprint("/ct", n))
		body := strings.Repeat("b", n) // small and large bodies too
		if _, err := s.Put(ctx, key, strings.NewReader(body), ct, storage.Conditions{}); err != nil {
			t.Fatalf("Put(%q) with a %d-byte content type = %v", key, n, err)
		}
		obj, err := s.Get(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(obj)
		obj.Close()
		if err != nil || string(got) != body || obj.Info().ContentType != ct {
			t.Errorf("Get(%q) = %d bytes, %d-byte type, %v", key, len(got), len(obj.Info().ContentType), err)
		}
	}
	s.cache.removeDir(".")
	for info, err := range s.List(ctx, "/") {
		if err != nil || !strings.HasPrefix(info.ContentType, "application/x-long; p=vvv") {
			t.Errorf("List(/) yielded %q with a %d-byte type, %v", info.Key, len(info.ContentType), err)
		}
	}
	_, err := s.Put(ctx, "/toolong", strings.NewReader(""), strings.Repeat("x", maxContentType+1), storage.Conditions{})
	if err == nil {
		t.Errorf("Put with a %d-byte content type succeeded", maxContentType+1)
	}
}

// crashEnv names the directory in which the test binary, run again by
// TestCrashDuringPut, replaces /doc forever until killed.
const crashEnv = "SEEDPOD_DISK_CRASH_ROOT"

func TestMain(m *testing.M) {
	if root := os.Getenv(crashEnv); root != "" {
		s, err := New(root)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		// Never returns: the reader never ends.
		s.Put(context.Background(), "/doc", endless{}, "text/plain", storage.Conditions{})
		os.Exit(1)
	}
	os.Exit(m.Run())
}

type endless struct{}

func (endless) Read(p []byte) (int, error) {
	time.Sleep(time.Millisecond)
	for i := range p {
		p[i] = 'n'
	}
	return len(p), nil
}

// A process killed in the middle of a Put leaves the old resource whole,
// and its temporary file is neither listed nor kept.
func TestCrashDuringPut(t *testing.T) {
	root := t.TempDir()
	s, err := New(root)
	if err != nil {
		t.Fatal(err)
	}
	old := mustPut(t, s, "/doc", "old body")
	s.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashEnv+"="+root)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the child has written a good part of its temporary file.
	deadline := time.Now().Add(30 * time.Second)
	for {
		ents, _ := os.ReadDir(root)
		big := false
		for _, e := range ents {
			if fi, err := e.Info(); err == nil && isTemp(e.Name()) && fi.Size() > 1<<20 {
				big = true
			}
		}
		if big {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("child wrote no temporary file; root holds %v", ents)
		}
		time.Sleep(10 * time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()
	time.Sleep(10 * time.Millisecond) // let the clock pass the temp file's mtime

	s, err = New(root)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	obj, err := s.Get(context.Background(), "/doc")
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(obj)
	obj.Close()
	if err != nil || string(b) != "old body" || obj.Info().ETag != old.ETag {
		t.Errorf("after the crash, Get(/doc) = %q, %v, ETag %q; want the old body, ETag %q", b, err, obj.Info().ETag, old.ETag)
	}
	if got := listKeys(t, s, "/"); !slices.Equal(got, []storage.Key{"/doc"}) {
		t.Errorf("List(/) after the crash = %v, want [/doc]", got)
	}
	ents, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 1 {
		t.Errorf("after List, root holds %v, want only doc", ents)
	}
}

// A failed Put leaves no temporary file.
func TestFailedPutLeavesNoTemp(t *testing.T) {
	root := t.TempDir()
	s, err := New(root)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = s.Put(context.Background(), "/x", io.MultiReader(strings.NewReader(strings.Repeat("x", 100_000)), errReader{}), "text/plain", storage.Conditions{})
	if err == nil {
		t.Fatal("Put with failing reader succeeded")
	}
	mustPut(t, s, "/y", "y")
	_, err = s.Put(context.Background(), "/y", strings.NewReader("z"), "text/plain", storage.Conditions{IfMatch: "nope"})
	if !errors.Is(err, storage.ErrPrecondition) {
		t.Fatalf("Put(/y, IfMatch nope) = %v", err)
	}
	ents, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 1 || ents[0].Name() != "y" {
		t.Errorf("root holds %v, want only y", ents)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("broken") }

// Files not written by the Store (foreign files, symbolic links, names no
// key can have) are not resources.
func TestForeignEntries(t *testing.T) {
	root := t.TempDir()
	s, err := New(root)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mustPut(t, s, "/ok", "ok")
	if err := os.WriteFile(filepath.Join(root, "bad\xffutf8"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, `back\slash`), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("ok", filepath.Join(root, "link")); err != nil {
		t.Fatal(err)
	}
	if got := listKeys(t, s, "/"); !slices.Equal(got, []storage.Key{"/ok"}) {
		t.Errorf("List(/) = %v, want [/ok]", got)
	}
	// A file without a header is reported, not served as a resource.
	if err := os.WriteFile(filepath.Join(root, "plain"), []byte("no header here, just text"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Stat(context.Background(), "/plain"); err == nil {
		t.Errorf("Stat(/plain) of a headerless file succeeded")
	}
}

// Keys cannot reach outside the root, and symbolic links placed in the
// root that point outside it are not followed.
func TestNoEscape(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "data")
	outside := filepath.Join(base, "outside")
	if err := os.MkdirAll(outside, 0o755); err != nil {
		t.Fatal(err)
	}
	s, err := New(root)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// A file outside, in the Store's own format, so that only the escape
	// check can stop it from being served.
	mustPut(t, s, "/secret", "secret")
	if err := os.Rename(filepath.Join(root, "secret"), filepath.Join(outside, "secret")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "dirlink")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "secret"), filepath.Join(root, "filelink")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../outside/secret", filepath.Join(root, "rellink")); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, key := range []storage.Key{
		"/dirlink/secret", "/filelink", "/rellink", "/dirlink/",
		"/../outside/secret", "/..%2foutside/secret", "/dirlink/../secret",
	} {
		if info, err := s.Stat(ctx, key); err == nil {
			t.Errorf("Stat(%q) = %+v, want an error", key, info)
		}
		if obj, err := s.Get(ctx, key); err == nil {
			b, _ := io.ReadAll(obj)
			obj.Close()
			t.Errorf("Get(%q) = %q, want an error", key, b)
		}
		for info, err := range s.List(ctx, key) {
			if err == nil {
				t.Errorf("List(%q) yielded %q, want an error", key, info.Key)
			}
		}
		s.Delete(ctx, key, storage.Conditions{})
	}
	for _, key := range []storage.Key{"/dirlink/new", "/dirlink/secret"} {
		if _, err := s.Put(ctx, key, strings.NewReader("x"), "text/plain", storage.Conditions{}); err == nil {
			t.Errorf("Put(%q) through a link out of the root succeeded", key)
		}
		if err := s.Delete(ctx, key, storage.Conditions{}); err == nil {
			t.Errorf("Delete(%q) through a link out of the root succeeded", key)
		}
	}
	ents, err := os.ReadDir(outside)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 1 || ents[0].Name() != "secret" {
		t.Errorf("outside directory now holds %v, want only secret", ents)
	}
	if got := listKeys(t, s, "/"); len(got) != 0 {
		t.Errorf("List(/) = %v, want nothing (links are not resources)", got)
	}
}

// A container's ETag changes whenever a child is added, replaced or
// removed, however fast the changes come.
func TestContainerETagChanges(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	etag := func(key storage.Key) string {
		info, err := s.Stat(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		return info.ETag
	}
	mustPut(t, s, "/c/", "")
	seen := map[string]string{etag("/c/"): "created"}
	step := func(what string) {
		t.Helper()
		e := etag("/c/")
		if prev, ok := seen[e]; ok {
			t.Errorf("after %s, /c/ has ETag %q as after %s", what, e, prev)
		}
		seen[e] = what
	}
	for i := range 5 {
		mustPut(t, s, storage.Key(fmt.Sprint("/c/", i)), "x")
		step(fmt.Sprint("adding ", i))
	}
	mustPut(t, s, "/c/0", "changed")
	step("replacing 0")
	mustPut(t, s, "/c/sub/", "")
	step("adding sub/")
	for i := range 5 {
		if err := s.Delete(ctx, storage.Key(fmt.Sprint("/c/", i)), storage.Conditions{}); err != nil {
			t.Fatal(err)
		}
		step(fmt.Sprint("deleting ", i))
	}
	if err := s.Delete(ctx, "/c/sub/", storage.Conditions{}); err != nil {
		t.Fatal(err)
	}
	step("deleting sub/")
	// The root's ETag changes the same way.
	root := etag("/")
	mustPut(t, s, "/r", "x")
	if e := etag("/"); e == root {
		t.Errorf("adding /r left the root's ETag at %q", e)
	}
	// A conditional delete of the container works with its current ETag.
	if err := s.Delete(ctx, "/c/", storage.Conditions{IfMatch: etag("/c/")}); err != nil {
		t.Errorf("Delete(/c/, IfMatch current) = %v", err)
	}
}

// The listing cache follows the Store's own writes.
func TestListSeesWrites(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	mustPut(t, s, "/c/", "")
	for i := range 3 {
		mustPut(t, s, storage.Key(fmt.Sprint("/c/", i)), "x")
	}
	list := func() map[storage.Key]storage.Info {
		m := map[storage.Key]storage.Info{}
		for info, err := range s.List(ctx, "/c/") {
			if err != nil {
				t.Fatal(err)
			}
			m[info.Key] = info
		}
		return m
	}
	list()
	mustPut(t, s, "/c/1", "longer body")
	if err := s.Delete(ctx, "/c/2", storage.Conditions{}); err != nil {
		t.Fatal(err)
	}
	mustPut(t, s, "/c/2/", "")
	got := list()
	if got["/c/1"].Size != int64(len("longer body")) {
		t.Errorf("listed /c/1 = %+v, want the new size", got["/c/1"])
	}
	if _, ok := got["/c/2/"]; !ok || len(got) != 3 {
		t.Errorf("listing = %v, want /c/0, /c/1, /c/2/", got)
	}
	// A fresh Store (empty cache) agrees.
	s2, err := New(s.root.Name())
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	for info, err := range s2.List(ctx, "/c/") {
		if err != nil {
			t.Fatal(err)
		}
		if w := got[info.Key]; w.ETag != info.ETag || w.Size != info.Size || !w.ModTime.Equal(info.ModTime) {
			t.Errorf("fresh store lists %+v, cached %+v", info, w)
		}
	}
}

// makeChildren creates container c with n small files in the Store's
// format, written directly (Put would sync each one, and take minutes).
func makeChildren(t testing.TB, s *Store, c storage.Key, n int) {
	t.Helper()
	mustPut(t, s, c, "")
	const body, contentType = "<#it> <#is> <#small> .", "text/turtle"
	dir := filepath.Join(s.root.Name(), filepath.FromSlash(path(c)))
	buf := make([]byte, headerLen(contentType)+len(body))
	putHeader(buf, int64(len(body)), time.Now().UnixNano(), [etagSize]byte{1, 2, 3}, contentType)
	copy(buf[headerLen(contentType):], body)
	for i := range n {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("child%06d", i)), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Listing 100,000 children works, cold and warm.
func TestListHundredThousand(t *testing.T) {
	const n = 100_000
	s := newStore(t)
	makeChildren(t, s, "/big/", n)
	// The first listing reads every header, the second uses the cache.
	for _, warm := range []bool{false, true} {
		start := time.Now()
		count := 0
		for info, err := range s.List(context.Background(), "/big/") {
			if err != nil {
				t.Fatal(err)
			}
			if info.Size != 22 || info.ContentType != "text/turtle" {
				t.Fatalf("listed %+v", info)
			}
			count++
		}
		if count != n {
			t.Errorf("listed %d children, want %d", count, n)
		}
		t.Logf("listing %d children (warm %v) took %v", n, warm, time.Since(start))
	}
}

func BenchmarkList100k(b *testing.B) {
	s := newStore(b)
	makeChildren(b, s, "/big/", 100_000)
	ctx := context.Background()
	for _, warm := range []bool{false, true} {
		b.Run(fmt.Sprint("warm=", warm), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if !warm {
					s.cache.removeDir("big")
				}
				n := 0
				for _, err := range s.List(ctx, "/big/") {
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				if n != 100_000 {
					b.Fatalf("listed %d", n)
				}
			}
		})
	}
}

func BenchmarkList1000Cold(b *testing.B) {
	s := newStore(b)
	makeChildren(b, s, "/c/", 1000)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		s.cache.removeDir("c")
		for _, err := range s.List(ctx, "/c/") {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}
