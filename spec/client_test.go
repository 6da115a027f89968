package spec

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// Vocabulary used across the tests.
const (
	ldpNS              = "http://www.w3.org/ns/ldp#"
	ldpResource        = ldpNS + "Resource"
	ldpContainer       = ldpNS + "Container"
	ldpBasicContainer  = ldpNS + "BasicContainer"
	ldpContains        = ldpNS + "contains"
	pimStorage         = "http://www.w3.org/ns/pim/space#Storage"
	rdfType            = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
	statSize           = "http://www.w3.org/ns/posix/stat#size"
	statMtime          = "http://www.w3.org/ns/posix/stat#mtime"
	dctermsModified    = "http://purl.org/dc/terms/modified"
	relStorageDesc     = "http://www.w3.org/ns/solid/terms#storageDescription"
	aclAuthorization   = "http://www.w3.org/ns/auth/acl#Authorization"
	mediaTypeClassBase = "http://www.w3.org/ns/iana/media-types/"
)

// A response is an HTTP response whose body has been read and closed.
type response struct {
	*http.Response
	body []byte
}

func (r *response) String() string {
	u := r.Request.URL.String()
	if r.Request.URL.Opaque != "" {
		u = r.Request.URL.Scheme + "://" + r.Request.URL.Host + r.Request.URL.Opaque
	}
	return fmt.Sprintf("%s %s → %s", r.Request.Method, u, r.Status)
}

// bodySnippet returns the start of the body, for failure messages.
func (r *response) bodySnippet() string {
	const max = 300
	b := r.body
	if len(b) > max {
		return fmt.Sprintf("%q…", b[:max])
	}
	return fmt.Sprintf("%q", b)
}

// do sends one request and reads the whole response. header holds name,
// value pairs; a nil body sends none. It fails the test only if no HTTP
// response came back at all.
func (s *target) do(t testing.TB, method, rawURL string, body []byte, header ...string) *response {
	t.Helper()
	req, err := s.newRequest(method, rawURL, body, header...)
	if err != nil {
		t.Fatalf("%s %s: %v", method, rawURL, err)
	}
	return s.send(t, req)
}

func (s *target) newRequest(method, rawURL string, body []byte, header ...string) (*http.Request, error) {
	if len(header)%2 != 0 {
		return nil, fmt.Errorf("odd number of header arguments: %q", header)
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, rawURL, rd)
	if err != nil {
		return nil, err
	}
	for i := 0; i < len(header); i += 2 {
		if strings.EqualFold(header[i], "Host") {
			req.Host = header[i+1]
			continue
		}
		req.Header.Add(header[i], header[i+1])
	}
	return req, nil
}

// doPath is do with a request target sent exactly as given, unnormalized:
// path is everything after the host, e.g. "/spec/a/%2e%2e/b".
func (s *target) doPath(t testing.TB, method, path string, body []byte, header ...string) *response {
	t.Helper()
	req, err := s.newRequest(method, s.base.String(), body, header...)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	req.URL.Opaque = path
	req.URL.RawPath = ""
	return s.send(t, req)
}

func (s *target) send(t testing.TB, req *http.Request) *response {
	t.Helper()
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", req.Method, req.URL, err)
	}
	return &response{Response: resp, body: b}
}

// wantStatus reports an error unless r has one of the given statuses.
func wantStatus(t testing.TB, r *response, codes ...int) bool {
	t.Helper()
	if slices.Contains(codes, r.StatusCode) {
		return true
	}
	t.Errorf("%s, want %s; body %s", r, statusList(codes), r.bodySnippet())
	return false
}

// mustStatus is wantStatus, but stops the test.
func mustStatus(t testing.TB, r *response, codes ...int) {
	t.Helper()
	if !slices.Contains(codes, r.StatusCode) {
		t.Fatalf("%s, want %s; body %s", r, statusList(codes), r.bodySnippet())
	}
}

// wantSuccess reports an error unless r has a 2xx status.
func wantSuccess(t testing.TB, r *response) bool {
	t.Helper()
	if r.StatusCode/100 == 2 {
		return true
	}
	t.Errorf("%s, want 2xx; body %s", r, r.bodySnippet())
	return false
}

func mustSuccess(t testing.TB, r *response) {
	t.Helper()
	if r.StatusCode/100 != 2 {
		t.Fatalf("%s, want 2xx; body %s", r, r.bodySnippet())
	}
}

func statusList(codes []int) string {
	var s []string
	for _, c := range codes {
		s = append(s, fmt.Sprint(c))
	}
	return strings.Join(s, " or ")
}

// mustPut creates or replaces the resource at u.
func (s *target) mustPut(t testing.TB, u, contentType string, body []byte, header ...string) *response {
	t.Helper()
	r := s.do(t, http.MethodPut, u, body, append([]string{"Content-Type", contentType}, header...)...)
	mustSuccess(t, r)
	return r
}

// mustGet fetches u and requires 200.
func (s *target) mustGet(t testing.TB, u string, header ...string) *response {
	t.Helper()
	r := s.do(t, http.MethodGet, u, nil, header...)
	mustStatus(t, r, http.StatusOK)
	return r
}

// newContainer creates a fresh, empty container inside the base container
// and deletes it, with everything in it, when the test ends.
func (s *target) newContainer(t testing.TB) string {
	t.Helper()
	u := s.url(unique(t, "") + "/")
	s.cleanup(t, u)
	s.mustPut(t, u, "text/turtle", []byte{})
	return u
}

// cleanup deletes the resource at u, and everything below it if it is a
// container, when the test ends. Leftovers are logged, not failed on.
func (s *target) cleanup(t testing.TB, u string) {
	t.Helper()
	t.Cleanup(func() {
		if err := s.deleteTree(u, 0); err != nil {
			t.Logf("cleanup: %v", err)
		}
	})
}

