package provider

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/seedpod/seedpod/storage"
)

// authRequest is a checked authorization request (OpenID Connect Core
// §3.1.2.1, RFC 7636 §4.3).
type authRequest struct {
	client      *client
	redirectURI string
	state       string
	nonce       string
	challenge   string
	prompt      []string
	scopes      []string // the supported scopes asked for; openid always
	query       url.Values
}

// redirectError is an error the client learns through its redirect URI
// (RFC 6749 §4.1.2.1), once client and redirect URI are known good.
type redirectError struct {
	code, desc string
}

func (e *redirectError) Error() string { return e.code + ": " + e.desc }

// pageError is an error only the browser learns, on a 400 page: the
// client or redirect URI is not to be trusted with it.
type pageError struct{ msg string }

func (e *pageError) Error() string { return e.msg }

// parseAuthRequest checks q. A *pageError means the client or
// redirect_uri is bad; an *authRequest with a *redirectError means the
// rest is bad; any other error is a server failure.
func (p *Provider) parseAuthRequest(ctx context.Context, q url.Values) (*authRequest, error) {
	for k, v := range q {
		if len(v) > 1 && (k == "client_id" || k == "redirect_uri") {
			return nil, &pageError{k + " is given more than once"}
		}
	}
	c, err := p.lookupClient(ctx, q.Get("client_id"))
	if err != nil {
		var ce *clientError
		if errors.As(err, &ce) {
			return nil, &pageError{ce.msg}
		}
		return nil, err
	}
	ar := &authRequest{client: c, redirectURI: q.Get("redirect_uri"), query: q}
	if ar.redirectURI == "" {
		return nil, &pageError{"redirect_uri is missing"}
	}
	if u, err := url.Parse(ar.redirectURI); err != nil || !webURL(u) || !c.allowsRedirect(ar.redirectURI) {
		return nil, &pageError{"redirect_uri is not one of the client's registered redirect URIs"}
	}
	// From here on, errors go back to the client.
	ar.state = q.Get("state")
	fail := func(code, desc string) (*authRequest, error) { return ar, &redirectError{code, desc} }
	for k, v := range q {
		if len(v) > 1 {
			return fail("invalid_request", k+" is given more than once")
		}
	}
	switch {
	case q.Get("response_type") != "code":
		return fail("unsupported_response_type", "response_type must be code")
	case q.Get("response_mode") != "" && q.Get("response_mode") != "query":
		return fail("invalid_request", "response_mode must be query")
	case q.Has("request"):
		return fail("request_not_supported", "request objects are not supported")
	case q.Has("request_uri"):
		return fail("request_uri_not_supported", "request_uri is not supported")
	case q.Get("code_challenge_method") != "S256":
		return fail("invalid_request", "PKCE is required: code_challenge_method must be S256")
	case !validChallenge(q.Get("code_challenge")):
		return fail("invalid_request", "code_challenge must be a base64url SHA-256 (43 characters)")
	case len(q.Get("nonce")) > 512 || len(ar.state) > 2048:
		return fail("invalid_request", "nonce or state is too long")
	}
	ar.challenge = q.Get("code_challenge")
	ar.nonce = q.Get("nonce")
	for s := range strings.FieldsSeq(q.Get("scope")) {
		// Unknown scopes are ignored (OpenID Connect Core §3.1.2.1).
		if slices.Contains(scopesSupported, s) && !slices.Contains(ar.scopes, s) {
			ar.scopes = append(ar.scopes, s)
		}
	}
	if !slices.Contains(ar.scopes, "openid") {
		return fail("invalid_scope", "scope must include openid")
	}
	ar.prompt = strings.Fields(q.Get("prompt"))
	if slices.Contains(ar.prompt, "none") && len(ar.prompt) > 1 {
		return fail("invalid_request", "prompt=none cannot be combined")
	}
	return ar, nil
}

// validChallenge reports whether s can be an S256 code challenge:
// base64url of 32 bytes, unpadded (RFC 7636 §4.2).
func validChallenge(s string) bool {
	if len(s) != 43 {
		return false
	}
	for i := range len(s) {
		if !isBase64URL(s[i]) {
			return false
		}
	}
	return true
}

