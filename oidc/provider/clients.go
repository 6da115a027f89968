package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/seedpod/seedpod/storage"
)

// client is a registered client (RFC 7591 §2 metadata) or one described
// by a Client ID Document (Solid-OIDC §5.1).
type client struct {
	ID                     string   `json:"client_id"`
	SecretHash             string   `json:"secret_hash,omitempty"` // hex SHA-256 of the secret
	Name                   string   `json:"client_name,omitempty"`
	URI                    string   `json:"client_uri,omitempty"`
	RedirectURIs           []string `json:"redirect_uris"`
	PostLogoutRedirectURIs []string `json:"post_logout_redirect_uris,omitempty"`
	AuthMethod             string   `json:"token_endpoint_auth_method"`
	GrantTypes             []string `json:"grant_types,omitempty"`
	Scope                  string   `json:"scope,omitempty"`
	IssuedAt               int64    `json:"client_id_issued_at,omitempty"`
}

// public reports whether the client has no secret (RFC 6749 §2.1).
func (c *client) public() bool { return c.AuthMethod == "none" }

// errUnknownClient is a client_id that names no usable client.
var errUnknownClient = errors.New("unknown client")

// clientError explains why a client_id was refused, safely for a page.
type clientError struct{ msg string }

func (e *clientError) Error() string { return e.msg }
func (e *clientError) Unwrap() error { return errUnknownClient }

// Limits on client metadata.
const (
	maxRedirectURIs = 20
	maxURILength    = 2048
)

// lookupClient finds the client a client_id names: a Client ID Document
// if it is an https URL (or an http loopback URL, for development), else
// a dynamically registered client. Unknown or invalid clients are
// errUnknownClient (a *clientError saying why); other errors are server
// failures.
func (p *Provider) lookupClient(ctx context.Context, id string) (*client, error) {
	if id == "" {
		return nil, &clientError{"client_id is missing"}
	}
	if len(id) > maxURILength {
		return nil, &clientError{"client_id is too long"}
	}
	if strings.Contains(id, ":") {
		u, err := url.Parse(id)
		if err != nil || !webURL(u) {
			return nil, &clientError{"client_id is neither a registered client nor an https Client ID Document URL"}
		}
		return p.clients.get(ctx, id, p.fetchClientDocument)
	}
	var c client
	if _, err := p.getJSON(ctx, storage.Key(clientsPrefix+digest(id)), &c); err != nil {
		if errors.Is(err, storage.ErrNotExist) {
			return nil, &clientError{"client_id is not registered here"}
		}
		return nil, err
	}
	return &c, nil
}

// webURL reports whether u is an absolute https URL, or an http URL on a
// loopback host, without userinfo or fragment: what redirect URIs, post
// logout redirect URIs and Client ID Document URLs must be (RFC 9700
// §2.6 and RFC 8252 §7.3 for loopback; Solid-OIDC §5.1.1 for https).
func webURL(u *url.URL) bool {
	if u.Host == "" || u.User != nil || u.Fragment != "" || u.Opaque != "" {
		return false
	}
	switch u.Scheme {
	case "https":
		return true
	case "http":
		h := u.Hostname()
		if h == "localhost" {
			return true
		}
		ip := net.ParseIP(h)
		return ip != nil && ip.IsLoopback()
	}
	return false
}

// validURIs checks a list of redirect URIs.
func validURIs(field string, uris []string, required bool) error {
	if required && len(uris) == 0 {
		return fmt.Errorf("%s is required", field)
	}
	if len(uris) > maxRedirectURIs {
		return fmt.Errorf("%s has more than %d entries", field, maxRedirectURIs)
	}
	for _, s := range uris {
		u, err := url.Parse(s)
		if len(s) > maxURILength || err != nil || !webURL(u) {
			return fmt.Errorf("%s: %q is not an https URL (or http on a loopback host) without fragment", field, s)
		}
	}
	return nil
}

// clientDocument is the part of a Client ID Document read.
type clientDocument struct {
	ClientID               string     `json:"client_id"`
	ClientName             string     `json:"client_name"`
	ClientURI              string     `json:"client_uri"`
	RedirectURIs           stringList `json:"redirect_uris"`
	PostLogoutRedirectURIs stringList `json:"post_logout_redirect_uris"`
	GrantTypes             stringList `json:"grant_types"`
	Scope                  string     `json:"scope"`
	AuthMethod             string     `json:"token_endpoint_auth_method"`
}

