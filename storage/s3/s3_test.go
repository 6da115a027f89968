package s3

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/seedpod/seedpod/storage"
	"github.com/seedpod/seedpod/storage/s3/miniotest"
	"github.com/seedpod/seedpod/storage/storagetest"
)

// srv is the MinIO server all tests share; each test has its own bucket.
var srv *miniotest.Server

func TestMain(m *testing.M) {
	flag.Parse()
	s, stop, err := miniotest.StartMain()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	srv = s
	code := m.Run()
	stop()
	os.Exit(code)
}

func config(bucket string) Config {
	return Config{Endpoint: srv.Endpoint, Bucket: bucket, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, Secure: srv.Secure}
}

// newTestStore returns a Store on a fresh bucket.
func newTestStore(tb testing.TB) *Store {
	tb.Helper()
	return storeOn(tb, config(srv.NewBucket(tb)))
}

func storeOn(tb testing.TB, cfg Config) *Store {
	tb.Helper()
	s, err := New(context.Background(), cfg)
	if err != nil {
		tb.Fatalf("New(%+v) = %v", cfg, err)
	}
	return s
}

func TestStore(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Store { return newTestStore(t) })
}

// TestStoreWithPrefix runs the suite on a bucket shared with other data,
// under a prefix, and checks that nothing was written outside it.
func TestStoreWithPrefix(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Store {
		bucket := srv.NewBucket(t)
		c := rawClient(t)
		// Objects of others. None may be named "pods/x": see Config.Prefix.
		foreign := []string{"other", "pods/other", "pods/x~2Fy", "pods/xx/y"}
		for _, name := range foreign {
			if _, err := c.PutObject(context.Background(), bucket, name, strings.NewReader("not ours"), 8, minio.PutObjectOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		t.Cleanup(func() {
			for _, name := range rawNames(t, bucket, "") {
				if !strings.HasPrefix(name, "pods/x/") && !slices.Contains([]string{"other", "pods/other", "pods/x~2Fy", "pods/xx/y"}, name) {
					t.Errorf("object %q written outside the prefix", name)
				}
			}
		})
		cfg := config(bucket)
		cfg.Prefix = "/pods/x"
		return storeOn(t, cfg)
	})
}

func rawClient(tb testing.TB) *minio.Client {
	tb.Helper()
	c, err := srv.Client()
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// rawNames lists every object name in bucket under prefix.
func rawNames(tb testing.TB, bucket, prefix string) []string {
	tb.Helper()
	var names []string
	for oi := range rawClient(tb).ListObjects(context.Background(), bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if oi.Err != nil {
			tb.Fatal(oi.Err)
		}
		names = append(names, oi.Key)
	}
	slices.Sort(names)
	return names
}

func mustPut(tb testing.TB, s storage.Store, key storage.Key, body string) storage.Info {
	tb.Helper()
	var r io.Reader
	if !key.IsContainer() {
		r = strings.NewReader(body)
	}
	info, err := s.Put(context.Background(), key, r, "text/plain", storage.Conditions{})
	if err != nil {
		tb.Fatalf("Put(%q) = %v", key, err)
	}
	return info
}

func mustRead(tb testing.TB, s storage.Store, key storage.Key) (string, storage.Info) {
	tb.Helper()
	obj, err := s.Get(context.Background(), key)
	if err != nil {
		tb.Fatalf("Get(%q) = %v", key, err)
	}
	defer obj.Close()
	b, err := io.ReadAll(obj)
	if err != nil {
		tb.Fatalf("Get(%q): reading: %v", key, err)
	}
	return string(b), obj.Info()
}

func listKeys(tb testing.TB, s storage.Store, key storage.Key) []storage.Key {
	tb.Helper()
	var keys []storage.Key
	for info, err := range s.List(context.Background(), key) {
		if err != nil {
			tb.Fatalf("List(%q): %v", key, err)
		}
		keys = append(keys, info.Key)
	}
	slices.Sort(keys)
	return keys
}

// TestLayout pins the object names of the package comment.
func TestLayout(t *testing.T) {
	bucket := srv.NewBucket(t)
	cfg := config(bucket)
	cfg.Prefix = "pods"
	s := storeOn(t, cfg)
	mustPut(t, s, "/alice/", "")
	mustPut(t, s, "/alice/notes", "n")
	mustPut(t, s, "/alice/profile/", "")
	mustPut(t, s, "/alice/profile/card", "c")
	mustPut(t, s, "/~bob", "b")
	want := []string{"pods/alice", "pods/alice~/notes", "pods/alice~/profile", "pods/alice~/profile~/card", "pods/~7Ebob"}
	if got := rawNames(t, bucket, ""); !slices.Equal(got, want) {
		t.Errorf("objects = %q, want %q", got, want)
	}
}

func TestEscape(t *testing.T) {
	tests := []struct{ seg, want string }{
		{"plain", "plain"},
		{"héllo wörld", "héllo wörld"},
		{"100%", "100%"},
		{"a#b?c", "a#b?c"},
		{"~", "~7E"},
		{"a~", "a~7E"},
		{"~7E", "~7E7E"},
		{"xl.meta", "xl~2Emeta"},
		{"xl.json", "xl~2Ejson"},
		{"xl.meta.bkp", "xl.meta.bkp"},
		{" ..", " ~2E~2E"},
		{". ", "~2E "},
		{"\t.\n", "\t~2E\n"},
		{"...", "..."},
		{"..notes", "..notes"},
		{"a__XLDIR__", "a__XLDIR_~5F"},
		{"__XLDIR__~", "__XLDIR__~7E"},
	}
	for _, tt := range tests {
		got := escape(tt.seg)
		if got != tt.want {
			t.Errorf("escape(%q) = %q, want %q", tt.seg, got, tt.want)
		}
		if strings.HasSuffix(got, dirSuffix) {
			t.Errorf("escape(%q) = %q ends in %q", tt.seg, got, dirSuffix)
		}
		if back, ok := unescape(got); !ok || back != tt.seg {
			t.Errorf("unescape(%q) = %q, %v, want %q", got, back, ok, tt.seg)
		}
	}
	for _, name := range []string{"a~", "~", "~7", "~zz", "~7e", "~41", "x~/y"} {
		if seg, ok := unescape(name); ok {
			t.Errorf("unescape(%q) = %q, true; want false", name, seg)
		}
	}
}

func TestETag(t *testing.T) {
	for _, tt := range []struct {
		kind        kind
		contentType string
	}{
		{fileKind, "text/turtle"},
		{fileKind, ""},
		{fileKind, `application/ld+json; profile="http://www.w3.org/ns/json-ld#compacted"`},
		{fileKind, "text/plain; charset=utf-8"},
		{containerKind, ""},
		{tombstoneKind, ""},
	} {
		etag := newETag(tt.kind, tt.contentType)
		k, ct := parseETag(etag)
		if k != tt.kind || ct != tt.contentType {
			t.Errorf("parseETag(newETag(%v, %q)) = %v, %q", tt.kind, tt.contentType, k, ct)
		}
		if isFileETag(etag) != (tt.kind == fileKind) {
			t.Errorf("isFileETag(newETag(%v, %q)) = %v", tt.kind, tt.contentType, !(tt.kind == fileKind))
		}
		if strings.ContainsAny(etag, `"`) || etag == newETag(tt.kind, tt.contentType) {
			t.Errorf("newETag(%v, %q) = %q: quoted or not fresh", tt.kind, tt.contentType, etag)
		}
	}
	// ETags of objects written by others: MD5s, multipart, anything.
	// An object that is not empty is never a container or tombstone.
	for _, etag := range []string{"d41d8cd98f00b204e9800998ecf8427e", "d51d8cd98f00b204e9800998ecf8427e", "d61d8cd98f00b204e9800998ecf8427e", "0123456789abcdef0123456789abcdef-3", "abc", ""} {
		for _, size := range []int64{0, 1} {
			if len(etag) == 32 && etag[:3] != "d41" && size == 0 {
				continue // could only be one of ours
			}
			st := statOf("/x", minio.ObjectInfo{ETag: etag, Size: size})
			if st.kind != fileKind || st.info.ContentType != "" {
				t.Errorf("statOf(ETag %q, size %d) = %+v; want a file without content type", etag, size, st)
			}
		}
	}
}

func FuzzEscape(f *testing.F) {
	for _, seed := range []string{"plain", "~", "xl.meta", " ..", "a__XLDIR__", "~7E", "é~"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, seg string) {
		if seg == "" || strings.ContainsAny(seg, "/\\\x00") || !storage.ValidKey(storage.Key("/"+seg)) {
			return
		}
		got := escape(seg)
		if strings.HasSuffix(got, dirSuffix) || strings.Contains(got, "/") {
			t.Fatalf("escape(%q) = %q", seg, got)
		}
		if back, ok := unescape(got); !ok || back != seg {
			t.Fatalf("unescape(escape(%q)) = %q, %v", seg, back, ok)
		}
	})
}

// TestOddNamesOnMinIO stores keys whose segments MinIO would reject or
// misread without escaping, and keys with characters that need care in
// URLs, in files, containers and deeper.
func TestOddNamesOnMinIO(t *testing.T) {
	s := newTestStore(t)
	names := []string{
		"xl.meta", "xl.json", " ..", ". ", "a__XLDIR__", "~", "a~", "~7E",
		"日本語 ünïcødé", "with space", "100%", "100%25", "%2F", "a#b", "q?x=1&y=2", "+plus+",
		strings.Repeat("~", 60),
	}
	mustPut(t, s, "/c/", "")
	var want []storage.Key
	for i, name := range names {
		file := storage.Key("/c/" + name)
		mustPut(t, s, file, "body "+name)
		if body, info := mustRead(t, s, file); body != "body "+name || info.Key != file {
			t.Errorf("Get(%q) = %q, %q", file, body, info.Key)
		}
		dir := storage.Key(fmt.Sprintf("/d%d/", i))
		mustPut(t, s, dir, "")
		sub := dir + storage.Key(name) + "/"
		mustPut(t, s, sub, "")
		mustPut(t, s, sub+storage.Key(name), "deep")
		if got := listKeys(t, s, sub); !slices.Equal(got, []storage.Key{sub + storage.Key(name)}) {
			t.Errorf("List(%q) = %q", sub, got)
		}
		if got := listKeys(t, s, dir); !slices.Equal(got, []storage.Key{sub}) {
			t.Errorf("List(%q) = %q", dir, got)
		}
		want = append(want, file)
	}
	slices.Sort(want)
	if got := listKeys(t, s, "/c/"); !slices.Equal(got, want) {
		t.Errorf("List(/c/) = %q,\nwant %q", got, want)
	}
}

// TestTooLongForS3 checks that a valid key whose object name would exceed
// S3's limits is rejected as invalid, not sent.
func TestTooLongForS3(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	tildes := storage.Key("/" + strings.Repeat("~", storage.MaxSegment))
	var deep storage.Key
	for range 6 {
		deep += storage.Key("/" + strings.Repeat("d", storage.MaxSegment))
	}
	for _, key := range []storage.Key{tildes, deep} {
		if !storage.ValidKey(key) {
			t.Fatalf("test key %.40q… is not valid", key)
		}
		_, err := s.Put(ctx, key, strings.NewReader("x"), "text/plain", storage.Conditions{})
		if !errors.Is(err, storage.ErrInvalidKey) {
			t.Errorf("Put(%.40q…) = %v, want ErrInvalidKey", key, err)
		}
		_, err = s.Stat(ctx, key)
		if !errors.Is(err, storage.ErrInvalidKey) {
			t.Errorf("Stat(%.40q…) = %v, want ErrInvalidKey", key, err)
		}
	}
}

// TestForeignObjectsIgnored puts objects no key maps to into a Store's
// bucket: List skips them.
func TestForeignObjectsIgnored(t *testing.T) {
	bucket := srv.NewBucket(t)
	s := storeOn(t, config(bucket))
	mustPut(t, s, "/c/", "")
	mustPut(t, s, "/c/ok", "x")
	c := rawClient(t)
	for _, name := range []string{"c~/bad~escape", "c~/x~", "c~/dir/", "c~/~41"} {
		if _, err := c.PutObject(context.Background(), bucket, name, strings.NewReader(""), 0, minio.PutObjectOptions{}); err != nil {
			t.Fatalf("PutObject(%q) = %v", name, err)
		}
	}
	if got := listKeys(t, s, "/c/"); !slices.Equal(got, []storage.Key{"/c/ok"}) {
		t.Errorf("List(/c/) = %q, want [/c/ok]", got)
	}
}

// TestMinIOConditionalPut pins what this MinIO build does with
// conditional PUTs, which the Store relies on and translates.
func TestMinIOConditionalPut(t *testing.T) {
	bucket := srv.NewBucket(t)
	c := rawClient(t)
	ctx := context.Background()
	put := func(name string, set func(*minio.PutObjectOptions)) (minio.UploadInfo, minio.ErrorResponse) {
		var opts minio.PutObjectOptions
		if set != nil {
			set(&opts)
		}
		info, err := c.PutObject(ctx, bucket, name, strings.NewReader("x"), 1, opts)
		return info, minio.ToErrorResponse(err)
	}
	first, er := put("obj", nil)
	if er.Code != "" {
		t.Fatalf("PutObject = %v", er)
	}
	tests := []struct {
		name, object string
		set          func(*minio.PutObjectOptions)
		status       int
		code         string
	}{
		{"If-Match on a missing key", "missing", func(o *minio.PutObjectOptions) { o.SetMatchETag(first.ETag) }, 404, "NoSuchKey"},
		{"If-Match * on a missing key", "missing", func(o *minio.PutObjectOptions) { o.SetMatchETag("*") }, 404, "NoSuchKey"},
		{"If-Match wrong", "obj", func(o *minio.PutObjectOptions) { o.SetMatchETag("0123456789abcdef0123456789abcdef") }, 412, "PreconditionFailed"},
		{"If-None-Match * on an existing key", "obj", func(o *minio.PutObjectOptions) { o.SetMatchETagExcept("*") }, 412, "PreconditionFailed"},
		{"If-None-Match current", "obj", func(o *minio.PutObjectOptions) { o.SetMatchETagExcept(first.ETag) }, 412, "PreconditionFailed"},
		{"If-None-Match * on a missing key", "new", func(o *minio.PutObjectOptions) { o.SetMatchETagExcept("*") }, 0, ""},
	}
	for _, tt := range tests {
		_, er := put(tt.object, tt.set)
		if er.StatusCode != tt.status || er.Code != tt.code {
			t.Errorf("%s: status %d code %q, want %d %q", tt.name, er.StatusCode, er.Code, tt.status, tt.code)
		}
	}

	// The writer chooses the ETag and modification time.
	etag := newETag(fileKind, "text/plain")
	info, er := put("chosen", func(o *minio.PutObjectOptions) { o.Internal.SourceETag = etag })
	if er.Code != "" || info.ETag != etag {
		t.Errorf("PUT with X-Minio-Source-Etag %s: ETag %q, error %v", etag, info.ETag, er)
	}

	// The Store translates: IfMatch on a missing key is ErrPrecondition.
	s := storeOn(t, config(bucket))
	for _, cond := range []storage.Conditions{{IfMatch: newETag(fileKind, "text/plain")}, {IfMatch: "*"}, {IfMatch: "junk"}} {
		_, err := s.Put(ctx, "/missing", strings.NewReader("x"), "text/plain", cond)
		if !errors.Is(err, storage.ErrPrecondition) {
			t.Errorf("Put(/missing, %+v) = %v, want ErrPrecondition", cond, err)
		}
	}
}

// TestListInfo checks that List describes children exactly as Put and
// Stat do, from a plain listing.
func TestListInfo(t *testing.T) {
	s := newTestStore(t)
	mustPut(t, s, "/c/", "")
	want := []storage.Info{
		mustPut(t, s, "/c/file", "body"),
		mustPut(t, s, "/c/sub/", ""),
	}
	untyped, err := s.Put(context.Background(), "/c/untyped", strings.NewReader("u"), "", storage.Conditions{})
	if err != nil {
		t.Fatal(err)
	}
	want = append(want, untyped)
	var got []storage.Info
	for info, err := range s.List(context.Background(), "/c/") {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, info)
	}
	slices.SortFunc(got, func(a, b storage.Info) int { return strings.Compare(string(a.Key), string(b.Key)) })
	if len(got) != len(want) {
		t.Fatalf("List(/c/) = %+v, want %+v", got, want)
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Key != w.Key || g.Size != w.Size || g.ContentType != w.ContentType || g.ETag != w.ETag || !g.ModTime.Equal(w.ModTime) {
			t.Errorf("List(/c/) entry %d = %+v, want %+v", i, g, w)
		}
	}
}

