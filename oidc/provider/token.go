package provider

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/seedpod/seedpod/storage"
)

// serveToken is the token endpoint (RFC 6749 §3.2). Every grant needs a
// valid DPoP proof (RFC 9449 §5); every token is DPoP-bound.
func (p *Provider) serveToken(w http.ResponseWriter, r *http.Request) {
	resp, err := p.token(w, r)
	if err != nil {
		p.writeOAuthError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, resp, "no-store")
}

func (p *Provider) token(w http.ResponseWriter, r *http.Request) (*tokenResponse, error) {
	form, err := tokenForm(w, r)
	if err != nil {
		return nil, err
	}
	grant := form.Get("grant_type")
	switch grant {
	case "authorization_code", "refresh_token", "client_credentials":
	case "":
		return nil, badRequest("invalid_request", "grant_type is missing")
	default:
		return nil, badRequest("unsupported_grant_type", "grant_type must be authorization_code, refresh_token or client_credentials")
	}
	creds, err := clientCredentials(r, form)
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	if grant == "client_credentials" {
		return p.clientCredentialsGrant(ctx, r, form, creds)
	}
	c, err := p.authenticateClient(ctx, creds)
	if err != nil {
		return nil, err
	}
	pr, err := p.verifyProof(ctx, r.Header.Values("DPoP"), http.MethodPost, p.urls.token, "")
	if err != nil {
		return nil, err
	}
	if grant == "authorization_code" {
		return p.codeGrant(ctx, form, c, pr)
	}
	return p.refreshGrant(ctx, form, c, pr)
}

// tokenForm reads the token request's form body (RFC 6749 §3.2:
// application/x-www-form-urlencoded, each parameter at most once).
func tokenForm(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		return nil, badRequest("invalid_request", "the body must be application/x-www-form-urlencoded")
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		return nil, badRequest("invalid_request", "the form is malformed or too large")
	}
	for k, v := range r.PostForm {
		if len(v) > 1 {
			return nil, badRequest("invalid_request", k+" is given more than once")
		}
	}
	return r.PostForm, nil
}

// credentials are what a client presented to authenticate.
type credentials struct {
	id, secret string
	basic      bool // sent with client_secret_basic
}

// clientCredentials reads client_secret_basic (RFC 6749 §2.3.1: the id
// and secret form-urlencoded, then Basic) or client_secret_post, or just
// client_id for public clients. Using both methods is invalid_request.
func clientCredentials(r *http.Request, form url.Values) (credentials, error) {
	auth := r.Header.Get("Authorization")
	if auth == "" {
		if form.Has("client_secret") && form.Get("client_secret") == "" {
			return credentials{}, invalidClient("client_secret is empty")
		}
		return credentials{id: form.Get("client_id"), secret: form.Get("client_secret")}, nil
	}
	scheme, param, _ := strings.Cut(auth, " ")
	if !strings.EqualFold(scheme, "Basic") {
		return credentials{}, invalidClient("the Authorization header must use Basic")
	}
	if form.Has("client_secret") {
		return credentials{}, badRequest("invalid_request", "use one client authentication method only")
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(param))
	if err != nil {
		return credentials{}, invalidClient("malformed Basic credentials")
	}
	id, secret, ok := strings.Cut(string(raw), ":")
	if !ok {
		return credentials{}, invalidClient("malformed Basic credentials")
	}
	// Clients that do not form-urlencode send ids and secrets that
	// unescape to themselves, except for '+' and '%'; take them as is
	// when they do not unescape.
	if u, err := url.QueryUnescape(id); err == nil {
		id = u
	}
	if u, err := url.QueryUnescape(secret); err == nil {
		secret = u
	}
	if id == "" || secret == "" {
		return credentials{}, invalidClient("malformed Basic credentials")
	}
	if fid := form.Get("client_id"); fid != "" && fid != id {
		return credentials{}, invalidClient("client_id differs from the Basic credentials")
	}
	return credentials{id: id, secret: secret, basic: true}, nil
}

