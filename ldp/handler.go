package ldp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/seedpod/seedpod/acl"
	"github.com/seedpod/seedpod/ldp/patch"
	"github.com/seedpod/seedpod/ldp/rdf"
	"github.com/seedpod/seedpod/oidc"
	"github.com/seedpod/seedpod/storage"
)

// Config configures a Handler. Zero values are documented per field.
type Config struct {
	// Store holds the resources. Required.
	Store storage.Store
	// BaseURL is the external URL of the server root, e.g.
	// "http://localhost:3000/". Every identifier, Location and Link comes
	// from it; a request's Host and X-Forwarded-* headers never do.
	// Required.
	BaseURL string
	// MaxBodyBytes limits request bodies (413 beyond). Zero means 256 MiB.
	MaxBodyBytes int64
	// MaxRDFBytes limits RDF bodies, which are parsed in memory. Zero means
	// 32 MiB.
	MaxRDFBytes int64
	// OnChange, if set, is called after every successful change with what
	// changed, so that notifications and delivery can react without
	// re-reading storage. It must not block.
	OnChange func(ctx context.Context, changes []Change)
	// FetchGroup, if set, reads a group document on another server (for
	// acl:agentGroup), through the guarded fetch client. Nil means groups
	// on other servers match nobody.
	FetchGroup func(ctx context.Context, docURL string) (*rdf.Graph, error)
	// Revalidate, when positive, bounds how long a cached ACL or group
	// document is used before its ETag is checked again in storage. Set it
	// when several processes share one storage (MinIO), so that a change
	// made through another process takes effect within that time. Zero
	// means never: this process makes every change itself.
	Revalidate time.Duration
	// Logger receives server-side errors. Zero means slog.Default().
	Logger *slog.Logger
}

// Handler serves the Solid Protocol over a Store. It is safe for
// concurrent use.
type Handler struct {
	store    storage.Store
	base     string // with trailing slash
	basePath string // path part of base, with trailing slash
	origin   string // scheme://host of base
	maxBody  int64
	maxRDF   int64
	onChange func(context.Context, []Change)
	log      *slog.Logger
	// revalidate: see Config.Revalidate.
	revalidate time.Duration
	// skipWAC turns authorization off. Only benchmarks set it, to measure
	// what WAC costs.
	skipWAC bool
	reps    *repCache
	locks   *keyLocks
	acls    *aclCache
	groups  *groupCache
	owners  *ownerCache
}

// New returns a Handler for cfg.
func New(cfg Config) (*Handler, error) {
	if cfg.Store == nil {
		return nil, errors.New("ldp: Config.Store is required")
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("ldp: base URL %q must be an absolute http(s) URL without query or fragment", cfg.BaseURL)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
		u.RawPath = ""
	}
	h := &Handler{
		store:      cfg.Store,
		base:       u.String(),
		basePath:   u.EscapedPath(),
		origin:     u.Scheme + "://" + u.Host,
		maxBody:    cfg.MaxBodyBytes,
		maxRDF:     cfg.MaxRDFBytes,
		onChange:   cfg.OnChange,
		log:        cfg.Logger,
		revalidate: cfg.Revalidate,
		reps:       newRepCache(64 << 20),
	}
	h.locks = newKeyLocks()
	h.acls = &aclCache{h: h, m: map[string]aclEntry{}}
	h.groups = &groupCache{h: h, fetch: cfg.FetchGroup, m: map[string]groupEntry{}}
	h.owners = &ownerCache{m: map[storage.Key]ownerEntry{}}
	if h.maxBody <= 0 {
		h.maxBody = 256 << 20
	}
	if h.maxRDF <= 0 {
		h.maxRDF = 32 << 20
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	return h, nil
}

// BaseURL returns the canonical base URL, with a trailing slash.
func (h *Handler) BaseURL() string { return h.base }

// URLOf returns the canonical absolute URL of key.
func (h *Handler) URLOf(k storage.Key) string { return h.base + escapeKey(k) }

// ServeHTTP runs the pipeline: target, credentials (the agent in the
// context), required modes and WAC (authorize), operation, response.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	t, err := h.target(r)
	var (
		p          *patch.Patch
		patchModes acl.Mode
	)
	if err == nil && !h.serverOwned(t) {
		// What a resource supports does not depend on who asks, so a
		// method it never allows is refused before authorization.
		err = methodAllowed(r.Method, t)
		if err == nil && r.Method == http.MethodPatch {
			p, patchModes, err = h.parsePatch(w, r, t)
		}
		if err == nil && !h.skipWAC {
			err = h.authorize(w, r, &t, patchModes)
		}
	}
	if err == nil {
		if p != nil {
			err = h.patch(w, r, t, p)
		} else {
			err = h.do(w, r, t)
		}
	}
	if err != nil {
		h.writeError(w, r, t, err)
	}
}

