package ldp

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/seedpod/seedpod/ldp/rdf"
	"github.com/seedpod/seedpod/storage"
)

// get serves GET and HEAD.
func (h *Handler) get(w http.ResponseWriter, r *http.Request, t Target) error {
	if t.Key.IsContainer() {
		return h.getContainer(w, r, t)
	}
	obj, err := h.store.Get(r.Context(), t.Key)
	if err != nil {
		// A missing document can be created by PATCH; clients such as
		// rdflib read how from the 404.
		w.Header().Set("Accept-Patch", acceptPatch)
		return notFound(err)
	}
	defer obj.Close()
	info := obj.Info()
	hdr := w.Header()
	h.setResourceHeaders(hdr, t, info.ContentType)
	setSafeContentHeaders(hdr)
	if !isRDF(info.ContentType) {
		hdr.Set("Content-Type", info.ContentType)
		hdr.Set("ETag", quoteETag(info.ETag))
		http.ServeContent(w, r, "", info.ModTime, obj)
		return nil
	}
	stored := mediaType(info.ContentType)
	hdr.Add("Vary", "Accept")
	want := negotiate(r.Header.Get("Accept"), rdfOffers(stored))
	if want == "" {
		return errorf(NotAcceptable, "this RDF document is available as %s", strings.Join(rdfTypes, ", "))
	}
	if want == stored {
		// Serve the stored bytes as they are: no parse on the read path.
		hdr.Set("Content-Type", info.ContentType)
		hdr.Set("ETag", quoteETag(info.ETag))
		http.ServeContent(w, r, "", info.ModTime, obj)
		return nil
	}
	name := info.ETag + repSuffixSep + repSuffix(want)
	// The cache key names the resource too: equal bytes at two URLs
	// resolve relative IRIs differently, and a content-hash ETag is the
	// same for both.
	cacheKey := string(t.Key) + "\x00" + name
	body, ok := h.reps.get(cacheKey)
	if !ok {
		g, err := rdf.Parse(io.LimitReader(obj, h.maxRDF), stored, t.URL)
		if err != nil {
			return wrap(Internal, err, "stored RDF could not be read")
		}
		var buf bytes.Buffer
		if err := rdf.Write(&buf, g, want, t.URL); err != nil {
			return wrap(Internal, err, "RDF could not be serialised")
		}
		body = buf.Bytes()
		h.reps.put(cacheKey, body)
	}
	hdr.Set("Content-Type", want)
	hdr.Set("ETag", quoteETag(name))
	http.ServeContent(w, r, "", info.ModTime, bytes.NewReader(body))
	return nil
}

// rdfOffers lists the RDF types a document stored as stored can be served
// in, the stored one first so that it wins ties and needs no conversion.
func rdfOffers(stored string) []string {
	offers := []string{stored}
	for _, t := range rdfTypes {
		if t != stored {
			offers = append(offers, t)
		}
	}
	return offers
}

func repSuffix(mediaType string) string {
	switch mediaType {
	case rdf.JSONLD:
		return "jsonld"
	case rdf.NTriples:
		return "nt"
	}
	return "ttl"
}

// setSafeContentHeaders keeps content that users uploaded from running with
// the pod's origin: HTML, SVG and the like are sandboxed (no
// allow-same-origin) and never sniffed into something else.
func setSafeContentHeaders(hdr http.Header) {
	hdr.Set("Content-Security-Policy", "sandbox")
	hdr.Set("X-Content-Type-Options", "nosniff")
}

// notFound turns a storage miss into a 404 and passes other errors on.
func notFound(err error) error {
	if errors.Is(err, storage.ErrNotExist) {
		return wrap(NotFound, err, "not found")
	}
	return err
}

// getContainer serves a container: its containment triples with metadata
// on every child, plus any triples of its description resource.
func (h *Handler) getContainer(w http.ResponseWriter, r *http.Request, t Target) error {
	want := negotiate(r.Header.Get("Accept"), rdfTypes)
	if want == "" {
		return errorf(NotAcceptable, "containers are available as %s", strings.Join(rdfTypes, ", "))
	}
	info, err := h.store.Stat(r.Context(), t.Key)
	if err != nil {
		return notFound(err)
	}
	var buf bytes.Buffer
	hasMeta, err := h.exists(r.Context(), auxKey(t.Key, metaAux))
	if err != nil {
		return err
	}
	if want == rdf.Turtle && !hasMeta {
		// The common case, written directly: see writeContainerTurtle.
		if err := h.writeContainerTurtle(r.Context(), &buf, t); err != nil {
			return err
		}
	} else {
		g, err := h.containerGraph(r, t)
		if err != nil {
			return err
		}
		if err := rdf.Write(&buf, g, want, t.URL); err != nil {
			return wrap(Internal, err, "container could not be serialised")
		}
	}
	sum := sha256.Sum256(buf.Bytes())
	hdr := w.Header()
	h.setResourceHeaders(hdr, t, "")
	setSafeContentHeaders(hdr)
	hdr.Add("Vary", "Accept")
	hdr.Set("Content-Type", want)
	// The representation lists child metadata, so its ETag is a hash of
	// what is sent, not the container's own storage ETag.
	hdr.Set("ETag", quoteETag(base64.RawURLEncoding.EncodeToString(sum[:18])))
	http.ServeContent(w, r, "", info.ModTime, bytes.NewReader(buf.Bytes()))
	return nil
}
