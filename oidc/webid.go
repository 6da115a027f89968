package oidc

import (
	"bytes"
	"context"
	"mime"
	"strings"
	"sync"
	"time"

	"github.com/seedpod/seedpod/ldp/rdf"
)

// solidOIDCIssuer is the predicate by which a WebID profile names the
// issuers it trusts (Solid-OIDC §6.1).
const solidOIDCIssuer = "http://www.w3.org/ns/solid/terms#oidcIssuer"

// How WebID profiles are cached: remote profiles for profileTTL, and one
// that could not be fetched for profileRetry; local ones (cheap to read
// again), found or not, for localProfileTTL.
const (
	profileTTL      = 5 * time.Minute
	localProfileTTL = 10 * time.Second
	profileRetry    = 30 * time.Second
)

// profileEntry caches the issuers a WebID's profile lists.
type profileEntry struct {
	mu      sync.Mutex
	issuers []string
	err     error
	expires time.Time
}

// profileCache holds the issuers of the WebIDs seen.
type profileCache struct {
	mu sync.Mutex
	m  map[string]*profileEntry
}

// maxProfiles bounds profileCache; past it the cache starts afresh.
const maxProfiles = 100_000

func (c *profileCache) entry(webID string) *profileEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.m[webID]
	if e == nil {
		if len(c.m) >= maxProfiles {
			clear(c.m)
		}
		e = &profileEntry{}
		c.m[webID] = e
	}
	return e
}

// checkIssuer confirms that the profile of webID lists iss as a
// solid:oidcIssuer (Solid-OIDC §6.1: the RS dereferences the WebID and
// checks the issuer). A profile on this server is read with
// Config.ReadLocal; others are fetched through the guarded client.
func (v *Verifier) checkIssuer(ctx context.Context, webID, iss string) error {
	e := v.profiles.entry(webID)
	e.mu.Lock()
	defer e.mu.Unlock()
	if now := v.now(); e.expires.IsZero() || !now.Before(e.expires) {
		local := v.isLocal(webID)
		e.issuers, e.err = v.readIssuers(ctx, webID, local)
		ttl := profileTTL
		switch {
		case local:
			ttl = localProfileTTL
		case e.err != nil:
			ttl = profileRetry
		}
		if e.err != nil {
			v.log.Log(ctx, fetchLogLevel(e.err), "oidc: WebID profile not available", "webid", webID, "err", e.err)
		}
		e.expires = now.Add(ttl)
	}
	if e.err != nil {
		return invalidf("WebID profile not available", "webid %s: %w", webID, e.err)
	}
	for _, i := range e.issuers {
		if sameIssuer(i, iss) {
			return nil
		}
	}
	return invalid("the WebID profile does not list the token issuer")
}

// isLocal reports whether u is on this server.
func (v *Verifier) isLocal(u string) bool {
	return v.base != "" && strings.HasPrefix(u, v.base)
}

// readIssuers reads the profile document of webID and returns the objects
// of its solid:oidcIssuer triples about webID.
func (v *Verifier) readIssuers(ctx context.Context, webID string, local bool) ([]string, error) {
	doc, _, _ := strings.Cut(webID, "#")
	var g *rdf.Graph
	if local {
		if v.readLocal == nil {
			return nil, errNoLocal
		}
		var err error
		if g, err = v.readLocal(ctx, doc); err != nil {
			return nil, err
		}
	} else {
		if v.fetch == nil {
			return nil, errNoFetch
		}
		var err error
		if g, err = v.fetchProfile(ctx, doc); err != nil {
			return nil, err
		}
	}
	var out []string
	for _, t := range g.Triples {
		if s, ok := t.S.(rdf.IRI); !ok || string(s) != webID {
			continue
		}
		if p, ok := t.P.(rdf.IRI); !ok || p != solidOIDCIssuer {
			continue
		}
		if o, ok := t.O.(rdf.IRI); ok {
			out = append(out, string(o))
		}
	}
	return out, nil
}

// fetchProfile fetches and parses a remote profile document. Relative IRIs
// resolve against the requested URL, so that <#me> stays the WebID even
// after a redirect chosen by the WebID's own host.
func (v *Verifier) fetchProfile(ctx context.Context, doc string) (*rdf.Graph, error) {
	resp, err := v.getResponse(ctx, doc, "text/turtle, application/ld+json;q=0.9, application/n-triples;q=0.8")
	if err != nil {
		return nil, err
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if mt == "" {
		mt = rdf.Turtle
	}
	return rdf.Parse(bytes.NewReader(resp.Body), mt, doc)
}
