// Package storagetest states the storage.Store contract as tests. Every
// backend (storage/disk, storage/s3) calls Run from its own tests and is done
// when it passes; Bench gives the benchmarks every backend reports.
//
// The suite checks only what storage.Store documents. Where the contract
// leaves a choice to the backend (the ETag of a container, whether a
// listed child container carries an ETag, what List does on a key that
// does not end in "/") the suite does not check it.
package storagetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seedpod/seedpod/storage"
)

// Run runs the contract suite. newStore must return a fresh, empty Store
// each time it is called; it is called once per subtest, and should
// register any cleanup with t.Cleanup.
func Run(t *testing.T, newStore func(t *testing.T) storage.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s storage.Store)
	}{
		{"RootExists", testRootExists},
		{"PutGetRoundTrip", testPutGetRoundTrip},
		{"PutReplaces", testPutReplaces},
		{"PutReturnsStatInfo", testPutReturnsStatInfo},
		{"ETagChanges", testETagChanges},
		{"ModTime", testModTime},
		{"Seek", testSeek},
		{"PutNeedsParent", testPutNeedsParent},
		{"Containers", testContainers},
		{"ContainerConflict", testContainerConflict},
		{"FailedPutChangesNothing", testFailedPutChangesNothing},
		{"ConditionalPut", testConditionalPut},
		{"ConditionalPutContainer", testConditionalPutContainer},
		{"Delete", testDelete},
		{"DeleteContainer", testDeleteContainer},
		{"ConditionalDelete", testConditionalDelete},
		{"List", testList},
		{"ListMissing", testListMissing},
		{"ListRoot", testListRoot},
		{"InvalidKeys", testInvalidKeys},
		{"OddNames", testOddNames},
		{"RaceIfMatch", testRaceIfMatch},
		{"RaceIfNoneMatch", testRaceIfNoneMatch},
		{"RaceCreateSiblings", testRaceCreateSiblings},
		{"ReadersSeeWholeBodies", testReadersSeeWholeBodies},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, newStore(t))
		})
	}
}

// Helpers. They fail the test at the caller's line.

func mustPut(t testing.TB, s storage.Store, key storage.Key, body, contentType string) storage.Info {
	t.Helper()
	var r io.Reader
	if !key.IsContainer() {
		r = strings.NewReader(body)
	}
	info, err := s.Put(context.Background(), key, r, contentType, storage.Conditions{})
	if err != nil {
		t.Fatalf("Put(%q) = %v", key, err)
	}
	return info
}

func mustStat(t testing.TB, s storage.Store, key storage.Key) storage.Info {
	t.Helper()
	info, err := s.Stat(context.Background(), key)
	if err != nil {
		t.Fatalf("Stat(%q) = %v", key, err)
	}
	return info
}

// mustGet reads key whole and returns its body and the Object's Info.
func mustGet(t testing.TB, s storage.Store, key storage.Key) ([]byte, storage.Info) {
	t.Helper()
	obj, err := s.Get(context.Background(), key)
	if err != nil {
		t.Fatalf("Get(%q) = %v", key, err)
	}
	defer obj.Close()
	b, err := io.ReadAll(obj)
	if err != nil {
		t.Fatalf("Get(%q): reading body: %v", key, err)
	}
	return b, obj.Info()
}

func wantErr(t testing.TB, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s = %v, want %v", what, err, want)
	}
}

func wantNotExist(t testing.TB, s storage.Store, key storage.Key) {
	t.Helper()
	_, err := s.Stat(context.Background(), key)
	wantErr(t, fmt.Sprintf("Stat(%q)", key), err, storage.ErrNotExist)
	obj, err := s.Get(context.Background(), key)
	if err == nil {
		obj.Close()
	}
	wantErr(t, fmt.Sprintf("Get(%q)", key), err, storage.ErrNotExist)
}

// list collects a listing sorted by key, failing on any error.
func list(t testing.TB, s storage.Store, key storage.Key) []storage.Info {
	t.Helper()
	var infos []storage.Info
	for info, err := range s.List(context.Background(), key) {
		if err != nil {
			t.Fatalf("List(%q) yielded error %v", key, err)
		}
		infos = append(infos, info)
	}
	slices.SortFunc(infos, func(a, b storage.Info) int { return strings.Compare(string(a.Key), string(b.Key)) })
	return infos
}

func keysOf(infos []storage.Info) []storage.Key {
	var keys []storage.Key
	for _, i := range infos {
		keys = append(keys, i.Key)
	}
	return keys
}

// sameInfo checks the fields a backend must report identically everywhere.
// ModTime may differ by the backend's timestamp resolution.
func sameInfo(t testing.TB, what string, got, want storage.Info) {
	t.Helper()
	if got.Key != want.Key || got.Size != want.Size || got.ContentType != want.ContentType || got.ETag != want.ETag {
		t.Errorf("%s = {%q size %d type %q etag %q}, want {%q size %d type %q etag %q}", what,
			got.Key, got.Size, got.ContentType, got.ETag, want.Key, want.Size, want.ContentType, want.ETag)
	}
	if d := got.ModTime.Sub(want.ModTime).Abs(); d > 2*time.Second {
		t.Errorf("%s: ModTime %v, want %v", what, got.ModTime, want.ModTime)
	}
}

// binary returns n bytes covering every byte value, seeded so that
// different seeds give different bodies.
func binary(n int, seed byte) []byte {
	b := make([]byte, n)
	x := uint32(seed)*2654435761 + 1
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x) ^ byte(i)
	}
	return b
}

