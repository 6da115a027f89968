// Package acl is Web Access Control (WAC 1.0,
// https://solidproject.org/TR/2024/wac-20240512): it parses ACL documents,
// represents access modes and decides which modes an agent holds on a
// resource.
//
// In the request flow (oidc → ldp → acl → ldp → storage) it is the pure
// decision step. It does no I/O and knows nothing of HTTP or storage: ldp
// hands it the requester (a Subject), the target URL, the storage root, a
// Loader that returns the parsed ACL document attached to a URL, and a
// Members callback for agent groups. The answer is a Mode bitset or a Go
// error, never an HTTP status; ldp maps ErrDenied to 401 or 403.
//
// # Effective ACL
//
// WAC #effective-acl-resource: the ACL document attached to the
// resource itself applies if it exists, through its acl:accessTo
// authorizations naming the resource. Otherwise Decide walks up the
// container hierarchy (Parent) to the nearest container with an ACL
// document, and uses only that document's acl:default authorizations
// naming that container. The walk stops at the first document found: a
// child's ACL replaces its ancestors' entirely (no cumulative inheritance,
// WAC #permission-inheritance-extensions), and an ACL document with no applicable authorization denies.
// The walk never goes above the storage root; if no document is found the
// agent holds no modes.
//
// # Authorizations
//
// WAC #authorization-conformance: an authorization is applicable only
// if it is typed acl:Authorization and has at least one access object
// (acl:accessTo or acl:default), one recognised mode (acl:mode) and one
// access subject (acl:agent, acl:agentGroup, acl:agentClass or acl:origin).
// Subjects without the type are ignored, as are incomplete authorizations,
// unknown modes (WAC #access-mode-extensions: they "MUST NOT cause increased access") and
// unknown agent classes. A typed authorization whose acl predicates have
// the wrong kind of object (a literal mode, a blank-node agent, ...) makes
// Parse fail, and an ACL that does not parse denies: the Loader returns the
// error and Decide returns it with no modes.
//
// Modes from all matching authorizations are unioned. acl:Append is a
// subclass of acl:Write, so an authorization granting Write grants Append
// too (WAC #authorization-evaluation-acl-mode-entailment).
//
// # Origins
//
// WAC #server-origin-authorization reads: "When an HTTP request
// includes the Origin header, the requested operation is granted on the
// target resource when there is a match for: an Authorization allowing
// access to the requesting agent (acl:agent, acl:agentGroup,
// acl:agentClass); an Authorization with an acl:origin property value that
// of Origin's field-value, when the required access mode is not available
// to all agents (acl:agentClass foaf:Agent); and the required access mode
// is allowed for the requesting agent and the origin." WAC
// #authorization-evaluation-origin adds that acl:origin "is taken into
// account in the evaluation only when the HTTP request includes the Origin
// header".
//
// So, per mode M, with the authorizations that apply to the target:
//
//   - No Origin (Subject.Origin == ""): acl:origin is ignored. M is granted
//     if an authorization granting M matches the agent. An authorization
//     whose only subject is acl:origin matches nobody.
//   - With an Origin: M is granted if an authorization grants M to
//     foaf:Agent without listing any acl:origin (M is "available to all
//     agents"); or else if an authorization granting M matches the agent
//     AND an authorization granting M lists the request's origin. The two
//     may be the same authorization or different ones: an authorization
//     whose only subject is acl:origin is the spec's way to trust an app
//     for everyone who holds M. Rules without acl:origin therefore never
//     suffice on their own for a request that carries an untrusted Origin
//     unless the mode is public.
//
// A foaf:Agent authorization that lists acl:origin is public only from
// those origins. Origins compare as RFC 6454 serializations: scheme and
// host case-insensitive, default ports and one trailing "/" ignored; the
// opaque origin "null" matches nothing. The spec's note on trusted origins
// ("Implementations might implicitly allow a list of origins, such as the
// same-origin") is left to the caller: ldp leaves Subject.Origin empty for
// origins it trusts (the server's own origin, and configured ones).
//
// acl:trustedApp, acl:defaultForNew and acl:accessToClass are not part of
// WAC 1.0 and are ignored.
package acl
