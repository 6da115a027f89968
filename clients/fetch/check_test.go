package fetch

import (
	"context"
	"errors"
	"net/netip"
	"testing"
)

func TestCheck(t *testing.T) {
	c := newTestClient(t, Config{Allow: []string{"http://127.0.0.1:5678"}}, map[string][]netip.Addr{
		"public.example.com": {netip.MustParseAddr("93.184.216.34")},
		"rebind.example.com": {netip.MustParseAddr("93.184.216.34"), netip.MustParseAddr("10.0.0.1")},
	})
	tests := []struct {
		url  string
		want error
	}{
		{"https://public.example.com/hook", nil},
		{"http://127.0.0.1:5678/hook", nil}, // allowed origin
		{"http://127.0.0.1:5679/hook", ErrForbiddenAddress},
		{"https://127.0.0.1:5678/hook", ErrForbiddenAddress}, // another scheme is another origin
		{"http://[::1]/", ErrForbiddenAddress},
		{"http://localhost/", ErrForbiddenAddress},
		{"http://rebind.example.com/", ErrForbiddenAddress},
		{"http://2130706433/", ErrForbiddenAddress},
		{"ftp://public.example.com/", ErrInvalidURL},
		{"http://user:pw@public.example.com/", ErrInvalidURL},
		{"/relative", ErrInvalidURL},
		{"http://%zz/", ErrInvalidURL},
	}
	for _, tt := range tests {
		err := c.Check(context.Background(), tt.url)
		if (tt.want == nil) != (err == nil) || (tt.want != nil && !errors.Is(err, tt.want)) {
			t.Errorf("Check(%q) = %v, want %v", tt.url, err, tt.want)
		}
	}
}