func testRootExists(t *testing.T, s storage.Store) {
	ctx := context.Background()
	info := mustStat(t, s, "/")
	if info.Key != "/" || info.Size != 0 {
		t.Errorf("Stat(/) = %+v, want key / size 0", info)
	}
	body, _ := mustGet(t, s, "/")
	if len(body) != 0 {
		t.Errorf("Get(/) body has %d bytes, want 0", len(body))
	}
	if got := list(t, s, "/"); len(got) != 0 {
		t.Errorf("List(/) of a new store = %v, want nothing", keysOf(got))
	}
	wantErr(t, "Delete(/)", s.Delete(ctx, "/", storage.Conditions{}), storage.ErrInvalidKey)
	_, err := s.Put(ctx, "/", nil, "", storage.Conditions{IfNoneMatch: "*"})
	wantErr(t, `Put(/, IfNoneMatch *)`, err, storage.ErrPrecondition)
	mustStat(t, s, "/")
}

func testPutGetRoundTrip(t *testing.T, s storage.Store) {
	tests := []struct {
		name, contentType string
		body              []byte
	}{
		{"text", "text/turtle", []byte("<#me> a <#Person> .\n")},
		{"params", `application/ld+json; profile="http://www.w3.org/ns/json-ld#compacted"`, []byte(`{"@id":"#me"}`)},
		{"charset", "text/plain; charset=utf-8", []byte("héllo wörld ✓")},
		{"empty", "application/octet-stream", nil},
		{"binary", "image/png", binary(70_000, 1)},
		{"nul", "application/octet-stream", []byte("\x00\x00a\x00")},
		{"5MB", "application/octet-stream", binary(5<<20, 2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := storage.Key("/" + tt.name)
			info, err := s.Put(context.Background(), key, bytes.NewReader(tt.body), tt.contentType, storage.Conditions{})
			if err != nil {
				t.Fatalf("Put(%q) = %v", key, err)
			}
			if info.Key != key || info.Size != int64(len(tt.body)) || info.ContentType != tt.contentType || info.ETag == "" {
				t.Errorf("Put(%q) = %+v, want key, size %d, type %q and an ETag", key, info, len(tt.body), tt.contentType)
			}
			if strings.ContainsAny(info.ETag, `"`) || strings.HasPrefix(info.ETag, "W/") {
				t.Errorf("Put(%q) ETag = %q, want a strong ETag without quotes", key, info.ETag)
			}
			got, objInfo := mustGet(t, s, key)
			if !bytes.Equal(got, tt.body) {
				t.Errorf("Get(%q) body differs: got %d bytes, want %d", key, len(got), len(tt.body))
			}
			sameInfo(t, fmt.Sprintf("Get(%q).Info()", key), objInfo, info)
		})
	}
}

func testPutReplaces(t *testing.T, s storage.Store) {
	mustPut(t, s, "/a", "first version, rather long", "text/plain")
	second := mustPut(t, s, "/a", "second", "text/turtle")
	got, info := mustGet(t, s, "/a")
	if string(got) != "second" {
		t.Errorf("Get(/a) after replace = %q, want %q", got, "second")
	}
	sameInfo(t, "Get(/a).Info()", info, second)
	if info.Size != 6 || info.ContentType != "text/turtle" {
		t.Errorf("Get(/a).Info() = %+v, want size 6 type text/turtle", info)
	}
	if n := len(list(t, s, "/")); n != 1 {
		t.Errorf("List(/) after replace has %d entries, want 1", n)
	}
}

func testPutReturnsStatInfo(t *testing.T, s storage.Store) {
	for _, key := range []storage.Key{"/c/", "/c/file", "/c/d/"} {
		put := mustPut(t, s, key, "body", "text/plain")
		stat := mustStat(t, s, key)
		sameInfo(t, fmt.Sprintf("Stat(%q) vs Put", key), stat, put)
		if stat.ETag == "" {
			t.Errorf("Stat(%q).ETag is empty", key)
		}
		if key.IsContainer() && (stat.Size != 0 || stat.ContentType != "") {
			t.Errorf("Stat(%q) = %+v, want size 0 and no content type", key, stat)
		}
	}
}

func testETagChanges(t *testing.T, s storage.Store) {
	seen := map[string]string{}
	steps := []struct{ body, contentType string }{
		{"one", "text/plain"},
		{"two", "text/plain"},
		{"two", "text/turtle"},
		{"", "text/turtle"},
		{"one", "text/turtle"},
	}
	for _, st := range steps {
		info := mustPut(t, s, "/r", st.body, st.contentType)
		if stat := mustStat(t, s, "/r"); stat.ETag != info.ETag {
			t.Fatalf("Stat ETag %q != Put ETag %q", stat.ETag, info.ETag)
		}
		desc := st.contentType + ":" + st.body
		if prev, ok := seen[info.ETag]; ok {
			t.Errorf("ETag %q for %q was already given to %q", info.ETag, desc, prev)
		}
		seen[info.ETag] = desc
	}
	// Two resources with different bodies have different ETags.
	a := mustPut(t, s, "/x", "x", "text/plain")
	b := mustPut(t, s, "/y", "y", "text/plain")
	if a.ETag == b.ETag {
		t.Errorf("different bodies share ETag %q", a.ETag)
	}
}

