package ldp

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/seedpod/seedpod/ldp/rdf"
)

// ReadDocument reads the RDF document at docURL, a URL on this server,
// straight from storage, without access control. It is for the server's
// own use, never on behalf of a client: the token verifier reads the
// profiles of this server's WebIDs with it (oidc.Config.ReadLocal), so
// that they are never fetched over HTTP. URLs outside the base URL, the
// server's own space ("/.well-known/", "/.internal/"…), auxiliary
// resources and containers are refused; a missing document is an error
// matching storage.ErrNotExist; a document that is not RDF is an error.
func (h *Handler) ReadDocument(ctx context.Context, docURL string) (*rdf.Graph, error) {
	if i := strings.IndexByte(docURL, '#'); i >= 0 {
		docURL = docURL[:i]
	}
	if !strings.HasPrefix(docURL, h.base) || strings.ContainsRune(docURL, '?') {
		return nil, fmt.Errorf("ldp: read %s: not a document on this server", docURL)
	}
	key, perr := parseKey(h.basePath+docURL[len(h.base):], h.basePath)
	if perr != nil {
		return nil, fmt.Errorf("ldp: read %s: %w", docURL, perr)
	}
	if strings.HasPrefix(string(key), "/.") || key.IsContainer() {
		return nil, fmt.Errorf("ldp: read %s: not a document", docURL)
	}
	if kind, _ := auxOf(key); kind != NotAux {
		return nil, fmt.Errorf("ldp: read %s: an auxiliary resource", docURL)
	}
	obj, err := h.store.Get(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("ldp: read %s: %w", docURL, err)
	}
	defer obj.Close()
	ct := obj.Info().ContentType
	if !isRDF(ct) {
		return nil, fmt.Errorf("ldp: read %s: %s is not RDF", docURL, mediaType(ct))
	}
	data, err := io.ReadAll(io.LimitReader(obj, h.maxRDF+1))
	if err != nil {
		return nil, fmt.Errorf("ldp: read %s: %w", docURL, err)
	}
	if int64(len(data)) > h.maxRDF {
		return nil, fmt.Errorf("ldp: read %s: larger than %d bytes", docURL, h.maxRDF)
	}
	return rdf.Parse(bytes.NewReader(data), mediaType(ct), h.URLOf(key))
}
