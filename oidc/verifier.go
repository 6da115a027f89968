package oidc

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/seedpod/seedpod/clients/fetch"
	"github.com/seedpod/seedpod/ldp/rdf"
)

// Config configures a Verifier. Zero values are documented per field.
type Config struct {
	// BaseURL is the external URL of the server, e.g.
	// "https://pods.example/". Required. A proof's htu is compared with
	// BaseURL's origin followed by the path of the request as received
	// (RFC 9449 §4.3 check 9). The Forwarded and X-Forwarded-* headers are
	// never consulted: the external URL is configured, so a reverse proxy
	// in front changes nothing, and no header a client can set decides
	// which URL a proof must name.
	BaseURL string
	// Fetch is the guarded client through which issuers' discovery
	// documents and keys, and WebID profiles on other servers, are
	// fetched. Nil means tokens are accepted only from the local issuer
	// for local WebIDs.
	Fetch *fetch.Client
	// Replay remembers used proofs. Several processes serving one
	// deployment must share it (storage/cluster.Bus). Nil means an
	// in-process cache, correct for a server running alone.
	Replay Replay
	// LocalIssuer is the issuer URL of this server's own OpenID provider
	// (the base URL). Its tokens are verified with LocalKeys, never with
	// keys fetched over HTTP. Empty means there is none.
	LocalIssuer string
	// LocalKeys returns the public signing keys of LocalIssuer, read
	// internally. Nil means this server has no provider: a token claiming
	// LocalIssuer is refused.
	LocalKeys func(ctx context.Context) (jwk.Set, error)
	// ReadLocal reads a document on this server (a URL under BaseURL)
	// internally, bypassing access control, e.g. the profile of a local
	// WebID. Nil means local WebIDs cannot authenticate.
	ReadLocal func(ctx context.Context, url string) (*rdf.Graph, error)
	// Now is the clock. Nil means time.Now; tests set it.
	Now func() time.Time
	// Logger receives what an operator should know: issuers and profiles
	// that could not be fetched, and refused credentials (at debug
	// level). Nil means slog.Default().
	Logger *slog.Logger
}

// Verifier verifies the DPoP-bound access tokens of requests (RFC 9449,
// Solid-OIDC). It is safe for concurrent use.
type Verifier struct {
	base        string // BaseURL with a trailing slash
	origin      string // normalised scheme://host[:port] of BaseURL
	fetch       *fetch.Client
	replay      Replay
	localIssuer string
	localKeys   func(context.Context) (jwk.Set, error)
	readLocal   func(context.Context, string) (*rdf.Graph, error)
	now         func() time.Time
	log         *slog.Logger

	keys     keyCache
	tokens   tokenCache
	issuers  issuerCache
	profiles profileCache
	limit    hostLimiter
}

// New returns a Verifier for cfg. It fails only if BaseURL is not an
// absolute http(s) URL.
func New(cfg Config) (*Verifier, error) {
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("oidc: base URL %q must be an absolute http(s) URL without query or fragment", cfg.BaseURL)
	}
	norm, _ := normalizeURL(u.Scheme + "://" + u.Host + "/")
	v := &Verifier{
		base:        strings.TrimSuffix(u.String(), "/") + "/",
		origin:      strings.TrimSuffix(norm, "/"),
		fetch:       cfg.Fetch,
		replay:      cfg.Replay,
		localIssuer: cfg.LocalIssuer,
		localKeys:   cfg.LocalKeys,
		readLocal:   cfg.ReadLocal,
		now:         cfg.Now,
		log:         cfg.Logger,
		keys:        keyCache{m: map[string]*proofKey{}},
		tokens:      tokenCache{m: map[[32]byte]verified{}},
		issuers:     issuerCache{m: map[string]*issuerEntry{}},
		profiles:    profileCache{m: map[string]*profileEntry{}},
		limit:       hostLimiter{m: map[string]*bucket{}},
	}
	if v.now == nil {
		v.now = time.Now
	}
	if v.log == nil {
		v.log = slog.Default()
	}
	if v.replay == nil {
		v.replay = newLocalReplay(v.now)
	}
	return v, nil
}

// maxAuthorization bounds the Authorization and DPoP header values.
const maxAuthorization = maxJWTBytes

