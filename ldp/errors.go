package ldp

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/seedpod/seedpod/storage"
)

// Kind classifies an error by what the client should be told. Never reorder
// the kinds: their order is part of logs and tests.
type Kind int

// The kinds of error ldp speaks.
const (
	Internal Kind = iota
	BadRequest
	NotFound
	Conflict
	PreconditionFailed
	NotModified
	Unauthenticated
	Forbidden
	MethodNotAllowed
	NotAcceptable
	UnsupportedMediaType
	TooLarge
	Unprocessable
)

// Error is the one error type the server speaks. Msg is safe to show to a
// client; Err (the cause) is logged, never sent.
type Error struct {
	Kind Kind
	Msg  string
	Err  error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Msg + ": " + e.Err.Error()
	}
	return e.Msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// errorf returns an *Error of kind k with a client-safe message.
func errorf(k Kind, format string, args ...any) *Error {
	return &Error{Kind: k, Msg: fmt.Sprintf(format, args...)}
}

// wrap gives a cause a kind and a client-safe message.
func wrap(k Kind, err error, msg string) *Error { return &Error{Kind: k, Msg: msg, Err: err} }

var kindStatus = [...]int{
	Internal:             http.StatusInternalServerError,
	BadRequest:           http.StatusBadRequest,
	NotFound:             http.StatusNotFound,
	Conflict:             http.StatusConflict,
	PreconditionFailed:   http.StatusPreconditionFailed,
	NotModified:          http.StatusNotModified,
	Unauthenticated:      http.StatusUnauthorized,
	Forbidden:            http.StatusForbidden,
	MethodNotAllowed:     http.StatusMethodNotAllowed,
	NotAcceptable:        http.StatusNotAcceptable,
	UnsupportedMediaType: http.StatusUnsupportedMediaType,
	TooLarge:             http.StatusRequestEntityTooLarge,
	Unprocessable:        http.StatusUnprocessableEntity,
}

// statusOf maps any error to an HTTP status and a message that is safe to
// send. It is the whole error policy of the server.
func statusOf(err error) (int, string) {
	var e *Error
	if errors.As(err, &e) {
		return kindStatus[e.Kind], e.Msg
	}
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge, "request body too large"
	case errors.Is(err, storage.ErrNotExist):
		return http.StatusNotFound, "not found"
	case errors.Is(err, storage.ErrExist):
		return http.StatusConflict, "a resource with the same name exists as a container or as a document"
	case errors.Is(err, storage.ErrPrecondition):
		return http.StatusPreconditionFailed, "precondition failed"
	case errors.Is(err, storage.ErrNotEmpty):
		return http.StatusConflict, "container is not empty"
	case errors.Is(err, storage.ErrInvalidKey):
		return http.StatusBadRequest, "invalid path"
	}
	return http.StatusInternalServerError, "internal server error"
}

// isNotExist reports whether err is a storage miss.
func isNotExist(err error) bool { return errors.Is(err, storage.ErrNotExist) }
