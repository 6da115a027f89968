package fetch

import (
	"net/netip"
	"testing"
)

// These tests are pure: nothing here resolves or connects.

func TestForbidden(t *testing.T) {
	tests := []struct {
		name string
		ip   string
		want bool
	}{
		// "This network", RFC 791.
		{"unspecified v4", "0.0.0.0", true},
		{"this network", "0.1.2.3", true},
		{"this network end", "0.255.255.255", true},
		// Private, RFC 1918.
		{"10/8 start", "10.0.0.0", true},
		{"10/8", "10.1.2.3", true},
		{"10/8 end", "10.255.255.255", true},
		{"before 10/8", "9.255.255.255", false},
		{"after 10/8", "11.0.0.0", false},
		{"172.16/12 start", "172.16.0.0", true},
		{"172.16/12 end", "172.31.255.255", true},
		{"before 172.16/12", "172.15.255.255", false},
		{"after 172.16/12", "172.32.0.0", false},
		{"192.168/16 start", "192.168.0.0", true},
		{"192.168/16 end", "192.168.255.255", true},
		{"after 192.168/16", "192.169.0.0", false},
		// Shared address space (CGNAT), RFC 6598; Alibaba metadata.
		{"CGNAT start", "100.64.0.0", true},
		{"CGNAT alibaba metadata", "100.100.100.200", true},
		{"CGNAT end", "100.127.255.255", true},
		{"before CGNAT", "100.63.255.255", false},
		{"after CGNAT", "100.128.0.0", false},
		// Loopback.
		{"loopback", "127.0.0.1", true},
		{"loopback other", "127.1.2.3", true},
		{"loopback end", "127.255.255.255", true},
		{"after loopback", "128.0.0.0", false},
		// Link-local and cloud metadata.
		{"link-local start", "169.254.0.0", true},
		{"metadata", "169.254.169.254", true},
		{"ECS metadata", "169.254.170.2", true},
		{"link-local end", "169.254.255.255", true},
		{"after link-local", "169.255.0.0", false},
		// IETF protocol assignments, including OCI metadata and DS-Lite.
		{"IETF protocol start", "192.0.0.0", true},
		{"DS-Lite", "192.0.0.1", true},
		{"OCI metadata", "192.0.0.192", true},
		{"IETF protocol end", "192.0.0.255", true},
		{"after IETF protocol", "192.0.1.0", false},
		// Documentation, RFC 5737.
		{"TEST-NET-1", "192.0.2.1", true},
		{"TEST-NET-2", "198.51.100.1", true},
		{"TEST-NET-3", "203.0.113.1", true},
		{"after TEST-NET-3", "203.0.114.0", false},
		// Deprecated 6to4 relay anycast.
		{"6to4 relay anycast", "192.88.99.1", true},
		// Benchmarking, RFC 2544.
		{"benchmarking start", "198.18.0.0", true},
		{"benchmarking end", "198.19.255.255", true},
		{"before benchmarking", "198.17.255.255", false},
		{"after benchmarking", "198.20.0.0", false},
		// Multicast, reserved, broadcast.
		{"multicast start", "224.0.0.0", true},
		{"multicast", "239.255.255.250", true},
		{"before multicast", "223.255.255.255", false},
		{"reserved", "240.0.0.1", true},
		{"reserved high", "254.1.2.3", true},
		{"broadcast", "255.255.255.255", true},
		// Public IPv4.
		{"public", "8.8.8.8", false},
		{"public 2", "93.184.215.14", false},
		{"public 3", "1.1.1.1", false},

		// IPv6 basics.
		{"unspecified v6", "::", true},
		{"loopback v6", "::1", true},
		{"ULA fc00", "fc00::1", true},
		{"ULA fd00", "fd12:3456:789a::1", true},
		{"AWS IMDS v6", "fd00:ec2::254", true},
		{"link-local v6", "fe80::1", true},
		{"link-local v6 end", "febf:ffff::1", true},
		{"site-local v6", "fec0::1", true},
		{"multicast v6", "ff02::1", true},
		{"multicast v6 global", "ff0e::1", true},
		{"discard-only", "100::1", true},
		{"SRv6 SID", "5f00::1", true},
		{"outside 2000::/3 high", "4000::1", true},
		{"outside 2000::/3 low", "1fff:ffff::1", true},
		// IPv4-mapped: the embedded address decides.
		{"mapped loopback", "::ffff:127.0.0.1", true},
		{"mapped private", "::ffff:10.0.0.1", true},
		{"mapped metadata", "::ffff:169.254.169.254", true},
		{"mapped unspecified", "::ffff:0.0.0.0", true},
		{"mapped hex loopback", "::ffff:7f00:1", true},
		{"mapped public", "::ffff:8.8.8.8", false},
		// IPv4-compatible (deprecated) and SIIT: always refused.
		{"compat loopback", "::127.0.0.1", true},
		{"compat private", "::10.0.0.1", true},
		{"compat public", "::8.8.8.8", true},
		{"SIIT", "::ffff:0:10.0.0.1", true},
		{"SIIT public", "::ffff:0:8.8.8.8", true},
		// NAT64 well-known prefix: the embedded address decides.
		{"NAT64 loopback", "64:ff9b::127.0.0.1", true},
		{"NAT64 private", "64:ff9b::10.0.0.1", true},
		{"NAT64 metadata", "64:ff9b::169.254.169.254", true},
		{"NAT64 CGNAT", "64:ff9b::100.64.0.1", true},
		{"NAT64 public", "64:ff9b::8.8.8.8", false},
		{"NAT64 local-use", "64:ff9b:1::8.8.8.8", true},
		// 6to4: the embedded address decides.
		{"6to4 loopback", "2002:7f00:1::", true},
		{"6to4 private", "2002:c0a8:101::1", true},
		{"6to4 metadata", "2002:a9fe:a9fe::1", true},
		{"6to4 unspecified", "2002::1", true},
		{"6to4 public", "2002:808:808::1", false},
		// Special-purpose ranges in 2000::/3.
		{"Teredo", "2001:0:4136:e378:8000:63bf:3fff:fdd2", true},
		{"Teredo embedding public", "2001::1", true},
		{"benchmarking v6", "2001:2::1", true},
		{"ORCHIDv2", "2001:20::1", true},
		{"IETF protocol v6 end", "2001:1ff:ffff::1", true},
		{"documentation v6", "2001:db8::1", true},
		{"documentation v6 end", "2001:db8:ffff:ffff::1", true},
		{"documentation 3fff", "3fff::1", true},
		{"documentation 3fff end", "3fff:fff:ffff::1", true},
		{"after 3fff::/20", "3fff:1000::1", false},
		// Public IPv6.
		{"public v6", "2606:4700:4700::1111", false},
		{"public v6 google", "2001:4860:4860::8888", false},
		{"public v6 after IETF block", "2001:200::1", false},
		{"public v6 low", "2000::1", false},
		// Zones.
		{"zoned link-local", "fe80::1%eth0", true},
		{"zoned public", "2606:4700:4700::1111%eth0", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ip := netip.MustParseAddr(tt.ip)
			if got := Forbidden(ip); got != tt.want {
				t.Errorf("Forbidden(%s) = %v, want %v", tt.ip, got, tt.want)
			}
		})
	}
}

