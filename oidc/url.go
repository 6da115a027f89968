package oidc

import (
	"net/http"
	"net/url"
	"strings"
)

// normalizeURL returns the form in which a DPoP htu and the request's URL
// are compared (RFC 9449 §4.3 check 9: without query and fragment, after
// syntax- and scheme-based normalisation, RFC 3986 §6.2.2 and §6.2.3):
// lowercase scheme and host, no default port, "/" for an empty path,
// percent-encodings in uppercase with unreserved characters decoded. It
// reports false for anything but an absolute http(s) URL.
func normalizeURL(s string) (string, bool) {
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "HTTP" && u.Scheme != "HTTPS") ||
		u.Host == "" || u.User != nil || u.Opaque != "" {
		return "", false
	}
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Host)
	if p := u.Port(); (scheme == "http" && p == "80") || (scheme == "https" && p == "443") {
		host = host[:len(host)-len(p)-1]
	}
	path := normalizePath(u.EscapedPath())
	return scheme + "://" + host + path, true
}

// normalizePath uppercases percent-encodings and decodes those of
// unreserved characters (RFC 3986 §6.2.2.1, §6.2.2.2); "" becomes "/".
func normalizePath(p string) string {
	if p == "" {
		return "/"
	}
	if strings.IndexByte(p, '%') < 0 {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '%' && i+2 < len(p) && isHex(p[i+1]) && isHex(p[i+2]) {
			d := unhex(p[i+1])<<4 | unhex(p[i+2])
			if isUnreserved(d) {
				b.WriteByte(d)
			} else {
				b.WriteByte('%')
				b.WriteString(strings.ToUpper(p[i+1 : i+3]))
			}
			i += 2
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

func isUnreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

// requestPath is the path of r as the client sent it, without query.
func requestPath(r *http.Request) string {
	p := r.RequestURI
	if p == "" { // a request built in-process, not read from the wire
		p = r.URL.EscapedPath()
	}
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	if !strings.HasPrefix(p, "/") { // absolute-form: scheme://host/path
		if u, err := url.Parse(p); err == nil {
			p = u.EscapedPath()
		}
	}
	return p
}

// sameIssuer compares issuer URLs, ignoring only a trailing slash (some
// providers list "https://idp.example/" in profiles and issue tokens with
// "https://idp.example", or the reverse).
func sameIssuer(a, b string) bool {
	return strings.TrimSuffix(a, "/") == strings.TrimSuffix(b, "/")
}
