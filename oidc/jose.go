package oidc

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"
)

// Algs lists the JWS algorithms accepted for DPoP proofs and access
// tokens, as sent in the algs parameter of the DPoP challenge (RFC 9449
// §7.1). All are asymmetric: "none" and the HMAC algorithms are never
// accepted (RFC 9449 §4.3 check 5).
const Algs = "ES256 ES384 ES512 PS256 PS384 PS512 RS256 RS384 RS512 EdDSA"

// algs is Algs as a set.
var algs = func() map[string]jwa.SignatureAlgorithm {
	m := map[string]jwa.SignatureAlgorithm{}
	for _, a := range strings.Fields(Algs) {
		m[a] = jwa.SignatureAlgorithm(a)
	}
	return m
}()

// minRSABits is the smallest RSA modulus accepted (RFC 7518 §3.3);
// maxRSABits the largest, so that a client cannot make each proof costly
// to verify.
const (
	minRSABits = 2048
	maxRSABits = 8192
)

// maxJWTBytes bounds the size of a token or proof before any decoding.
const maxJWTBytes = 16 << 10

// b64 is base64url without padding, refusing padding, other alphabets,
// whitespace and non-zero trailing bits (RFC 7515 §2, Appendix C).
var b64 = base64.RawURLEncoding.Strict()

// compactJWS is a JWS in compact serialization (RFC 7515 §7.1), split and
// decoded strictly.
type compactJWS struct {
	signingInput string // header "." payload, as received
	header       []byte // decoded protected header
	payload      []byte // decoded payload
	signature    []byte
}

// parseCompact splits s into exactly three non-empty segments of strict
// base64url and decodes them. JSON serialization, padding, whitespace,
// extra or missing segments and unsigned tokens are refused.
func parseCompact(s string) (*compactJWS, error) {
	if len(s) > maxJWTBytes {
		return nil, errors.New("too long")
	}
	h, rest, ok1 := strings.Cut(s, ".")
	p, sig, ok2 := strings.Cut(rest, ".")
	if !ok1 || !ok2 || strings.IndexByte(sig, '.') >= 0 {
		return nil, errors.New("not three segments")
	}
	if h == "" || p == "" || sig == "" {
		return nil, errors.New("empty segment")
	}
	var (
		j   compactJWS
		err error
	)
	if j.header, err = decodeSegment(h); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	if j.payload, err = decodeSegment(p); err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	if j.signature, err = decodeSegment(sig); err != nil {
		return nil, fmt.Errorf("signature: %w", err)
	}
	j.signingInput = s[:len(h)+1+len(p)]
	return &j, nil
}

// decodeSegment decodes one segment of strict unpadded base64url.
func decodeSegment(s string) ([]byte, error) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return nil, errors.New("not unpadded base64url")
		}
	}
	return b64.DecodeString(s)
}

// joseHeader is the part of a JWS protected header (RFC 7515 §4.1) that
// the verifier reads.
type joseHeader struct {
	Alg  string          `json:"alg"`
	Typ  string          `json:"typ"`
	Kid  string          `json:"kid"`
	JWK  json.RawMessage `json:"jwk"`
	Crit json.RawMessage `json:"crit"`
	B64  json.RawMessage `json:"b64"`
}

// parseHeader decodes a protected header and checks what every JWS here
// must satisfy: a JSON object, an alg from Algs, no critical extensions
// (RFC 7515 §4.1.11: none is understood) and no unencoded payload.
func parseHeader(data []byte) (*joseHeader, jwa.SignatureAlgorithm, error) {
	var h joseHeader
	if err := unmarshalObject(data, &h); err != nil {
		return nil, "", err
	}
	alg, ok := algs[h.Alg]
	if !ok {
		return nil, "", fmt.Errorf("alg %q not allowed", h.Alg)
	}
	if h.Crit != nil || h.B64 != nil {
		return nil, "", errors.New("critical header parameters are not supported")
	}
	return &h, alg, nil
}

// unmarshalObject decodes a JSON object into v. Anything but an object
// (null, an array, a string) is an error.
func unmarshalObject(data []byte, v any) error {
	i := 0
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	if i == len(data) || data[i] != '{' {
		return errors.New("not a JSON object")
	}
	return json.Unmarshal(data, v)
}

// keyFits checks that a public key is of the type alg needs: EC keys on
// the curve the alg names, RSA keys of at least minRSABits, Ed25519 keys
// for EdDSA. Symmetric keys never fit.
func keyFits(alg jwa.SignatureAlgorithm, key any) error {
	switch alg {
	case jwa.ES256, jwa.ES384, jwa.ES512:
		k, ok := key.(*ecdsa.PublicKey)
		if !ok {
			return fmt.Errorf("%s needs an EC key, not %T", alg, key)
		}
		want := map[jwa.SignatureAlgorithm]elliptic.Curve{jwa.ES256: elliptic.P256(), jwa.ES384: elliptic.P384(), jwa.ES512: elliptic.P521()}[alg]
		if k.Curve != want {
			return fmt.Errorf("%s needs curve %s", alg, want.Params().Name)
		}
	case jwa.RS256, jwa.RS384, jwa.RS512, jwa.PS256, jwa.PS384, jwa.PS512:
		k, ok := key.(*rsa.PublicKey)
		if !ok {
			return fmt.Errorf("%s needs an RSA key, not %T", alg, key)
		}
		if n := k.N.BitLen(); n < minRSABits || n > maxRSABits {
			return fmt.Errorf("RSA key of %d bits", k.N.BitLen())
		}
	case jwa.EdDSA:
		if _, ok := key.(ed25519.PublicKey); !ok {
			return fmt.Errorf("EdDSA needs an Ed25519 key, not %T", key)
		}
	default:
		return fmt.Errorf("alg %s not allowed", alg)
	}
	return nil
}

// verifySignature checks j's signature with key and alg, which the caller
// has checked with keyFits.
func verifySignature(j *compactJWS, alg jwa.SignatureAlgorithm, key any) error {
	v, err := jws.NewVerifier(alg)
	if err != nil {
		return err
	}
	return v.Verify([]byte(j.signingInput), j.signature, key)
}

// numericDate is a JSON NumericDate (RFC 7519 §2): seconds since the
// epoch, possibly fractional.
type numericDate float64

// valid reports whether d is a finite, non-negative date.
func (d *numericDate) valid() bool {
	return d != nil && !math.IsNaN(float64(*d)) && !math.IsInf(float64(*d), 0) && *d >= 0 && *d < 1e11
}