// TestContentTypes checks that any content type comes back exactly,
// including ones S3 cannot store in a header: Info takes it from the ETag.
func TestContentTypes(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	types := []string{
		"text/turtle",
		"",
		"text/plain; title=\"héllo\"",
		"text/plain;\tq=1",
		"weird\nnewline",
		"application/x-" + strings.Repeat("long", (MaxContentType-14)/4),
	}
	for i, ct := range types {
		key := storage.Key(fmt.Sprint("/f", i))
		put, err := s.Put(ctx, key, strings.NewReader("x"), ct, storage.Conditions{})
		if err != nil {
			t.Errorf("Put(%q, type %.40q) = %v", key, ct, err)
			continue
		}
		stat, err := s.Stat(ctx, key)
		if err != nil || stat.ContentType != ct || put.ContentType != ct {
			t.Errorf("type %.40q: Put gave %.40q, Stat %.40q, %v", ct, put.ContentType, stat.ContentType, err)
		}
		if _, info := mustRead(t, s, key); info.ContentType != ct {
			t.Errorf("type %.40q: Get gave %.40q", ct, info.ContentType)
		}
		if _, err := s.Put(ctx, key, strings.NewReader("y"), ct, storage.Conditions{IfMatch: put.ETag}); err != nil {
			t.Errorf("type %.40q: Put with IfMatch = %v", ct, err)
		}
	}
	tooLong := "application/x-" + strings.Repeat("x", MaxContentType)
	if _, err := s.Put(ctx, "/long", strings.NewReader("x"), tooLong, storage.Conditions{}); err == nil {
		t.Errorf("Put with a content type of %d bytes succeeded", len(tooLong))
	}
	n := 0
	for info, err := range s.List(ctx, "/") {
		if err != nil {
			t.Fatal(err)
		}
		i, _ := strconv.Atoi(string(info.Key[2:]))
		if info.ContentType != types[i] {
			t.Errorf("List: %q has type %.40q, want %.40q", info.Key, info.ContentType, types[i])
		}
		n++
	}
	if n != len(types) {
		t.Errorf("List(/) gave %d entries, want %d", n, len(types))
	}
}