// Verify returns the agent r acts as. A request without an Authorization
// header returns ErrNoCredentials (the anonymous agent). Any other
// failure matches ErrInvalidToken, and Reason gives a short explanation
// safe to send to the client; such a request must be refused.
//
// Checks run cheapest first, and nothing is fetched before every check
// that needs no fetch has passed: the header syntax, the DPoP proof
// (RFC 9449 §4.3), then, unless the token was verified before, the
// token's structure, times, audience and cnf binding, the replay of the
// proof, and only then the issuer's keys, the token's signature and the
// WebID's profile (Solid-OIDC §8).
func (v *Verifier) Verify(r *http.Request) (Agent, error) {
	authz := r.Header.Values("Authorization")
	if len(authz) == 0 {
		return Agent{}, ErrNoCredentials
	}
	if len(authz) > 1 {
		return Agent{}, invalid("more than one Authorization header")
	}
	if len(authz[0]) > maxAuthorization {
		return Agent{}, invalid("Authorization header too long")
	}
	scheme, token, _ := strings.Cut(authz[0], " ")
	switch {
	case strings.EqualFold(scheme, "Bearer"):
		return Agent{}, invalid("DPoP-bound access tokens are required (Authorization: DPoP)")
	case !strings.EqualFold(scheme, "DPoP"):
		return Agent{}, invalid("unsupported authorization scheme, use DPoP")
	case token == "":
		return Agent{}, invalid("no access token")
	}
	proofs := r.Header.Values("DPoP")
	if len(proofs) != 1 {
		// RFC 9449 §4.3 check 1: exactly one proof.
		return Agent{}, invalid("exactly one DPoP proof header is required")
	}
	now := v.now()
	th := sha256.Sum256([]byte(token))
	htu := v.origin + normalizePath(requestPath(r))
	p, err := v.verifyProof(proofs[0], r.Method, htu, th, now)
	if err != nil {
		return Agent{}, err
	}
	ctx := r.Context()
	if e, ok := v.tokens.get(th, now); ok {
		if e.jkt != p.jkt {
			return Agent{}, invalid("DPoP proof key does not match the access token cnf.jkt")
		}
		if err := v.claim(ctx, p); err != nil {
			return Agent{}, err
		}
		return e.agent, nil
	}
	t, err := parseToken(token, p.jkt, now)
	if err != nil {
		return Agent{}, err
	}
	if err := v.claim(ctx, p); err != nil {
		return Agent{}, err
	}
	agent, err := v.verifyToken(ctx, t)
	if err != nil {
		return Agent{}, err
	}
	v.tokens.put(th, verified{agent: agent, jkt: p.jkt, exp: t.exp}, now)
	return agent, nil
}

// claim records the proof's jti, refusing a proof seen before (RFC 9449
// §11.1) or one whose replay cannot be checked.
func (v *Verifier) claim(ctx context.Context, p *proof) error {
	ok, err := v.replay.Claim(ctx, "dpop:"+p.jkt+":"+p.jti, replayTTL)
	if err != nil {
		v.log.Warn("oidc: replay cache unavailable", "err", err)
		return invalidf("DPoP proof replay could not be checked", "replay: %w", err)
	}
	if !ok {
		return invalidf("DPoP proof was used before", "jti %q: %w", p.jti, errReplayed)
	}
	return nil
}

// verifyToken checks what needs keys or documents: the token's signature
// by a key of its issuer, and the issuer's place in the WebID's profile.
func (v *Verifier) verifyToken(ctx context.Context, t *accessToken) (Agent, error) {
	c := &t.claims
	keys, err := v.issuerKeys(ctx, c.Iss, t.kid, t.alg)
	if err != nil {
		return Agent{}, err
	}
	if len(keys) == 0 {
		return Agent{}, invalid("access token signed with an unknown key")
	}
	var sigErr error
	for _, k := range keys {
		if sigErr = verifySignature(t.jws, t.alg, k.raw); sigErr == nil {
			break
		}
	}
	if sigErr != nil {
		return Agent{}, invalidf("access token signature does not verify", "token: %w", sigErr)
	}
	if err := v.checkIssuer(ctx, c.WebID, c.Iss); err != nil {
		return Agent{}, err
	}
	client := c.ClientID
	if client == "" {
		client = c.Azp
	}
	return Agent{WebID: c.WebID, ClientID: client, Issuer: c.Iss}, nil
}

// Middleware verifies each request's credentials before next: a request
// without an Authorization header continues as the anonymous agent, one
// whose credentials verify continues as their agent (NewContext), and any
// other gets 401 with a DPoP challenge (RFC 9449 §7.1) and a short plain
// body, and never reaches next.
func (v *Verifier) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		agent, err := v.Verify(r)
		if err != nil && !errors.Is(err, ErrNoCredentials) {
			v.log.Debug("oidc: credentials refused", "method", r.Method, "path", r.URL.Path, "err", err)
			reason := Reason(err)
			if reason == "" {
				reason = "invalid credentials"
			}
			h := w.Header()
			h.Set("WWW-Authenticate", Challenge(reason))
			h.Set("Content-Type", "text/plain; charset=utf-8")
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Cache-Control", "no-store")
			w.WriteHeader(http.StatusUnauthorized)
			if r.Method != http.MethodHead {
				fmt.Fprintf(w, "invalid credentials: %s\n", reason)
			}
			return
		}
		next.ServeHTTP(w, r.WithContext(NewContext(r.Context(), agent)))
	})
}

// Challenge returns the WWW-Authenticate value refusing credentials for
// reason (RFC 9449 §7.1, RFC 6750 §3): the DPoP scheme, error
// invalid_token, the reason as error_description and the accepted algs.
// With reason "", it is the plain challenge asking an anonymous client to
// authenticate.
func Challenge(reason string) string {
	if reason == "" {
		return `DPoP algs="` + Algs + `"`
	}
	reason = strings.Map(func(r rune) rune {
		if r == '"' || r == '\\' || r < 0x20 || r > 0x7e {
			return '\''
		}
		return r
	}, reason)
	return `DPoP error="invalid_token", error_description="` + reason + `", algs="` + Algs + `"`
}
