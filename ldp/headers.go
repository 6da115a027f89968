package ldp

import (
	"net/http"
	"strings"

	"github.com/seedpod/seedpod/ldp/rdf"
	"github.com/seedpod/seedpod/storage"
)

// Vocabulary IRIs used in headers and container representations.
const (
	nsLDP     = "http://www.w3.org/ns/ldp#"
	nsPIM     = "http://www.w3.org/ns/pim/space#"
	nsSolid   = "http://www.w3.org/ns/solid/terms#"
	nsStat    = "http://www.w3.org/ns/posix/stat#"
	nsDCTerms = "http://purl.org/dc/terms/"
	nsXSD     = "http://www.w3.org/2001/XMLSchema#"
	nsRDF     = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	nsIANA    = "http://www.w3.org/ns/iana/media-types/"

	relStorageDescription = nsSolid + "storageDescription"
)

// rdfTypes are the RDF media types we parse and serialise, in our order of
// preference for output.
var rdfTypes = []string{rdf.Turtle, rdf.JSONLD, rdf.NTriples}

// acceptRDF is the Accept-Put/Accept-Post value for RDF-only targets.
var acceptRDF = strings.Join(rdfTypes, ", ")

// mediaType returns the lowercased media type of a Content-Type value,
// without parameters.
func mediaType(ct string) string {
	mt, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

// isRDF reports whether a Content-Type is one of the RDF types we handle.
func isRDF(ct string) bool {
	switch mediaType(ct) {
	case rdf.Turtle, rdf.JSONLD, rdf.NTriples:
		return true
	}
	return false
}

// allowed is the Allow header for a target: what it supports, not what the
// caller may do (Solid Protocol §4.2, §5.4: no DELETE on a pod root or its
// ACL).
func allowed(t Target) string {
	switch {
	case t.Key == "/":
		return "OPTIONS, HEAD, GET"
	case isPodRoot(t.Key):
		return "OPTIONS, HEAD, GET, POST, PUT"
	case t.Key.IsContainer():
		return "OPTIONS, HEAD, GET, POST, PUT, DELETE"
	case t.Aux == ACLResource && isPodRoot(t.Subject):
		return "OPTIONS, HEAD, GET, PUT, PATCH"
	}
	return "OPTIONS, HEAD, GET, PUT, PATCH, DELETE"
}

// methodAllowed refuses, with 405, a method the target never supports.
func methodAllowed(method string, t Target) error {
	for m := range strings.SplitSeq(allowed(t), ", ") {
		if m == method {
			return nil
		}
	}
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodPost, http.MethodPatch, http.MethodDelete:
		return errorf(MethodNotAllowed, "%s is not allowed on this resource", method)
	}
	return errorf(MethodNotAllowed, "method %s is not supported", method)
}

// setResourceHeaders sets the headers every GET, HEAD and OPTIONS on a
// target carries: Link (types, auxiliaries, storage description), Allow
// and Accept-*. contentType is the stored resource's, or "" when it does
// not exist (yet): then it may still be created as RDF, by PUT or PATCH.
func (h *Handler) setResourceHeaders(hdr http.Header, t Target, contentType string) {
	var links []string
	links = append(links, `<`+nsLDP+`Resource>; rel="type"`)
	if t.Key.IsContainer() {
		links = append(links, `<`+nsLDP+`Container>; rel="type"`, `<`+nsLDP+`BasicContainer>; rel="type"`)
		if isPodRoot(t.Key) {
			links = append(links, `<`+nsPIM+`Storage>; rel="type"`)
		}
	}
	if t.Aux == NotAux {
		for _, a := range auxiliaries {
			links = append(links, `<`+h.URLOf(auxKey(t.Key, a))+`>; rel="`+a.rel+`"`)
		}
	}
	if pod, ok := podOf(t.Key); ok {
		links = append(links, `<`+h.storageDescriptionURL(pod)+`>; rel="`+relStorageDescription+`"`)
	}
	hdr["Link"] = []string{strings.Join(links, ", ")}
	allow := allowed(t)
	if !t.Key.IsContainer() {
		if contentType == "" || isRDF(contentType) {
			hdr.Set("Accept-Patch", acceptPatch)
		} else {
			// Only RDF documents can be patched.
			allow = strings.Replace(allow, ", PATCH", "", 1)
		}
	}
	hdr.Set("Allow", allow)
	switch {
	case t.Key == "/":
	case t.Key.IsContainer():
		hdr.Set("Accept-Post", "*/*")
		hdr.Set("Accept-Put", acceptRDF)
	case t.Aux != NotAux:
		hdr.Set("Accept-Put", acceptRDF)
	default:
		hdr.Set("Accept-Put", "*/*")
	}
}

// quoteETag turns a storage ETag into an HTTP entity tag.
func quoteETag(etag string) string { return `"` + etag + `"` }

// conditions turns If-Match and If-None-Match into storage conditions for
// a write. Only a single entity tag (or "*") is supported in each; lists
// are refused with 400 rather than misread. Weak tags never match on a
// write (RFC 9110 §13.1.1 uses strong comparison for If-Match).
func conditions(r *http.Request) (storage.Conditions, error) {
	var c storage.Conditions
	if v := strings.TrimSpace(r.Header.Get("If-Match")); v != "" {
		if v == "*" {
			c.IfMatch = "*"
		} else {
			tag, err := singleETag(v)
			if err != nil {
				return c, err
			}
			c.IfMatch = tag
		}
	}
	if v := strings.TrimSpace(r.Header.Get("If-None-Match")); v != "" {
		if v == "*" {
			c.IfNoneMatch = "*"
		} else {
			tag, err := singleETag(strings.TrimPrefix(v, "W/"))
			if err != nil {
				return c, err
			}
			c.IfNoneMatch = tag
		}
	}
	return c, nil
}

// singleETag parses one quoted strong entity tag and strips the suffix that
// marks a converted representation, so that any representation's ETag
// matches the stored resource.
func singleETag(v string) (string, error) {
	if strings.HasPrefix(v, "W/") {
		return "\x00weak", nil // never equal to a stored ETag
	}
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' || strings.Contains(v[1:len(v)-1], `"`) {
		return "", errorf(BadRequest, "If-Match and If-None-Match take one quoted entity tag or *")
	}
	tag := v[1 : len(v)-1]
	if i := strings.LastIndex(tag, repSuffixSep); i >= 0 {
		tag = tag[:i]
	}
	return tag, nil
}