func TestRoot(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	info, err := s.Stat(ctx, "/")
	if err != nil || info.Key != "/" || info.ETag == "" {
		t.Fatalf("Stat(/) = %+v, %v; want key / and an ETag", info, err)
	}
	if k, _ := parseETag(info.ETag); k != containerKind {
		t.Errorf("root ETag %q is not a container's", info.ETag)
	}
	if _, err := s.Put(ctx, "/", nil, "", storage.Conditions{IfMatch: info.ETag}); err != nil {
		t.Errorf("Put(/, IfMatch root ETag) = %v", err)
	}
	if _, err := s.Put(ctx, "/", nil, "", storage.Conditions{IfMatch: newETag(containerKind, "")}); !errors.Is(err, storage.ErrPrecondition) {
		t.Errorf("Put(/, IfMatch other) = %v, want ErrPrecondition", err)
	}
}

// TestListManyChildren lists a container over several pages.
func TestListManyChildren(t *testing.T) {
	s := newTestStore(t)
	mustPut(t, s, "/c/", "")
	const n = 1234 // two pages
	var want []storage.Key
	for i := range n {
		key := storage.Key(fmt.Sprintf("/c/%04d", i))
		if i%10 == 0 {
			key += "/"
		}
		want = append(want, key)
	}
	putAll(t, s, want)
	mustPut(t, s, "/c/0000/grandchild", "g")
	slices.Sort(want)
	if got := listKeys(t, s, "/c/"); !slices.Equal(got, want) {
		t.Errorf("List(/c/) has %d keys, want %d", len(got), len(want))
	}
}

