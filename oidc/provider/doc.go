// Package provider is Seedpod's OpenID provider: it logs people and bots
// in and issues the Solid-OIDC tokens (https://solidproject.org/TR/oidc)
// that resource servers — this one and any other — verify. In the flow of
// the server (oidc → ldp → acl → storage) it sits beside oidc: the
// verifier in package oidc checks the tokens minted here exactly as it
// checks any other issuer's, except that it may take our keys in-process
// through [Provider.PublicKeys] instead of fetching the JWKS.
//
// What it implements:
//
//   - OpenID Connect Discovery 1.0 at B.well-known/openid-configuration,
//     with the Solid-OIDC metadata (§ Solid-OIDC Conformance Discovery).
//   - The authorization code flow with PKCE (RFC 7636, S256 only and
//     always required), the issuer in the authorization response
//     (RFC 9207), a consent page remembered per account and client, and
//     exact redirect_uri matching (RFC 9700 §4.1): a bad client or
//     redirect_uri gets a 400 page, never a redirect.
//   - Clients registered dynamically (RFC 7591) or identified by a Client
//     ID Document URL (Solid-OIDC §5.1), fetched through the SSRF-guarded
//     client and cached briefly.
//   - The token endpoint with DPoP (RFC 9449) required for every grant:
//     authorization_code, refresh_token (rotated on each use, reuse
//     revokes; bound to the DPoP key for public clients, §5) and client_credentials (the client
//     id and secret an account created; Solid-OIDC §Client Credentials).
//   - Userinfo and RP-initiated logout (OpenID Connect RP-Initiated
//     Logout 1.0, exact post_logout_redirect_uri matching).
//
// Everything that several Seedpod processes sharing one store must agree
// on lives in the storage.Store under /.internal/oidc/: signing keys,
// registered clients, authorization codes, refresh tokens, consents and
// the CSRF secret. Codes and refresh tokens are spent with a conditional
// write (If-Match) that marks them used, so that of two processes racing
// to redeem one, only one succeeds; the mark stays until expiry, and a
// second presentation revokes the refresh tokens the first one led to
// (RFC 6749 §4.1.2, RFC 9700 §4.14.2). DPoP proof identifiers are claimed through Config.Replay.
//
// # Tokens
//
// Access tokens are ES256 JWTs with typ "at+jwt" and claims iss (the
// issuer, the base URL with its trailing slash), aud ["solid", client_id],
// sub and webid (the WebID), client_id and azp, cnf.jkt (the DPoP key's
// RFC 7638 thumbprint), scope, iat, exp (iat + AccessTokenTTL) and jti.
// ID tokens (Solid-OIDC §8.1) carry iss, sub and webid, aud [client_id,
// "solid"], azp, cnf.jkt, nonce when one was sent, iat and exp. Refresh
// tokens and codes are opaque random strings; only their SHA-256 is
// stored.
//
// # Key rotation
//
// The first process to need a key creates one (a create-only write, so
// processes racing at start agree on a single key). [Provider.Rotate] adds
// a new key that becomes the signing key KeyPropagation later: by then
// every process has re-read the key set (they revalidate it every
// KeyRevalidate) and publishes the new public key, so no process signs
// with a key others do not publish. A key replaced by a newer one stays in
// the JWKS for MaxTokenTTL after its successor took over, until every
// token it signed has expired; Rotate prunes keys older than that.
// Rotating once every few weeks is plenty; nothing rotates automatically.
package provider
