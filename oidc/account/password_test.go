package account

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestHashAndVerify(t *testing.T) {
	h := newHasher(0)
	ctx := context.Background()
	enc, err := h.hash(ctx, pw)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash = %q, want a PHC argon2id string with its parameters", enc)
	}
	if enc2, _ := h.hash(ctx, pw); enc2 == enc {
		t.Errorf("two hashes of one password are equal: no salt")
	}
	for _, tt := range []struct {
		pw   string
		want bool
	}{{pw, true}, {pw + " ", false}, {"", false}, {strings.ToUpper(pw), false}} {
		if got, err := h.verify(ctx, tt.pw, enc); err != nil || got != tt.want {
			t.Errorf("verify(%q) = %v, %v; want %v", tt.pw, got, err, tt.want)
		}
	}
	if err := h.verifyDummy(ctx, pw); err != nil {
		t.Errorf("verifyDummy = %v", err)
	}
}

var phcTests = []struct {
	in string
	ok bool
}{
	{"$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g", true},
	{"$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g", true},
	{"", false},
	{"$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g", false},
	{"$argon2id$v=16$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g", false},
	{"$argon2id$v=19$m=99999999,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g", false},
	{"$argon2id$v=19$m=19456,t=0,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g", false},
	{"$argon2id$v=19$m=19456,t=2,p=0$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g", false},
	{"$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g", false},
	{"$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g", false},
	{"$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaA", false},
	{"$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g$", false},
	{"$argon2id$v=19$m=-1,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g", false},
}

func TestDecodePHC(t *testing.T) {
	for _, tt := range phcTests {
		_, _, _, _, _, err := decodePHC(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("decodePHC(%q) = %v, want ok %v", tt.in, err, tt.ok)
		}
	}
}

func FuzzDecodePHC(f *testing.F) {
	for _, tt := range phcTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, tm, p, salt, key, err := decodePHC(s)
		if err != nil {
			return
		}
		// What decodes re-encodes to a string that decodes the same.
		m2, t2, p2, salt2, key2, err := decodePHC(encodePHC(m, tm, p, salt, key))
		if err != nil || m2 != m || t2 != tm || p2 != p || string(salt2) != string(salt) || string(key2) != string(key) {
			t.Fatalf("decodePHC(%q) does not round-trip: %v", s, err)
		}
	})
}

func TestPasswordRules(t *testing.T) {
	for _, tt := range []struct {
		pw string
		ok bool
	}{
		{"1234567", false}, {"12345678", true}, {"ééééééé", false}, {"éééééééé", true},
		{strings.Repeat("x", MaxPasswordBytes), true}, {strings.Repeat("x", MaxPasswordBytes+1), false},
	} {
		if err := checkPassword(tt.pw); (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrWeakPassword)) {
			t.Errorf("checkPassword(%d bytes) = %v, want ok %v", len(tt.pw), err, tt.ok)
		}
	}
}

// BenchmarkHashPassword is the cost of one argon2id hash (sign-up,
// password change).
func BenchmarkHashPassword(b *testing.B) {
	h := newHasher(0)
	for b.Loop() {
		if _, err := h.hash(context.Background(), pw); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLogin is the cost of one login through the Service, on disk:
// reading the email record, verifying the hash, reading the account.
func BenchmarkLogin(b *testing.B) {
	st := diskStoreB(b)
	svc, _ := NewService(st, "http://localhost:3000/")
	ctx := context.Background()
	a, _ := svc.CreateAccount(ctx)
	if _, err := svc.AddPassword(ctx, a.ID, "alice@example.org", pw); err != nil {
		b.Fatal(err)
	}
	b.Run("right", func(b *testing.B) {
		for b.Loop() {
			if _, err := svc.Authenticate(ctx, "alice@example.org", pw); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("wrong-password", func(b *testing.B) {
		for b.Loop() {
			if _, err := svc.Authenticate(ctx, "alice@example.org", "wrong password"); !errors.Is(err, ErrBadLogin) {
				b.Fatal(err)
			}
		}
	})
	b.Run("unknown-email", func(b *testing.B) {
		for b.Loop() {
			if _, err := svc.Authenticate(ctx, "nobody@example.org", pw); !errors.Is(err, ErrBadLogin) {
				b.Fatal(err)
			}
		}
	})
}