func testModTime(t *testing.T, s storage.Store) {
	before := time.Now()
	info := mustPut(t, s, "/m", "x", "text/plain")
	after := time.Now()
	// Allow for backends that keep whole seconds and a little clock skew.
	if info.ModTime.Before(before.Add(-2*time.Second)) || info.ModTime.After(after.Add(2*time.Second)) {
		t.Errorf("Put ModTime = %v, want between %v and %v", info.ModTime, before, after)
	}
	c := mustPut(t, s, "/mc/", "", "")
	if c.ModTime.IsZero() || mustStat(t, s, "/mc/").ModTime.IsZero() {
		t.Errorf("container ModTime is zero")
	}
}

func testSeek(t *testing.T, s storage.Store) {
	body := binary(100_000, 3)
	if _, err := s.Put(context.Background(), "/seek", bytes.NewReader(body), "application/octet-stream", storage.Conditions{}); err != nil {
		t.Fatal(err)
	}
	obj, err := s.Get(context.Background(), "/seek")
	if err != nil {
		t.Fatal(err)
	}
	defer obj.Close()
	steps := []struct {
		offset int64
		whence int
		pos    int64 // want Seek's result
		n      int   // bytes to read next
	}{
		{50_000, io.SeekStart, 50_000, 1000},
		{0, io.SeekCurrent, 51_000, 10},
		{-100, io.SeekEnd, 99_900, 100},
		{-500, io.SeekCurrent, 99_500, 200},
		{0, io.SeekStart, 0, 3},
		{99_999, io.SeekStart, 99_999, 1},
	}
	for _, st := range steps {
		pos, err := obj.Seek(st.offset, st.whence)
		if err != nil || pos != st.pos {
			t.Fatalf("Seek(%d, %d) = %d, %v, want %d", st.offset, st.whence, pos, err, st.pos)
		}
		buf := make([]byte, st.n)
		if _, err := io.ReadFull(obj, buf); err != nil {
			t.Fatalf("after Seek(%d, %d): ReadFull(%d) = %v", st.offset, st.whence, st.n, err)
		}
		if !bytes.Equal(buf, body[pos:pos+int64(st.n)]) {
			t.Fatalf("after Seek(%d, %d): read wrong bytes", st.offset, st.whence)
		}
	}
	// At the end, Read reports io.EOF.
	if _, err := obj.Seek(0, io.SeekEnd); err != nil {
		t.Fatal(err)
	}
	if n, err := obj.Read(make([]byte, 10)); n != 0 || err != io.EOF {
		t.Errorf("Read at end = %d, %v, want 0, EOF", n, err)
	}
	if obj.Info().Size != int64(len(body)) {
		t.Errorf("Info().Size = %d, want %d", obj.Info().Size, len(body))
	}
}

func testPutNeedsParent(t *testing.T, s storage.Store) {
	ctx := context.Background()
	for _, key := range []storage.Key{"/missing/a", "/missing/a/", "/missing/deeper/a", "/missing/deeper/b/"} {
		_, err := s.Put(ctx, key, strings.NewReader(""), "text/plain", storage.Conditions{})
		wantErr(t, fmt.Sprintf("Put(%q) without parent", key), err, storage.ErrNotExist)
		wantNotExist(t, s, key)
	}
	// A file is not a container: nothing can be put below it.
	mustPut(t, s, "/file", "x", "text/plain")
	_, err := s.Put(ctx, "/file/a", strings.NewReader(""), "text/plain", storage.Conditions{})
	wantErr(t, "Put(/file/a) below a file", err, storage.ErrNotExist)
	_, err = s.Put(ctx, "/file/a/", nil, "", storage.Conditions{})
	wantErr(t, "Put(/file/a/) below a file", err, storage.ErrNotExist)
	if got := list(t, s, "/"); len(got) != 1 || got[0].Key != "/file" {
		t.Errorf("List(/) = %v, want [/file]", keysOf(got))
	}
}

func testContainers(t *testing.T, s storage.Store) {
	c := mustPut(t, s, "/c/", "", "")
	if c.Key != "/c/" || c.Size != 0 || c.ContentType != "" || c.ETag == "" {
		t.Errorf("Put(/c/) = %+v, want size 0, no content type, an ETag", c)
	}
	mustPut(t, s, "/c/d/", "", "")
	mustPut(t, s, "/c/d/e/", "", "")
	mustPut(t, s, "/c/d/e/f", "deep", "text/plain")
	if got, _ := mustGet(t, s, "/c/d/e/f"); string(got) != "deep" {
		t.Errorf("Get(/c/d/e/f) = %q", got)
	}
	body, info := mustGet(t, s, "/c/")
	if len(body) != 0 || info.Key != "/c/" {
		t.Errorf("Get(/c/) = %q, %+v, want empty body", body, info)
	}
	// An empty container exists until deleted.
	mustPut(t, s, "/empty/", "", "")
	mustStat(t, s, "/empty/")
	if got := list(t, s, "/empty/"); len(got) != 0 {
		t.Errorf("List(/empty/) = %v, want nothing", keysOf(got))
	}
	// Putting an existing container again keeps its children.
	mustPut(t, s, "/c/", "", "")
	mustStat(t, s, "/c/d/e/f")
	if got := keysOf(list(t, s, "/c/")); !slices.Equal(got, []storage.Key{"/c/d/"}) {
		t.Errorf("List(/c/) after re-Put = %v, want [/c/d/]", got)
	}
}

