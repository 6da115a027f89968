package provider

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/seedpod/seedpod/clients/fetch"
	"github.com/seedpod/seedpod/storage"
	"github.com/seedpod/seedpod/storage/cluster"
)

// Lifetimes of what the provider issues. They are constants, documented
// here, rather than options: nothing needs to change them yet.
const (
	// AccessTokenTTL is how long an access token is valid (CSS issues
	// one-hour tokens too; clients refresh or use client credentials
	// again).
	AccessTokenTTL = time.Hour
	// IDTokenTTL is how long an ID token is valid.
	IDTokenTTL = time.Hour
	// MaxTokenTTL is the longest lifetime of any JWT the provider signs;
	// a replaced signing key stays published this long.
	MaxTokenTTL = time.Hour
	// CodeTTL is how long an authorization code may be redeemed
	// (RFC 6749 §4.1.2 recommends at most ten minutes).
	CodeTTL = 2 * time.Minute
	// RefreshTokenTTL is how long an unused refresh token stays valid.
	// Each use replaces it with a new one valid this long again.
	RefreshTokenTTL = 14 * 24 * time.Hour
	// ProofMaxAge is how old a DPoP proof's iat may be (RFC 9449 §11.1:
	// a short window).
	ProofMaxAge = time.Minute
	// ProofMaxSkew is how far in the future a DPoP proof's iat may be,
	// for clients whose clocks run ahead.
	ProofMaxSkew = 30 * time.Second
	// KeyRevalidate is how often a process re-reads the stored key set.
	KeyRevalidate = 30 * time.Second
	// KeyPropagation is how long after Rotate the new key starts signing.
	KeyPropagation = 2 * KeyRevalidate
	// ClientDocumentTTL is how long a fetched Client ID Document is
	// cached in memory.
	ClientDocumentTTL = time.Minute
)

// Replay remembers DPoP proof identifiers (RFC 9449 §11.1). It is the
// Claim method of storage/cluster.Bus, so a cluster Bus can be passed
// as is when several processes serve one store.
type Replay interface {
	// Claim records key for at least ttl and reports true if this call
	// made the claim, false if key was already claimed less than ttl ago.
	// An error is treated as a refusal.
	Claim(ctx context.Context, key string, ttl time.Duration) (bool, error)
}

// Config configures a Provider.
type Config struct {
	// Issuer is the issuer identifier: the server's base URL with its
	// trailing slash, e.g. "https://pod.example/". Required.
	Issuer string
	// Store keeps keys, clients, codes, refresh tokens and consents under
	// /.internal/oidc/. Required.
	Store storage.Store
	// Users is the account system. Required.
	Users Users
	// Fetch dereferences Client ID Documents. Nil means a guarded client
	// with the default configuration.
	Fetch *fetch.Client
	// Replay remembers DPoP proof identifiers: the process's cluster.Bus.
	// Nil means a cluster.Local of its own, correct only while one
	// process serves the store.
	Replay Replay
	// Now returns the current time. Nil means time.Now.
	Now func() time.Time
	// Logger receives server-side failures. Nil means slog.Default().
	Logger *slog.Logger
}

// Provider is the OpenID provider, an http.Handler for
// /.well-known/openid-configuration and /.oidc/. It is safe for
// concurrent use; several Providers (in one process or several) may
// share one Store.
type Provider struct {
	issuer string
	base   *url.URL
	store  storage.Store
	users  Users
	fetch  *fetch.Client
	replay Replay
	now    func() time.Time
	log    *slog.Logger

	keys    *keyring
	secret  *secret
	clients *clientCache

	// Absolute endpoint URLs and the paths ServeHTTP routes on.
	discoveryPath string
	paths         endpoints
	urls          endpoints
}

// endpoints are the provider's endpoints, as paths or as absolute URLs.
type endpoints struct {
	auth, token, jwks, reg, userinfo, endSession, consent string
}

