package provider

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"
)

// errBadToken is a token this provider did not sign, or cannot read.
var errBadToken = errors.New("provider: bad token")

// verifyOwn checks that token is a JWT of type typ signed by one of this
// provider's published keys and issued by it, and returns its payload.
// It checks no time claims.
func (p *Provider) verifyOwn(ctx context.Context, token, typ string) ([]byte, error) {
	rawHeader, payload, err := splitJWT(token)
	if err != nil {
		return nil, errBadToken
	}
	var h struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
		Typ string `json:"typ"`
	}
	if json.Unmarshal(rawHeader, &h) != nil || h.Alg != "ES256" || h.Typ != typ {
		return nil, errBadToken
	}
	set, err := p.PublicKeys(ctx)
	if err != nil {
		return nil, err
	}
	key, ok := set.LookupKeyID(h.Kid)
	if !ok {
		return nil, errBadToken
	}
	if _, err := jws.Verify([]byte(token), jws.WithKey(jwa.ES256, key)); err != nil {
		return nil, errBadToken
	}
	var iss struct {
		Iss string `json:"iss"`
	}
	if json.Unmarshal(payload, &iss) != nil || iss.Iss != p.issuer {
		return nil, errBadToken
	}
	return payload, nil
}

// serveUserinfo is the UserInfo endpoint (OpenID Connect Core §5.3),
// for DPoP-bound access tokens only (RFC 9449 §7).
func (p *Provider) serveUserinfo(w http.ResponseWriter, r *http.Request) {
	fail := func(code, desc string) {
		w.Header().Set("WWW-Authenticate", `DPoP error="`+code+`", error_description="`+desc+`", algs="`+strings.Join(proofAlgs, " ")+`"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": code, "error_description": desc}, "no-store")
	}
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "DPoP") || token == "" {
		fail("invalid_token", "a DPoP-bound access token is required")
		return
	}
	payload, err := p.verifyOwn(r.Context(), token, "at+jwt")
	if err != nil && !errors.Is(err, errBadToken) {
		p.internalError(w, r, err)
		return
	}
	var c accessClaims
	if err != nil || json.Unmarshal(payload, &c) != nil || c.WebID == "" {
		fail("invalid_token", "the access token is not valid here")
		return
	}
	if p.now().Unix() >= c.Exp {
		fail("invalid_token", "the access token expired")
		return
	}
	pr, err := p.verifyProof(r.Context(), r.Header.Values("DPoP"), r.Method, p.urls.userinfo, token)
	if err != nil {
		var oe *oauthError
		if !errors.As(err, &oe) {
			p.internalError(w, r, err)
			return
		}
		fail("invalid_dpop_proof", oe.desc)
		return
	}
	if pr.jkt != c.Cnf.JKT {
		fail("invalid_token", "the DPoP proof's key is not the one the token is bound to")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"sub": c.Sub, "webid": c.WebID}, "no-store")
}