// authenticateClient finds the client of an authorization_code or
// refresh_token request and checks its secret, if it has one.
func (p *Provider) authenticateClient(ctx context.Context, cr credentials) (*client, error) {
	if cr.id == "" {
		return nil, invalidClient("client_id is missing")
	}
	c, err := p.lookupClient(ctx, cr.id)
	if err != nil {
		var ce *clientError
		if errors.As(err, &ce) {
			return nil, invalidClient(ce.msg)
		}
		return nil, err
	}
	if c.public() {
		if cr.secret != "" {
			return nil, invalidClient("this client is public: it has no secret")
		}
		return c, nil
	}
	if cr.secret == "" || subtle.ConstantTimeCompare([]byte(digest(cr.secret)), []byte(c.SecretHash)) != 1 {
		return nil, invalidClient("wrong client secret")
	}
	return c, nil
}

var (
	errExpired = errors.New("expired")
	errReused  = errors.New("reused")
)

// codeGrant redeems an authorization code (RFC 6749 §4.1.3, RFC 7636
// §4.6). The code is marked redeemed on the condition that it is
// unchanged, so of two requests racing, in one process or two, only one
// gets tokens; a code presented again revokes the refresh token the
// first exchange gave (RFC 6749 §4.1.2).
func (p *Provider) codeGrant(ctx context.Context, form url.Values, c *client, pr proof) (*tokenResponse, error) {
	code := form.Get("code")
	if code == "" {
		return nil, badRequest("invalid_request", "code is missing")
	}
	verifier := form.Get("code_verifier")
	if !validVerifier(verifier) {
		return nil, badRequest("invalid_request", "code_verifier must be 43 to 128 unreserved characters")
	}
	key := storage.Key(codesPrefix + digest(code))
	var rec codeRecord
	var refresh string
	err := p.spend(ctx, key, &rec, func() error {
		switch {
		case !p.now().Before(rec.Expires):
			return errExpired
		case rec.ClientID != c.ID:
			return badRequest("invalid_grant", "the code was issued to another client")
		case rec.Redeemed:
			return errReused
		case rec.RedirectURI != form.Get("redirect_uri"):
			return badRequest("invalid_grant", "redirect_uri differs from the authorization request's")
		case !pkceMatches(verifier, rec.Challenge):
			return badRequest("invalid_grant", "code_verifier does not match the code_challenge")
		}
		return nil
	}, func() any {
		refresh = newRefreshToken(rec.Scopes)
		spent := rec
		spent.Redeemed = true
		if refresh != "" {
			spent.Refresh = digest(refresh)
		}
		return spent
	})
	if err != nil {
		return nil, p.spendFailed(ctx, err, key, rec.Refresh, "code")
	}
	return p.issue(ctx, grantInfo{
		clientID: c.ID, public: c.public(), webID: rec.WebID, accountID: rec.AccountID,
		scopes: rec.Scopes, nonce: rec.Nonce, idToken: true, refresh: refresh,
	}, pr)
}

// spendFailed is the answer when spending the single-use record at key
// (a code, or a refresh token) failed with err. A reuse revokes the
// refresh tokens issued from it (successor); an expired record is
// removed. Unknown, expired and reused all read the same, so a client
// learns nothing about which. Other errors pass through.
func (p *Provider) spendFailed(ctx context.Context, err error, key storage.Key, successor, what string) error {
	switch {
	case errors.Is(err, errReused):
		if err := p.revokeRefresh(ctx, successor); err != nil {
			return err
		}
	case errors.Is(err, errExpired):
		p.store.Delete(ctx, key, storage.Conditions{})
	case !errors.Is(err, storage.ErrNotExist):
		return err
	}
	return badRequest("invalid_grant", "the "+what+" is unknown, expired or already used")
}

// validVerifier checks a PKCE code verifier (RFC 7636 §4.1).
func validVerifier(v string) bool {
	if len(v) < 43 || len(v) > 128 {
		return false
	}
	for i := range len(v) {
		c := v[i]
		if !isBase64URL(c) && c != '.' && c != '~' {
			return false
		}
	}
	return true
}