func testContainerConflict(t *testing.T, s storage.Store) {
	ctx := context.Background()
	mustPut(t, s, "/a", "file", "text/plain")
	mustPut(t, s, "/b/", "", "")
	mustPut(t, s, "/b/child", "x", "text/plain")

	_, err := s.Put(ctx, "/a/", nil, "", storage.Conditions{})
	wantErr(t, "Put(/a/) when /a exists", err, storage.ErrExist)
	_, err = s.Put(ctx, "/b", strings.NewReader("y"), "text/plain", storage.Conditions{})
	wantErr(t, "Put(/b) when /b/ exists", err, storage.ErrExist)
	mustPut(t, s, "/e/", "", "")
	_, err = s.Put(ctx, "/e", strings.NewReader("y"), "text/plain", storage.Conditions{})
	wantErr(t, "Put(/e) when empty /e/ exists", err, storage.ErrExist)

	// The other form does not exist.
	wantNotExist(t, s, "/a/")
	wantNotExist(t, s, "/b")
	wantErr(t, "Delete(/a/) when /a exists", s.Delete(ctx, "/a/", storage.Conditions{}), storage.ErrNotExist)
	wantErr(t, "Delete(/e) when /e/ exists", s.Delete(ctx, "/e", storage.Conditions{}), storage.ErrNotExist)

	// And nothing changed.
	if got, _ := mustGet(t, s, "/a"); string(got) != "file" {
		t.Errorf("Get(/a) = %q, want %q", got, "file")
	}
	mustStat(t, s, "/b/child")
	mustStat(t, s, "/e/")
	want := []storage.Key{"/a", "/b/", "/e/"}
	if got := keysOf(list(t, s, "/")); !slices.Equal(got, want) {
		t.Errorf("List(/) = %v, want %v", got, want)
	}
}

// failingReader yields n bytes, then an error.
type failingReader struct{ n int }

var errReader = errors.New("storagetest: reader failed")

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, errReader
	}
	n := min(len(p), r.n)
	for i := range n {
		p[i] = 'z'
	}
	r.n -= n
	return n, nil
}

func testFailedPutChangesNothing(t *testing.T, s storage.Store) {
	ctx := context.Background()
	old := mustPut(t, s, "/keep", "old body", "text/plain")
	_, err := s.Put(ctx, "/keep", &failingReader{n: 100_000}, "text/turtle", storage.Conditions{})
	if err == nil {
		t.Fatalf("Put(/keep) with failing reader = nil, want an error")
	}
	got, info := mustGet(t, s, "/keep")
	if string(got) != "old body" {
		t.Errorf("Get(/keep) after failed Put = %q, want %q", got, "old body")
	}
	sameInfo(t, "Get(/keep).Info() after failed Put", info, old)

	_, err = s.Put(ctx, "/new", &failingReader{n: 10}, "text/plain", storage.Conditions{})
	if err == nil {
		t.Fatalf("Put(/new) with failing reader = nil, want an error")
	}
	wantNotExist(t, s, "/new")
	if got := keysOf(list(t, s, "/")); !slices.Equal(got, []storage.Key{"/keep"}) {
		t.Errorf("List(/) after failed Put = %v, want [/keep]", got)
	}
}

func testConditionalPut(t *testing.T, s storage.Store) {
	ctx := context.Background()
	put := func(key storage.Key, body string, cond storage.Conditions) (storage.Info, error) {
		return s.Put(ctx, key, strings.NewReader(body), "text/plain", cond)
	}
	// Create-only.
	first, err := put("/r", "one", storage.Conditions{IfNoneMatch: "*"})
	if err != nil {
		t.Fatalf("Put(/r, IfNoneMatch *) on missing key = %v", err)
	}
	_, err = put("/r", "two", storage.Conditions{IfNoneMatch: "*"})
	wantErr(t, "Put(/r, IfNoneMatch *) on existing key", err, storage.ErrPrecondition)

	// IfMatch on a missing key fails the condition, even without a parent.
	for _, key := range []storage.Key{"/missing", "/nodir/missing"} {
		_, err = put(key, "x", storage.Conditions{IfMatch: first.ETag})
		wantErr(t, fmt.Sprintf("Put(%q, IfMatch) on missing key", key), err, storage.ErrPrecondition)
		wantNotExist(t, s, key)
	}

	// IfMatch with a wrong ETag.
	_, err = put("/r", "two", storage.Conditions{IfMatch: first.ETag + "x"})
	wantErr(t, "Put(/r, IfMatch wrong)", err, storage.ErrPrecondition)
	_, err = put("/r", "two", storage.Conditions{IfMatch: `"` + first.ETag + `"`})
	wantErr(t, "Put(/r, IfMatch quoted)", err, storage.ErrPrecondition)

	// IfMatch with the current ETag.
	second, err := put("/r", "two", storage.Conditions{IfMatch: first.ETag})
	if err != nil {
		t.Fatalf("Put(/r, IfMatch current) = %v", err)
	}
	// The old ETag is now stale.
	_, err = put("/r", "three", storage.Conditions{IfMatch: first.ETag})
	wantErr(t, "Put(/r, IfMatch stale)", err, storage.ErrPrecondition)

	// IfNoneMatch with an ETag: fails only when it is current.
	_, err = put("/r", "three", storage.Conditions{IfNoneMatch: second.ETag})
	wantErr(t, "Put(/r, IfNoneMatch current)", err, storage.ErrPrecondition)
	third, err := put("/r", "three", storage.Conditions{IfNoneMatch: first.ETag})
	if err != nil {
		t.Fatalf("Put(/r, IfNoneMatch stale) = %v", err)
	}
	if _, err := put("/other", "x", storage.Conditions{IfNoneMatch: first.ETag}); err != nil {
		t.Fatalf("Put(/other, IfNoneMatch etag) on missing key = %v", err)
	}

	// Failed conditions changed nothing.
	got, info := mustGet(t, s, "/r")
	if string(got) != "three" {
		t.Errorf("Get(/r) = %q, want %q", got, "three")
	}
	sameInfo(t, "Get(/r).Info()", info, third)
}

