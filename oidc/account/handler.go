package account

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/seedpod/seedpod/oidc/provider"
	"github.com/seedpod/seedpod/storage"
)

// Prefix is the path, under the base URL, that the Handler serves.
const Prefix = ".account/"

// Cookie names.
const (
	// SessionCookie holds the session token of a logged-in browser.
	SessionCookie = "seedpod-account"
	// csrfCookie binds the CSRF token of forms shown before login.
	csrfCookie = "seedpod-csrf"
)

// Config configures a Handler. Zero values are documented per field.
type Config struct {
	// Store holds accounts, sessions and pods. Required.
	Store storage.Store
	// BaseURL is the external URL of the server root (the issuer), e.g.
	// "https://pods.example/". Required.
	BaseURL string
	// AccountLimit limits login attempts per email. Zero means 10 at
	// once, then one per 30 seconds.
	AccountLimit Limit
	// AddressLimit limits login attempts per client address. Zero means
	// 30 at once, then one per 2 seconds.
	AddressLimit Limit
	// SignUpLimit limits, per client address, how many accounts are made
	// and password logins added (each costs a password hash): a guard
	// against floods, not a quota. Zero means 200 at once, then one per
	// second.
	SignUpLimit Limit
	// ClientAddr returns the address a request comes from, for the rate
	// limit. Zero means the host of r.RemoteAddr; set it when Seedpod runs
	// behind a trusted proxy.
	ClientAddr func(r *http.Request) string
	// Logger receives server-side errors. Zero means slog.Default().
	Logger *slog.Logger
}

// Handler serves the account pages and the account JSON API under
// B.account/, and implements provider.Users. It is safe for concurrent
// use; several Handlers (in one process or many) over one store share
// accounts and sessions.
type Handler struct {
	svc      *Service
	base     string // with trailing slash
	basePath string // path part of base, with trailing slash
	origin   string // scheme://host of base
	secure   bool   // base is https: cookies are Secure
	hmacKey  *secretKey
	perEmail *limiter
	perAddr  *limiter
	signUps  *limiter
	addr     func(*http.Request) string
	log      *slog.Logger
}

var _ provider.Users = (*Handler)(nil)

// New returns a Handler for cfg.
func New(cfg Config) (*Handler, error) {
	svc, err := NewService(cfg.Store, cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	u, _ := url.Parse(svc.base)
	h := &Handler{
		svc:      svc,
		base:     svc.base,
		basePath: u.EscapedPath(),
		origin:   u.Scheme + "://" + u.Host,
		secure:   u.Scheme == "https",
		hmacKey:  &secretKey{svc: svc},
		addr:     cfg.ClientAddr,
		log:      cfg.Logger,
	}
	if cfg.AccountLimit == (Limit{}) {
		cfg.AccountLimit = Limit{Burst: 10, Every: 30 * time.Second}
	}
	if cfg.AddressLimit == (Limit{}) {
		cfg.AddressLimit = Limit{Burst: 30, Every: 2 * time.Second}
	}
	h.perEmail = newLimiter(cfg.AccountLimit)
	if cfg.SignUpLimit == (Limit{}) {
		cfg.SignUpLimit = Limit{Burst: 200, Every: time.Second}
	}
	h.perAddr = newLimiter(cfg.AddressLimit)
	h.signUps = newLimiter(cfg.SignUpLimit)
	if h.addr == nil {
		h.addr = remoteHost
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	return h, nil
}

// Path returns the URL path the Handler serves: the base URL's path
// followed by Prefix, e.g. "/.account/".
func (h *Handler) Path() string {
	p, err := url.PathUnescape(h.basePath)
	if err != nil {
		p = h.basePath
	}
	return p + Prefix
}

// Service returns the account store the Handler works on.
func (h *Handler) Service() *Service { return h.svc }

func remoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// url returns the absolute URL of path p under B.account/.
func (h *Handler) url(p string) string { return h.base + Prefix + p }

// path returns the absolute path of p under B.account/, for redirects
// and form actions.
func (h *Handler) path(p string) string { return h.basePath + Prefix + p }

// ServeHTTP routes a request under B.account/.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, h.Path())
	if !ok {
		if r.URL.Path+"/" == h.Path() {
			http.Redirect(w, r, h.path(""), http.StatusMovedPermanently)
			return
		}
		http.NotFound(w, r)
		return
	}
	hdr := w.Header()
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "same-origin")
	hdr.Set("Vary", "Accept, Authorization, Cookie")
	if rest == "style.css" {
		serveCSS(w, r)
		return
	}
	if isForm(r) || (wantsHTML(r) && (r.Method == http.MethodGet || r.Method == http.MethodHead)) {
		if h.servePage(w, r, rest) {
			return
		}
	}
	h.serveAPI(w, r, rest)
}

// wantsHTML reports whether a GET comes from a browser (Accept lists
// text/html); others get JSON, as CSS answers.
func wantsHTML(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "text/html")
}

// isForm reports whether r posts an HTML form.
func isForm(r *http.Request) bool {
	ct := strings.ToLower(r.Header.Get("Content-Type"))
	return r.Method == http.MethodPost && (strings.HasPrefix(ct, "application/x-www-form-urlencoded") || strings.HasPrefix(ct, "multipart/form-data"))
}

// sameOrigin reports whether r may act with the browser's cookie: a
// request another site made the browser send (Fetch Metadata, then
// Origin) may not.
func (h *Handler) sameOrigin(r *http.Request) bool {
	if s := r.Header.Get("Sec-Fetch-Site"); s != "" && s != "same-origin" && s != "none" {
		return false
	}
	if o := r.Header.Get("Origin"); o != "" && o != h.origin {
		return false
	}
	return true
}

