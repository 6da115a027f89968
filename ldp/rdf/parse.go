package rdf

import (
	"fmt"
	"io"
)

// Parse reads an RDF document in the given media type (a Content-Type
// value; parameters are ignored) and returns its graph. Relative IRIs are
// resolved against base as in RFC 3986 §5.2; an empty base leaves them
// relative. Parse reads r to the end, so the caller bounds its size.
//
// N-Triples is read leniently in one respect: a relative IRI, which
// N-Triples does not allow, is resolved against base like in Turtle.
//
// Malformed input gives a *SyntaxError. A media type that MediaType does
// not accept gives an error wrapping ErrUnsupportedMediaType. Parse never
// fetches anything over the network.
func Parse(r io.Reader, mediaType, base string) (*Graph, error) {
	mt, ok := MediaType(mediaType)
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnsupportedMediaType, mediaType)
	}
	src, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("rdf: read: %w", err)
	}
	switch mt {
	case Turtle:
		return parseTurtle(src, base, false)
	case NTriples:
		return parseTurtle(src, base, true)
	default:
		return parseJSONLD(src, base)
	}
}