func testConditionalPutContainer(t *testing.T, s storage.Store) {
	ctx := context.Background()
	c, err := s.Put(ctx, "/c/", nil, "", storage.Conditions{IfNoneMatch: "*"})
	if err != nil {
		t.Fatalf("Put(/c/, IfNoneMatch *) = %v", err)
	}
	_, err = s.Put(ctx, "/c/", nil, "", storage.Conditions{IfNoneMatch: "*"})
	wantErr(t, "Put(/c/, IfNoneMatch *) again", err, storage.ErrPrecondition)
	_, err = s.Put(ctx, "/d/", nil, "", storage.Conditions{IfMatch: c.ETag})
	wantErr(t, "Put(/d/, IfMatch) on missing container", err, storage.ErrPrecondition)
	wantNotExist(t, s, "/d/")
	// The other form of a key does not satisfy IfMatch.
	mustPut(t, s, "/f", "x", "text/plain")
	_, err = s.Put(ctx, "/f/", nil, "", storage.Conditions{IfMatch: mustStat(t, s, "/f").ETag})
	wantErr(t, "Put(/f/, IfMatch etag of /f)", err, storage.ErrPrecondition)
}

func testDelete(t *testing.T, s storage.Store) {
	ctx := context.Background()
	mustPut(t, s, "/a", "x", "text/plain")
	mustPut(t, s, "/b", "y", "text/plain")
	if err := s.Delete(ctx, "/a", storage.Conditions{}); err != nil {
		t.Fatalf("Delete(/a) = %v", err)
	}
	wantNotExist(t, s, "/a")
	wantErr(t, "Delete(/a) again", s.Delete(ctx, "/a", storage.Conditions{}), storage.ErrNotExist)
	wantErr(t, "Delete(/never)", s.Delete(ctx, "/never", storage.Conditions{}), storage.ErrNotExist)
	wantErr(t, "Delete(/never/)", s.Delete(ctx, "/never/", storage.Conditions{}), storage.ErrNotExist)
	wantErr(t, "Delete(/nodir/x)", s.Delete(ctx, "/nodir/x", storage.Conditions{}), storage.ErrNotExist)
	if got := keysOf(list(t, s, "/")); !slices.Equal(got, []storage.Key{"/b"}) {
		t.Errorf("List(/) = %v, want [/b]", got)
	}
	// A deleted key can be created again.
	mustPut(t, s, "/a", "again", "text/plain")
	if got, _ := mustGet(t, s, "/a"); string(got) != "again" {
		t.Errorf("Get(/a) = %q, want %q", got, "again")
	}
}

func testDeleteContainer(t *testing.T, s storage.Store) {
	ctx := context.Background()
	mustPut(t, s, "/c/", "", "")
	mustPut(t, s, "/c/d/", "", "")
	mustPut(t, s, "/c/d/f", "x", "text/plain")
	wantErr(t, "Delete(/c/) with a child container", s.Delete(ctx, "/c/", storage.Conditions{}), storage.ErrNotEmpty)
	wantErr(t, "Delete(/c/d/) with a child", s.Delete(ctx, "/c/d/", storage.Conditions{}), storage.ErrNotEmpty)
	mustStat(t, s, "/c/d/f")

	if err := s.Delete(ctx, "/c/d/f", storage.Conditions{}); err != nil {
		t.Fatalf("Delete(/c/d/f) = %v", err)
	}
	if err := s.Delete(ctx, "/c/d/", storage.Conditions{}); err != nil {
		t.Fatalf("Delete(/c/d/) once empty = %v", err)
	}
	wantNotExist(t, s, "/c/d/")
	if err := s.Delete(ctx, "/c/", storage.Conditions{}); err != nil {
		t.Fatalf("Delete(/c/) once empty = %v", err)
	}
	wantNotExist(t, s, "/c/")
	if got := list(t, s, "/"); len(got) != 0 {
		t.Errorf("List(/) = %v, want nothing", keysOf(got))
	}
	// The name is free for a file now.
	mustPut(t, s, "/c", "file", "text/plain")
}

func testConditionalDelete(t *testing.T, s storage.Store) {
	ctx := context.Background()
	info := mustPut(t, s, "/a", "x", "text/plain")
	wantErr(t, "Delete(/a, IfMatch wrong)", s.Delete(ctx, "/a", storage.Conditions{IfMatch: info.ETag + "x"}), storage.ErrPrecondition)
	wantErr(t, "Delete(/a, IfNoneMatch *)", s.Delete(ctx, "/a", storage.Conditions{IfNoneMatch: "*"}), storage.ErrPrecondition)
	wantErr(t, "Delete(/a, IfNoneMatch current)", s.Delete(ctx, "/a", storage.Conditions{IfNoneMatch: info.ETag}), storage.ErrPrecondition)
	mustStat(t, s, "/a")
	if err := s.Delete(ctx, "/a", storage.Conditions{IfMatch: info.ETag}); err != nil {
		t.Fatalf("Delete(/a, IfMatch current) = %v", err)
	}
	wantNotExist(t, s, "/a")
	wantErr(t, "Delete(/a, IfMatch) on missing key", s.Delete(ctx, "/a", storage.Conditions{IfMatch: info.ETag}), storage.ErrPrecondition)

	c := mustPut(t, s, "/c/", "", "")
	c = mustStat(t, s, "/c/")
	wantErr(t, "Delete(/c/, IfMatch wrong)", s.Delete(ctx, "/c/", storage.Conditions{IfMatch: c.ETag + "x"}), storage.ErrPrecondition)
	mustStat(t, s, "/c/")
	if err := s.Delete(ctx, "/c/", storage.Conditions{IfMatch: c.ETag}); err != nil {
		t.Fatalf("Delete(/c/, IfMatch current) = %v", err)
	}
	wantNotExist(t, s, "/c/")
}

