package oidc

import (
	"errors"
	"fmt"
)

// Errors returned by Verifier.Verify.
var (
	// ErrNoCredentials means the request carries no Authorization header:
	// it acts as the anonymous agent.
	ErrNoCredentials = errors.New("oidc: no credentials")
	// ErrInvalidToken means the request presented credentials that do
	// not verify: a malformed, forged, expired or unbound token, a
	// missing, replayed or mismatched DPoP proof, or an issuer or WebID
	// that could not be confirmed. Such a request must be refused, never
	// served as anonymous.
	ErrInvalidToken = errors.New("oidc: invalid token")
)

// invalidError is an ErrInvalidToken with a reason safe to send to the
// client (in the WWW-Authenticate error_description) and a cause that is
// only logged.
type invalidError struct {
	reason string // short, safe, without quotes or backslashes
	cause  error
}

func (e *invalidError) Error() string {
	if e.cause != nil {
		return "oidc: invalid token: " + e.reason + ": " + e.cause.Error()
	}
	return "oidc: invalid token: " + e.reason
}

func (e *invalidError) Is(target error) bool { return target == ErrInvalidToken }

func (e *invalidError) Unwrap() error { return e.cause }

// invalid returns an ErrInvalidToken with a client-safe reason.
func invalid(reason string) error { return &invalidError{reason: reason} }

// invalidf returns an ErrInvalidToken with a client-safe reason and a
// cause for the log.
func invalidf(reason string, format string, args ...any) error {
	return &invalidError{reason: reason, cause: fmt.Errorf(format, args...)}
}

// Reason returns the client-safe reason of an ErrInvalidToken from
// Verify, as sent in the error_description of the challenge; "" for other
// errors.
func Reason(err error) string {
	var e *invalidError
	if errors.As(err, &e) {
		return e.reason
	}
	return ""
}
