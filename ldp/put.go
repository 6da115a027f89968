package ldp

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/seedpod/seedpod/acl"
	"github.com/seedpod/seedpod/ldp/rdf"
	"github.com/seedpod/seedpod/storage"
)

// put creates or replaces a resource at exactly the request URL, creating
// missing intermediate containers (Solid Protocol §5.3).
func (h *Handler) put(w http.ResponseWriter, r *http.Request, t Target) error {
	ctx := r.Context()
	if t.Key == "/" {
		return errorf(MethodNotAllowed, "the server root cannot be replaced")
	}
	if _, inPod := podOf(t.Key); !inPod {
		return errorf(Forbidden, "resources can only be written inside a pod")
	}
	if err := checkNames(t.Key); err != nil {
		return err
	}
	cond, err := conditions(r)
	if err != nil {
		return err
	}
	if err := h.checkLength(r); err != nil {
		return err
	}
	if t.Key.IsContainer() {
		return h.putContainer(ctx, w, r, t, cond)
	}
	ct, err := contentType(r)
	if err != nil {
		return err
	}
	if t.Aux != NotAux && !isRDF(ct) {
		return errorf(UnsupportedMediaType, "auxiliary resources must be RDF (%s)", acceptRDF)
	}
	body := &bodyReader{r: http.MaxBytesReader(w, r.Body, h.maxBody)}
	var src io.Reader = body
	if isRDF(ct) {
		data, g, err := h.readRDF(w, r, t.URL, ct)
		if err != nil {
			return err
		}
		if t.Aux == ACLResource {
			// An ACL that does not parse as one is refused, never stored.
			if _, err := acl.Parse(g); err != nil {
				return wrap(BadRequest, err, "not a valid ACL document: "+err.Error())
			}
		}
		src = bytes.NewReader(data)
	}
	existed, err := h.knownExists(ctx, t)
	if err != nil {
		return err
	}
	var changes []Change
	if !existed {
		if changes, err = h.ensureParent(ctx, t.Key); err != nil {
			return err
		}
	}
	if cond.IfMatch == "*" {
		if !existed {
			return errorf(PreconditionFailed, "If-Match: * but the resource does not exist")
		}
		cond.IfMatch = ""
	}
	info, err := h.store.Put(ctx, t.Key, src, ct, cond)
	if err != nil {
		if body.err != nil {
			return body.err
		}
		return err
	}
	h.written(ctx, w, t, existed, info.ETag, changes)
	return nil
}

