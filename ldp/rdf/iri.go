package rdf

import "strings"

// IRI resolution is done on strings rather than with net/url, whose
// Parse/String round trip percent-encodes non-ASCII characters and so
// changes the identity of IRIs (which may hold any Unicode).

// iriParts is an IRI reference split as in RFC 3986 Appendix B.
type iriParts struct {
	scheme, authority, path, query, fragment       string
	hasScheme, hasAuthority, hasQuery, hasFragment bool
}

// hasScheme reports whether s starts with a valid scheme followed by ':',
// that is, whether s is an absolute IRI (RFC 3986 §3.1).
func hasScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return true
		default:
			return false
		}
	}
	return false
}

func splitIRI(s string) iriParts {
	var p iriParts
	if hasScheme(s) {
		i := strings.IndexByte(s, ':')
		p.scheme, p.hasScheme = s[:i], true
		s = s[i+1:]
	}
	if i := strings.IndexByte(s, '#'); i >= 0 {
		p.fragment, p.hasFragment = s[i+1:], true
		s = s[:i]
	}
	if i := strings.IndexByte(s, '?'); i >= 0 {
		p.query, p.hasQuery = s[i+1:], true
		s = s[:i]
	}
	if strings.HasPrefix(s, "//") {
		s = s[2:]
		i := strings.IndexByte(s, '/')
		if i < 0 {
			i = len(s)
		}
		p.authority, p.hasAuthority = s[:i], true
		s = s[i:]
	}
	p.path = s
	return p
}

func (p *iriParts) String() string {
	var b strings.Builder
	if p.hasScheme {
		b.WriteString(p.scheme)
		b.WriteByte(':')
	}
	if p.hasAuthority {
		b.WriteString("//")
		b.WriteString(p.authority)
	}
	b.WriteString(p.path)
	if p.hasQuery {
		b.WriteByte('?')
		b.WriteString(p.query)
	}
	if p.hasFragment {
		b.WriteByte('#')
		b.WriteString(p.fragment)
	}
	return b.String()
}

// resolveIRI resolves ref against base as in RFC 3986 §5.2. An absolute ref
// is returned unchanged (as other Turtle parsers do), and so is any ref when
// base is empty.
func resolveIRI(base, ref string) string {
	if base == "" || hasScheme(ref) {
		return ref
	}
	b := splitIRI(base)
	r := splitIRI(ref)
	var t iriParts
	t.scheme, t.hasScheme = b.scheme, b.hasScheme
	switch {
	case r.hasAuthority:
		t.authority, t.hasAuthority = r.authority, true
		t.path = removeDotSegments(r.path)
		t.query, t.hasQuery = r.query, r.hasQuery
	case r.path == "":
		t.authority, t.hasAuthority = b.authority, b.hasAuthority
		t.path = b.path
		if r.hasQuery {
			t.query, t.hasQuery = r.query, true
		} else {
			t.query, t.hasQuery = b.query, b.hasQuery
		}
	default:
		t.authority, t.hasAuthority = b.authority, b.hasAuthority
		if r.path[0] == '/' {
			t.path = removeDotSegments(r.path)
		} else {
			t.path = removeDotSegments(mergePaths(&b, r.path))
		}
		t.query, t.hasQuery = r.query, r.hasQuery
	}
	t.fragment, t.hasFragment = r.fragment, r.hasFragment
	return t.String()
}

// mergePaths is RFC 3986 §5.2.3.
func mergePaths(b *iriParts, ref string) string {
	if b.hasAuthority && b.path == "" {
		return "/" + ref
	}
	i := strings.LastIndexByte(b.path, '/')
	return b.path[:i+1] + ref
}

// removeDotSegments is RFC 3986 §5.2.4.
func removeDotSegments(in string) string {
	if !strings.Contains(in, ".") {
		return in
	}
	var out []string // output segments, each starting with "/" unless first
	for in != "" {
		switch {
		case strings.HasPrefix(in, "../"):
			in = in[3:]
		case strings.HasPrefix(in, "./"):
			in = in[2:]
		case strings.HasPrefix(in, "/./"):
			in = in[2:]
		case in == "/.":
			in = "/"
		case strings.HasPrefix(in, "/../"):
			in = in[3:]
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		case in == "/..":
			in = "/"
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		case in == "." || in == "..":
			in = ""
		default:
			i := strings.IndexByte(in[1:], '/')
			if i < 0 {
				i = len(in)
			} else {
				i++
			}
			out = append(out, in[:i])
			in = in[i:]
		}
	}
	return strings.Join(out, "")
}

// relativeIRI returns a short reference to iri relative to base, or iri
// itself when no simple form exists. Only forms that resolve back to iri
// exactly are returned: "" for the base itself, "#frag" within the
// document, and "a/b" below the base's directory.
func relativeIRI(base, iri string) string {
	if base == "" {
		return iri
	}
	doc, _, _ := strings.Cut(base, "#")
	var cand string
	switch {
	case iri == doc:
		cand = ""
	case strings.HasPrefix(iri, doc) && iri[len(doc)] == '#':
		cand = iri[len(doc):]
	default:
		dirEnd := strings.LastIndexByte(doc, '/')
		if q := strings.IndexByte(doc, '?'); q >= 0 {
			dirEnd = strings.LastIndexByte(doc[:q], '/')
		}
		if dirEnd < 0 || !strings.HasPrefix(iri, doc[:dirEnd+1]) {
			return iri
		}
		cand = iri[dirEnd+1:]
		if cand == "" {
			cand = "./"
		}
		seg, _, _ := strings.Cut(cand, "/")
		if strings.Contains(seg, ":") || strings.HasPrefix(cand, "/") {
			return iri
		}
	}
	if resolveIRI(base, cand) != iri {
		return iri
	}
	return cand
}
