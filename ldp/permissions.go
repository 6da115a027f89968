package ldp

import (
	"context"
	"strings"

	"github.com/seedpod/seedpod/acl"
	"github.com/seedpod/seedpod/oidc"
)

// Permissions returns the access modes agent holds on the resource at
// resourceURL when it acts from origin (the Origin of its requests; "" or
// this server's own origin for none), as WAC decides them for a request:
// the same ACL walk, caches and owner rule as ServeHTTP. On an ACL
// resource, Control on its subject grants every mode; a description
// resource (.meta) has the modes of its subject. The server's own URL
// space (/.well-known/, /.notifications/, ...) grants nothing.
//
// It is for code acting on a request's behalf later, such as notification
// delivery, which must stop when Read is revoked. It returns an error of
// Kind BadRequest for a URL outside this server, and storage errors.
func (h *Handler) Permissions(ctx context.Context, agent oidc.Agent, origin, resourceURL string) (acl.Mode, error) {
	k, err := h.keyOf(resourceURL)
	if err != nil {
		return 0, err
	}
	if strings.HasPrefix(string(k), "/.") {
		return 0, nil
	}
	kind, subj := auxOf(k)
	target := k
	if kind != NotAux {
		target = subj
	}
	s := acl.Subject{WebID: agent.WebID, Origin: origin}
	if strings.EqualFold(s.Origin, h.origin) {
		s.Origin = ""
	}
	pod, root := h.rootOf(target)
	user, _, err := acl.Allow(ctx, s, h.URLOf(target), root, h.acls.load, h.groups.members)
	if err != nil && !isDenial(err) {
		return 0, err
	}
	if h.isOwner(ctx, s, pod) {
		user |= acl.Control
	}
	if kind == ACLResource {
		user = controlAll(user)
	}
	return user, nil
}

// CanonicalURL returns the canonical form of a URL on this server (the one
// ldp.Change and every Location use), or an error of Kind BadRequest if it
// is not on this server or names no valid resource. A query or fragment is
// dropped.
func (h *Handler) CanonicalURL(u string) (string, error) {
	k, err := h.keyOf(u)
	if err != nil {
		return "", err
	}
	return h.URLOf(k), nil
}