// stringList is a JSON array of strings, or one string: JSON-LD lets a
// set of one value be written without the array.
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = []string{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*l = many
	return nil
}

// maxDocumentFetches bounds the Client ID Documents fetched at once, so
// that requests naming many URLs cannot tie up the server's outgoing
// connections.
const maxDocumentFetches = 8

// fetchClientDocument dereferences a Client ID Document through the
// guarded client and checks it (Solid-OIDC §5.1: its client_id is the
// URL; the redirect_uri is checked against redirect_uris by the caller).
func (p *Provider) fetchClientDocument(ctx context.Context, id string) (*client, error) {
	select {
	case p.clients.slots <- struct{}{}:
		defer func() { <-p.clients.slots }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	resp, err := p.fetch.Get(ctx, id, "application/ld+json, application/json;q=0.9")
	if err != nil {
		p.log.Info("oidc provider: client id document", "url", id, "err", err)
		return nil, &clientError{"the Client ID Document could not be fetched"}
	}
	if resp.Status != http.StatusOK {
		return nil, &clientError{fmt.Sprintf("the Client ID Document answered %d", resp.Status)}
	}
	var doc clientDocument
	if err := json.Unmarshal(resp.Body, &doc); err != nil {
		return nil, &clientError{"the Client ID Document is not a JSON object of client metadata"}
	}
	if doc.ClientID != id {
		return nil, &clientError{"the client_id in the Client ID Document is not its URL"}
	}
	if err := validURIs("redirect_uris", doc.RedirectURIs, true); err != nil {
		return nil, &clientError{"Client ID Document: " + err.Error()}
	}
	if err := validURIs("post_logout_redirect_uris", doc.PostLogoutRedirectURIs, false); err != nil {
		return nil, &clientError{"Client ID Document: " + err.Error()}
	}
	if doc.AuthMethod != "" && doc.AuthMethod != "none" {
		return nil, &clientError{"a Client ID Document client has no secret: token_endpoint_auth_method must be none"}
	}
	return &client{
		ID: id, Name: doc.ClientName, URI: doc.ClientURI,
		RedirectURIs: doc.RedirectURIs, PostLogoutRedirectURIs: doc.PostLogoutRedirectURIs,
		AuthMethod: "none", GrantTypes: doc.GrantTypes, Scope: doc.Scope,
	}, nil
}

// clientCache keeps fetched Client ID Documents (and refusals, more
// briefly) in memory, so that one login does not fetch a document
// several times and a burst of requests naming one URL fetches it once
// a minute at most.
type clientCache struct {
	mu      sync.Mutex
	entries map[string]cachedClient
	slots   chan struct{} // fetches under way, at most maxDocumentFetches
}

type cachedClient struct {
	c       *client
	err     error
	expires time.Time
}

const (
	maxCachedClients = 1000
	refusalTTL       = 10 * time.Second
)

func newClientCache() *clientCache {
	return &clientCache{entries: make(map[string]cachedClient), slots: make(chan struct{}, maxDocumentFetches)}
}

func (cc *clientCache) get(ctx context.Context, id string, load func(context.Context, string) (*client, error)) (*client, error) {
	now := time.Now()
	cc.mu.Lock()
	e, ok := cc.entries[id]
	cc.mu.Unlock()
	if ok && now.Before(e.expires) {
		return e.c, e.err
	}
	c, err := load(ctx, id)
	var ce *clientError
	if err != nil && !errors.As(err, &ce) {
		return nil, err // a server failure: not cached
	}
	ttl := ClientDocumentTTL
	if err != nil {
		ttl = refusalTTL
	}
	cc.mu.Lock()
	if len(cc.entries) >= maxCachedClients {
		for k, e := range cc.entries {
			if !now.Before(e.expires) || len(cc.entries) >= maxCachedClients {
				delete(cc.entries, k)
			}
		}
	}
	cc.entries[id] = cachedClient{c: c, err: err, expires: now.Add(ttl)}
	cc.mu.Unlock()
	return c, err
}

// allowsRedirect reports whether uri is exactly one of the client's
// redirect URIs (RFC 9700 §4.1.3: exact string comparison).
func (c *client) allowsRedirect(uri string) bool {
	return uri != "" && slices.Contains(c.RedirectURIs, uri)
}
