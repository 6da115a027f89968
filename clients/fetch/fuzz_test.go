package fetch

import (
	"context"
	"errors"
	"hash/fnv"
	"net/netip"
	"net/url"
	"testing"
	"time"
)

// fuzzAddrs are what the fuzz resolver answers, chosen by a hash of the
// name: some forbidden, some not. Nothing is ever connected to.
var fuzzAddrs = []netip.Addr{
	netip.MustParseAddr("127.0.0.1"),
	netip.MustParseAddr("10.1.2.3"),
	netip.MustParseAddr("169.254.169.254"),
	netip.MustParseAddr("::ffff:192.168.0.1"),
	netip.MustParseAddr("fd00:ec2::254"),
	netip.MustParseAddr("93.184.215.14"),
	netip.MustParseAddr("2606:4700:4700::1111"),
}

// FuzzGuardURL fetches arbitrary URLs through a Client whose resolver is
// a hash and whose dialer only records. It checks that Get never panics,
// that nothing forbidden is ever dialed, and that a URL whose host is a
// forbidden IP literal is refused without dialing.
func FuzzGuardURL(f *testing.F) {
	for _, s := range []string{
		"http://127.0.0.1/",
		"http://127.0.0.1.:8080/",
		"http://localhost/",
		"http://LOCALHOST./",
		"http://127.1/",
		"http://2130706433/",
		"http://0x7f.1/",
		"http://0x7f000001/",
		"http://0177.0.0.1/",
		"http://[::1]/",
		"http://[::ffff:127.0.0.1]/",
		"http://[::ffff:a9fe:a9fe]/",
		"http://[::127.0.0.1]/",
		"http://[64:ff9b::a9fe:a9fe]/",
		"http://[2002:a9fe:a9fe::1]/",
		"http://[fe80::1%25eth0]/",
		"http://169.254.169.254/latest/meta-data/",
		"http://metadata.google.internal/computeMetadata/v1/",
		"http://100.100.100.200/",
		"http://0.0.0.0/",
		"http://[::]/",
		"http://255.255.255.255/",
		"https://pod.example.org/profile/card#me",
		"https://93.184.215.14/",
		"https://[2606:4700:4700::1111]:8443/",
		"http://user:pass@pod.example.org/",
		"file:///etc/passwd",
		"ftp://127.0.0.1/",
		"http://ｌｏｃａｌｈｏｓｔ/",
		"http://127。0。0。1/",
		"http://[::1]:99999/",
		"http:///",
		"",
	} {
		f.Add(s)
	}
	c, err := New(Config{Timeout: time.Second})
	if err != nil {
		f.Fatal(err)
	}
	c.lookup = func(_ context.Context, name string) ([]netip.Addr, error) {
		h := fnv.New32a()
		h.Write([]byte(name))
		return []netip.Addr{fuzzAddrs[h.Sum32()%uint32(len(fuzzAddrs))]}, nil
	}
	rec := record(c)

	f.Fuzz(func(t *testing.T, raw string) {
		rec.reset()
		resp, err := c.Get(t.Context(), raw, "")
		if err == nil {
			t.Fatalf("Get(%q) = %+v, want an error: the recorder never connects", raw, resp)
		}
		dialed := rec.dialed()
		for _, a := range dialed {
			ap, perr := netip.ParseAddrPort(a)
			if perr != nil || Forbidden(ap.Addr()) {
				t.Fatalf("Get(%q) dialed %q", raw, a)
			}
		}
		u, perr := url.Parse(raw)
		if perr != nil {
			return
		}
		ip, perr := netip.ParseAddr(u.Hostname())
		if perr != nil || !Forbidden(ip) {
			return
		}
		if !errors.Is(err, ErrForbiddenAddress) && !errors.Is(err, ErrInvalidURL) {
			t.Errorf("Get(%q) = %v, want %v", raw, err, ErrForbiddenAddress)
		}
		if len(dialed) != 0 {
			t.Errorf("Get(%q) dialed %v", raw, dialed)
		}
	})
}