func testList(t *testing.T, s storage.Store) {
	mustPut(t, s, "/c/", "", "")
	want := []storage.Info{
		mustPut(t, s, "/c/a", "alpha", "text/plain"),
		mustPut(t, s, "/c/b", "", "text/turtle"),
		mustPut(t, s, "/c/bin", string(binary(3000, 4)), "application/octet-stream"),
		mustPut(t, s, "/c/sub/", "", ""),
		mustPut(t, s, "/c/z/", "", ""),
	}
	// Grandchildren are not listed.
	mustPut(t, s, "/c/sub/grandchild", "g", "text/plain")
	mustPut(t, s, "/c/sub/deeper/", "", "")
	// Neither are siblings and cousins of the container.
	mustPut(t, s, "/c2/", "", "")
	mustPut(t, s, "/c2/x", "x", "text/plain")
	mustPut(t, s, "/cc", "cc", "text/plain")

	got := list(t, s, "/c/")
	if !slices.Equal(keysOf(got), keysOf(want)) {
		t.Fatalf("List(/c/) = %v, want %v", keysOf(got), keysOf(want))
	}
	for i, g := range got {
		w := want[i]
		if w.Key.IsContainer() {
			// Only the key and size are part of the contract for a child
			// container; S3 backends may not know its ETag without a
			// further request.
			if g.Size != 0 || g.ContentType != "" {
				t.Errorf("List(/c/) entry %q = %+v, want size 0, no content type", g.Key, g)
			}
			continue
		}
		sameInfo(t, fmt.Sprintf("List(/c/) entry %q", g.Key), g, mustStat(t, s, w.Key))
	}

	// A listing reflects replacement and deletion.
	mustPut(t, s, "/c/a", "alpha, longer", "text/markdown")
	if err := s.Delete(context.Background(), "/c/b", storage.Conditions{}); err != nil {
		t.Fatal(err)
	}
	got = list(t, s, "/c/")
	wantKeys := []storage.Key{"/c/a", "/c/bin", "/c/sub/", "/c/z/"}
	if !slices.Equal(keysOf(got), wantKeys) {
		t.Fatalf("List(/c/) after changes = %v, want %v", keysOf(got), wantKeys)
	}
	sameInfo(t, "List(/c/) entry /c/a after replace", got[0], mustStat(t, s, "/c/a"))

	// Stopping early is fine.
	for range s.List(context.Background(), "/c/") {
		break
	}
}

func testListMissing(t *testing.T, s storage.Store) {
	mustPut(t, s, "/file", "x", "text/plain")
	for _, key := range []storage.Key{"/missing/", "/missing/deeper/", "/file/"} {
		var errs []error
		n := 0
		for _, err := range s.List(context.Background(), key) {
			n++
			if err != nil {
				errs = append(errs, err)
			}
		}
		if n != 1 || len(errs) != 1 || !errors.Is(errs[0], storage.ErrNotExist) {
			t.Errorf("List(%q) yielded %d entries and errors %v, want a single ErrNotExist", key, n, errs)
		}
	}
}

func testListRoot(t *testing.T, s storage.Store) {
	mustPut(t, s, "/a", "x", "text/plain")
	mustPut(t, s, "/b/", "", "")
	mustPut(t, s, "/b/c", "x", "text/plain")
	want := []storage.Key{"/a", "/b/"}
	if got := keysOf(list(t, s, "/")); !slices.Equal(got, want) {
		t.Errorf("List(/) = %v, want %v", got, want)
	}
}

// InvalidKeys lists keys every method must reject with ErrInvalidKey.
var invalidKeys = []storage.Key{
	"",
	"a",
	"a/b",
	"//",
	"/a//b",
	"//a",
	"/a/../b",
	"/..",
	"/../",
	"/../etc/passwd",
	"/a/..",
	"/.",
	"/./a",
	"/a/./",
	"/a\x00b",
	"/\x00",
	"/a\\b",
	"/..\\..\\etc",
	"/\xff\xfe",
	storage.Key("/" + strings.Repeat("x", storage.MaxSegment+1)),
	storage.Key("/c/" + strings.Repeat("é", storage.MaxSegment/2+1) + "/"),
}