// serveAuth is the authorization endpoint (OpenID Connect Core §3.1.2).
func (p *Provider) serveAuth(w http.ResponseWriter, r *http.Request) {
	q, ok := requestParams(w, r)
	if !ok {
		return
	}
	ar, err := p.parseAuthRequest(r.Context(), q)
	if p.authFailed(w, r, ar, err) {
		return
	}
	sess, ok := p.users.Session(r)
	if !ok {
		if slices.Contains(ar.prompt, "none") {
			p.redirectError(w, r, ar, &redirectError{"login_required", "no one is logged in"})
			return
		}
		http.Redirect(w, r, p.users.LoginURL(p.paths.auth+"?"+q.Encode()), http.StatusSeeOther)
		return
	}
	if len(sess.WebIDs) == 0 {
		errorPage(w, http.StatusForbidden, "Your account has no WebID yet: create a pod first, then log in again.")
		return
	}
	if !slices.Contains(ar.prompt, "consent") && !slices.Contains(ar.prompt, "select_account") {
		webID, err := p.rememberedConsent(r.Context(), sess, ar)
		if err != nil {
			p.internalError(w, r, err)
			return
		}
		if webID != "" {
			p.grant(w, r, ar, sess, webID)
			return
		}
	}
	if slices.Contains(ar.prompt, "none") {
		p.redirectError(w, r, ar, &redirectError{"consent_required", "the user has not allowed this client yet"})
		return
	}
	http.Redirect(w, r, p.paths.consent+"?"+q.Encode(), http.StatusSeeOther)
}

// requestParams returns the parameters of an authorization or logout
// request: the query of a GET, the form of a POST (OpenID Connect Core
// §3.1.2.1 allows both).
func requestParams(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	if r.Method != http.MethodPost {
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			errorPage(w, http.StatusBadRequest, "The request's query string is malformed.")
			return nil, false
		}
		return q, true
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		errorPage(w, http.StatusBadRequest, "The request's form is malformed or too large.")
		return nil, false
	}
	return r.PostForm, true
}

// authFailed answers a failed parseAuthRequest and reports whether it did.
func (p *Provider) authFailed(w http.ResponseWriter, r *http.Request, ar *authRequest, err error) bool {
	var pe *pageError
	var re *redirectError
	switch {
	case err == nil:
		return false
	case errors.As(err, &pe):
		errorPage(w, http.StatusBadRequest, pe.msg)
	case errors.As(err, &re):
		p.redirectError(w, r, ar, re)
	default:
		p.internalError(w, r, err)
	}
	return true
}

// redirectError sends the browser back to the client with an error
// (RFC 6749 §4.1.2.1), with state and iss (RFC 9207 §2).
func (p *Provider) redirectError(w http.ResponseWriter, r *http.Request, ar *authRequest, e *redirectError) {
	p.redirectBack(w, r, ar, url.Values{"error": {e.code}, "error_description": {e.desc}})
}

// redirectBack sends the browser to the request's redirect URI with
// params, state and iss added to its query.
func (p *Provider) redirectBack(w http.ResponseWriter, r *http.Request, ar *authRequest, params url.Values) {
	u, _ := url.Parse(ar.redirectURI) // checked by parseAuthRequest
	q := u.Query()
	for k, v := range params {
		q[k] = v
	}
	if ar.state != "" {
		q.Set("state", ar.state)
	}
	q.Set("iss", p.issuer)
	u.RawQuery = q.Encode()
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, u.String(), http.StatusSeeOther)
}

// codeRecord is a stored authorization code.
type codeRecord struct {
	ClientID    string    `json:"client_id"`
	RedirectURI string    `json:"redirect_uri"`
	Challenge   string    `json:"code_challenge"`
	WebID       string    `json:"webid"`
	AccountID   string    `json:"account_id"`
	Nonce       string    `json:"nonce,omitempty"`
	Scopes      []string  `json:"scopes"`
	Expires     time.Time `json:"expires"`
	// Redeemed marks a code already exchanged, kept until it expires so
	// that a second presentation revokes the refresh token it gave
	// (RFC 6749 §4.1.2), whose digest is Refresh.
	Redeemed bool   `json:"redeemed,omitempty"`
	Refresh  string `json:"refresh,omitempty"`
}

// grant issues an authorization code for webID and sends the browser
// back to the client with it (OpenID Connect Core §3.1.2.5, RFC 9207).
func (p *Provider) grant(w http.ResponseWriter, r *http.Request, ar *authRequest, sess Session, webID string) {
	code := randomToken(32)
	rec := codeRecord{
		ClientID: ar.client.ID, RedirectURI: ar.redirectURI, Challenge: ar.challenge,
		WebID: webID, AccountID: sess.AccountID, Nonce: ar.nonce, Scopes: ar.scopes,
		Expires: p.now().Add(CodeTTL),
	}
	if _, err := p.putJSON(r.Context(), storage.Key(codesPrefix+digest(code)), rec, storage.Conditions{IfNoneMatch: "*"}); err != nil {
		p.internalError(w, r, err)
		return
	}
	p.redirectBack(w, r, ar, url.Values{"code": {code}})
}