func TestForbiddenZeroAddr(t *testing.T) {
	if !Forbidden(netip.Addr{}) {
		t.Error("Forbidden(netip.Addr{}) = false, want true")
	}
}

func TestCheckName(t *testing.T) {
	tests := []struct {
		name    string
		host    string
		refused bool
	}{
		{"public", "pod.example.org", false},
		{"public trailing dot", "pod.example.org.", false},
		{"upper case", "Pod.Example.ORG", false},
		{"punycode", "xn--bcher-kva.example", false},
		{"digits inside", "123.example.org", false},
		{"underscore", "_service.example.org", false},

		{"localhost", "localhost", true},
		{"localhost dot", "localhost.", true},
		{"localhost upper", "LOCALHOST", true},
		{"sub.localhost", "pod.localhost", true},
		{"mdns", "printer.local", true},
		{"localdomain", "host.localdomain", true},
		{"internal", "db.internal", true},
		{"GCP metadata", "metadata.google.internal", true},
		{"GCP metadata dot", "metadata.google.internal.", true},
		{"GCP metadata goog", "metadata.goog", true},
		{"AWS instance-data", "instance-data", true},
		{"AWS instance-data ec2", "instance-data.ec2.internal", true},
		{"metadata single label", "metadata", true},
		{"single label", "intranet", true},
		{"home.arpa", "nas.home.arpa", true},
		{"reverse DNS", "1.0.0.127.in-addr.arpa", true},
		{"test TLD", "pod.test", true},
		{"invalid TLD", "pod.invalid", true},

		{"decimal", "2130706433", true},
		{"short", "127.1", true},
		{"short 3", "127.0.1", true},
		{"hex", "0x7f.1", true},
		{"hex whole", "0x7f000001", true},
		{"octal", "0177.0.0.1", true},
		{"zero-padded", "127.000.000.001", true},
		{"zero", "0", true},
		{"trailing dot numeric", "127.0.0.1.", true},
		{"numeric with name before", "localhost.1", true},

		{"empty", "", true},
		{"dot", ".", true},
		{"empty label", "a..example", true},
		{"leading dot", ".example.org", true},
		{"space", "a b.example", true},
		{"percent", "a%2e.example", true},
		{"unicode", "ｌｏｃａｌｈｏｓｔ", true},
		{"long label", "a234567890123456789012345678901234567890123456789012345678901234.example", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reason := checkName(tt.host)
			if got := reason != ""; got != tt.refused {
				t.Errorf("checkName(%q) = %q, want refused %v", tt.host, reason, tt.refused)
			}
		})
	}
}

func TestControlHookRefusesForbidden(t *testing.T) {
	tests := []struct {
		addr    string
		refused bool
	}{
		{"127.0.0.1:80", true},
		{"[::1]:443", true},
		{"169.254.169.254:80", true},
		{"[::ffff:10.0.0.1]:80", true},
		{"not an address", true},
		{"8.8.8.8:443", false},
		{"[2606:4700:4700::1111]:443", false},
	}
	for _, tt := range tests {
		err := refuseForbidden(t.Context(), "tcp", tt.addr, nil)
		if got := err != nil; got != tt.refused {
			t.Errorf("refuseForbidden(%q) = %v, want refused %v", tt.addr, err, tt.refused)
		}
	}
}
