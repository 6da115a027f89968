package fetch

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// Errors a Client returns, always wrapped with the URL concerned.
var (
	// ErrForbiddenAddress means the host, or an address it resolves to, is
	// one a server-side fetch must not reach (see Forbidden).
	ErrForbiddenAddress = errors.New("fetch: forbidden address")
	// ErrInvalidURL means a URL, at the start or at a redirect, is not an
	// http or https URL with a host and without userinfo.
	ErrInvalidURL = errors.New("fetch: invalid URL")
	// ErrTooLarge means the response body is longer than Config.MaxBytes.
	ErrTooLarge = errors.New("fetch: response body too large")
	// ErrTooManyRedirects means more than Config.MaxRedirects redirects.
	ErrTooManyRedirects = errors.New("fetch: too many redirects")
)

// Defaults for the zero fields of Config.
const (
	DefaultTimeout      = 10 * time.Second
	DefaultMaxBytes     = 1 << 20
	DefaultMaxRedirects = 5
	DefaultUserAgent    = "seedpod"
)

// Config configures a Client. The zero Config is the safe default.
type Config struct {
	// Allow lists origins ("http://127.0.0.1:5678", "https://pod.lan")
	// that may be fetched even though their addresses are forbidden, for
	// development and tests. Each entry is exactly scheme://host[:port];
	// a connection is exempt only for that scheme, host and port (the
	// default port if none is given). An entry names one origin, never a
	// range. Names in Allow are resolved but their addresses not checked.
	Allow []string
	// Timeout bounds each fetch as a whole (dial, TLS handshake, headers,
	// redirects and body); a fetch that runs out fails with an error
	// matching context.DeadlineExceeded. Zero means DefaultTimeout.
	Timeout time.Duration
	// MaxBytes is the largest response body read; a longer one is
	// ErrTooLarge. Zero means DefaultMaxBytes.
	MaxBytes int64
	// MaxRedirects is how many redirects one fetch follows; one more is
	// ErrTooManyRedirects. Zero means DefaultMaxRedirects; a negative value
	// follows none and returns the 3xx response itself.
	MaxRedirects int
	// UserAgent is sent with each request that has none. Empty means
	// DefaultUserAgent.
	UserAgent string
	// RootCAs verifies https servers; nil means the system's roots. Tests
	// pass httptest.Server.Client's pool here.
	RootCAs *x509.CertPool
}

// Client fetches URLs on the server's behalf, refusing forbidden
// addresses at every connection (see the package comment). It is safe for
// concurrent use and keeps connections alive between fetches.
type Client struct {
	hc           *http.Client
	allow        map[string]bool // originKey → allowed
	timeout      time.Duration
	maxBytes     int64
	maxRedirects int
	userAgent    string
	rootCAs      *x509.CertPool

	// Replaced in tests, so that no test resolves a name through DNS or
	// connects anywhere but loopback.
	lookup      func(ctx context.Context, name string) ([]netip.Addr, error)
	dialGuarded dialFunc // dials checked addresses
	dialPlain   dialFunc // dials allowed origins
}

// Response is a fetched response. Every status is a Response, not an
// error: callers decide what a 404 or a 500 means to them.
type Response struct {
	URL    string // the final URL, after redirects
	Status int
	Header http.Header
	Body   []byte
}

// New returns a Client configured by cfg. It fails only if an entry of
// cfg.Allow is not an origin or a field is negative where it must not be.
func New(cfg Config) (*Client, error) {
	c := &Client{
		allow:        make(map[string]bool),
		timeout:      cfg.Timeout,
		maxBytes:     cfg.MaxBytes,
		maxRedirects: cfg.MaxRedirects,
		userAgent:    cfg.UserAgent,
		rootCAs:      cfg.RootCAs,
		lookup:       lookupDNS,
	}
	switch {
	case c.timeout < 0:
		return nil, fmt.Errorf("fetch: negative timeout %v", c.timeout)
	case c.timeout == 0:
		c.timeout = DefaultTimeout
	}
	switch {
	case c.maxBytes < 0:
		return nil, fmt.Errorf("fetch: negative MaxBytes %d", c.maxBytes)
	case c.maxBytes == 0:
		c.maxBytes = DefaultMaxBytes
	}
	if c.maxRedirects == 0 {
		c.maxRedirects = DefaultMaxRedirects
	}
	if c.userAgent == "" {
		c.userAgent = DefaultUserAgent
	}
	for _, o := range cfg.Allow {
		key, err := parseOrigin(o)
		if err != nil {
			return nil, err
		}
		c.allow[key] = true
	}

	guarded := &net.Dialer{Timeout: c.timeout, ControlContext: refuseForbidden}
	plain := &net.Dialer{Timeout: c.timeout}
	c.dialGuarded, c.dialPlain = guarded.DialContext, plain.DialContext

	tr := &http.Transport{
		Proxy: nil, // never the environment's proxy: it would dial for us
		// Indirect, so that tests can replace the dial functions.
		DialContext:            func(ctx context.Context, n, a string) (net.Conn, error) { return c.dialHTTP(ctx, n, a) },
		DialTLSContext:         func(ctx context.Context, n, a string) (net.Conn, error) { return c.dialHTTPS(ctx, n, a) },
		ForceAttemptHTTP2:      true,
		ResponseHeaderTimeout:  c.timeout,
		ExpectContinueTimeout:  time.Second,
		IdleConnTimeout:        90 * time.Second,
		MaxIdleConns:           100,
		MaxIdleConnsPerHost:    4,
		MaxResponseHeaderBytes: 64 << 10,
	}
	c.hc = &http.Client{Transport: tr, CheckRedirect: c.checkRedirect}
	return c, nil
}

