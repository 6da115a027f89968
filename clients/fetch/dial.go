package fetch

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
)

// dialHTTP is the transport's DialContext: with no proxy, the transport
// calls it only for http URLs.
func (c *Client) dialHTTP(ctx context.Context, network, addr string) (net.Conn, error) {
	return c.dial(ctx, "http", network, addr)
}

// dialHTTPS is the transport's DialTLSContext, called for https URLs. It
// exists so that the dialer knows the scheme (Config.Allow matches it); it
// does the TLS handshake the transport would otherwise do.
func (c *Client) dialHTTPS(ctx context.Context, network, addr string) (net.Conn, error) {
	conn, err := c.dial(ctx, "https", network, addr)
	if err != nil {
		return nil, err
	}
	host, _, _ := net.SplitHostPort(addr)
	cfg := &tls.Config{
		ServerName: strings.TrimSuffix(host, "."),
		RootCAs:    c.rootCAs,
		NextProtos: []string{"h2", "http/1.1"},
		MinVersion: tls.VersionTLS12,
	}
	tc := tls.Client(conn, cfg)
	hctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	if err := tc.HandshakeContext(hctx); err != nil {
		conn.Close()
		return nil, err
	}
	return tc, nil
}

// dial opens a TCP connection to addr (host:port, as the transport passes
// it) for a URL of the given scheme. Unless scheme://addr is an allowed
// origin, it refuses forbidden names, resolves the host itself, refuses if
// any resolved address is forbidden, and dials only the addresses it
// checked.
func (c *Client) dial(ctx context.Context, scheme, network, addr string) (net.Conn, error) {
	// The transport detaches dials from the request's deadline; resolving
	// and connecting get their own.
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrInvalidURL, addr)
	}
	portNum, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		return nil, fmt.Errorf("%w: bad port %q", ErrInvalidURL, port)
	}
	if c.allow[originKey(scheme, host, port)] {
		// An allowed origin may be "localhost" or a .internal name, so
		// checkName does not apply; its addresses are not checked either.
		var ips []netip.Addr
		if ip, err := netip.ParseAddr(host); err == nil {
			ips = []netip.Addr{ip}
		} else {
			ips, err = c.lookup(ctx, strings.ToLower(strings.TrimSuffix(host, ".")))
			if err != nil {
				return nil, err
			}
		}
		return dialEach(ctx, c.dialPlain, network, ips, uint16(portNum))
	}
	ips, err := c.resolve(ctx, host)
	if err != nil {
		return nil, err
	}
	for _, ip := range ips {
		if Forbidden(ip) {
			if ip.String() == host {
				return nil, fmt.Errorf("%w: %s", ErrForbiddenAddress, host)
			}
			return nil, fmt.Errorf("%w: %s resolves to %s", ErrForbiddenAddress, host, ip)
		}
	}
	return dialEach(ctx, c.dialGuarded, network, ips, uint16(portNum))
}

// resolve returns the addresses of host: the address itself if host is an
// IP literal, nothing for a name checkName refuses (so the resolver is
// never asked), else what c.lookup returns, never empty. The caller checks
// the result.
func (c *Client) resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{ip}, nil
	}
	if reason := checkName(host); reason != "" {
		return nil, fmt.Errorf("%w: %s: %s", ErrForbiddenAddress, host, reason)
	}
	ips, err := c.lookup(ctx, strings.ToLower(strings.TrimSuffix(host, ".")))
	if err != nil {
		return nil, err
	}
	if len(ips) == 0 {
		return nil, fmt.Errorf("fetch: no addresses for %s", host)
	}
	return ips, nil
}

// lookupDNS is the default resolver. The trailing dot makes the name
// absolute, so the local search domains are never appended to it.
//
// "localhost" and the names under it are loopback (RFC 6761 §6.3) and are
// answered here: Go's resolver does not read /etc/hosts for the absolute
// name "localhost.", so an allowed origin such as http://localhost:3000
// would not resolve at all. checkName refuses these names unless their
// origin is allowed.
func lookupDNS(ctx context.Context, name string) ([]netip.Addr, error) {
	if name == "localhost" || strings.HasSuffix(name, ".localhost") {
		return []netip.Addr{netip.AddrFrom4([4]byte{127, 0, 0, 1}), netip.IPv6Loopback()}, nil
	}
	return net.DefaultResolver.LookupNetIP(ctx, "ip", name+".")
}

// dialFunc dials a literal ip:port.
type dialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// dialEach tries ips in order and returns the first connection made.
func dialEach(ctx context.Context, dial dialFunc, network string, ips []netip.Addr, port uint16) (net.Conn, error) {
	if len(ips) == 0 {
		return nil, errors.New("fetch: no addresses to dial")
	}
	var errs []error
	for _, ip := range ips {
		conn, err := dial(ctx, network, netip.AddrPortFrom(ip.Unmap(), port).String())
		if err == nil {
			return conn, nil
		}
		errs = append(errs, err)
		if ctx.Err() != nil {
			break
		}
	}
	return nil, errors.Join(errs...)
}

// refuseForbidden is the guarded dialer's socket Control hook: a second
// line that refuses a forbidden address at connect time, whatever path
// reached the dialer.
func refuseForbidden(_ context.Context, _, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil || Forbidden(ap.Addr()) {
		return fmt.Errorf("%w: %s", ErrForbiddenAddress, address)
	}
	return nil
}

// originKey is the canonical form of an origin, as Config.Allow entries
// and dialed addresses are compared: lowercase scheme and host, canonical
// IP literal, explicit port.
func originKey(scheme, host, port string) string {
	host = strings.ToLower(host)
	if ip, err := netip.ParseAddr(host); err == nil {
		host = ip.String()
	}
	return strings.ToLower(scheme) + "://" + net.JoinHostPort(host, port)
}
