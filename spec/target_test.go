package spec

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// A target is one server under test, reached over HTTP only.
type target struct {
	// name labels the target in subtest names and selects its known
	// deviations: "disk" and "minio" for Seedpod, "css" for the Community
	// Solid Server, or whatever -server says.
	name string
	// base is a container on the target that everyone may read and write
	// without logging in; every test works inside it. It ends in "/".
	base *url.URL
	// client sends the requests; it never follows redirects, so that tests
	// see exactly what the server answered.
	client *http.Client
	// maxBody is the largest request body the server accepts, when known
	// (0 otherwise).
	maxBody int64

	rootOnce sync.Once
	root     string // the storage root containing base, found by rootURL
	rootErr  error
}

func newTarget(name, base string) (*target, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("target %s: bad base URL: %v", name, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("target %s: base URL %q is not an absolute http(s) URL", name, base)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return &target{
		name: name,
		base: u,
		client: &http.Client{
			// Idle connections are dropped before a server's keep-alive
			// timeout (Node's is 5s) could close one under a new request.
			Transport: &http.Transport{IdleConnTimeout: 3 * time.Second, MaxIdleConnsPerHost: 8},
			Timeout:   30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		},
	}, nil
}

// targets lists the servers every test runs against; TestMain fills it.
var targets []*target

// A deviation records that a target is known to break the requirement a test
// checks. The test stays strict: on that target it still runs every check,
// and passes only if at least one of them fails as expected.
type deviation struct {
	target string
	reason string
}

// knownDeviation declares that the target labelled name (e.g. "css") is known
// to deviate from the spec in the way reason says. Every deviation is listed
// in requirements.md too.
func knownDeviation(name, reason string) deviation {
	return deviation{target: name, reason: reason}
}

// run runs body against every target, each as a parallel subtest named
// after the target. Tests are independent, so they run in parallel too.
func run(t *testing.T, body func(t testing.TB, s *target), devs ...deviation) {
	t.Helper()
	t.Parallel()
	if len(targets) == 0 {
		t.Fatal("no targets: TestMain did not set any up")
	}
	for _, s := range targets {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			for _, d := range devs {
				if d.target == s.name {
					runDeviating(t, s, d, body)
					return
				}
			}
			body(t, s)
		})
	}
}

// runDeviating runs body on a recorder instead of t: failures are logged as
// the expected deviation, and a deviation that no longer shows is an error,
// so that requirements.md stays true.
func runDeviating(t *testing.T, s *target, d deviation, body func(testing.TB, *target)) {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		body(r, s)
	}()
	<-done
	if !r.Failed() {
		t.Errorf("known deviation of %s not observed (%s): the server now meets the requirement; remove the deviation here and in requirements.md", s.name, d.reason)
		return
	}
	t.Logf("known deviation of %s: %s\n\tfailures:\n\t%s", s.name, d.reason, strings.Join(r.messages(), "\n\t"))
}

// A recorder is a testing.TB whose failures are recorded instead of failing
// the test. FailNow stops the calling goroutine, which runDeviating starts.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	failed bool
	msgs   []string
}

func (r *recorder) record(msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = true
	r.msgs = append(r.msgs, strings.TrimSuffix(msg, "\n"))
}

func (r *recorder) messages() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.msgs...)
}

func (r *recorder) Helper()                        {}
func (r *recorder) Fail()                          { r.record("failed") }
func (r *recorder) Failed() bool                   { r.mu.Lock(); defer r.mu.Unlock(); return r.failed }
func (r *recorder) FailNow()                       { r.record("failed"); runtime.Goexit() }
func (r *recorder) Error(args ...any)              { r.record(fmt.Sprintln(args...)) }
func (r *recorder) Errorf(format string, a ...any) { r.record(fmt.Sprintf(format, a...)) }
func (r *recorder) Fatal(args ...any)              { r.record(fmt.Sprintln(args...)); runtime.Goexit() }
func (r *recorder) Fatalf(format string, a ...any) {
	r.record(fmt.Sprintf(format, a...))
	runtime.Goexit()
}
func (r *recorder) Skip(args ...any) {
	r.Fatal(append([]any{"skip is not allowed in spec tests:"}, args...)...)
}
func (r *recorder) Skipf(format string, a ...any) {
	r.Fatalf("skip is not allowed in spec tests: "+format, a...)
}
func (r *recorder) SkipNow() { r.Fatal("skip is not allowed in spec tests") }

// unique returns a fresh name for a resource: the test's name and a random
// suffix, so that tests never share resources, even across runs.
func unique(t testing.TB, prefix string) string {
	t.Helper()
	var b [5]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatalf("random name: %v", err)
	}
	name := t.Name()
	name = strings.TrimPrefix(name, "Test")
	if i := strings.IndexByte(name, '/'); i >= 0 {
		name = name[:i]
	}
	if len(name) > 40 {
		name = name[:40]
	}
	if prefix != "" {
		name += "-" + prefix
	}
	return strings.ToLower(name) + "-" + hex.EncodeToString(b[:])
}

// url resolves ref against the target's base container.
func (s *target) url(ref string) string {
	u, err := s.base.Parse(ref)
	if err != nil {
		panic(fmt.Sprintf("spec: bad reference %q: %v", ref, err))
	}
	return u.String()
}

// rootURL returns the storage root containing the base container: the
// nearest container at or above it whose response carries
// Link: <http://www.w3.org/ns/pim/space#Storage>; rel="type", as a client
// discovers it (Solid Protocol §4.1).
func (s *target) rootURL(t testing.TB) string {
	t.Helper()
	s.rootOnce.Do(func() {
		u := *s.base
		for {
			resp, err := s.client.Head(u.String())
			if err != nil {
				s.rootErr = err
				return
			}
			resp.Body.Close()
			for _, l := range parseLinks(resp.Header, resp.Request.URL) {
				if l.has("type", pimStorage) {
					s.root = u.String()
					return
				}
			}
			if u.Path == "/" {
				s.rootErr = fmt.Errorf("no container at or above %s is typed pim:Storage", s.base)
				return
			}
			u.Path = u.Path[:strings.LastIndex(strings.TrimSuffix(u.Path, "/"), "/")+1]
		}
	})
	if s.rootErr != nil {
		t.Fatalf("finding the storage root: %v", s.rootErr)
	}
	return s.root
}
