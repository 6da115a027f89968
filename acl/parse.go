package acl

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/seedpod/seedpod/ldp/rdf"
)

// Vocabulary (WAC #namespaces).
const (
	aclNS = "http://www.w3.org/ns/auth/acl#"

	aclAuthorization      = aclNS + "Authorization"
	aclAccessTo           = aclNS + "accessTo"
	aclDefault            = aclNS + "default"
	aclMode               = aclNS + "mode"
	aclAgent              = aclNS + "agent"
	aclAgentClass         = aclNS + "agentClass"
	aclAgentGroup         = aclNS + "agentGroup"
	aclOrigin             = aclNS + "origin"
	aclRead               = aclNS + "Read"
	aclAppend             = aclNS + "Append"
	aclWrite              = aclNS + "Write"
	aclControl            = aclNS + "Control"
	aclAuthenticatedAgent = aclNS + "AuthenticatedAgent"
	foafAgent             = "http://xmlns.com/foaf/0.1/Agent"
	vcardHasMember        = "http://www.w3.org/2006/vcard/ns#hasMember"
)

// ErrInvalid is wrapped by the errors of Parse and ParseDocument: the
// document is not a valid ACL and must deny everything.
var ErrInvalid = errors.New("acl: invalid ACL document")

// ACL is a parsed ACL document: the applicable authorizations it holds. An
// ACL is immutable once parsed and safe for concurrent use, so ldp caches
// them. The zero ACL (and a nil *ACL) has no authorizations and grants
// nothing.
type ACL struct {
	rules []rule
}

// rule is one applicable authorization (WAC #authorization-conformance).
type rule struct {
	accessTo []string // acl:accessTo: applies when the ACL is the target's own
	defaults []string // acl:default: applies to descendants without an ACL
	modes    Mode

	agents        []string // acl:agent WebIDs, as written
	public        bool     // acl:agentClass foaf:Agent
	authenticated bool     // acl:agentClass acl:AuthenticatedAgent
	groups        []string // acl:agentGroup IRIs, fragment included
	hasOrigin     bool     // at least one acl:origin value
	origins       []string // acl:origin values that are origins, canonical (originKey)
}

// Len returns the number of applicable authorizations in a.
func (a *ACL) Len() int {
	if a == nil {
		return 0
	}
	return len(a.rules)
}

// ParseDocument parses an ACL document in the given media type (Turtle,
// JSON-LD or N-Triples, see rdf.MediaType), resolving relative IRIs
// against docURL, the URL of the ACL document itself (for example
// "https://pod.example/alice/.acl", so that <./> names the container).
// Any error wraps ErrInvalid; a syntax error also wraps the
// *rdf.SyntaxError.
func ParseDocument(r io.Reader, mediaType, docURL string) (*ACL, error) {
	g, err := rdf.Parse(r, mediaType, docURL)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrInvalid, docURL, err)
	}
	return Parse(g)
}

// Parse extracts the authorizations of an ACL document from its graph,
// which must have been parsed with the document's URL as base.
//
// Only subjects typed acl:Authorization are read (WAC
// #authorization-conformance); other triples are ignored, since an ACL
// document "can hold any information". A typed authorization is kept if
// it has an access object, a recognised mode and an access subject;
// otherwise it is dropped, as unknown modes and agent classes are (WAC
// #access-mode-extensions). Parse fails, with an error wrapping ErrInvalid,
// when a typed authorization uses acl:accessTo, acl:default, acl:mode,
// acl:agent, acl:agentClass, acl:agentGroup or acl:origin with an object
// that is not an IRI: such a document was not written as its author meant,
// and the caller must deny rather than guess.
func Parse(g *rdf.Graph) (*ACL, error) {
	if g == nil {
		return &ACL{}, nil
	}
	index := make(map[rdf.Term]int)
	var order []rdf.Term
	for _, t := range g.Triples {
		if p, ok := t.P.(rdf.IRI); !ok || p != rdf.RDFType {
			continue
		}
		if o, ok := t.O.(rdf.IRI); !ok || o != aclAuthorization {
			continue
		}
		if !isResource(t.S) {
			continue
		}
		if _, dup := index[t.S]; !dup {
			index[t.S] = len(order)
			order = append(order, t.S)
		}
	}
	if len(order) == 0 {
		return &ACL{}, nil
	}
	rules := make([]rule, len(order))
	for _, t := range g.Triples {
		i, ok := index[t.S]
		if !ok {
			continue
		}
		p, ok := t.P.(rdf.IRI)
		if !ok || !strings.HasPrefix(string(p), aclNS) {
			continue
		}
		if err := rules[i].add(p, t.O); err != nil {
			return nil, fmt.Errorf("%w: authorization %v: %w", ErrInvalid, t.S, err)
		}
	}
	a := &ACL{rules: rules[:0]}
	for _, r := range rules {
		if r.applicable() {
			a.rules = append(a.rules, r)
		}
	}
	return a, nil
}

// isResource reports whether t can be the subject of a triple.
func isResource(t rdf.Term) bool {
	switch t.(type) {
	case rdf.IRI, rdf.BlankNode:
		return true
	}
	return false
}

