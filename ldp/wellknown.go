package ldp

import (
	"bytes"
	"net/http"
	"strings"

	"github.com/seedpod/seedpod/ldp/rdf"
	"github.com/seedpod/seedpod/storage"
)

// wellKnownPrefix is the reserved part of the URL space that the server
// itself answers. Pod names cannot start with a dot, so it never clashes.
const wellKnownPrefix = "/.well-known/"

// storageDescriptionPrefix holds one storage description per pod.
const storageDescriptionPrefix = wellKnownPrefix + "solid/"

// storageDescriptionURL is where the description of pod is served.
func (h *Handler) storageDescriptionURL(pod storage.Key) string {
	return h.URLOf(storage.Key(storageDescriptionPrefix + pod.Name()))
}

// serveWellKnown answers the server's own resources under /.well-known/.
func (h *Handler) serveWellKnown(w http.ResponseWriter, r *http.Request, t Target) error {
	name, ok := strings.CutPrefix(string(t.Key), storageDescriptionPrefix)
	if !ok || name == "" || strings.Contains(name, "/") {
		return errorf(NotFound, "not found")
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
	default:
		w.Header().Set("Allow", "OPTIONS, HEAD, GET")
		return errorf(MethodNotAllowed, "the storage description is read-only")
	}
	pod := storage.Key("/" + name + "/")
	if _, err := h.store.Stat(r.Context(), pod); err != nil {
		return notFound(err)
	}
	hdr := w.Header()
	hdr.Set("Allow", "OPTIONS, HEAD, GET")
	hdr.Add("Vary", "Accept")
	if r.Method == http.MethodOptions {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	want := negotiate(r.Header.Get("Accept"), rdfTypes)
	if want == "" {
		return errorf(NotAcceptable, "the storage description is available as %s", strings.Join(rdfTypes, ", "))
	}
	// Solid Protocol §4.1: the description states that the storage is a
	// pim:Storage.
	g := &rdf.Graph{Prefixes: map[string]string{"pim": nsPIM}}
	g.Add(rdf.IRI(h.URLOf(pod)), rdfType, pimStorage)
	if h.describe != nil {
		h.describe(g, h.URLOf(pod))
	}
	var buf bytes.Buffer
	if err := rdf.Write(&buf, g, want, t.URL); err != nil {
		return wrap(Internal, err, "storage description could not be serialised")
	}
	hdr.Set("Content-Type", want)
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(buf.Bytes())
	}
	return nil
}