// parseOrigin checks a Config.Allow entry and returns its originKey.
func parseOrigin(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("fetch: allowed origin %q: %w", s, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		u.Opaque != "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" ||
		strings.Contains(u.Host, "*") {
		return "", fmt.Errorf("fetch: allowed origin %q is not scheme://host[:port]", s)
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	return originKey(u.Scheme, u.Hostname(), port), nil
}

// checkURL refuses URLs that are not http or https, or that carry
// userinfo. Hosts and addresses are the dialer's business.
func checkURL(u *url.URL) error {
	if u == nil {
		return fmt.Errorf("%w: no URL", ErrInvalidURL)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Opaque != "" || u.Host == "" {
		return fmt.Errorf("%w: only http and https URLs with a host", ErrInvalidURL)
	}
	if u.User != nil {
		return fmt.Errorf("%w: userinfo", ErrInvalidURL)
	}
	return nil
}

// redact hides the password in a URL string, if it parses.
func redact(s string) string {
	if u, err := url.Parse(s); err == nil {
		return u.Redacted()
	}
	return s
}

func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if c.maxRedirects < 0 {
		return http.ErrUseLastResponse
	}
	if len(via) > c.maxRedirects {
		return fmt.Errorf("%w: more than %d", ErrTooManyRedirects, c.maxRedirects)
	}
	return checkURL(req.URL)
}

// Get fetches rawURL with GET, sending accept as the Accept header unless
// it is empty. The error wraps ErrInvalidURL, ErrForbiddenAddress,
// ErrTooManyRedirects or ErrTooLarge when those apply, and matches
// context.DeadlineExceeded when Config.Timeout ran out; any status is a
// Response.
func (c *Client) Get(ctx context.Context, rawURL, accept string) (*Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidURL, err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	return c.Do(req)
}

// Do sends req (a webhook POST, say) under the same guards as Get and
// returns the same errors. The request's context bounds it as well as
// Config.Timeout. If req has no User-Agent, Config.UserAgent is sent; req
// itself is not modified. Redirects are followed as by http.Client.
func (c *Client) Do(req *http.Request) (*Response, error) {
	if err := checkURL(req.URL); err != nil {
		if req.URL == nil {
			return nil, fmt.Errorf("fetch: %s: %w", req.Method, err)
		}
		return nil, fmt.Errorf("fetch: %s %s: %w", req.Method, req.URL.Redacted(), err)
	}
	ctx, cancel := context.WithTimeout(req.Context(), c.timeout)
	defer cancel()
	req = req.Clone(ctx)
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		where := req.URL.Redacted()
		var ue *url.Error
		if errors.As(err, &ue) {
			where, err = redact(ue.URL), ue.Err
		}
		return nil, fmt.Errorf("fetch: %s %s: %w", req.Method, where, timedOut(ctx, err))
	}
	defer resp.Body.Close()
	final := resp.Request.URL.String()
	if resp.ContentLength > c.maxBytes {
		return nil, fmt.Errorf("%w: %s: %d bytes, limit %d", ErrTooLarge, final, resp.ContentLength, c.maxBytes)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("fetch: %s %s: reading body: %w", req.Method, final, timedOut(ctx, err))
	}
	if int64(len(body)) > c.maxBytes {
		return nil, fmt.Errorf("%w: %s: limit %d bytes", ErrTooLarge, final, c.maxBytes)
	}
	return &Response{URL: final, Status: resp.StatusCode, Header: resp.Header, Body: body}, nil
}

// timedOut makes every way a fetch can run out of time (the context, the
// transport's header timeout, the dialer's timeout) match the context's
// error, context.DeadlineExceeded for Config.Timeout, as documented.
func timedOut(ctx context.Context, err error) error {
	cause := ctx.Err()
	var ne net.Error
	if cause == nil && errors.As(err, &ne) && ne.Timeout() {
		cause = context.DeadlineExceeded
	}
	if cause == nil || errors.Is(err, cause) {
		return err
	}
	return fmt.Errorf("%w (%w)", err, cause)
}