func (s *target) deleteTree(u string, depth int) error {
	if depth > 10 {
		return fmt.Errorf("delete %s: too deep", u)
	}
	if strings.HasSuffix(u, "/") {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		req.Header.Set("Accept", "text/turtle")
		resp, err := s.client.Do(req)
		if err != nil {
			return err
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusNotFound {
			return nil
		}
		if resp.StatusCode == http.StatusOK {
			g, err := parseRDF(b, resp.Header.Get("Content-Type"), u)
			if err == nil {
				for _, child := range g.objects(u, ldpContains) {
					if err := s.deleteTree(child.value, depth+1); err != nil {
						return err
					}
				}
			}
		}
	}
	req, _ := http.NewRequest(http.MethodDelete, u, nil)
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 && resp.StatusCode != http.StatusNotFound {
		return fmt.Errorf("DELETE %s: %s", u, resp.Status)
	}
	return nil
}

// headerList returns the comma-separated elements of every field named
// name, trimmed, empty ones dropped.
func headerList(h http.Header, name string) []string {
	var out []string
	for _, v := range h.Values(name) {
		for _, e := range strings.Split(v, ",") {
			if e = strings.TrimSpace(e); e != "" {
				out = append(out, e)
			}
		}
	}
	return out
}

// containsFold reports whether list holds s, ignoring case.
func containsFold(list []string, s string) bool {
	for _, e := range list {
		if strings.EqualFold(e, s) {
			return true
		}
	}
	return false
}

// mediaType returns the media type of h's Content-Type, lowercased, without
// parameters, or "" if there is none.
func mediaType(h http.Header) string {
	ct := h.Get("Content-Type")
	if ct == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(strings.Split(ct, ";")[0]))
	}
	return mt
}

// A link is one element of a Link header (RFC 8288).
type link struct {
	uri    string // resolved against the request URL
	rels   []string
	params map[string]string
}

// has reports whether l has relation rel and, if uri is not empty, targets uri.
func (l link) has(rel, uri string) bool {
	return (uri == "" || l.uri == uri) && slices.Contains(l.rels, rel)
}

// parseLinks parses every Link field of h. Malformed elements are skipped.
func parseLinks(h http.Header, base *url.URL) []link {
	var out []link
	for _, v := range h.Values("Link") {
		for len(v) > 0 {
			v = strings.TrimLeft(v, " \t,")
			if !strings.HasPrefix(v, "<") {
				break
			}
			end := strings.IndexByte(v, '>')
			if end < 0 {
				break
			}
			l := link{uri: v[1:end], params: map[string]string{}}
			if u, err := base.Parse(l.uri); err == nil {
				l.uri = u.String()
			}
			v = v[end+1:]
			// Parameters: ; name="value" or ; name=token, up to the next
			// comma outside quotes.
			for {
				v = strings.TrimLeft(v, " \t")
				if !strings.HasPrefix(v, ";") {
					break
				}
				v = strings.TrimLeft(v[1:], " \t")
				eq := strings.IndexAny(v, "=;,")
				if eq < 0 || v[eq] != '=' {
					name := v
					if eq >= 0 {
						name = v[:eq]
					}
					l.params[strings.ToLower(strings.TrimSpace(name))] = ""
					if eq < 0 {
						v = ""
					} else {
						v = v[eq:]
					}
					continue
				}
				name := strings.ToLower(strings.TrimSpace(v[:eq]))
				v = strings.TrimLeft(v[eq+1:], " \t")
				var val string
				if strings.HasPrefix(v, `"`) {
					i := 1
					var b strings.Builder
					for i < len(v) && v[i] != '"' {
						if v[i] == '\\' && i+1 < len(v) {
							i++
						}
						b.WriteByte(v[i])
						i++
					}
					val = b.String()
					if i < len(v) {
						i++
					}
					v = v[i:]
				} else {
					end := strings.IndexAny(v, ";,")
					if end < 0 {
						end = len(v)
					}
					val = strings.TrimSpace(v[:end])
					v = v[end:]
				}
				if _, dup := l.params[name]; !dup {
					l.params[name] = val
				}
			}
			for _, rel := range strings.Fields(l.params["rel"]) {
				l.rels = append(l.rels, rel)
			}
			out = append(out, l)
		}
	}
	return out
}

// links returns the Link header elements of r.
func (r *response) links() []link {
	return parseLinks(r.Header, r.Request.URL)
}

// linkTargets returns the targets of r's links with relation rel.
func (r *response) linkTargets(rel string) []string {
	var out []string
	for _, l := range r.links() {
		if l.has(rel, "") {
			out = append(out, l.uri)
		}
	}
	return out
}

// hasType reports whether r has Link: <typ>; rel="type".
func (r *response) hasType(typ string) bool {
	return slices.Contains(r.linkTargets("type"), typ)
}

// mustLink returns the single target of r's links with relation rel.
func (r *response) mustLink(t testing.TB, rel string) string {
	t.Helper()
	ts := r.linkTargets(rel)
	if len(ts) != 1 {
		t.Fatalf("%s: Link rel=%q targets %q, want exactly one", r, rel, ts)
	}
	return ts[0]
}

// location returns r's Location header resolved against the request URL.
func (r *response) location(t testing.TB) string {
	t.Helper()
	loc := r.Header.Get("Location")
	if loc == "" {
		t.Fatalf("%s: no Location header", r)
	}
	u, err := r.Request.URL.Parse(loc)
	if err != nil {
		t.Fatalf("%s: bad Location %q: %v", r, loc, err)
	}
	return u.String()
}
