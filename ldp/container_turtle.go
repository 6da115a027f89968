package ldp

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/seedpod/seedpod/storage"
)

// writeContainerTurtle writes the representation of container t as Turtle
// straight from a listing, without building a graph: a container's shape
// is fixed (its types, then one block per child), so this needs no general
// serialiser, and listing a large container stays linear with little
// garbage. Child IRIs are written relative to the container; they are
// percent-encoded by URLOf, so they need no further escaping.
func (h *Handler) writeContainerTurtle(ctx context.Context, buf *bytes.Buffer, t Target) error {
	buf.WriteString("@prefix dcterms: <" + nsDCTerms + "> .\n" +
		"@prefix ldp: <" + nsLDP + "> .\n" +
		"@prefix stat: <" + nsStat + "> .\n" +
		"@prefix xsd: <" + nsXSD + "> .\n\n" +
		"<> a ldp:Container, ldp:BasicContainer, ldp:Resource")
	if isPodRoot(t.Key) {
		buf.WriteString(", <" + nsPIM + "Storage>")
	}
	// Children are written after the container's own block; the names are
	// collected first because ldp:contains belongs to the container.
	var children bytes.Buffer
	n := 0
	for info, err := range h.store.List(ctx, t.Key) {
		if err != nil {
			return notFound(err)
		}
		if kind, _ := auxOf(info.Key); kind != NotAux {
			continue
		}
		if t.Key == "/" && strings.HasPrefix(info.Key.Name(), ".") {
			continue
		}
		rel := escapeKey(info.Key)[len(escapeKey(t.Key)):]
		if n == 0 {
			buf.WriteString(" ;\n    ldp:contains <")
		} else {
			buf.WriteString(", <")
		}
		buf.WriteString(rel)
		buf.WriteByte('>')
		n++
		writeChildTurtle(&children, rel, info)
	}
	buf.WriteString(" .\n")
	buf.Write(children.Bytes())
	return nil
}

// writeChildTurtle writes the metadata block of one child (Solid Protocol
// §5.2: type, size, modification time).
func writeChildTurtle(b *bytes.Buffer, rel string, info storage.Info) {
	b.WriteString("\n<")
	b.WriteString(rel)
	b.WriteString("> a ldp:Resource")
	if info.Key.IsContainer() {
		b.WriteString(", ldp:Container, ldp:BasicContainer")
	} else {
		if mt := mediaType(info.ContentType); mt != "" && safeMediaTypeIRI(mt) {
			b.WriteString(", <" + nsIANA)
			b.WriteString(mt)
			b.WriteString("#Resource>")
		}
		b.WriteString(" ;\n    stat:size ")
		b.WriteString(strconv.FormatInt(info.Size, 10))
	}
	if !info.ModTime.IsZero() {
		mt := info.ModTime.UTC()
		b.WriteString(" ;\n    dcterms:modified \"")
		b.WriteString(mt.Format(time.RFC3339))
		b.WriteString("\"^^xsd:dateTime ;\n    stat:mtime \"")
		b.WriteString(strconv.FormatInt(mt.Unix(), 10))
		b.WriteString("\"^^xsd:decimal")
	}
	b.WriteString(" .\n")
}

// safeMediaTypeIRI reports whether a media type can be put inside <> in
// Turtle as it is. Stored types passed mime.ParseMediaType, so this only
// guards against surprises.
func safeMediaTypeIRI(mt string) bool {
	for i := 0; i < len(mt); i++ {
		c := mt[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("<>\"{}|^`\\", c) >= 0 {
			return false
		}
	}
	return true
}