// cookieToken returns the session token of the cookie, if any.
func cookieToken(r *http.Request) string {
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return ""
	}
	return c.Value
}

// sessionFromCookie returns the account logged in with the cookie of r.
func (h *Handler) sessionFromCookie(r *http.Request) (*Account, string) {
	tok := cookieToken(r)
	if tok == "" {
		return nil, ""
	}
	a, err := h.svc.SessionAccount(r.Context(), tok)
	if err != nil {
		if !errors.Is(err, ErrNotFound) {
			h.log.Error("account: session", "err", err)
		}
		return nil, ""
	}
	return a, tok
}

// setSessionCookie gives the browser the session token: HttpOnly,
// SameSite=Lax, Secure under https, for the whole server (the OpenID
// provider's pages read it too).
func (h *Handler) setSessionCookie(w http.ResponseWriter, token string, expires time.Time, remember bool) {
	c := &http.Cookie{Name: SessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode}
	if remember {
		c.Expires = expires
		c.MaxAge = int(time.Until(expires).Seconds())
	}
	http.SetCookie(w, c)
}

func (h *Handler) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// login starts a session for account a and sets the cookie.
func (h *Handler) login(ctx context.Context, w http.ResponseWriter, a *Account, remember bool) (string, error) {
	tok, exp, err := h.svc.NewSession(ctx, a.ID, remember)
	if err != nil {
		return "", err
	}
	h.setSessionCookie(w, tok, exp, remember)
	return tok, nil
}

// errRateLimited: too many login attempts.
type errRateLimited struct{ retry time.Duration }

func (e errRateLimited) Error() string {
	return fmt.Sprintf("too many login attempts; try again in %d seconds", int(e.retry.Seconds())+1)
}

// authenticate checks an email and password under the rate limits.
func (h *Handler) authenticate(r *http.Request, email, password string) (*Account, error) {
	if ok, retry := h.perAddr.allow("addr " + h.addr(r)); !ok {
		return nil, errRateLimited{retry}
	}
	if ok, retry := h.perEmail.allow("email " + hashKey(strings.ToLower(strings.TrimSpace(email)))); !ok {
		return nil, errRateLimited{retry}
	}
	return h.svc.Authenticate(r.Context(), email, password)
}

// allowSignUp takes a token of the sign-up limit of r's address.
func (h *Handler) allowSignUp(r *http.Request) error {
	if ok, retry := h.signUps.allow(h.addr(r)); !ok {
		return errRateLimited{retry}
	}
	return nil
}

// csrfToken returns the CSRF token for forms bound to binding (the
// session token, or before login the csrf cookie): an HMAC that only this
// server can make and only for that browser.
func (h *Handler) csrfToken(ctx context.Context, binding string) (string, error) {
	key, err := h.hmacKey.get(ctx)
	if err != nil {
		return "", err
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte("csrf\x00" + binding))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)), nil
}

// checkCSRF verifies a form post: same origin, and the token in the form
// matches the browser's binding.
func (h *Handler) checkCSRF(r *http.Request, binding string) bool {
	if !h.sameOrigin(r) || binding == "" {
		return false
	}
	want, err := h.csrfToken(r.Context(), binding)
	if err != nil {
		return false
	}
	return hmac.Equal([]byte(r.PostFormValue("csrf")), []byte(want))
}

// preBinding returns the csrf cookie's value, setting a new cookie when
// there is none.
func (h *Handler) preBinding(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 && len(c.Value) <= 128 {
		return c.Value
	}
	v := randomToken(16)
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: v, Path: h.basePath + Prefix, HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode})
	return v
}

// safeReturnTo returns returnTo if it is a path on this server (never an
// absolute or protocol-relative URL: no open redirect), else "".
func safeReturnTo(returnTo string) string {
	if returnTo == "" || len(returnTo) > 2048 || !strings.HasPrefix(returnTo, "/") ||
		strings.HasPrefix(returnTo, "//") || strings.ContainsAny(returnTo, "\\\x00\r\n\t ") {
		return ""
	}
	for _, c := range returnTo {
		if c < 0x20 || c == 0x7f {
			return ""
		}
	}
	u, err := url.Parse(returnTo)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return ""
	}
	return returnTo
}

// Session implements provider.Users.
func (h *Handler) Session(r *http.Request) (provider.Session, bool) {
	a, _ := h.sessionFromCookie(r)
	if a == nil {
		return provider.Session{}, false
	}
	return provider.Session{AccountID: a.ID, WebIDs: a.WebIDList()}, true
}

// LoginURL implements provider.Users. A returnTo that is not a local path
// is left out.
func (h *Handler) LoginURL(returnTo string) string {
	u := h.url("login/")
	if rt := safeReturnTo(returnTo); rt != "" {
		u += "?returnTo=" + url.QueryEscape(rt)
	}
	return u
}

// SignUpURL is the sign-up page, sending the browser to returnTo after.
func (h *Handler) SignUpURL(returnTo string) string {
	u := h.url("signup/")
	if rt := safeReturnTo(returnTo); rt != "" {
		u += "?returnTo=" + url.QueryEscape(rt)
	}
	return u
}

// Logout implements provider.Users.
func (h *Handler) Logout(w http.ResponseWriter, r *http.Request) {
	if tok := cookieToken(r); tok != "" {
		if err := h.svc.EndSession(r.Context(), tok); err != nil {
			h.log.Error("account: logout", "err", err)
		}
	}
	h.clearSessionCookie(w)
}

// ClientCredentials implements provider.Users.
func (h *Handler) ClientCredentials(ctx context.Context, id, secret string) (string, error) {
	webID, err := h.svc.CheckClientCredentials(ctx, id, secret)
	if errors.Is(err, ErrBadLogin) {
		return "", provider.ErrBadClientCredentials
	}
	return webID, err
}
