package provider

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
)

// ecCurves maps each ECDSA alg to its curve (RFC 7518 §3.4).
var ecCurves = map[string]jwa.EllipticCurveAlgorithm{"ES256": jwa.P256, "ES384": jwa.P384, "ES512": jwa.P521}

// proof is a verified DPoP proof.
type proof struct {
	jkt string // RFC 7638 SHA-256 thumbprint of its key, base64url
	jti string
}

// proofHeader and proofClaims are the parts of a DPoP proof checked
// (RFC 9449 §4.2).
type proofHeader struct {
	Typ string          `json:"typ"`
	Alg string          `json:"alg"`
	JWK json.RawMessage `json:"jwk"`
}

type proofClaims struct {
	JTI string   `json:"jti"`
	HTM string   `json:"htm"`
	HTU string   `json:"htu"`
	IAT *float64 `json:"iat"`
	ATH string   `json:"ath"`
}

// errNoProof is a request without a DPoP header.
var errNoProof = badRequest("invalid_dpop_proof", "a DPoP proof is required")

func invalidProof(format string, args ...any) *oauthError {
	return badRequest("invalid_dpop_proof", "DPoP proof: "+fmt.Sprintf(format, args...))
}

// verifyProof checks the DPoP header values of a request for method and
// target URL as RFC 9449 §4.3 says, then claims its jti so it cannot be
// used again. With an access token, the proof's ath must be its hash
// (§4.3 step 11). Every failure is an *oauthError invalid_dpop_proof.
func (p *Provider) verifyProof(ctx context.Context, values []string, method, target, accessToken string) (proof, error) {
	switch len(values) {
	case 0:
		return proof{}, errNoProof
	case 1:
	default:
		return proof{}, invalidProof("more than one DPoP header")
	}
	pr, iat, err := parseProof(values[0], method, target, accessToken)
	if err != nil {
		return proof{}, err
	}
	now := p.now()
	if iat.Before(now.Add(-ProofMaxAge)) || iat.After(now.Add(ProofMaxSkew)) {
		return proof{}, invalidProof("iat is outside the accepted window")
	}
	ok, err := p.replay.Claim(ctx, "oidc-provider-dpop:"+target+" "+pr.jkt+" "+pr.jti, ProofMaxAge+ProofMaxSkew)
	if err != nil {
		return proof{}, fmt.Errorf("provider: dpop replay cache: %w", err)
	}
	if !ok {
		return proof{}, invalidProof("jti was already used")
	}
	return pr, nil
}