// New returns a Provider configured by cfg.
func New(cfg Config) (*Provider, error) {
	if cfg.Store == nil || cfg.Users == nil {
		return nil, errors.New("provider: Store and Users are required")
	}
	u, err := url.Parse(cfg.Issuer)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
		!strings.HasSuffix(u.Path, "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("provider: issuer %q is not an http(s) URL ending in /", cfg.Issuer)
	}
	p := &Provider{
		issuer: cfg.Issuer,
		base:   u,
		store:  cfg.Store,
		users:  cfg.Users,
		fetch:  cfg.Fetch,
		replay: cfg.Replay,
		now:    cfg.Now,
		log:    cfg.Logger,
	}
	if p.fetch == nil {
		if p.fetch, err = fetch.New(fetch.Config{}); err != nil {
			return nil, err
		}
	}
	if p.replay == nil {
		p.replay = cluster.NewLocal()
	}
	if p.now == nil {
		p.now = time.Now
	}
	if p.log == nil {
		p.log = slog.Default()
	}
	p.keys = &keyring{p: p}
	p.secret = &secret{p: p}
	p.clients = newClientCache()
	rel := func(s string) string { return u.Path + s }
	abs := func(s string) string { return cfg.Issuer + s }
	p.discoveryPath = rel(".well-known/openid-configuration")
	names := endpoints{
		auth: ".oidc/auth", token: ".oidc/token", jwks: ".oidc/jwks", reg: ".oidc/reg",
		userinfo: ".oidc/userinfo", endSession: ".oidc/session/end", consent: ".oidc/consent",
	}
	p.paths = names.mapped(rel)
	p.urls = names.mapped(abs)
	return p, nil
}

func (e endpoints) mapped(f func(string) string) endpoints {
	return endpoints{
		auth: f(e.auth), token: f(e.token), jwks: f(e.jwks), reg: f(e.reg),
		userinfo: f(e.userinfo), endSession: f(e.endSession), consent: f(e.consent),
	}
}

// Issuer returns the issuer identifier (the base URL).
func (p *Provider) Issuer() string { return p.issuer }

// ServeHTTP routes the provider's endpoints; any other path is 404. The
// endpoints with effects (authorization, consent, logout) take GET and
// POST only, never HEAD.
func (p *Provider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	type route struct {
		methods string
		h       func(http.ResponseWriter, *http.Request)
	}
	var rt route
	switch r.URL.Path {
	case p.discoveryPath:
		rt = route{"GET, HEAD", p.serveDiscovery}
	case p.paths.jwks:
		rt = route{"GET, HEAD", p.serveJWKS}
	case p.paths.auth:
		rt = route{"GET, POST", p.serveAuth}
	case p.paths.consent:
		rt = route{"GET, POST", p.serveConsent}
	case p.paths.token:
		rt = route{"POST", p.serveToken}
	case p.paths.reg:
		rt = route{"POST", p.serveRegister}
	case p.paths.userinfo:
		rt = route{"GET, POST", p.serveUserinfo}
	case p.paths.endSession:
		rt = route{"GET, POST", p.serveEndSession}
	default:
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	if r.Method == http.MethodOptions {
		w.Header().Set("Allow", "OPTIONS, "+rt.methods)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if !hasToken(rt.methods, r.Method) {
		w.Header().Set("Allow", "OPTIONS, "+rt.methods)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	rt.h(w, r)
}

// hasToken reports whether a comma-separated list holds token exactly.
func hasToken(list, token string) bool {
	for t := range strings.SplitSeq(list, ",") {
		if strings.TrimSpace(t) == token {
			return true
		}
	}
	return false
}

// internalError logs err and answers 500 with no detail.
func (p *Provider) internalError(w http.ResponseWriter, r *http.Request, err error) {
	p.log.Error("oidc provider", "path", r.URL.Path, "err", err)
	http.Error(w, "internal server error", http.StatusInternalServerError)
}