// pkceMatches reports whether BASE64URL(SHA256(verifier)) == challenge
// (RFC 7636 §4.6).
func pkceMatches(verifier, challenge string) bool {
	h := sha256.Sum256([]byte(verifier))
	return subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(h[:])), []byte(challenge)) == 1
}

// refreshGrant exchanges a refresh token for new tokens and a new refresh
// token (RFC 6749 §6). Refresh tokens rotate (RFC 9700 §4.14.2): the old
// one is marked with its successor, and presenting it again revokes the
// successors, since one of the two presenters is not the client. A public
// client's refresh token is bound to its DPoP key (RFC 9449 §5): the
// proof must use the same key, and a proof with another key neither
// works nor revokes anything.
func (p *Provider) refreshGrant(ctx context.Context, form url.Values, c *client, pr proof) (*tokenResponse, error) {
	token := form.Get("refresh_token")
	if token == "" {
		return nil, badRequest("invalid_request", "refresh_token is missing")
	}
	key := storage.Key(refreshPrefix + digest(token))
	var rec refreshRecord
	var scopes []string
	var refresh string
	err := p.spend(ctx, key, &rec, func() error {
		switch {
		case !p.now().Before(rec.Expires):
			return errExpired
		case rec.ClientID != c.ID:
			return badRequest("invalid_grant", "the refresh token was issued to another client")
		case rec.JKT != "" && rec.JKT != pr.jkt:
			return badRequest("invalid_grant", "the refresh token is bound to another DPoP key")
		case rec.Next != "":
			return errReused
		}
		scopes = rec.Scopes
		if s := form.Get("scope"); s != "" { // RFC 6749 §6: a narrower scope
			scopes = nil
			for x := range strings.FieldsSeq(s) {
				if !slices.Contains(rec.Scopes, x) {
					return badRequest("invalid_scope", "scope exceeds what was granted")
				}
				scopes = append(scopes, x)
			}
		}
		return nil
	}, func() any {
		refresh = newRefreshToken(scopes)
		spent := rec
		spent.Next = digest(refresh)
		if refresh == "" {
			spent.Next = "-" // rotated into nothing: offline_access was dropped
		}
		return spent
	})
	if err != nil {
		return nil, p.spendFailed(ctx, err, key, rec.Next, "refresh token")
	}
	return p.issue(ctx, grantInfo{
		clientID: c.ID, public: c.public(), webID: rec.WebID, accountID: rec.AccountID,
		scopes: scopes, idToken: slices.Contains(scopes, "openid"), refresh: refresh,
	}, pr)
}

// clientCredentialsGrant is RFC 6749 §4.4 for the client id and secret an
// account created (Solid-OIDC §Client Credentials Grant): the access
// token speaks for the WebID the credentials were made for. As in CSS,
// there is no ID token; clients read the webid claim of the access token.
func (p *Provider) clientCredentialsGrant(ctx context.Context, r *http.Request, form url.Values, cr credentials) (*tokenResponse, error) {
	if cr.id == "" || cr.secret == "" {
		return nil, invalidClient("client credentials are required (client_secret_basic or client_secret_post)")
	}
	for s := range strings.FieldsSeq(form.Get("scope")) {
		if !slices.Contains(scopesSupported, s) {
			return nil, badRequest("invalid_scope", "unsupported scope "+s)
		}
	}
	webID, err := p.users.ClientCredentials(ctx, cr.id, cr.secret)
	if errors.Is(err, ErrBadClientCredentials) {
		return nil, invalidClient("wrong client id or secret")
	}
	if err != nil {
		return nil, err
	}
	pr, err := p.verifyProof(ctx, r.Header.Values("DPoP"), http.MethodPost, p.urls.token, "")
	if err != nil {
		return nil, err
	}
	return p.issue(ctx, grantInfo{clientID: cr.id, webID: webID, scopes: []string{"webid"}}, pr)
}
