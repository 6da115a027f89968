package fetch

import (
	"net/netip"
	"strings"
)

// Special-purpose IPv4 ranges a server-side fetch must never reach, from
// the IANA IPv4 Special-Purpose Address Registry (RFC 6890 and successors)
// plus multicast and the reserved class E space.
var forbidden4 = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network", RFC 791; includes 0.0.0.0
	netip.MustParsePrefix("10.0.0.0/8"),      // private, RFC 1918
	netip.MustParsePrefix("100.64.0.0/10"),   // shared address space (CGNAT), RFC 6598
	netip.MustParsePrefix("127.0.0.0/8"),     // loopback, RFC 1122
	netip.MustParsePrefix("169.254.0.0/16"),  // link-local, RFC 3927; cloud metadata 169.254.169.254
	netip.MustParsePrefix("172.16.0.0/12"),   // private, RFC 1918
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments, RFC 6890; includes 192.0.0.192 (OCI metadata)
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation TEST-NET-1, RFC 5737
	netip.MustParsePrefix("192.88.99.0/24"),  // deprecated 6to4 relay anycast, RFC 7526
	netip.MustParsePrefix("192.168.0.0/16"),  // private, RFC 1918
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking, RFC 2544
	netip.MustParsePrefix("198.51.100.0/24"), // documentation TEST-NET-2, RFC 5737
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation TEST-NET-3, RFC 5737
	netip.MustParsePrefix("224.0.0.0/4"),     // multicast, RFC 5771
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, RFC 1112; includes broadcast 255.255.255.255
}

var (
	// globalUnicast6 is the only IPv6 space allocated for global unicast
	// (RFC 4291 §2.4). Everything outside it is refused: unspecified,
	// loopback, IPv4-compatible (::/96), SIIT (::ffff:0:0:0/96), discard
	// (100::/64), local-use NAT64 (64:ff9b:1::/48), ULA (fc00::/7),
	// link-local (fe80::/10), site-local (fec0::/10), multicast (ff00::/8),
	// SRv6 SIDs (5f00::/16) and whatever else is assigned later.
	globalUnicast6 = netip.MustParsePrefix("2000::/3")

	// nat64 is the well-known NAT64 prefix (RFC 6052). An IPv6-only host
	// behind DNS64 sees public IPv4 servers there, so it is allowed exactly
	// when the IPv4 address in its last 32 bits is.
	nat64 = netip.MustParsePrefix("64:ff9b::/96")

	// sixToFour is 6to4 (RFC 3056): bits 16–47 are an IPv4 address, which
	// decides.
	sixToFour = netip.MustParsePrefix("2002::/16")
)

// Special-purpose ranges inside 2000::/3.
var forbidden6 = []netip.Prefix{
	netip.MustParsePrefix("2001::/23"),     // IETF protocol assignments, RFC 2928: Teredo 2001::/32, benchmarking 2001:2::/48, ORCHID
	netip.MustParsePrefix("2001:db8::/32"), // documentation, RFC 3849
	netip.MustParsePrefix("3fff::/20"),     // documentation, RFC 9637
}

// Forbidden reports whether a server-side fetch must refuse to connect to
// ip: loopback, private (RFC 1918, fc00::/7), link-local, unspecified,
// multicast, broadcast, CGNAT, "this network", IETF protocol assignments,
// benchmarking, reserved, documentation, deprecated and IPv6 forms that
// embed a forbidden IPv4 address (IPv4-mapped ::ffff:a.b.c.d, NAT64
// 64:ff9b::/96, 6to4 2002::/16). IPv4-compatible (::a.b.c.d) and Teredo
// addresses are refused whatever they embed; an address with a zone, or
// the zero Addr, is refused. IPv6 outside 2000::/3 is refused, except for
// NAT64 as above.
//
// Forbidden is pure: it does no I/O.
func Forbidden(ip netip.Addr) bool {
	if !ip.IsValid() || ip.Zone() != "" {
		return true
	}
	if ip.Is4In6() {
		ip = ip.Unmap()
	}
	if ip.Is4() {
		return in(forbidden4, ip)
	}
	b := ip.As16()
	switch {
	case nat64.Contains(ip):
		return Forbidden(netip.AddrFrom4([4]byte(b[12:16])))
	case !globalUnicast6.Contains(ip):
		return true
	case sixToFour.Contains(ip):
		return Forbidden(netip.AddrFrom4([4]byte(b[2:6])))
	}
	return in(forbidden6, ip)
}

func in(prefixes []netip.Prefix, ip netip.Addr) bool {
	for _, p := range prefixes {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// Host names refused before any resolution: they name this machine, its
// local network or the cloud provider's metadata service, or are reserved
// never to resolve (RFC 6761, RFC 6762, RFC 8375, ICANN's .internal).
var (
	forbiddenSuffixes = []string{"localhost", "local", "localdomain", "internal", "arpa", "test", "invalid"}
	forbiddenNames    = []string{"metadata.goog", "metadata.google.internal", "instance-data.ec2.internal"}
)

// checkName decides, without resolving it, whether name may be resolved
// for a guarded fetch. name is a host as the transport dials it: never an
// IP literal netip parses (the caller tried that first), already mapped to
// ASCII by IDNA when it could be. It returns the reason for refusal, or "".
func checkName(name string) string {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	if name == "" || len(name) > 253 {
		return "invalid host name"
	}
	labels := strings.Split(name, ".")
	for _, l := range labels {
		if l == "" || len(l) > 63 {
			return "invalid host name"
		}
		for _, r := range l {
			if !('a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '-' || r == '_') {
				return "invalid host name"
			}
		}
	}
	// No top-level domain starts with a digit, so this is an IP address in
	// a legacy spelling ("127.1", "2130706433", "0x7f.1", "0177.0.0.1"):
	// C resolvers read those as numbers, so they are never looked up.
	if last := labels[len(labels)-1]; '0' <= last[0] && last[0] <= '9' {
		return "IP address not in canonical form"
	}
	// A single label ("localhost", "metadata", "intranet") is resolved
	// through the local search domains.
	if len(labels) == 1 {
		return "single-label host name"
	}
	for _, s := range forbiddenSuffixes {
		if name == s || strings.HasSuffix(name, "."+s) {
			return "special-use host name"
		}
	}
	for _, n := range forbiddenNames {
		if name == n {
			return "cloud metadata host name"
		}
	}
	return ""
}