func testInvalidKeys(t *testing.T, s storage.Store) {
	ctx := context.Background()
	mustPut(t, s, "/a/", "", "")
	mustPut(t, s, "/a/b", "x", "text/plain")
	for _, key := range invalidKeys {
		_, err := s.Stat(ctx, key)
		wantErr(t, fmt.Sprintf("Stat(%q)", key), err, storage.ErrInvalidKey)
		obj, err := s.Get(ctx, key)
		if err == nil {
			obj.Close()
		}
		wantErr(t, fmt.Sprintf("Get(%q)", key), err, storage.ErrInvalidKey)
		_, err = s.Put(ctx, key, strings.NewReader("x"), "text/plain", storage.Conditions{})
		wantErr(t, fmt.Sprintf("Put(%q)", key), err, storage.ErrInvalidKey)
		_, err = s.Put(ctx, key, strings.NewReader("x"), "text/plain", storage.Conditions{IfMatch: "x"})
		wantErr(t, fmt.Sprintf("Put(%q, IfMatch)", key), err, storage.ErrInvalidKey)
		wantErr(t, fmt.Sprintf("Delete(%q)", key), s.Delete(ctx, key, storage.Conditions{}), storage.ErrInvalidKey)
		n := 0
		for _, err := range s.List(ctx, key) {
			n++
			wantErr(t, fmt.Sprintf("List(%q)", key), err, storage.ErrInvalidKey)
		}
		if n != 1 {
			t.Errorf("List(%q) yielded %d times, want one error", key, n)
		}
	}
	// Nothing leaked in.
	want := []storage.Key{"/a/"}
	if got := keysOf(list(t, s, "/")); !slices.Equal(got, want) {
		t.Errorf("List(/) = %v, want %v", got, want)
	}
	if got := keysOf(list(t, s, "/a/")); !slices.Equal(got, []storage.Key{"/a/b"}) {
		t.Errorf("List(/a/) = %v, want [/a/b]", got)
	}
}

func testOddNames(t *testing.T, s storage.Store) {
	names := []string{
		"héllo wörld",
		"日本語",
		"emoji 🎉",
		"100%",
		"100%25",
		"a#b",
		"q?x=1&y=2",
		"..notes",
		".acl",
		".meta",
		"...",
		"-dash",
		"~tilde",
		"a:b;c,d=e+f@g$h!i'j(k)l*m",
		" lead and trail ",
		"tab\there",
		"new\nline",
		"tmp",
		".tmp",
		"UPPER",
		"upper",
		strings.Repeat("m", storage.MaxSegment),
		strings.Repeat("é", storage.MaxSegment/2),
	}
	mustPut(t, s, "/c/", "", "")
	var want []storage.Key
	for i, name := range names {
		file := storage.Key("/c/" + name)
		mustPut(t, s, file, fmt.Sprint("body ", i), "text/plain")
		if got, info := mustGet(t, s, file); string(got) != fmt.Sprint("body ", i) || info.Key != file {
			t.Errorf("Get(%q) = %q, %q", file, got, info.Key)
		}
		dir := storage.Key("/d" + fmt.Sprint(i) + "/" + name + "/")
		mustPut(t, s, storage.Key("/d"+fmt.Sprint(i)+"/"), "", "")
		mustPut(t, s, dir, "", "")
		mustPut(t, s, dir+"child", "c", "text/plain")
		if got := keysOf(list(t, s, dir)); !slices.Equal(got, []storage.Key{dir + "child"}) {
			t.Errorf("List(%q) = %v", dir, got)
		}
		want = append(want, file)
	}
	slices.Sort(want)
	if got := keysOf(list(t, s, "/c/")); !slices.Equal(got, want) {
		t.Errorf("List(/c/) = %q,\nwant %q", got, want)
	}
	for _, key := range want {
		if err := s.Delete(context.Background(), key, storage.Conditions{}); err != nil {
			t.Errorf("Delete(%q) = %v", key, err)
		}
	}
	if got := list(t, s, "/c/"); len(got) != 0 {
		t.Errorf("List(/c/) after deleting all = %v", keysOf(got))
	}
}

const racers = 20

