// Package oidc answers "who is calling?" for the request flow
// (oidc → ldp → acl → storage): it is the Solid-OIDC resource server.
//
// A Verifier checks the DPoP-bound access token and the DPoP proof of each
// request (RFC 9449, Solid-OIDC §8), and its Middleware puts the Agent the
// request acts as in the request's context, where ldp finds it with
// FromContext. A request without an Authorization header is anonymous; a
// request with credentials that do not verify is answered 401 with a DPoP
// challenge and never reaches the handler.
//
// Tokens from any Solid-OIDC provider are accepted: the issuer's keys are
// found by OpenID discovery from the token's "iss", and the issuer must be
// listed as solid:oidcIssuer in the profile of the token's WebID. Keys,
// profiles and verified tokens are cached in memory; every fetch goes
// through the guarded client (clients/fetch), is rate-limited per host,
// and happens only after every check that needs no fetch has passed. This
// server's own provider (LocalIssuer) and WebIDs are read internally,
// never over HTTP.
//
// Per request, a token seen before costs the proof only: the proof's
// signature, its claims, and one claim of its jti in the replay cache
// (Config.Replay, shared by all processes of a deployment).
//
// Package oidc/oidctest is an in-process issuer minting real signed tokens
// and proofs for tests.
package oidc