// target canonicalises the request path into a Target.
func (h *Handler) target(r *http.Request) (Target, error) {
	key, perr := parseKey(requestPath(r), h.basePath)
	if perr != nil {
		return Target{}, perr
	}
	t := Target{Key: key, URL: h.URLOf(key)}
	t.Aux, t.Subject = auxOf(key)
	return t, nil
}

// serverOwned reports whether t is in the part of the URL space the server
// itself answers (/.well-known/) or keeps to itself (/.internal/ and any
// other top-level name starting with a dot; pod names never do).
func (h *Handler) serverOwned(t Target) bool {
	return strings.HasPrefix(string(t.Key), "/.")
}

// do dispatches on the method.
func (h *Handler) do(w http.ResponseWriter, r *http.Request, t Target) error {
	if h.serverOwned(t) {
		if strings.HasPrefix(string(t.Key), wellKnownPrefix) {
			return h.serveWellKnown(w, r, t)
		}
		return errorf(NotFound, "not found")
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		return h.get(w, r, t)
	case http.MethodPut:
		return h.put(w, r, t)
	case http.MethodPost:
		return h.post(w, r, t)
	case http.MethodDelete:
		return h.delete(w, r, t)
	case http.MethodOptions:
		return h.options(w, r, t)
	}
	return errorf(MethodNotAllowed, "method %s is not supported", r.Method)
}

// writeError sends err as a short plain-text body with the status that
// statusOf gives it, and logs server errors.
func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, t Target, err error) {
	status, msg := statusOf(err)
	if status >= 500 {
		h.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	hdr := w.Header()
	switch {
	case status == http.StatusMethodNotAllowed && t.Key != "":
		hdr.Set("Allow", allowed(t))
	case status == http.StatusUnauthorized:
		// Solid-OIDC: clients log in and retry with a DPoP-bound token.
		// The algs are those the verifier accepts (RFC 9449 §7.1).
		hdr.Set("WWW-Authenticate", `DPoP realm="`+h.base+`", algs="`+oidc.Algs+`"`)
	}
	if status == http.StatusNotModified {
		w.WriteHeader(status)
		return
	}
	hdr.Del("Content-Length")
	hdr.Del("ETag")
	hdr.Del("Last-Modified")
	hdr.Set("Content-Type", "text/plain; charset=utf-8")
	hdr.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		fmt.Fprintln(w, msg)
	}
}

// notify invalidates cached ACLs and groups, then reports changes to
// Config.OnChange.
func (h *Handler) notify(ctx context.Context, changes ...Change) {
	h.invalidateCaches(changes)
	if h.onChange != nil && len(changes) > 0 {
		h.onChange(ctx, changes)
	}
}

// ChangeKind says what happened to a resource.
type ChangeKind int

// The kinds of change.
const (
	Created ChangeKind = iota + 1
	Updated
	Deleted
)

// Change is one resource changed by a request. A change to a child is
// also a change to the containment of its parent; receivers derive that.
type Change struct {
	Kind ChangeKind
	Key  storage.Key
	URL  string
	ETag string // the new ETag; "" for Deleted
}
