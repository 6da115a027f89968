// Package fetch is the one HTTP client through which every server-side
// fetch goes: WebID profiles, Solid-OIDC issuer discovery and JWKS,
// client-id documents, WAC group documents on other servers, and
// notification webhooks. In the flow of the server (oidc → ldp → acl →
// storage, with social on top) it sits to the side: oidc, acl loaders and
// social call it whenever a URL that someone else chose must be
// dereferenced. It imports no server package.
//
// Every one of those URLs comes from a client or from a document a client
// wrote, so the server must not become a proxy into its own network
// (server-side request forgery). A Client therefore refuses, before
// connecting, any address that is loopback, private, link-local,
// unspecified, multicast, broadcast, shared (CGNAT), reserved, benchmarking
// or documentation, IPv6 forms that embed such an IPv4 address, and host
// names that only mean something locally (localhost, single-label names,
// .internal, cloud metadata names). See [Forbidden] for the exact list.
// Only the origins in [Config.Allow] are exempt, by exact scheme, host and
// port.
//
// # Why the check is in the dialer
//
// Checking the URL before the request is not enough:
//
//   - A host has many spellings ("2130706433", "0x7f.1", "127.1",
//     "[::ffff:127.0.0.1]", "localhost.", Unicode that IDNA maps to
//     ASCII), and resolvers disagree on which of them are numbers. The
//     dialer sees the host exactly as the transport will resolve it.
//   - A public name can resolve to a private address, and can resolve
//     differently a moment later (DNS rebinding). The dialer resolves the
//     name itself, checks every address it got, and then dials those
//     checked addresses, so nothing is resolved twice.
//   - Redirects are new connections to new hosts. http.Client's redirect
//     hook only sees a URL; the dialer sees every connection, for every
//     hop, including those the transport opens on its own.
//
// As a second line, the socket's Control hook refuses a forbidden address
// at connect time, whatever reached it.
//
// # Other guards
//
// Only http and https URLs without userinfo are fetched, at every hop; the
// environment's proxy settings are ignored; redirects are capped; dial,
// TLS handshake, response headers and the whole request (body included)
// are bounded by Config.Timeout; bodies are read up to Config.MaxBytes.
package fetch
