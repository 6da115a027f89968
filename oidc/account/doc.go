// Package account is the account system of Seedpod's identity provider:
// people sign up with an email and a password, get a pod and a WebID, log
// in through the browser, and create client credentials for scripts and
// bots. It serves everything under B.account/ (B the base URL):
//
//   - server-rendered HTML pages (sign up, log in, log out, change the
//     password, the account overview) protected by CSRF tokens;
//   - a JSON API compatible with the Community Solid Server v7 account API
//     (controls, the CSS-Account-Token header), so tools written for CSS
//     work unchanged.
//
// The Handler also implements provider.Users (oidc/provider): the OpenID
// provider asks it who is logged in, where to log in, and checks client
// credentials.
//
// Nothing lives only in memory except caches and rate limits: accounts,
// logins, sessions, client credentials and the HMAC key are records in
// storage.Store under /.internal/accounts/ and /.internal/secrets/, written
// with conditions (IfNoneMatch "*" to create, IfMatch to update), so
// several Seedpod processes sharing one MinIO agree. The login rate limits
// are per process: each replica keeps its own buckets.
//
// The package sits beside cmd at the top of the import graph: it creates
// pods through ldp.CreatePod and is imported by nothing but cmd/seedpod.
package account
