package provider

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/seedpod/seedpod/storage"
)

// cnf is the confirmation claim binding a token to a DPoP key (RFC 9449
// §6.1).
type cnf struct {
	JKT string `json:"jkt"`
}

// accessClaims are the claims of an access token (Solid-OIDC §8,
// RFC 9068 §2.2, RFC 9449 §6).
type accessClaims struct {
	Iss      string   `json:"iss"`
	Aud      []string `json:"aud"`
	Sub      string   `json:"sub"`
	WebID    string   `json:"webid"`
	ClientID string   `json:"client_id"`
	Azp      string   `json:"azp"`
	Cnf      cnf      `json:"cnf"`
	Scope    string   `json:"scope"`
	Iat      int64    `json:"iat"`
	Exp      int64    `json:"exp"`
	Jti      string   `json:"jti"`
}

// idClaims are the claims of an ID token (Solid-OIDC §8.1, OpenID
// Connect Core §2).
type idClaims struct {
	Iss   string   `json:"iss"`
	Sub   string   `json:"sub"`
	WebID string   `json:"webid"`
	Aud   []string `json:"aud"`
	Azp   string   `json:"azp"`
	Cnf   cnf      `json:"cnf"`
	Nonce string   `json:"nonce,omitempty"`
	Iat   int64    `json:"iat"`
	Exp   int64    `json:"exp"`
	Jti   string   `json:"jti"`
}

// refreshRecord is a stored refresh token.
type refreshRecord struct {
	ClientID  string    `json:"client_id"`
	WebID     string    `json:"webid"`
	AccountID string    `json:"account_id,omitempty"`
	Scopes    []string  `json:"scopes"`
	JKT       string    `json:"jkt,omitempty"` // public clients: the DPoP key it is bound to
	Expires   time.Time `json:"expires"`
	// Next marks a refresh token already rotated: the digest of the one
	// that replaced it. It is kept until it expires so that its reuse
	// revokes its successors (RFC 9700 §4.14.2).
	Next string `json:"next,omitempty"`
}

// tokenResponse is RFC 6749 §5.1 with token_type DPoP (RFC 9449 §5).
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	IDToken      string `json:"id_token,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Scope        string `json:"scope"`
}

// grantInfo is who and what a token response is for.
type grantInfo struct {
	clientID  string
	public    bool // the client has no secret
	webID     string
	accountID string
	scopes    []string
	nonce     string
	idToken   bool   // issue an ID token (openid flows, not client credentials)
	refresh   string // the refresh token to issue, from newRefreshToken
}

// newRefreshToken returns a fresh refresh token if scopes include
// offline_access, else "".
func newRefreshToken(scopes []string) string {
	if hasScope(scopes, "offline_access") {
		return randomToken(32)
	}
	return ""
}

// issue mints the tokens of a successful grant, bound to the proof's key:
// an access token, an ID token if asked, and g.refresh if set (stored,
// and bound to the DPoP key for public clients, RFC 9449 §5).
func (p *Provider) issue(ctx context.Context, g grantInfo, pr proof) (*tokenResponse, error) {
	now := p.now()
	scope := strings.Join(g.scopes, " ")
	at, err := p.sign(ctx, "at+jwt", accessClaims{
		Iss: p.issuer, Aud: []string{"solid", g.clientID}, Sub: g.webID, WebID: g.webID,
		ClientID: g.clientID, Azp: g.clientID, Cnf: cnf{pr.jkt}, Scope: scope,
		Iat: now.Unix(), Exp: now.Add(AccessTokenTTL).Unix(), Jti: randomToken(16),
	})
	if err != nil {
		return nil, err
	}
	resp := &tokenResponse{AccessToken: at, TokenType: "DPoP", ExpiresIn: int64(AccessTokenTTL / time.Second), Scope: scope}
	if g.idToken {
		resp.IDToken, err = p.sign(ctx, "JWT", idClaims{
			Iss: p.issuer, Sub: g.webID, WebID: g.webID, Aud: []string{g.clientID, "solid"}, Azp: g.clientID,
			Cnf: cnf{pr.jkt}, Nonce: g.nonce, Iat: now.Unix(), Exp: now.Add(IDTokenTTL).Unix(), Jti: randomToken(16),
		})
		if err != nil {
			return nil, err
		}
	}
	if g.refresh != "" {
		rec := refreshRecord{
			ClientID: g.clientID, WebID: g.webID, AccountID: g.accountID, Scopes: g.scopes,
			Expires: now.Add(RefreshTokenTTL),
		}
		if g.public {
			rec.JKT = pr.jkt
		}
		if _, err := p.putJSON(ctx, storage.Key(refreshPrefix+digest(g.refresh)), rec, storage.Conditions{IfNoneMatch: "*"}); err != nil {
			return nil, err
		}
		resp.RefreshToken = g.refresh
	}
	return resp, nil
}

func hasScope(scopes []string, s string) bool {
	for _, x := range scopes {
		if x == s {
			return true
		}
	}
	return false
}

// revokeRefresh deletes the refresh token stored under digest d and the
// ones that replaced it, following Next (a bounded walk: each rotation
// adds one link, and links expire).
func (p *Provider) revokeRefresh(ctx context.Context, d string) error {
	for range 100 {
		if d == "" {
			return nil
		}
		key := storage.Key(refreshPrefix + d)
		var rec refreshRecord
		if _, err := p.getJSON(ctx, key, &rec); err != nil {
			if errors.Is(err, storage.ErrNotExist) {
				return nil
			}
			return err
		}
		if err := p.store.Delete(ctx, key, storage.Conditions{}); err != nil && !errors.Is(err, storage.ErrNotExist) {
			return err
		}
		d = rec.Next
	}
	return nil
}