// parseProof does every check of a DPoP proof that needs neither a clock
// nor state: strict compact form, header, signature with its own public
// key, htm, htu and ath. It returns the proof and its iat.
func parseProof(s, method, target, accessToken string) (proof, time.Time, error) {
	j, err := parseCompact(s)
	rawHeader, rawClaims := j.header, j.payload
	if err != nil {
		return proof{}, time.Time{}, invalidProof("%v", err)
	}
	var fields map[string]json.RawMessage
	var h proofHeader
	if json.Unmarshal(rawHeader, &fields) != nil || json.Unmarshal(rawHeader, &h) != nil {
		return proof{}, time.Time{}, invalidProof("bad header")
	}
	// crit names extensions we do not understand (RFC 7515 §4.1.11), and
	// b64 would change what the signature covers (RFC 7797).
	if _, ok := fields["crit"]; ok {
		return proof{}, time.Time{}, invalidProof("crit is not supported")
	}
	if _, ok := fields["b64"]; ok {
		return proof{}, time.Time{}, invalidProof("b64 is not supported")
	}
	if h.Typ != "dpop+jwt" {
		return proof{}, time.Time{}, invalidProof("typ must be dpop+jwt")
	}
	if !slices.Contains(proofAlgs, h.Alg) {
		return proof{}, time.Time{}, invalidProof("alg must be an asymmetric algorithm")
	}
	if len(h.JWK) == 0 {
		return proof{}, time.Time{}, invalidProof("jwk header is required")
	}
	key, err := jwk.ParseKey(h.JWK)
	if err != nil {
		return proof{}, time.Time{}, invalidProof("bad jwk")
	}
	if private, err := jwk.IsPrivateKey(key); err != nil || private {
		return proof{}, time.Time{}, invalidProof("jwk must be a public asymmetric key")
	}
	// jwx's ECDSA verifier takes any curve: the curve must be the alg's
	// (RFC 7518 §3.4).
	if ek, ok := key.(jwk.ECDSAPublicKey); ok && ecCurves[h.Alg] != ek.Crv() {
		return proof{}, time.Time{}, invalidProof("the jwk's curve does not match alg")
	}
	if ok := slices.Contains([]string{"ES256", "ES384", "ES512"}, h.Alg); ok != (key.KeyType() == jwa.EC) {
		return proof{}, time.Time{}, invalidProof("the jwk's key type does not match alg")
	}
	if rk, ok := key.(jwk.RSAPublicKey); ok {
		var pub rsa.PublicKey
		if rk.Raw(&pub) != nil || pub.N.BitLen() < 2048 {
			return proof{}, time.Time{}, invalidProof("RSA keys must have at least 2048 bits")
		}
	}
	// The strict parse above already split the JWS: verify its signature
	// with jwx's verifier directly rather than have jws.Verify parse the
	// whole token again.
	verifier, err := jws.NewVerifier(jwa.SignatureAlgorithm(h.Alg))
	if err != nil {
		return proof{}, time.Time{}, invalidProof("unsupported alg")
	}
	var raw any
	if err := key.Raw(&raw); err != nil {
		return proof{}, time.Time{}, invalidProof("bad jwk")
	}
	if err := verifier.Verify(j.signingInput, j.signature, raw); err != nil {
		return proof{}, time.Time{}, invalidProof("bad signature")
	}
	var c proofClaims
	if err := json.Unmarshal(rawClaims, &c); err != nil {
		return proof{}, time.Time{}, invalidProof("bad claims")
	}
	switch {
	case c.JTI == "" || len(c.JTI) > 256:
		return proof{}, time.Time{}, invalidProof("jti is required (at most 256 bytes)")
	case c.HTM != method:
		return proof{}, time.Time{}, invalidProof("htm must be %s", method)
	case !sameHTU(c.HTU, target):
		return proof{}, time.Time{}, invalidProof("htu must be %s", target)
	case c.IAT == nil || math.IsNaN(*c.IAT) || math.IsInf(*c.IAT, 0) || *c.IAT < 0 || *c.IAT > 1e11:
		return proof{}, time.Time{}, invalidProof("iat is required")
	case accessToken != "" && c.ATH != tokenHash(accessToken):
		return proof{}, time.Time{}, invalidProof("ath must be the hash of the access token")
	}
	tp, err := key.Thumbprint(crypto.SHA256)
	if err != nil {
		return proof{}, time.Time{}, invalidProof("bad jwk")
	}
	sec, frac := math.Modf(*c.IAT)
	iat := time.Unix(int64(sec), int64(frac*1e9))
	return proof{jkt: base64.RawURLEncoding.EncodeToString(tp), jti: c.JTI}, iat, nil
}

// sameHTU compares a proof's htu with the URL of the endpoint, ignoring
// query and fragment, scheme and host case, and a default port
// (RFC 9449 §4.3 step 9, RFC 3986 §6.2.2–6.2.3).
func sameHTU(htu, target string) bool {
	a, err1 := url.Parse(htu)
	b, err2 := url.Parse(target)
	if err1 != nil || err2 != nil || a.Opaque != "" || a.User != nil {
		return false
	}
	norm := func(u *url.URL) string {
		scheme := strings.ToLower(u.Scheme)
		host := strings.ToLower(u.Hostname())
		port := u.Port()
		if (scheme == "https" && port == "443") || (scheme == "http" && port == "80") {
			port = ""
		}
		if port != "" {
			host += ":" + port
		}
		path := u.EscapedPath()
		if path == "" {
			path = "/"
		}
		return scheme + "://" + host + path
	}
	return (a.Scheme == "http" || a.Scheme == "https") && norm(a) == norm(b)
}

// tokenHash is the ath of an access token: base64url(SHA-256(token)).
func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return base64.RawURLEncoding.EncodeToString(h[:])
}
