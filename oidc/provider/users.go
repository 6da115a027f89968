package provider

import (
	"context"
	"errors"
	"net/http"
)

// ErrBadClientCredentials is returned by Users.ClientCredentials for an
// unknown client id or a wrong secret (never saying which).
var ErrBadClientCredentials = errors.New("provider: bad client credentials")

// Users is what the provider needs from the account system
// (package oidc/account): who is logged in through the browser, where a
// browser logs in, and the client credentials that accounts create for
// scripts and bots.
type Users interface {
	// Session returns the account logged in through the browser session
	// cookie of r, and false if there is none (or it expired, or was
	// logged out).
	Session(r *http.Request) (Session, bool)

	// LoginURL is the page where a browser logs in (or signs up) and is
	// then sent back to returnTo, a path and query on this server.
	LoginURL(returnTo string) string

	// Logout ends the browser session of r, if any, writing what it must
	// (an expired cookie) to w. It does not write a status or body.
	Logout(w http.ResponseWriter, r *http.Request)

	// ClientCredentials checks a client id and secret created through the
	// account API and returns the WebID tokens for that client speak for.
	// A wrong id or secret is ErrBadClientCredentials.
	ClientCredentials(ctx context.Context, id, secret string) (webID string, err error)
}

// Session is an account logged in through a browser.
type Session struct {
	// AccountID identifies the account; stable for its lifetime.
	AccountID string
	// WebIDs are the WebIDs the account may log in as (one per pod it
	// created, plus any it linked), in the order created.
	WebIDs []string
}
