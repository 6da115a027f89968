// Package provider is Seedpod's Solid-OIDC OpenID provider: discovery,
// keys, the authorization code flow with PKCE, DPoP-bound access tokens,
// ID tokens, refresh tokens, dynamic client registration, Client ID
// Documents and the client credentials grant. Accounts, logins and
// browser sessions come from the Users it is given (package oidc/account).
package provider