// putAll puts keys in parallel.
func putAll(tb testing.TB, s storage.Store, keys []storage.Key) {
	tb.Helper()
	var wg sync.WaitGroup
	var next atomic.Int64
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(keys) {
					return
				}
				var r io.Reader
				if !keys[i].IsContainer() {
					r = strings.NewReader("<#x> <#y> <#z> .")
				}
				if _, err := s.Put(context.Background(), keys[i], r, "text/turtle", storage.Conditions{}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		tb.Fatal(err)
	}
}

// TestTwoProcessesNeverLoseAnUpdate runs read-modify-write loops through
// two Stores sharing a bucket, as two Seedpod processes would: with
// IfMatch, every increment survives.
func TestTwoProcessesNeverLoseAnUpdate(t *testing.T) {
	bucket := srv.NewBucket(t)
	stores := []*Store{storeOn(t, config(bucket)), storeOn(t, config(bucket))}
	ctx := context.Background()
	mustPut(t, stores[0], "/c/", "")
	mustPut(t, stores[0], "/c/counter", "0")
	const workers, increments = 6, 8
	var wg sync.WaitGroup
	for w := range workers {
		s := stores[w%2]
		wg.Go(func() {
			for range increments {
				for {
					body, info := mustRead(t, s, "/c/counter")
					n, _ := strconv.Atoi(body)
					_, err := s.Put(ctx, "/c/counter", strings.NewReader(strconv.Itoa(n+1)), "text/plain", storage.Conditions{IfMatch: info.ETag})
					if err == nil {
						break
					}
					if !errors.Is(err, storage.ErrPrecondition) {
						t.Errorf("Put(IfMatch) = %v", err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	if body, _ := mustRead(t, stores[1], "/c/counter"); body != strconv.Itoa(workers*increments) {
		t.Errorf("counter = %s, want %d", body, workers*increments)
	}
}

// TestTwoProcessesRace races writes through two Stores sharing a bucket.
func TestTwoProcessesRace(t *testing.T) {
	ctx := context.Background()
	// race runs fn in n goroutines spread over two Stores on a new
	// bucket holding the container /c/ and the file /c/base.
	race := func(t *testing.T, n int, fn func(s *Store, base storage.Info, i int) error) ([2]*Store, []error) {
		bucket := srv.NewBucket(t)
		stores := [2]*Store{storeOn(t, config(bucket)), storeOn(t, config(bucket))}
		mustPut(t, stores[0], "/c/", "")
		base := mustPut(t, stores[0], "/c/base", "base")
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				<-start
				errs[i] = fn(stores[i%2], base, i)
			})
		}
		close(start)
		wg.Wait()
		return stores, errs
	}
	// count counts nil errors and errors matching target, failing on others.
	count := func(t *testing.T, errs []error, target error) (ok, matched int) {
		t.Helper()
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case target != nil && errors.Is(err, target):
				matched++
			default:
				t.Errorf("unexpected error %v", err)
			}
		}
		return ok, matched
	}

	t.Run("IfMatch", func(t *testing.T) {
		stores, errs := race(t, 16, func(s *Store, base storage.Info, i int) error {
			_, err := s.Put(ctx, "/c/base", strings.NewReader(fmt.Sprint("racer ", i)), "text/plain", storage.Conditions{IfMatch: base.ETag})
			return err
		})
		ok, _ := count(t, errs, storage.ErrPrecondition)
		if ok != 1 {
			t.Fatalf("%d racers won, want 1", ok)
		}
		w := slices.IndexFunc(errs, func(err error) bool { return err == nil })
		if body, _ := mustRead(t, stores[1], "/c/base"); body != fmt.Sprint("racer ", w) {
			t.Errorf("/c/base = %q, want the winner's %q", body, fmt.Sprint("racer ", w))
		}
	})
	t.Run("IfNoneMatch", func(t *testing.T) {
		_, errs := race(t, 16, func(s *Store, _ storage.Info, i int) error {
			_, err := s.Put(ctx, "/c/new", strings.NewReader(fmt.Sprint(i)), "text/plain", storage.Conditions{IfNoneMatch: "*"})
			return err
		})
		if ok, _ := count(t, errs, storage.ErrPrecondition); ok != 1 {
			t.Errorf("%d racers created /c/new, want 1", ok)
		}
	})
	t.Run("FileVersusContainer", func(t *testing.T) {
		stores, errs := race(t, 16, func(s *Store, _ storage.Info, i int) error {
			key := storage.Key("/c/x")
			if i%2 == 1 {
				key += "/"
			}
			_, err := s.Put(ctx, key, strings.NewReader("x"), "text/plain", storage.Conditions{})
			return err
		})
		ok, exist := count(t, errs, storage.ErrExist)
		if ok == 0 || ok+exist != len(errs) {
			t.Errorf("%d puts succeeded and %d failed with ErrExist, of %d", ok, exist, len(errs))
		}
		_, errFile := stores[0].Stat(ctx, "/c/x")
		_, errDir := stores[1].Stat(ctx, "/c/x/")
		if (errFile == nil) == (errDir == nil) {
			t.Errorf("Stat(/c/x) = %v and Stat(/c/x/) = %v: want exactly one to exist", errFile, errDir)
		}
	})
	t.Run("Unconditional", func(t *testing.T) {
		// Unconditional writes all succeed, and the last one stays whole.
		stores, errs := race(t, 16, func(s *Store, _ storage.Info, i int) error {
			_, err := s.Put(ctx, "/c/base", strings.NewReader(strings.Repeat(fmt.Sprint(i%10), 1000)), "text/plain", storage.Conditions{})
			return err
		})
		count(t, errs, nil)
		body, _ := mustRead(t, stores[0], "/c/base")
		if len(body) != 1000 || strings.Count(body, body[:1]) != 1000 {
			t.Errorf("body mixes writes: %.40q…", body)
		}
	})
}

// TestTombstones checks how a tombstone left by a conditional Delete
// that died halfway is seen: as a missing key, which writers wait for
// while it is fresh and overwrite once it is stale.
func TestTombstones(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	mustPut(t, s, "/c/", "")
	tombstone := func(key storage.Key, age time.Duration) {
		t.Helper()
		name, _ := s.object(key)
		opts := minio.PutObjectOptions{Internal: minio.AdvancedPutOptions{
			SourceETag:  newETag(tombstoneKind, ""),
			SourceMTime: time.Now().Add(-age),
		}}
		if _, err := s.core.PutObject(ctx, s.bucket, name, bytes.NewReader(nil), 0, "", "", opts); err != nil {
			t.Fatal(err)
		}
	}
	tombstone("/c/stale", time.Hour)
	tombstone("/c/fresh", 0)
	for _, key := range []storage.Key{"/c/stale", "/c/fresh"} {
		if _, err := s.Stat(ctx, key); !errors.Is(err, storage.ErrNotExist) {
			t.Errorf("Stat(%q) = %v, want ErrNotExist", key, err)
		}
		if _, err := s.Put(ctx, key, strings.NewReader("x"), "text/plain", storage.Conditions{IfMatch: "*"}); !errors.Is(err, storage.ErrPrecondition) {
			t.Errorf("Put(%q, IfMatch *) = %v, want ErrPrecondition", key, err)
		}
		if err := s.Delete(ctx, key, storage.Conditions{}); !errors.Is(err, storage.ErrNotExist) {
			t.Errorf("Delete(%q) = %v, want ErrNotExist", key, err)
		}
	}
	if got := listKeys(t, s, "/c/"); len(got) != 0 {
		t.Errorf("List(/c/) = %q, want nothing", got)
	}
	// Tombstones do not keep a container from being deleted.
	mustPut(t, s, "/d/", "")
	tombstone("/d/x", 0)
	if err := s.Delete(ctx, "/d/", storage.Conditions{}); err != nil {
		t.Errorf("Delete(/d/) holding only a tombstone = %v", err)
	}

	// A stale tombstone is overwritten at once, by both kinds of Put.
	mustPut(t, s, "/c/stale", "new")
	tombstone("/c/stale2", time.Hour)
	if _, err := s.Put(ctx, "/c/stale2", strings.NewReader("x"), "text/plain", storage.Conditions{IfNoneMatch: "*"}); err != nil {
		t.Errorf("Put(/c/stale2, IfNoneMatch *) = %v", err)
	}
	// A fresh one makes writers wait until it is gone.
	go func() {
		time.Sleep(100 * time.Millisecond)
		name, _ := s.object("/c/fresh")
		s.client.RemoveObject(ctx, s.bucket, name, minio.RemoveObjectOptions{})
	}()
	start := time.Now()
	if _, err := s.Put(ctx, "/c/fresh", strings.NewReader("x"), "text/plain", storage.Conditions{IfNoneMatch: "*"}); err != nil {
		t.Errorf("Put(/c/fresh, IfNoneMatch *) = %v", err)
	}
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Errorf("Put(/c/fresh) returned after %v, before the tombstone was removed", d)
	}
	if got := listKeys(t, s, "/c/"); !slices.Equal(got, []storage.Key{"/c/fresh", "/c/stale", "/c/stale2"}) {
		t.Errorf("List(/c/) = %q", got)
	}
}

// TestTwoProcessesDeleteRace races conditional Deletes and Puts on one
// ETag through two Stores sharing a bucket: exactly one wins, even though
// MinIO has no conditional DELETE.
func TestTwoProcessesDeleteRace(t *testing.T) {
	bucket := srv.NewBucket(t)
	stores := [2]*Store{storeOn(t, config(bucket)), storeOn(t, config(bucket))}
	ctx := context.Background()
	for round := range 5 {
		base := mustPut(t, stores[0], "/r", "base")
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, 12)
		for i := range errs {
			s := stores[i%2]
			wg.Go(func() {
				<-start
				if i%3 == 0 {
					_, errs[i] = s.Put(ctx, "/r", strings.NewReader(fmt.Sprint("racer ", i)), "text/plain", storage.Conditions{IfMatch: base.ETag})
				} else {
					errs[i] = s.Delete(ctx, "/r", storage.Conditions{IfMatch: base.ETag})
				}
			})
		}
		close(start)
		wg.Wait()
		winner := -1
		for i, err := range errs {
			switch {
			case err == nil && winner >= 0:
				t.Errorf("round %d: racers %d and %d both won", round, winner, i)
			case err == nil:
				winner = i
			case !errors.Is(err, storage.ErrPrecondition):
				t.Errorf("round %d: racer %d: %v", round, i, err)
			}
		}
		body, err := "", error(nil)
		if obj, gerr := stores[1].Get(ctx, "/r"); gerr == nil {
			b, _ := io.ReadAll(obj)
			obj.Close()
			body = string(b)
		} else {
			err = gerr
		}
		switch {
		case winner < 0:
			t.Fatalf("round %d: nobody won", round)
		case winner%3 == 0 && body != fmt.Sprint("racer ", winner):
			t.Errorf("round %d: Put %d won but /r = %q, %v", round, winner, body, err)
		case winner%3 != 0 && !errors.Is(err, storage.ErrNotExist):
			t.Errorf("round %d: Delete %d won but Get(/r) = %q, %v", round, winner, body, err)
		}
	}
}

