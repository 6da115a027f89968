package ldp

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/seedpod/seedpod/storage"
)

func TestStatusOf(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{errorf(BadRequest, "x"), 400},
		{errorf(NotFound, "x"), 404},
		{errorf(Conflict, "x"), 409},
		{errorf(MethodNotAllowed, "x"), 405},
		{errorf(NotAcceptable, "x"), 406},
		{errorf(UnsupportedMediaType, "x"), 415},
		{errorf(TooLarge, "x"), 413},
		{fmt.Errorf("disk: get: %w", storage.ErrNotExist), 404},
		{fmt.Errorf("s3: put: %w", storage.ErrPrecondition), 412},
		{fmt.Errorf("s3: put: %w", storage.ErrExist), 409},
		{fmt.Errorf("disk: delete: %w", storage.ErrNotEmpty), 409},
		{&storage.KeyError{Key: "x"}, 400},
		{&http.MaxBytesError{Limit: 10}, 413},
		{errors.New("disk: /srv/data/alice: permission denied"), 500},
	}
	for _, tt := range tests {
		got, msg := statusOf(tt.err)
		if got != tt.want {
			t.Errorf("statusOf(%v) = %d, want %d", tt.err, got, tt.want)
		}
		if got == 500 && msg != "internal server error" {
			t.Errorf("statusOf(%v) leaks %q", tt.err, msg)
		}
	}
}
