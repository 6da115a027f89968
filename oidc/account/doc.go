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
// are per process: each replica keeps its own buckets. Sessions are
// records named by a hash of their token; an expired one is deleted when
// it is next presented, and one never presented again stays (a periodic
// sweep is still to do).
//
// # URLs
//
// Pages: B.account/ (the overview: pods, WebIDs, client credentials),
// B.account/login/?returnTo=PATH, B.account/signup/, B.account/logout/,
// B.account/password/. The JSON API: GET B.account/ for the controls,
// POST B.account/account/ (create an account), B.account/login/password/
// (log in), and under B.account/account/{id}/: login/password/, pod/,
// webid/, client-credentials/, logout/ — the paths of CSS v7.
//
// # Differences from CSS 7.2.0, kept on purpose
//
// Checked by hand against CSS 7.2.0 (config file.json):
//   - an email or pod name already taken is 409 ConflictHttpError (CSS:
//     400); an invalid pod name is 400 (CSS rewrites "Bad Name!" to
//     "bad-name-", and an empty name makes a pod at the server root);
//   - a body that is not JSON is 400 (CSS: 500), a body that is not
//     application/json 415 (CSS: 501); an unknown method 405 (CSS answers
//     PUT B.account/ with the controls);
//   - 401 carries "WWW-Authenticate: CSS-Account-Token" (CSS: Bearer);
//     another account's token is 403;
//   - passwords need 8 characters (CSS: 1); too many login attempts are
//     429 TooManyRequestsHttpError with Retry-After (CSS has no limit);
//   - changing a password (POST {oldPassword, newPassword} to a password
//     login resource) ends every session and token of the account, the
//     one used too (CSS keeps them);
//   - there is no password reset (no mail), so no password.forgot or
//     password.reset controls; linking a WebID of another server (POST
//     account.webId) is 405: a WebID comes with a pod; logins and pods
//     cannot be deleted through the API yet;
//   - html.* controls point at Seedpod's pages (html.password.register is
//     B.account/signup/, html.account.* the overview page), plus
//     html.password.change; GET of account.account gives the controls as
//     JSON (CSS: 404 for JSON);
//   - the login and account-creation answers carry the logged-in controls
//     (CSS: the anonymous ones);
//   - the cookie is "seedpod-account", HttpOnly, Secure under https (CSS:
//     "css-account", neither), and the JSON API honours it only for
//     same-origin requests (no foreign Origin, Sec-Fetch-Site same-origin
//     or none); the CSS-Account-Token header works from anywhere.
//
// The package sits beside cmd at the top of the import graph: it creates
// pods through ldp.CreatePod and is imported by nothing but cmd/seedpod.
package account
