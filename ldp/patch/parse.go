package patch

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/seedpod/seedpod/ldp/rdf"
)

// Media types of the PATCH bodies Parse reads.
const (
	N3           = "text/n3"
	SPARQLUpdate = "application/sparql-update"
)

// Errors of Parse. Besides these, malformed input gives an error wrapping
// an *rdf.SyntaxError, which says where (400 Bad Request).
var (
	// ErrUnsupportedType: the content type is neither text/n3 nor
	// application/sparql-update (415 Unsupported Media Type).
	ErrUnsupportedType = errors.New("patch: unsupported content type")
	// ErrInvalid: the body is well formed but not a patch we accept (422
	// Unprocessable Content). It is wrapped with a message naming the rule
	// broken or the construct not supported, fit to show the client.
	ErrInvalid = errors.New("invalid patch")
)

// Parse reads a PATCH body of the given content type (a Content-Type
// value; parameters are ignored and the type is matched
// case-insensitively): an N3 Patch (text/n3, Solid Protocol §5.3.1) or a
// SPARQL Update (application/sparql-update) restricted to INSERT DATA,
// DELETE DATA and DELETE/INSERT with basic graph patterns. Relative IRIs
// are resolved against base, the URL of the target document.
//
// Parse reads r to the end, so the caller bounds its size. It fails with
// an error wrapping ErrUnsupportedType, ErrInvalid or an *rdf.SyntaxError,
// or with the error of r.
func Parse(r io.Reader, contentType, base string) (*Patch, error) {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	if mt != N3 && mt != SPARQLUpdate {
		return nil, fmt.Errorf("%w %q: want %s or %s", ErrUnsupportedType, mt, N3, SPARQLUpdate)
	}
	src, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("patch: read: %w", err)
	}
	if mt == N3 {
		p, err := parseN3(src, base)
		if err != nil {
			return nil, fmt.Errorf("n3 patch: %w", err)
		}
		return p, nil
	}
	p, err := parseSPARQL(src, base)
	if err != nil {
		return nil, fmt.Errorf("sparql update: %w", err)
	}
	return p, nil
}

// invalidf returns an error wrapping ErrInvalid.
func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// node converts a template node without formulas to a Node.
func node(n rdf.TemplateNode) Node {
	if n.Var != "" {
		return V(n.Var)
	}
	return T(n.Term)
}

func patterns(ts []rdf.TemplateTriple) []Pattern {
	if len(ts) == 0 {
		return nil
	}
	out := make([]Pattern, len(ts))
	for i, t := range ts {
		out[i] = Pattern{S: node(t.S), P: node(t.P), O: node(t.O)}
	}
	return out
}

// vars adds the variables of ps to set.
func vars(ps []Pattern, set map[string]bool) map[string]bool {
	if set == nil {
		set = map[string]bool{}
	}
	for _, p := range ps {
		for _, n := range [3]Node{p.S, p.P, p.O} {
			if n.Var != "" {
				set[n.Var] = true
			}
		}
	}
	return set
}

// blanks adds the blank nodes of ps to set.
func blanks(ps []Pattern, set map[rdf.BlankNode]bool) map[rdf.BlankNode]bool {
	if set == nil {
		set = map[rdf.BlankNode]bool{}
	}
	for _, p := range ps {
		for _, n := range [3]Node{p.S, p.P, p.O} {
			if b, ok := n.Term.(rdf.BlankNode); ok {
				set[b] = true
			}
		}
	}
	return set
}
