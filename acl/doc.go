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
// WAC #authorization-evaluation-origin: acl:origin "is taken into account
// in the evaluation only when the HTTP request includes the Origin
// header". Seedpod reads it as "when the request has an Origin, the
// authorization applies only to the listed origins". With the
// authorizations that apply to the target:
//
//   - No Origin (Subject.Origin == ""): acl:origin is ignored. A mode is
//     granted if an authorization granting it matches the agent.
//   - With an Origin: an authorization that lists acl:origin applies only
//     if the request's origin is among the listed ones; an authorization
//     without acl:origin applies whatever the origin, since any app the
//     agent uses may act for them. Among the authorizations that apply,
//     a mode is granted as without an Origin.
//
// An authorization whose only subject is acl:origin (no acl:agent,
// acl:agentGroup or acl:agentClass) matches nobody, with or without an
// Origin. A foaf:Agent authorization that lists acl:origin is public only
// from those origins. Origins compare as RFC 6454 serializations: scheme
// and host case-insensitive, default ports and one trailing "/" ignored.
// The opaque origin "null", like any Origin that is not a valid
// serialization, matches no listed origin: authorizations listing origins
// do not apply to it, those without acl:origin still do. The spec's note on
// trusted origins ("Implementations might implicitly allow a list of
// origins, such as the same-origin") is left to the caller: ldp leaves
// Subject.Origin empty for origins it trusts (the server's own origin, and
// configured ones).
//
// This departs from WAC #server-origin-authorization, which with an Origin
// grants a mode not available to all agents only when one authorization
// allows it to the agent AND one (possibly another, possibly origin-only)
// lists the origin. That combined reading would deny every third-party web
// app access to private data unless each ACL listed the app's origin,
// breaking the Solid promise that any app can use the pod; Seedpod keeps
// only the restriction an author writes explicitly with acl:origin.
//
// acl:trustedApp, acl:defaultForNew and acl:accessToClass are not part of
// WAC 1.0 and are ignored.
package acl
