package provider

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"
)

// maxJWT bounds the length of a JWT read from a request.
const maxJWT = 8 << 10

// errMalformedJWT is a JWT that is not strictly in compact form.
var errMalformedJWT = errors.New("malformed JWT")

// compactJWS is a JWS in compact serialization, decoded.
type compactJWS struct {
	header, payload, signature []byte
	signingInput               []byte // the first two segments with their dot
}

// splitJWT checks that s is a JWS in compact serialization (RFC 7515
// §7.1) written strictly: three non-empty segments of unpadded base64url
// (RFC 7515 §2: no padding, no other characters, no whitespace) whose
// header and payload decode to JSON objects. It returns the decoded
// header and payload. jwx also accepts padded and standard base64 and
// JSON serialization; checking first keeps those out.
func splitJWT(s string) (header, payload []byte, err error) {
	j, err := parseCompact(s)
	return j.header, j.payload, err
}

// parseCompact is splitJWT returning every part.
func parseCompact(s string) (compactJWS, error) {
	var j compactJWS
	header, payload, sig, err := splitStrict(s)
	if err != nil {
		return j, err
	}
	j.header, j.payload, j.signature = header, payload, sig
	j.signingInput = []byte(s[:strings.LastIndexByte(s, '.')])
	return j, nil
}

func splitStrict(s string) (header, payload, sig []byte, err error) {
	if len(s) > maxJWT {
		return nil, nil, nil, fmt.Errorf("%w: longer than %d bytes", errMalformedJWT, maxJWT)
	}
	var segs [3]string
	n := 0
	start := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != '.' {
			if !isBase64URL(s[i]) {
				return nil, nil, nil, fmt.Errorf("%w: not unpadded base64url", errMalformedJWT)
			}
			continue
		}
		if n == 3 {
			return nil, nil, nil, fmt.Errorf("%w: more than three segments", errMalformedJWT)
		}
		segs[n] = s[start:i]
		n++
		start = i + 1
	}
	if n != 3 || segs[0] == "" || segs[1] == "" || segs[2] == "" {
		return nil, nil, nil, fmt.Errorf("%w: not three non-empty segments", errMalformedJWT)
	}
	enc := base64.RawURLEncoding.Strict()
	if header, err = enc.DecodeString(segs[0]); err != nil {
		return nil, nil, nil, fmt.Errorf("%w: header: %v", errMalformedJWT, err)
	}
	if payload, err = enc.DecodeString(segs[1]); err != nil {
		return nil, nil, nil, fmt.Errorf("%w: payload: %v", errMalformedJWT, err)
	}
	if sig, err = enc.DecodeString(segs[2]); err != nil {
		return nil, nil, nil, fmt.Errorf("%w: signature: %v", errMalformedJWT, err)
	}
	if !isJSONObject(header) || !isJSONObject(payload) {
		return nil, nil, nil, fmt.Errorf("%w: header or payload is not a JSON object", errMalformedJWT)
	}
	return header, payload, sig, nil
}

func isBase64URL(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}

func isJSONObject(b []byte) bool {
	var m map[string]json.RawMessage
	return json.Unmarshal(b, &m) == nil && m != nil
}

// sign signs claims (marshalled as JSON) with the current signing key,
// with typ in the protected header, and returns the compact JWS.
func (p *Provider) sign(ctx context.Context, typ string, claims any) (string, error) {
	set, err := p.keys.get(ctx)
	if err != nil {
		return "", err
	}
	key := set.current(p.now())
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	hdr := jws.NewHeaders()
	hdr.Set(jws.KeyIDKey, key.kid)
	hdr.Set(jws.TypeKey, typ)
	out, err := jws.Sign(payload, jws.WithKey(jwa.ES256, key.priv, jws.WithProtectedHeaders(hdr)))
	if err != nil {
		return "", fmt.Errorf("provider: sign: %w", err)
	}
	return string(out), nil
}
