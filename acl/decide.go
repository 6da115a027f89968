package acl

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// ErrDenied is wrapped by the error of Check when the subject lacks a
// needed mode. ldp maps it to 401 for an anonymous subject and 403
// otherwise.
var ErrDenied = errors.New("acl: access denied")

// Subject is who asks: the authenticated agent, if any, and the web
// application it asks through, if any.
type Subject struct {
	// WebID is the agent's WebID as verified by oidc; "" is anonymous.
	WebID string
	// Origin is the request's Origin header field-value, "" if there is
	// none. Leave it empty, too, for an origin the server trusts (its own
	// origin, configured ones): WAC #trusted-origins lets servers "allow a
	// list of origins, such as the same-origin".
	Origin string
}

// Loader returns the parsed ACL document attached to resourceURL itself
// (its own ACL resource, e.g. "/a/b.acl" for "/a/b" and "/a/.acl" for
// "/a/"), or (nil, nil) when that ACL resource has no representation.
//
// A document that exists but does not parse must give an error (wrapping
// ErrInvalid), never (nil, nil): treating it as absent would let the
// resource inherit its container's permissions, which the broken document
// was presumably meant to narrow. ldp implements Loader over storage, with
// a cache of parsed documents.
type Loader func(ctx context.Context, resourceURL string) (*ACL, error)

// Members reports whether webID is a member (vcard:hasMember) of the group
// groupURL, an IRI that may have a fragment ("/alice/aspects/friends#group").
// ldp implements it, reading local group documents internally and remote
// ones through a guarded fetch, and caching them as *Group. An error means
// membership could not be established; Decide and Check then grant only
// what other authorizations grant.
type Members func(ctx context.Context, groupURL, webID string) (bool, error)

// Decide returns the modes s holds on resourceURL, a URL within the
// storage rootURL (which ends in "/"). It finds the effective ACL (see
// Effective): the resource's own ACL, through its acl:accessTo
// authorizations naming resourceURL, or else the nearest ancestor
// container's ACL, through its acl:default authorizations naming that
// container. When no ACL document is found up to rootURL, s holds no
// modes. Authorizations apply as the package documentation describes,
// acl:origin included.
//
// A Loader error is returned, wrapped, with no modes. Members is called
// only for an authenticated subject and only for groups whose
// authorizations would add a mode; a nil Members matches no group. If a
// Members call fails, Decide returns the error together with the modes the
// other authorizations grant, which are a lower bound.
func Decide(ctx context.Context, s Subject, resourceURL, rootURL string, load Loader, members Members) (Mode, error) {
	a, owner, err := Effective(ctx, resourceURL, rootURL, load)
	if err != nil || a == nil {
		return 0, err
	}
	return a.modes(ctx, s, owner, owner != resourceURL, members, All)
}

// Check returns nil if s holds every mode of needed on resourceURL, and
// otherwise an error wrapping ErrDenied, or the Loader or Members error
// that prevented the decision. It evaluates as Decide does, but stops as
// soon as needed is granted (WAC #authorization-evaluation-applicable:
// "Evaluation stops when all access permission requests have been
// granted"), so group lookups happen only when nothing cheaper grants.
// Checking the zero Mode still requires the storage to be resolvable.
func Check(ctx context.Context, s Subject, needed Mode, resourceURL, rootURL string, load Loader, members Members) error {
	a, owner, err := Effective(ctx, resourceURL, rootURL, load)
	if err != nil {
		return err
	}
	var got Mode
	if a != nil {
		got, err = a.modes(ctx, s, owner, owner != resourceURL, members, needed)
	}
	if got.Has(needed) {
		return nil
	}
	if err != nil {
		return err
	}
	return fmt.Errorf("%w: %v on %s", ErrDenied, needed&^got, resourceURL)
}

// Allow returns, from one walk, the modes s holds on resourceURL and the
// modes the public holds (foaf:Agent, asking from s.Origin): the two
// permission groups of the WAC-Allow header (WAC #wac-allow). Errors are
// as for Decide.
func Allow(ctx context.Context, s Subject, resourceURL, rootURL string, load Loader, members Members) (user, public Mode, err error) {
	a, owner, err := Effective(ctx, resourceURL, rootURL, load)
	if err != nil || a == nil {
		return 0, 0, err
	}
	inherited := owner != resourceURL
	public, _ = a.modes(ctx, Subject{Origin: s.Origin}, owner, inherited, nil, All)
	user, err = a.modes(ctx, s, owner, inherited, members, All)
	return user, public, err
}

