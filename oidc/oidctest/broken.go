package oidctest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
)

// The functions below make deliberately broken JWTs from good ones, for
// rejection tests. They never fail: a malformed input gives a malformed
// output.

// NoneAlg returns jwt with its header's alg set to "none" and no
// signature (the "unsecured JWT" of RFC 7519 §6).
func NoneAlg(jwt string) string {
	h := editHeader(jwt, map[string]any{"alg": "none"})
	parts := strings.Split(h, ".")
	if len(parts) < 2 {
		return h
	}
	return parts[0] + "." + parts[1] + "."
}

// HMACWithPublicKey returns jwt re-signed with HS256, using secret (an
// issuer's public key in PEM, say) as the HMAC key: the key confusion
// attack on verifiers that let the token choose the algorithm.
func HMACWithPublicKey(jwt string, secret []byte) string {
	h := editHeader(jwt, map[string]any{"alg": "HS256"})
	parts := strings.Split(h, ".")
	if len(parts) < 2 {
		return h
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(parts[0] + "." + parts[1]))
	return parts[0] + "." + parts[1] + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// Tamper returns jwt with claim set to value in its payload and the
// original signature kept.
func Tamper(jwt, claim string, value any) string {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return jwt
	}
	parts[1] = editSegment(parts[1], map[string]any{claim: value})
	return strings.Join(parts, ".")
}

// Padded returns jwt with "=" padding added to each segment that would
// have it in padded base64url (RFC 7515 §2 forbids it).
func Padded(jwt string) string {
	parts := strings.Split(jwt, ".")
	for i, p := range parts {
		if n := len(p) % 4; n != 0 {
			parts[i] = p + strings.Repeat("=", 4-n)
		}
	}
	return strings.Join(parts, ".")
}

// ExtraSegment returns jwt with a fourth segment.
func ExtraSegment(jwt string) string { return jwt + ".e30" }

// editHeader returns jwt with the members of edit set in its header; the
// signature is kept.
func editHeader(jwt string, edit map[string]any) string {
	parts := strings.Split(jwt, ".")
	if len(parts) == 0 {
		return jwt
	}
	parts[0] = editSegment(parts[0], edit)
	return strings.Join(parts, ".")
}

func editSegment(seg string, edit map[string]any) string {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return seg
	}
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return seg
	}
	for k, v := range edit {
		m[k] = v
	}
	b, _ = json.Marshal(m)
	return base64.RawURLEncoding.EncodeToString(b)
}

func sha256Sum(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}