// countingTransport counts requests by method.
type countingTransport struct {
	mu     sync.Mutex
	counts map[string]int
	rt     http.RoundTripper
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.counts[r.Method]++
	c.mu.Unlock()
	return c.rt.RoundTrip(r)
}

// take returns the counts so far and resets them.
func (c *countingTransport) take() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := c.counts
	c.counts = map[string]int{}
	return m
}

// TestRequests pins how many requests each operation costs.
func TestRequests(t *testing.T) {
	ct := &countingTransport{counts: map[string]int{}, rt: http.DefaultTransport}
	s, err := newStore(context.Background(), config(srv.NewBucket(t)), ct)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	mustPut(t, s, "/c/", "")
	var keys []storage.Key
	for i := range 1001 {
		key := storage.Key(fmt.Sprintf("/c/%d", i))
		if i%100 == 0 {
			key += "/"
		}
		keys = append(keys, key)
	}
	putAll(t, s, keys)
	info := mustPut(t, s, "/c/f", "x")
	ct.take()

	check := func(what string, want map[string]int) {
		t.Helper()
		if got := ct.take(); !mapsEqual(got, want) {
			t.Errorf("%s made requests %v, want %v", what, got, want)
		}
	}
	mustRead(t, s, "/c/f")
	check("Get", map[string]int{"GET": 1})
	mustRead(t, s, "/c/")
	check("Get of a container", map[string]int{"GET": 1})
	if _, err := s.Stat(ctx, "/c/f"); err != nil {
		t.Fatal(err)
	}
	check("Stat", map[string]int{"HEAD": 1})
	mustPut(t, s, "/c/new", "x")
	check("Put of a new key", map[string]int{"HEAD": 2, "PUT": 1})
	info, err = s.Put(ctx, "/c/f", strings.NewReader("y"), "text/plain", storage.Conditions{IfMatch: info.ETag})
	if err != nil {
		t.Fatal(err)
	}
	check("Put with IfMatch", map[string]int{"PUT": 1})
	if _, err := s.Put(ctx, "/c/g", strings.NewReader("y"), "text/plain", storage.Conditions{IfNoneMatch: "*"}); err != nil {
		t.Fatal(err)
	}
	check("Put with IfNoneMatch *", map[string]int{"HEAD": 1, "PUT": 1})
	n := len(listKeys(t, s, "/c/"))
	check(fmt.Sprintf("List of %d children", n), map[string]int{"HEAD": 1, "GET": 2})
	if err := s.Delete(ctx, "/c/g", storage.Conditions{}); err != nil {
		t.Fatal(err)
	}
	check("Delete", map[string]int{"HEAD": 1, "DELETE": 1})
	info, _ = s.Stat(ctx, "/c/f")
	ct.take()
	if err := s.Delete(ctx, "/c/f", storage.Conditions{IfMatch: info.ETag}); err != nil {
		t.Fatal(err)
	}
	check("Delete with IfMatch", map[string]int{"HEAD": 1, "PUT": 1, "DELETE": 1})
	if err := s.Delete(ctx, "/c/", storage.Conditions{}); !errors.Is(err, storage.ErrNotEmpty) {
		t.Fatal(err)
	}
	check("Delete of a non-empty container", map[string]int{"HEAD": 1, "GET": 1})
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestMultipart puts bodies larger than a part, which go as a multipart
// upload committed with the conditions.
func TestMultipart(t *testing.T) {
	s := newTestStore(t)
	s.partSize = 5 << 20 // MinIO's minimum
	ctx := context.Background()
	body := bytes.Repeat([]byte("0123456789abcdef"), (11<<20)/16+3)
	info, err := s.Put(ctx, "/big", bytes.NewReader(body), "application/octet-stream", storage.Conditions{IfNoneMatch: "*"})
	if err != nil {
		t.Fatalf("Put(/big) = %v", err)
	}
	if info.Size != int64(len(body)) {
		t.Errorf("Put(/big) size %d, want %d", info.Size, len(body))
	}
	got, ginfo := mustRead(t, s, "/big")
	if got != string(body) || ginfo.ETag != info.ETag || ginfo.Size != info.Size {
		t.Errorf("Get(/big) = %d bytes, %+v; want %d bytes, %+v", len(got), ginfo, len(body), info)
	}
	// Conditions hold.
	_, err = s.Put(ctx, "/big", bytes.NewReader(body), "application/octet-stream", storage.Conditions{IfNoneMatch: "*"})
	if !errors.Is(err, storage.ErrPrecondition) {
		t.Errorf("Put(/big, IfNoneMatch *) again = %v, want ErrPrecondition", err)
	}
	_, err = s.Put(ctx, "/big", bytes.NewReader(body), "application/octet-stream", storage.Conditions{IfMatch: newETag(fileKind, "text/plain")})
	if !errors.Is(err, storage.ErrPrecondition) {
		t.Errorf("Put(/big, IfMatch wrong) = %v, want ErrPrecondition", err)
	}
	info2, err := s.Put(ctx, "/big", bytes.NewReader(body[:len(body)-5]), "text/plain", storage.Conditions{IfMatch: info.ETag})
	if err != nil {
		t.Fatalf("Put(/big, IfMatch current) = %v", err)
	}
	// A reader failing in the third part changes nothing.
	_, err = s.Put(ctx, "/big", io.MultiReader(bytes.NewReader(body), failing{}), "text/plain", storage.Conditions{})
	if err == nil {
		t.Fatalf("Put(/big) with a failing reader succeeded")
	}
	if _, info := mustRead(t, s, "/big"); info.ETag != info2.ETag {
		t.Errorf("after a failed Put, /big has ETag %s, want %s", info.ETag, info2.ETag)
	}
	// No upload is left behind.
	for u := range rawClient(t).ListIncompleteUploads(ctx, s.bucket, "", true) {
		t.Errorf("incomplete upload left: %+v", u)
	}
}

type failing struct{}

func (failing) Read([]byte) (int, error) { return 0, errors.New("failing reader") }

// TestReadAfterReplace checks that an open Object never mixes versions:
// after the key is replaced, reading elsewhere fails instead.
func TestReadAfterReplace(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	old := bytes.Repeat([]byte("a"), 200_000)
	if _, err := s.Put(ctx, "/f", bytes.NewReader(old), "text/plain", storage.Conditions{}); err != nil {
		t.Fatal(err)
	}
	obj, err := s.Get(ctx, "/f")
	if err != nil {
		t.Fatal(err)
	}
	defer obj.Close()
	if _, err := s.Put(ctx, "/f", bytes.NewReader(bytes.Repeat([]byte("b"), 200_000)), "text/plain", storage.Conditions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := obj.Seek(150_000, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(obj)
	if !errors.Is(err, errChanged) {
		t.Errorf("reading after replace = %d bytes, %v; want errChanged", len(b), err)
	}
	if bytes.Contains(b, []byte("b")) {
		t.Errorf("read bytes of the new version")
	}
}

// TestCanceled checks that a canceled context is reported, never taken
// for an empty or finished listing.
func TestCanceled(t *testing.T) {
	s := newTestStore(t)
	mustPut(t, s, "/c/", "")
	mustPut(t, s, "/c/a", "x")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var errs int
	for _, err := range s.List(ctx, "/c/") {
		if err != nil {
			errs++
		}
	}
	if errs == 0 {
		t.Errorf("List with a canceled context yielded no error")
	}
	if err := s.Delete(ctx, "/c/", storage.Conditions{}); err == nil {
		t.Errorf("Delete(/c/) with a canceled context = nil")
	}
	if _, err := s.Put(ctx, "/c/b", strings.NewReader("x"), "text/plain", storage.Conditions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Put with a canceled context = %v, want context.Canceled", err)
	}
	mustRead(t, s, "/c/a")
}

// TestErrorsWrapS3 checks that errors from MinIO are wrapped, keeping the
// S3 error for logs.
func TestErrorsWrapS3(t *testing.T) {
	s := newTestStore(t)
	_, err := s.Get(context.Background(), "/missing")
	var er minio.ErrorResponse
	if !errors.Is(err, storage.ErrNotExist) || !errors.As(err, &er) || er.Code != "NoSuchKey" {
		t.Errorf("Get(/missing) = %v, want ErrNotExist wrapping NoSuchKey", err)
	}
	if !strings.HasPrefix(err.Error(), `s3: get "/missing": `) {
		t.Errorf("Get(/missing) error %q lacks the s3: get prefix", err)
	}
}

func BenchmarkS3(b *testing.B) {
	storagetest.Bench(b, func(b *testing.B) storage.Store { return newTestStore(b) })
}

// BenchmarkRawMinioGet is the baseline for BenchmarkS3/Get2KB: minio-go
// alone getting the same 2 KB object.
func BenchmarkRawMinioGet(b *testing.B) {
	bucket := srv.NewBucket(b)
	c := rawClient(b)
	ctx := context.Background()
	body := bytes.Repeat([]byte("x"), 2048)
	if _, err := c.PutObject(ctx, bucket, "obj", bytes.NewReader(body), int64(len(body)), minio.PutObjectOptions{}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		obj, err := c.GetObject(ctx, bucket, "obj", minio.GetObjectOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if n, err := io.Copy(io.Discard, obj); n != int64(len(body)) || err != nil {
			b.Fatalf("copied %d bytes, %v", n, err)
		}
		obj.Close()
	}
}

// BenchmarkGetVsRaw alternates a Store Get and a raw minio-go GetObject
// of the same 2 KB object, so that both see the same load, and reports
// the Store's throughput as a percentage of minio-go's.
func BenchmarkGetVsRaw(b *testing.B) {
	s := newTestStore(b)
	body := bytes.Repeat([]byte("x"), 2048)
	ctx := context.Background()
	if _, err := s.Put(ctx, "/obj", bytes.NewReader(body), "application/octet-stream", storage.Conditions{}); err != nil {
		b.Fatal(err)
	}
	name, _ := s.object("/obj")
	c := rawClient(b)
	var store, raw time.Duration
	b.ReportAllocs()
	for b.Loop() {
		t0 := time.Now()
		obj, err := s.Get(ctx, "/obj")
		if err != nil {
			b.Fatal(err)
		}
		if n, err := io.Copy(io.Discard, obj); n != int64(len(body)) || err != nil {
			b.Fatalf("copied %d bytes, %v", n, err)
		}
		obj.Close()
		t1 := time.Now()
		robj, err := c.GetObject(ctx, s.bucket, name, minio.GetObjectOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if n, err := io.Copy(io.Discard, robj); n != int64(len(body)) || err != nil {
			b.Fatalf("copied %d bytes, %v", n, err)
		}
		robj.Close()
		store += t1.Sub(t0)
		raw += time.Since(t1)
	}
	b.ReportMetric(float64(store.Nanoseconds())/float64(b.N), "store-ns/get")
	b.ReportMetric(float64(raw.Nanoseconds())/float64(b.N), "raw-ns/get")
	b.ReportMetric(100*float64(raw)/float64(store), "store-%-of-raw")
}

// BenchmarkPutVsRaw alternates a Store Put of a new 2 KB file and a raw
// minio-go PutObject of the same bytes, and reports the Store's
// throughput as a percentage of minio-go's. The Store's Put also checks
// the parent and the key's other form.
func BenchmarkPutVsRaw(b *testing.B) {
	s := newTestStore(b)
	body := bytes.Repeat([]byte("x"), 2048)
	ctx := context.Background()
	mustPut(b, s, "/c/", "")
	c := rawClient(b)
	var store, raw time.Duration
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		i++
		t0 := time.Now()
		if _, err := s.Put(ctx, storage.Key(fmt.Sprintf("/c/obj%d", i)), bytes.NewReader(body), "application/octet-stream", storage.Conditions{}); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if _, err := c.PutObject(ctx, s.bucket, fmt.Sprintf("raw/obj%d", i), bytes.NewReader(body), int64(len(body)), minio.PutObjectOptions{}); err != nil {
			b.Fatal(err)
		}
		store += t1.Sub(t0)
		raw += time.Since(t1)
	}
	b.ReportMetric(float64(store.Nanoseconds())/float64(b.N), "store-ns/put")
	b.ReportMetric(float64(raw.Nanoseconds())/float64(b.N), "raw-ns/put")
	b.ReportMetric(100*float64(raw)/float64(store), "store-%-of-raw")
}

var bigChildren = flag.Int("s3.children", 10_000, "children of the container in BenchmarkListBig")

// BenchmarkListBig lists a container with -s3.children children (try
// 100000). The children are written with raw PUTs, named and tagged as
// Put would, since only List is measured.
func BenchmarkListBig(b *testing.B) {
	s := newTestStore(b)
	mustPut(b, s, "/c/", "")
	c := rawClient(b)
	var next atomic.Int64
	var wg sync.WaitGroup
	body := []byte("<#x> <#y> <#z> .")
	for range 16 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= *bigChildren {
					return
				}
				k := kindOf(storage.Key("/c/x"))
				name, _ := s.object(storage.Key(fmt.Sprintf("/c/child%06d", i)))
				if i%100 == 0 {
					k = containerKind
					name, _ = s.object(storage.Key(fmt.Sprintf("/c/dir%06d/", i)))
				}
				opts := minio.PutObjectOptions{Internal: minio.AdvancedPutOptions{SourceETag: newETag(k, "text/turtle")}}
				data := body
				if k == containerKind {
					data = nil
				}
				if _, err := c.PutObject(context.Background(), s.bucket, name, bytes.NewReader(data), int64(len(data)), opts); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for _, err := range s.List(context.Background(), "/c/") {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != *bigChildren {
			b.Fatalf("listed %d, want %d", n, *bigChildren)
		}
	}
	b.ReportMetric(float64(*bigChildren), "children")
}