// Effective returns the effective ACL of resourceURL (WAC
// #effective-acl-resource-algorithm) and the URL it is attached to: the
// resource's own ACL (owner == resourceURL), or else that of the nearest
// ancestor container that has one, found by walking Parent up to rootURL.
// It returns (nil, "", nil) when there is none. resourceURL must lie
// within rootURL, which ends in "/"; Loader errors are returned wrapped.
func Effective(ctx context.Context, resourceURL, rootURL string, load Loader) (a *ACL, owner string, err error) {
	if !strings.HasSuffix(rootURL, "/") || !strings.HasPrefix(resourceURL, rootURL) {
		return nil, "", fmt.Errorf("acl: %s is not within the storage %s", resourceURL, rootURL)
	}
	u := resourceURL
	for {
		a, err := load(ctx, u)
		if err != nil {
			return nil, "", fmt.Errorf("acl: load ACL of %s: %w", u, err)
		}
		if a != nil {
			return a, u, nil
		}
		if len(u) <= len(rootURL) {
			return nil, "", nil
		}
		// As Parent, but knowing that u lies strictly below rootURL,
		// which ends in "/": the parent is never shorter than rootURL.
		u = u[:strings.LastIndexByte(strings.TrimSuffix(u, "/"), '/')+1]
	}
}

// Parent returns the URL of the container holding the resource at u,
// e.g. "https://h/a/" for "https://h/a/b" and "https://h/a/b/"; it reports
// false for a root URL ("https://h/") and for a string that is not an
// absolute hierarchical URL. u must have no query or fragment.
func Parent(u string) (string, bool) {
	i := strings.Index(u, "://")
	if i <= 0 {
		return "", false
	}
	slash := strings.IndexByte(u[i+3:], '/')
	if slash < 0 {
		return "", false
	}
	pathStart := i + 3 + slash
	p := strings.TrimSuffix(u[pathStart:], "/")
	if p == "" {
		return "", false
	}
	return u[:pathStart+strings.LastIndexByte(p, '/')+1], true
}

// Modes returns the modes s holds on target through a, which is target's
// own ACL (inherited false: acl:accessTo authorizations naming target
// apply) or the ACL of the container target (inherited true: acl:default
// authorizations naming target apply, on behalf of a descendant). Most
// callers want Decide; Modes is for a caller that found the effective ACL
// itself. Errors are those of Members, as for Decide.
func (a *ACL) Modes(ctx context.Context, s Subject, target string, inherited bool, members Members) (Mode, error) {
	return a.modes(ctx, s, target, inherited, members, All)
}

// modes evaluates the authorizations of a that apply to target for s,
// stopping once needed is granted.
func (a *ACL) modes(ctx context.Context, s Subject, target string, inherited bool, members Members, needed Mode) (Mode, error) {
	if a == nil {
		return 0, nil
	}
	origin := ""
	if s.Origin != "" {
		if o, ok := originKey(s.Origin); ok {
			origin = o
		} else {
			origin = "\x00invalid" // matches no acl:origin
		}
	}

	// First pass: everything but groups, which may cost a fetch.
	var granted Mode
	groups := false
	for i := range a.rules {
		r := &a.rules[i]
		if !r.appliesTo(target, inherited) || !r.allowsOrigin(origin) {
			continue
		}
		if r.matchesAgent(s.WebID) {
			granted |= r.modes
		} else if len(r.groups) > 0 {
			groups = true
		}
	}
	if granted.Has(needed) || !groups || s.WebID == "" || members == nil {
		return granted, nil
	}

	// Second pass: groups, only for authorizations that would add a
	// needed mode.
	var errs error
	for i := range a.rules {
		r := &a.rules[i]
		useful := r.modes & needed &^ granted
		if useful == 0 || len(r.groups) == 0 || !r.appliesTo(target, inherited) ||
			!r.allowsOrigin(origin) || r.matchesAgent(s.WebID) {
			continue
		}
		for _, g := range r.groups {
			ok, err := members(ctx, g, s.WebID)
			if err != nil {
				errs = errors.Join(errs, fmt.Errorf("acl: members of %s: %w", g, err))
				continue
			}
			if ok {
				granted |= r.modes
				break
			}
		}
		if granted.Has(needed) {
			return granted, nil
		}
	}
	return granted, errs
}

// allowsOrigin applies acl:origin (WAC #authorization-evaluation-origin):
// it is taken into account only when the request has an Origin (origin,
// canonical, "" for none), and then an authorization that lists origins
// applies only to requests from one of them. An authorization without
// acl:origin applies whatever the origin: any app the agent uses may act
// for them, as every Solid app relies on.
func (r *rule) allowsOrigin(origin string) bool {
	return origin == "" || !r.hasOrigin || r.listsOrigin(origin)
}

// appliesTo reports whether r applies to target: through acl:accessTo
// when the ACL is target's own, through acl:default when target is the
// container whose ACL is inherited.
func (r *rule) appliesTo(target string, inherited bool) bool {
	objects := r.accessTo
	if inherited {
		objects = r.defaults
	}
	for _, u := range objects {
		if u == target {
			return true
		}
	}
	return false
}

// matchesAgent reports whether r grants to webID through acl:agent or
// acl:agentClass (not acl:agentGroup, which needs Members).
func (r *rule) matchesAgent(webID string) bool {
	if r.public {
		return true
	}
	if webID == "" {
		return false
	}
	if r.authenticated {
		return true
	}
	for _, a := range r.agents {
		if a == webID {
			return true
		}
	}
	return false
}

// listsOrigin reports whether r has acl:origin origin (canonical).
func (r *rule) listsOrigin(origin string) bool {
	for _, o := range r.origins {
		if o == origin {
			return true
		}
	}
	return false
}
