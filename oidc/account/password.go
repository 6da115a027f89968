package account

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Password rules. They are shown to people as PasswordRule.
const (
	// MinPasswordLength is the fewest characters a password may have
	// (NIST SP 800-63B §5.1.1.2 asks for at least 8).
	MinPasswordLength = 8
	// MaxPasswordBytes bounds the work one password costs to hash.
	MaxPasswordBytes = 1024
	// PasswordRule says the rules in words.
	PasswordRule = "a password needs at least 8 characters (and at most 1024 bytes)"
)

// ErrWeakPassword is returned for a password that breaks the rules.
var ErrWeakPassword = errors.New("account: " + PasswordRule)

// checkPassword applies the password rules.
func checkPassword(pw string) error {
	if utf8.RuneCountInString(pw) < MinPasswordLength || len(pw) > MaxPasswordBytes {
		return ErrWeakPassword
	}
	return nil
}

// argon2id parameters: the OWASP Password Storage Cheat Sheet's first
// choice (19 MiB, 2 passes, 1 lane). Hashes record their parameters, so
// they can be raised later without invalidating old hashes.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024 // KiB
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// hasher hashes and checks passwords with argon2id. At most a few hashes
// run at once, so a flood of logins cannot exhaust memory (each costs
// argonMemory); others wait their turn.
type hasher struct {
	sem chan struct{}

	dummyOnce sync.Once
	dummy     string
}

func newHasher(concurrent int) *hasher {
	if concurrent <= 0 {
		concurrent = 4
	}
	return &hasher{sem: make(chan struct{}, concurrent)}
}

func (h *hasher) acquire(ctx context.Context) error {
	select {
	case h.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *hasher) release() { <-h.sem }

// hash returns the PHC string of pw:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash> (unpadded base64).
func (h *hasher) hash(ctx context.Context, pw string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return encodePHC(argonMemory, argonTime, argonThreads, salt, key), nil
}

func encodePHC(m uint32, t uint32, p uint8, salt, key []byte) string {
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, m, t, p, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// verify reports whether pw matches the PHC string encoded, comparing in
// constant time. A malformed or out-of-bounds encoding is an error.
func (h *hasher) verify(ctx context.Context, pw, encoded string) (bool, error) {
	m, t, p, salt, key, err := decodePHC(encoded)
	if err != nil {
		return false, err
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// verifyDummy spends what verify spends, for an email that has no login,
// so that timing does not tell whether an account exists.
func (h *hasher) verifyDummy(ctx context.Context, pw string) error {
	h.dummyOnce.Do(func() {
		salt := make([]byte, argonSaltLen)
		key := make([]byte, argonKeyLen)
		rand.Read(salt)
		rand.Read(key)
		h.dummy = encodePHC(argonMemory, argonTime, argonThreads, salt, key)
	})
	_, err := h.verify(ctx, pw, h.dummy)
	return err
}

// errBadHash reports a stored hash this package cannot read.
var errBadHash = errors.New("account: malformed password hash")

// decodePHC parses an argon2id PHC string, refusing parameters beyond
// sane bounds (a corrupt record must not make a login cost gigabytes).
func decodePHC(s string) (m, t uint32, p uint8, salt, key []byte, err error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return 0, 0, 0, nil, nil, errBadHash
	}
	var pp uint32
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &pp); err != nil {
		return 0, 0, 0, nil, nil, errBadHash
	}
	if m < 8 || m > 1<<20 || t < 1 || t > 16 || pp < 1 || pp > 16 {
		return 0, 0, 0, nil, nil, errBadHash
	}
	b64 := base64.RawStdEncoding.Strict()
	salt, err1 := b64.DecodeString(parts[4])
	key, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(key) < 16 || len(key) > 64 {
		return 0, 0, 0, nil, nil, errBadHash
	}
	return m, t, uint8(pp), salt, key, nil
}