// add records the triple (r, p, o) for an acl: predicate p.
func (r *rule) add(p rdf.IRI, o rdf.Term) error {
	switch p {
	case aclAccessTo, aclDefault, aclMode, aclAgent, aclAgentClass, aclAgentGroup, aclOrigin:
	default:
		return nil // acl:accessToClass, acl:trustedApp, ... are not WAC 1.0
	}
	iri, ok := o.(rdf.IRI)
	if !ok {
		return fmt.Errorf("%s has a value that is not an IRI: %v", strings.TrimPrefix(string(p), aclNS), o)
	}
	v := string(iri)
	switch p {
	case aclAccessTo:
		r.accessTo = append(r.accessTo, v)
	case aclDefault:
		r.defaults = append(r.defaults, v)
	case aclMode:
		switch v {
		case aclRead:
			r.modes |= Read
		case aclAppend:
			r.modes |= Append
		case aclWrite:
			r.modes |= Write | Append // acl:Append is a subclass of acl:Write
		case aclControl:
			r.modes |= Control
		}
	case aclAgent:
		r.agents = append(r.agents, v)
	case aclAgentClass:
		switch v {
		case foafAgent:
			r.public = true
		case aclAuthenticatedAgent:
			r.authenticated = true
		}
	case aclAgentGroup:
		r.groups = append(r.groups, v)
	case aclOrigin:
		r.hasOrigin = true
		if k, ok := originKey(v); ok {
			r.origins = append(r.origins, k)
		}
	}
	return nil
}

// applicable reports whether r meets WAC #authorization-conformance: an
// access object, a mode and an access subject (the type was checked by
// Parse). Unknown agent classes count as no subject.
func (r *rule) applicable() bool {
	return (len(r.accessTo) > 0 || len(r.defaults) > 0) &&
		r.modes != 0 &&
		(len(r.agents) > 0 || r.public || r.authenticated || len(r.groups) > 0 || r.hasOrigin)
}

// Group is a parsed group document: the members of one vcard:Group, as
// named by acl:agentGroup. It is immutable once parsed and safe for
// concurrent use, so ldp caches groups as sets. A nil *Group has no
// members.
type Group struct {
	members map[string]struct{}
}

// ParseGroup returns the group groupURL (an IRI that usually has a
// fragment, e.g. "https://pod.example/alice/aspects/friends#group") as
// described by g: the IRI objects of groupURL vcard:hasMember (WAC
// #acl-agentgroup). Other triples, and members that are not IRIs, are
// ignored.
func ParseGroup(g *rdf.Graph, groupURL string) *Group {
	grp := &Group{members: make(map[string]struct{})}
	if g == nil {
		return grp
	}
	for _, t := range g.Triples {
		if s, ok := t.S.(rdf.IRI); !ok || string(s) != groupURL {
			continue
		}
		if p, ok := t.P.(rdf.IRI); !ok || p != vcardHasMember {
			continue
		}
		if o, ok := t.O.(rdf.IRI); ok {
			grp.members[string(o)] = struct{}{}
		}
	}
	return grp
}

// Has reports whether webID is a member of g. The anonymous WebID "" is
// never a member.
func (g *Group) Has(webID string) bool {
	if g == nil || webID == "" {
		return false
	}
	_, ok := g.members[webID]
	return ok
}

// Len returns the number of members of g.
func (g *Group) Len() int {
	if g == nil {
		return 0
	}
	return len(g.members)
}

// originKey returns the canonical form of an RFC 6454 origin
// serialization ("scheme://host[:port]"): scheme and host in lowercase,
// without the scheme's default port, without a trailing "/". It reports
// false for anything else, including the opaque origin "null" and URLs
// with a path, query, fragment or user information. When s is already
// canonical, as browsers send it, originKey returns s without allocating.
func originKey(s string) (string, bool) {
	i := strings.Index(s, "://")
	if i <= 0 {
		return "", false
	}
	scheme, host := s[:i], s[i+3:]
	trimmed := false
	if strings.HasSuffix(host, "/") {
		host, trimmed = host[:len(host)-1], true
	}
	if host == "" || strings.ContainsAny(host, "/?#@ ") {
		return "", false
	}
	for j := 0; j < len(scheme); j++ {
		c := scheme[j]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || j > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return "", false
		}
	}
	dropped := false
	switch {
	case strings.EqualFold(scheme, "https") && strings.HasSuffix(host, ":443"):
		host, dropped = host[:len(host)-4], true
	case strings.EqualFold(scheme, "http") && strings.HasSuffix(host, ":80"):
		host, dropped = host[:len(host)-3], true
	}
	if host == "" {
		return "", false
	}
	if !trimmed && !dropped && !hasUpper(scheme) && !hasUpper(host) {
		return s, true
	}
	return strings.ToLower(scheme) + "://" + strings.ToLower(host), true
}

// hasUpper reports whether s may change under strings.ToLower: it has an
// ASCII capital or any non-ASCII byte.
func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' || s[i] >= 0x80 {
			return true
		}
	}
	return false
}