// race runs fn in racers goroutines released at once and returns their
// errors.
func race(fn func(i int) error) []error {
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, racers)
	for i := range racers {
		wg.Go(func() {
			<-start
			errs[i] = fn(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// oneWinner checks that exactly one of errs is nil and all others are
// ErrPrecondition, and returns the winner's index.
func oneWinner(t *testing.T, errs []error) int {
	t.Helper()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Errorf("racers %d and %d both won", winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, storage.ErrPrecondition):
			t.Errorf("racer %d: %v, want nil or ErrPrecondition", i, err)
		}
	}
	if winner < 0 {
		t.Fatalf("no racer won")
	}
	return winner
}

func testRaceIfMatch(t *testing.T, s storage.Store) {
	ctx := context.Background()
	for _, key := range []storage.Key{"/r", "/c/r"} {
		if key == "/c/r" {
			mustPut(t, s, "/c/", "", "")
		}
		base := mustPut(t, s, key, "base", "text/plain")
		errs := race(func(i int) error {
			// Distinct bodies, so every successful write changes the ETag.
			_, err := s.Put(ctx, key, strings.NewReader(fmt.Sprint("racer ", i)), "text/plain", storage.Conditions{IfMatch: base.ETag})
			return err
		})
		w := oneWinner(t, errs)
		if got, _ := mustGet(t, s, key); string(got) != fmt.Sprint("racer ", w) {
			t.Errorf("Get(%q) = %q, want the winner's body %q", key, got, fmt.Sprint("racer ", w))
		}
	}
	// Conditional deletes race the same way.
	info := mustPut(t, s, "/d", "x", "text/plain")
	oneWinner(t, race(func(int) error {
		return s.Delete(ctx, "/d", storage.Conditions{IfMatch: info.ETag})
	}))
	wantNotExist(t, s, "/d")
}

func testRaceIfNoneMatch(t *testing.T, s storage.Store) {
	ctx := context.Background()
	errs := race(func(i int) error {
		_, err := s.Put(ctx, "/new", strings.NewReader(fmt.Sprint("racer ", i)), "text/plain", storage.Conditions{IfNoneMatch: "*"})
		return err
	})
	w := oneWinner(t, errs)
	if got, _ := mustGet(t, s, "/new"); string(got) != fmt.Sprint("racer ", w) {
		t.Errorf("Get(/new) = %q, want the winner's body %q", got, fmt.Sprint("racer ", w))
	}
	oneWinner(t, race(func(int) error {
		_, err := s.Put(ctx, "/newc/", nil, "", storage.Conditions{IfNoneMatch: "*"})
		return err
	}))
	mustStat(t, s, "/newc/")
}

func testRaceCreateSiblings(t *testing.T, s storage.Store) {
	ctx := context.Background()
	mustPut(t, s, "/c/", "", "")
	errs := race(func(i int) error {
		key := storage.Key(fmt.Sprintf("/c/%02d", i))
		_, err := s.Put(ctx, key, strings.NewReader(string(key)), "text/plain", storage.Conditions{IfNoneMatch: "*"})
		return err
	})
	for i, err := range errs {
		if err != nil {
			t.Errorf("Put(/c/%02d) = %v", i, err)
		}
	}
	if got := list(t, s, "/c/"); len(got) != racers {
		t.Errorf("List(/c/) has %d entries, want %d", len(got), racers)
	}
}

func testReadersSeeWholeBodies(t *testing.T, s storage.Store) {
	const size = 1 << 20
	ctx := context.Background()
	put := func(fill byte) storage.Info {
		info, err := s.Put(ctx, "/big", bytes.NewReader(bytes.Repeat([]byte{fill}, size)), "application/octet-stream", storage.Conditions{})
		if err != nil {
			t.Errorf("Put(/big) = %v", err)
		}
		return info
	}
	etags := map[string]byte{}
	etags[put(0).ETag] = 0

	type reading struct {
		etag string
		fill byte
	}
	var (
		mu   sync.Mutex
		seen []reading
	)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				obj, err := s.Get(ctx, "/big")
				if err != nil {
					t.Errorf("Get(/big) = %v", err)
					return
				}
				b, err := io.ReadAll(obj)
				info := obj.Info()
				obj.Close()
				if err != nil {
					t.Errorf("reading /big: %v", err)
					return
				}
				if len(b) != size || info.Size != size {
					t.Errorf("read %d bytes, Info().Size %d, want %d", len(b), info.Size, size)
					return
				}
				if n := bytes.Count(b, b[:1]); n != size {
					t.Errorf("body mixes versions: %d of %d bytes are %d", n, size, b[0])
					return
				}
				mu.Lock()
				seen = append(seen, reading{info.ETag, b[0]})
				mu.Unlock()
			}
		})
	}
	for i := 1; i <= 30; i++ {
		info := put(byte(i))
		etags[info.ETag] = byte(i)
	}
	close(stop)
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if len(seen) == 0 {
		t.Fatalf("readers read nothing")
	}
	for _, sn := range seen {
		if fill, ok := etags[sn.etag]; !ok || fill != sn.fill {
			t.Errorf("reader saw body %d with ETag %q, which belongs to body %d (known: %v)", sn.fill, sn.etag, fill, ok)
		}
	}
}

// Bench runs the benchmarks every backend reports: Get of a 2 KB object,
// Put of new 2 KB objects, and List of a container with 1,000 children.
// newStore must return a fresh, empty Store each time it is called.
func Bench(b *testing.B, newStore func(b *testing.B) storage.Store) {
	ctx := context.Background()
	body := binary(2048, 5)

	b.Run("Get2KB", func(b *testing.B) {
		s := newStore(b)
		mustPut(b, s, "/obj", string(body), "application/octet-stream")
		buf := make([]byte, 4096)
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			obj, err := s.Get(ctx, "/obj")
			if err != nil {
				b.Fatal(err)
			}
			n, err := io.ReadFull(obj, buf)
			if n != len(body) || err != io.ErrUnexpectedEOF {
				b.Fatalf("read %d bytes, %v; want %d", n, err, len(body))
			}
			obj.Close()
		}
	})

	b.Run("Put2KB", func(b *testing.B) {
		s := newStore(b)
		mustPut(b, s, "/c/", "", "")
		r := bytes.NewReader(body)
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		i := 0
		for b.Loop() {
			r.Reset(body)
			key := storage.Key(fmt.Sprintf("/c/obj%d", i))
			i++
			if _, err := s.Put(ctx, key, r, "application/octet-stream", storage.Conditions{}); err != nil {
				b.Fatal(err)
			}
		}
	})

	b.Run("List1000", func(b *testing.B) {
		s := newStore(b)
		mustPut(b, s, "/c/", "", "")
		for i := range 1000 {
			if i%100 == 0 {
				mustPut(b, s, storage.Key(fmt.Sprintf("/c/dir%d/", i)), "", "")
				continue
			}
			mustPut(b, s, storage.Key(fmt.Sprintf("/c/child%d", i)), "<#x> <#y> <#z> .", "text/turtle")
		}
		b.ReportAllocs()
		for b.Loop() {
			n := 0
			for _, err := range s.List(ctx, "/c/") {
				if err != nil {
					b.Fatal(err)
				}
				n++
			}
			if n != 1000 {
				b.Fatalf("listed %d children, want 1000", n)
			}
		}
	})
}
