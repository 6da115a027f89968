package provider

import (
	"errors"
	"net/http"
	"strings"
)

// oauthError is an error response of the token, registration and
// userinfo endpoints (RFC 6749 §5.2, RFC 7591 §3.2.2, RFC 9449 §5,
// RFC 6750 §3).
type oauthError struct {
	status int
	code   string // e.g. "invalid_grant"
	desc   string // short, safe for the client
	// challenge, if set, is sent as WWW-Authenticate.
	challenge string
}

func (e *oauthError) Error() string { return e.code + ": " + e.desc }

func badRequest(code, desc string) *oauthError {
	return &oauthError{status: http.StatusBadRequest, code: code, desc: desc}
}

// invalidClient is RFC 6749 §5.2 invalid_client: 401 with a Basic
// challenge, since client_secret_basic is the preferred method.
func invalidClient(desc string) *oauthError {
	return &oauthError{status: http.StatusUnauthorized, code: "invalid_client", desc: desc,
		challenge: `Basic realm="seedpod"`}
}

// writeOAuthError answers err as an RFC 6749 §5.2 JSON error. Anything
// but an *oauthError is a server failure, logged and answered 500.
func (p *Provider) writeOAuthError(w http.ResponseWriter, r *http.Request, err error) {
	var oe *oauthError
	if !errors.As(err, &oe) {
		p.internalError(w, r, err)
		return
	}
	if oe.challenge != "" {
		w.Header().Set("WWW-Authenticate", oe.challenge)
	}
	body := map[string]string{"error": oe.code}
	if oe.desc != "" {
		// RFC 6749 §5.2: error_description is printable ASCII without " and \.
		body["error_description"] = strings.Map(func(r rune) rune {
			if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
				return '?'
			}
			return r
		}, oe.desc)
	}
	writeJSON(w, oe.status, body, "no-store")
}
