package oidc

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwa"
)

func TestKeyFits(t *testing.T) {
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	rsa2048, _ := rsa.GenerateKey(rand.Reader, 2048)
	rsa1024, _ := rsa.GenerateKey(rand.Reader, 1024)
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	tests := []struct {
		name string
		alg  jwa.SignatureAlgorithm
		key  any
		ok   bool
	}{
		{"ES256 P-256", jwa.ES256, &p256.PublicKey, true},
		{"ES384 P-384", jwa.ES384, &p384.PublicKey, true},
		{"ES256 P-384", jwa.ES256, &p384.PublicKey, false},
		{"ES384 P-256", jwa.ES384, &p256.PublicKey, false},
		{"ES256 RSA", jwa.ES256, &rsa2048.PublicKey, false},
		{"RS256 RSA 2048", jwa.RS256, &rsa2048.PublicKey, true},
		{"PS256 RSA 2048", jwa.PS256, &rsa2048.PublicKey, true},
		{"RS256 RSA 1024", jwa.RS256, &rsa1024.PublicKey, false},
		{"RS256 EC", jwa.RS256, &p256.PublicKey, false},
		{"EdDSA Ed25519", jwa.EdDSA, edPub, true},
		{"EdDSA EC", jwa.EdDSA, &p256.PublicKey, false},
		{"HS256 bytes", jwa.HS256, []byte("secret"), false},
		{"HS256 EC", jwa.HS256, &p256.PublicKey, false},
		{"none", jwa.NoSignature, nil, false},
		{"ES256 private key", jwa.ES256, p256, false},
	}
	for _, tt := range tests {
		if err := keyFits(tt.alg, tt.key); (err == nil) != tt.ok {
			t.Errorf("%s: keyFits(%s, %T) = %v, want ok=%v", tt.name, tt.alg, tt.key, err, tt.ok)
		}
	}
}

func TestParseHeader(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{`{"alg":"ES256","typ":"dpop+jwt"}`, true},
		{`{"alg":"EdDSA"}`, true},
		{`{"alg":"none"}`, false},
		{`{"alg":"HS256"}`, false},
		{`{"alg":"ES256K"}`, false},
		{`{"typ":"dpop+jwt"}`, false},
		{`{"alg":"ES256","crit":["exp"]}`, false},
		{`{"alg":"ES256","b64":false}`, false},
		{`null`, false},
		{`["alg"]`, false},
		{`"ES256"`, false},
		{`{"alg":"ES256"`, false},
	}
	for _, tt := range tests {
		_, _, err := parseHeader([]byte(tt.in))
		if (err == nil) != tt.ok {
			t.Errorf("parseHeader(%s) = %v, want ok=%v", tt.in, err, tt.ok)
		}
	}
}
