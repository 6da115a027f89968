package ldp

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/seedpod/seedpod/storage"
)

// AuxKind says whether a resource is auxiliary, and of which kind.
type AuxKind int

// The auxiliary resource kinds (Solid Protocol §4.3).
const (
	NotAux AuxKind = iota
	ACLResource
	MetaResource
)

// auxSpec describes one kind of auxiliary resource: its name suffix and the
// Link relation that points at it from its subject.
type auxSpec struct {
	kind   AuxKind
	suffix string
	rel    string
}

// auxiliaries is the table of auxiliary resources. An ACL needs Control on
// its subject; a description resource follows its subject (WAC, Solid
// Protocol §4.3.2).
var (
	aclAux      = auxSpec{ACLResource, ".acl", "acl"}
	metaAux     = auxSpec{MetaResource, ".meta", "describedby"}
	auxiliaries = []auxSpec{aclAux, metaAux}
)

// Target is the resource a request addresses.
type Target struct {
	// Key is the canonical storage key.
	Key storage.Key
	// URL is the canonical absolute URL of the resource.
	URL string
	// Aux is the auxiliary kind; Subject is its subject when Aux != NotAux.
	Aux     AuxKind
	Subject storage.Key
	// checked tells that authorization found out whether the resource
	// exists (exists), so the operation need not ask storage again.
	checked, exists bool
}

// auxOf splits an auxiliary key into its kind and subject.
func auxOf(k storage.Key) (AuxKind, storage.Key) {
	if k.IsContainer() {
		return NotAux, ""
	}
	s := string(k)
	for _, a := range auxiliaries {
		if !strings.HasSuffix(s, a.suffix) {
			continue
		}
		// "/c/x.acl" belongs to "/c/x"; "/c/.acl" to the container "/c/".
		return a.kind, storage.Key(strings.TrimSuffix(s, a.suffix))
	}
	return NotAux, ""
}

// auxKey returns the key of subject's auxiliary resource of kind a.
func auxKey(subject storage.Key, a auxSpec) storage.Key {
	return storage.Key(string(subject) + a.suffix)
}

// isReservedName reports whether a single name may not be given to a new
// resource by POST or Slug: auxiliary suffixes are reserved.
func isReservedName(name string) bool {
	for _, a := range auxiliaries {
		if strings.HasSuffix(name, a.suffix) {
			return true
		}
	}
	return false
}

// parseKey canonicalises a raw (still percent-encoded) request path into a
// storage key, once, before anything else sees it. It refuses "." and ".."
// segments (also percent-encoded), encoded "/" or "\", empty segments
// ("//"), NUL, bad percent-encoding, invalid UTF-8 and overlong names.
func parseKey(rawPath, basePath string) (storage.Key, *Error) {
	if !strings.HasPrefix(rawPath, basePath) {
		if rawPath+"/" == basePath {
			return "/", nil
		}
		return "", errorf(NotFound, "path is outside this server's base URL")
	}
	rest := rawPath[len(basePath):]
	if rest == "" {
		return "/", nil
	}
	container := strings.HasSuffix(rest, "/")
	rest = strings.TrimSuffix(rest, "/")
	var b strings.Builder
	b.Grow(len(rest) + 2)
	for seg := range strings.SplitSeq(rest, "/") {
		if seg == "" {
			return "", errorf(BadRequest, "empty path segment (//) in request path")
		}
		name, err := url.PathUnescape(seg)
		if err != nil {
			return "", errorf(BadRequest, "bad percent-encoding in request path")
		}
		switch {
		case name == "." || name == "..":
			return "", errorf(BadRequest, "dot segments (. or ..) are not allowed in paths")
		case strings.ContainsAny(name, "/\\\x00"):
			return "", errorf(BadRequest, "encoded slash, backslash or NUL in a path segment")
		case !utf8.ValidString(name):
			return "", errorf(BadRequest, "path is not valid UTF-8")
		case len(name) > storage.MaxSegment:
			return "", errorf(BadRequest, "path segment longer than %d bytes", storage.MaxSegment)
		}
		b.WriteByte('/')
		b.WriteString(name)
	}
	if container {
		b.WriteByte('/')
	}
	return storage.Key(b.String()), nil
}

// requestPath returns the raw path of a request exactly as the client sent
// it, so that encoded characters are seen before any decoding.
func requestPath(r *http.Request) string {
	p := r.RequestURI
	if p == "" { // a request built in-process, not read from the wire
		p = r.URL.EscapedPath()
	}
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	if i := strings.IndexByte(p, '#'); i >= 0 {
		p = p[:i]
	}
	if !strings.HasPrefix(p, "/") { // absolute-form: scheme://host/path
		if u, err := url.Parse(p); err == nil {
			p = u.EscapedPath()
		}
	}
	return p
}

// escapeKey percent-encodes a key segment by segment, the inverse of
// parseKey, without the leading slash.
func escapeKey(k storage.Key) string {
	s := strings.TrimPrefix(string(k), "/")
	if !strings.ContainsFunc(s, needsEscape) {
		return s
	}
	var b strings.Builder
	for i, seg := range strings.Split(s, "/") {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(url.PathEscape(seg))
	}
	return b.String()
}

func needsEscape(r rune) bool {
	switch {
	case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
		return false
	}
	return !strings.ContainsRune("-._~!$&'()*+=:@", r)
}

// podOf returns the pod (storage root) holding k: the top-level container
// "/name/". Keys outside any pod (the server root) return false.
func podOf(k storage.Key) (storage.Key, bool) {
	s := string(k)
	if len(s) < 2 {
		return "", false
	}
	i := strings.IndexByte(s[1:], '/')
	if i < 0 {
		return "", false
	}
	return storage.Key(s[:i+2]), true
}

// isPodRoot reports whether k is the root container of a pod.
func isPodRoot(k storage.Key) bool {
	p, ok := podOf(k)
	return ok && p == k
}
