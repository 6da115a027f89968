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

// serverDescriptionKey is the description of the server as a whole, where
// clients that look for it at the origin (Inrupt's libraries, CSS's
// layout) find server-wide services. Pods have their own descriptions.
const serverDescriptionKey = storage.Key("/.well-known/solid")

// serveWellKnown answers the server's own resources under /.well-known/.
func (h *Handler) serveWellKnown(w http.ResponseWriter, r *http.Request, t Target) error {
	if t.Key == serverDescriptionKey {
		return h.serveServerDescription(w, r, t)
	}
	name, ok := strings.CutPrefix(string(t.Key), storageDescriptionPrefix)
	if !ok || name == "" || strings.Contains(name, "/") {
		return errorf(NotFound, "not found")
	}
	if err := readOnly(w, r); err != nil {
		return err
	}
	pod := storage.Key("/" + name + "/")
	if _, err := h.store.Stat(r.Context(), pod); err != nil {
		return notFound(err)
	}
	// Solid Protocol §4.1: the description states that the storage is a
	// pim:Storage.
	g := &rdf.Graph{Prefixes: map[string]string{"pim": nsPIM}}
	g.Add(rdf.IRI(h.URLOf(pod)), rdfType, pimStorage)
	if h.describe != nil {
		h.describe(g, h.URLOf(pod))
	}
	return writeDescription(w, r, t, g)
}

// serveServerDescription answers /.well-known/solid with what
// Config.DescribeServer says, or 404 when it says nothing.
func (h *Handler) serveServerDescription(w http.ResponseWriter, r *http.Request, t Target) error {
	g := &rdf.Graph{Prefixes: map[string]string{}}
	if h.describeServer != nil {
		h.describeServer(g, h.base)
	}
	if len(g.Triples) == 0 {
		return errorf(NotFound, "not found")
	}
	if err := readOnly(w, r); err != nil {
		return err
	}
	return writeDescription(w, r, t, g)
}

// readOnly refuses methods other than GET, HEAD and OPTIONS.
func readOnly(w http.ResponseWriter, r *http.Request) error {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return nil
	}
	w.Header().Set("Allow", "OPTIONS, HEAD, GET")
	return errorf(MethodNotAllowed, "the description is read-only")
}

// writeDescription sends g in the RDF type the request prefers.
func writeDescription(w http.ResponseWriter, r *http.Request, t Target, g *rdf.Graph) error {
	hdr := w.Header()
	hdr.Set("Allow", "OPTIONS, HEAD, GET")
	hdr.Add("Vary", "Accept")
	if r.Method == http.MethodOptions {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	want := negotiate(r.Header.Get("Accept"), rdfTypes)
	if want == "" {
		return errorf(NotAcceptable, "the description is available as %s", strings.Join(rdfTypes, ", "))
	}
	var buf bytes.Buffer
	if err := rdf.Write(&buf, g, want, t.URL); err != nil {
		return wrap(Internal, err, "description could not be serialised")
	}
	hdr.Set("Content-Type", want)
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(buf.Bytes())
	}
	return nil
}
