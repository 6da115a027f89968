package fetch

import (
	"context"
	"fmt"
	"net/url"
)

// Check reports whether rawURL may be fetched, without fetching it: the
// URL must be http or https without userinfo, and its host must be an
// allowed origin or resolve only to addresses that are not forbidden. It
// is for refusing a URL when it is given (a webhook's sendTo, say); every
// later fetch is checked again, since a name can resolve differently
// later. The error wraps ErrInvalidURL or ErrForbiddenAddress.
func (c *Client) Check(ctx context.Context, rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidURL, err)
	}
	if err := checkURL(u); err != nil {
		return fmt.Errorf("fetch: %s: %w", u.Redacted(), err)
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	if c.allow[originKey(u.Scheme, u.Hostname(), port)] {
		return nil
	}
	ips, err := c.resolve(ctx, u.Hostname())
	if err != nil {
		return fmt.Errorf("fetch: %s: %w", u.Redacted(), err)
	}
	for _, ip := range ips {
		if Forbidden(ip) {
			return fmt.Errorf("%w: %s resolves to %s", ErrForbiddenAddress, u.Hostname(), ip)
		}
	}
	return nil
}