// written reports a successful PUT or PATCH of a document (with the
// containers created on the way) and answers 204, or 201 with Location
// when the document is new.
func (h *Handler) written(ctx context.Context, w http.ResponseWriter, t Target, existed bool, etag string, changes []Change) {
	kind := Updated
	if !existed {
		kind = Created
	}
	h.notify(ctx, append(changes, Change{Kind: kind, Key: t.Key, URL: t.URL, ETag: etag})...)
	w.Header().Set("ETag", quoteETag(etag))
	if existed {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Header().Set("Location", t.URL)
	w.WriteHeader(http.StatusCreated)
}

// putContainer creates a container by PUT. The body, if any, must be RDF
// without server-managed triples; its triples become the container's
// description. An existing container cannot be replaced.
func (h *Handler) putContainer(ctx context.Context, w http.ResponseWriter, r *http.Request, t Target, cond storage.Conditions) error {
	existed, err := h.knownExists(ctx, t)
	if err != nil {
		return err
	}
	if existed {
		if cond.IfNoneMatch == "*" {
			return errorf(PreconditionFailed, "the container exists")
		}
		return errorf(Conflict, "an existing container cannot be replaced by PUT; describe it through its .meta resource")
	}
	if isPodRoot(t.Key) {
		return errorf(Forbidden, "pods are created by the server, not by PUT")
	}
	if cond.IfMatch != "" {
		return errorf(PreconditionFailed, "If-Match given but the container does not exist")
	}
	meta, metaType, err := h.containerBody(w, r, t)
	if err != nil {
		return err
	}
	changes, err := h.ensureParent(ctx, t.Key)
	if err != nil {
		return err
	}
	info, err := h.store.Put(ctx, t.Key, nil, "", storage.Conditions{IfNoneMatch: "*"})
	if err != nil {
		if errors.Is(err, storage.ErrPrecondition) {
			return errorf(Conflict, "the container was created concurrently")
		}
		return err
	}
	changes = append(changes, Change{Kind: Created, Key: t.Key, URL: t.URL, ETag: info.ETag})
	if meta != nil {
		mk := auxKey(t.Key, metaAux)
		mi, err := h.store.Put(ctx, mk, bytes.NewReader(meta), metaType, storage.Conditions{})
		if err != nil {
			return err
		}
		changes = append(changes, Change{Kind: Created, Key: mk, URL: h.URLOf(mk), ETag: mi.ETag})
	}
	h.notify(ctx, changes...)
	w.Header().Set("Location", t.URL)
	w.WriteHeader(http.StatusCreated)
	return nil
}

// containerBody reads the optional RDF body of a container creation. It
// returns the triples to store as the description, serialised as Turtle
// with absolute IRIs, or nil when there are none.
func (h *Handler) containerBody(w http.ResponseWriter, r *http.Request, t Target) ([]byte, string, error) {
	if r.Header.Get("Content-Type") == "" {
		if r.ContentLength > 0 {
			return nil, "", errorf(BadRequest, "a request with a body needs a Content-Type header")
		}
		return nil, "", nil
	}
	ct, err := contentType(r)
	if err != nil {
		return nil, "", err
	}
	if !isRDF(ct) {
		return nil, "", errorf(UnsupportedMediaType, "a container body must be RDF (%s)", acceptRDF)
	}
	_, g, err := h.readRDF(w, r, t.URL, ct)
	if err != nil {
		return nil, "", err
	}
	if len(g.Triples) == 0 {
		return nil, "", nil
	}
	for _, tr := range g.Triples {
		if p, ok := tr.P.(rdf.IRI); ok && serverManaged[p] {
			return nil, "", errorf(Conflict, "containment triples (ldp:contains) are managed by the server")
		}
	}
	var buf bytes.Buffer
	if err := rdf.Write(&buf, g, rdf.Turtle, ""); err != nil {
		return nil, "", wrap(Internal, err, "RDF could not be serialised")
	}
	return buf.Bytes(), rdf.Turtle, nil
}

// ensureParent creates the missing containers above key, from the pod root
// down (Solid Protocol §5.3: servers MUST create intermediate containers).
// The pod itself must exist.
func (h *Handler) ensureParent(ctx context.Context, key storage.Key) ([]Change, error) {
	parent, _ := key.Parent()
	if _, err := h.store.Stat(ctx, parent); err == nil {
		return nil, nil
	} else if !isNotExist(err) {
		return nil, err
	}
	pod, _ := podOf(key)
	if _, err := h.store.Stat(ctx, pod); err != nil {
		if isNotExist(err) {
			return nil, wrap(NotFound, err, "there is no pod at "+h.URLOf(pod))
		}
		return nil, err
	}
	var changes []Change
	rest := strings.TrimPrefix(string(parent), string(pod))
	cur := string(pod)
	for seg := range strings.SplitSeq(strings.TrimSuffix(rest, "/"), "/") {
		cur += seg + "/"
		k := storage.Key(cur)
		info, err := h.store.Put(ctx, k, nil, "", storage.Conditions{IfNoneMatch: "*"})
		switch {
		case err == nil:
			changes = append(changes, Change{Kind: Created, Key: k, URL: h.URLOf(k), ETag: info.ETag})
		case errors.Is(err, storage.ErrPrecondition):
			// It exists already (or was created concurrently).
		case errors.Is(err, storage.ErrExist):
			return nil, wrap(Conflict, err, h.URLOf(storage.Key(strings.TrimSuffix(cur, "/")))+" is a document, so it cannot hold other resources")
		default:
			return nil, err
		}
	}
	return changes, nil
}

// knownExists reports whether t exists, asking storage only if
// authorization did not already find out.
func (h *Handler) knownExists(ctx context.Context, t Target) (bool, error) {
	if t.checked {
		return t.exists, nil
	}
	return h.exists(ctx, t.Key)
}

// exists reports whether key exists.
func (h *Handler) exists(ctx context.Context, key storage.Key) (bool, error) {
	_, err := h.store.Stat(ctx, key)
	if err == nil {
		return true, nil
	}
	if isNotExist(err) {
		return false, nil
	}
	return false, err
}

// checkNames refuses containers whose names are reserved for auxiliary
// resources ("x.acl/"), at any depth of key.
func checkNames(key storage.Key) error {
	s := strings.TrimPrefix(string(key), "/")
	segs := strings.Split(s, "/")
	for _, seg := range segs[:len(segs)-1] {
		if isReservedName(seg) {
			return errorf(BadRequest, "container names may not end in .acl or .meta")
		}
	}
	return nil
}

// checkLength refuses a declared body over the limit before reading it.
func (h *Handler) checkLength(r *http.Request) error {
	if r.ContentLength > h.maxBody {
		return errorf(TooLarge, "request body larger than %d bytes", h.maxBody)
	}
	return nil
}

// contentType returns the request's Content-Type, which every write with a
// body needs (Solid Protocol §2.1: 400 without it).
func contentType(r *http.Request) (string, error) {
	ct := strings.TrimSpace(r.Header.Get("Content-Type"))
	if ct == "" {
		return "", errorf(BadRequest, "a Content-Type header is required")
	}
	if _, _, err := mime.ParseMediaType(ct); err != nil {
		return "", errorf(BadRequest, "malformed Content-Type header")
	}
	return ct, nil
}

// readRDF reads an RDF body and parses it, so that nothing malformed is
// ever stored. It returns the bytes as sent and the parsed graph.
func (h *Handler) readRDF(w http.ResponseWriter, r *http.Request, base, ct string) ([]byte, *rdf.Graph, error) {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, min(h.maxRDF, h.maxBody)))
	if err != nil {
		return nil, nil, bodyError(err)
	}
	g, err := rdf.Parse(bytes.NewReader(data), mediaType(ct), base)
	if err != nil {
		return nil, nil, wrap(BadRequest, err, "malformed "+mediaType(ct)+": "+err.Error())
	}
	return data, g, nil
}

// bodyError classifies a failure to read a request body.
func bodyError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errorf(TooLarge, "request body larger than %s bytes", strconv.FormatInt(mbe.Limit, 10))
	}
	return wrap(BadRequest, err, "the request body could not be read")
}

// bodyReader remembers a read error of the request body, so that a write
// that failed because the client's body was too large or broken is
// reported as the client's fault, not the storage's.
type bodyReader struct {
	r   io.Reader
	err error
}

func (b *bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF {
		b.err = bodyError(err)
	}
	return n, err
}
