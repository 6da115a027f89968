package ldp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/seedpod/seedpod/acl"
	"github.com/seedpod/seedpod/clients/fetch"
	"github.com/seedpod/seedpod/ldp/rdf"
	"github.com/seedpod/seedpod/oidc"
	"github.com/seedpod/seedpod/storage"
)

// need is one access check: modes required on the resource at key.
type need struct {
	key   storage.Key
	modes acl.Mode
}

// requiredModes is the table of WAC modes an operation needs (WAC §5,
// Solid Protocol §5.3): method × target kind × existence → modes on the
// target and on its ancestors. missing lists the containers a write would
// create, from the nearest existing ancestor down to the parent.
//
//	GET, HEAD            Read on the target
//	OPTIONS              nothing
//	POST                 Append on the container
//	PUT, PATCH (exists)  Write on the target (PATCH: what the patch needs)
//	PUT, PATCH (new)     Append on the parent and on every container created
//	DELETE               Write on the target and on its parent
//	any on an ACL        Control on its subject
//	any on a .meta       what the same method needs on its subject
func requiredModes(method string, t Target, exists bool, created []storage.Key, patch acl.Mode) []need {
	if t.Aux == ACLResource {
		return []need{{t.Subject, acl.Control}}
	}
	target := t.Key
	if t.Aux == MetaResource {
		target = t.Subject
		switch method {
		case http.MethodGet, http.MethodHead:
			return []need{{target, acl.Read}}
		case http.MethodOptions:
			return nil
		}
		return []need{{target, acl.Write}}
	}
	parent, _ := target.Parent()
	switch method {
	case http.MethodGet, http.MethodHead:
		return []need{{target, acl.Read}}
	case http.MethodPost:
		return []need{{target, acl.Append}}
	case http.MethodDelete:
		return []need{{target, acl.Write}, {parent, acl.Write}}
	case http.MethodPut, http.MethodPatch:
		if exists {
			if method == http.MethodPatch {
				return []need{{target, patch}}
			}
			return []need{{target, acl.Write}}
		}
		// Creating: Append on the parent, and on the container above
		// each container the write creates on the way.
		needs := []need{{parent, acl.Append}}
		for _, c := range created {
			if p, ok := c.Parent(); ok && p != parent {
				needs = append(needs, need{p, acl.Append})
			}
		}
		if method == http.MethodPatch && patch&^acl.Append != 0 {
			needs = append(needs, need{target, patch &^ acl.Append})
		}
		return needs
	}
	return nil
}

// authorize decides whether the request may do what it asks on t, before
// anything is read or written. On denial it answers 401 for the anonymous
// agent and 403 otherwise, except that a missing target is reported as 404
// to an agent who may read its parent (no existence leak to others).
// patch is the modes a PATCH body needs (zero for other methods).
func (h *Handler) authorize(w http.ResponseWriter, r *http.Request, t *Target, patch acl.Mode) error {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		return h.authorizeRead(w, r, *t)
	}
	ctx := r.Context()
	subj := h.subject(r)
	var (
		exists  = true
		created []storage.Key
		err     error
	)
	switch r.Method {
	case http.MethodPut, http.MethodPatch, http.MethodDelete:
		if exists, err = h.exists(ctx, t.Key); err != nil {
			return err
		}
		t.checked, t.exists = true, exists
		if !exists && r.Method != http.MethodDelete {
			if created, err = h.missingContainers(ctx, t.Key); err != nil {
				return err
			}
		}
	}
	needs := requiredModes(r.Method, *t, exists, created, patch)
	for _, n := range needs {
		if err := h.check(ctx, subj, n); err != nil {
			if !isDenial(err) {
				return err
			}
			return h.denied(r, *t, subj, err)
		}
	}
	return nil
}

// isDenial reports whether an access check failed for lack of a grant. An
// ACL document that does not parse denies, as if it granted nothing (WAC:
// it must never widen access).
func isDenial(err error) bool {
	return errors.Is(err, acl.ErrDenied) || errors.Is(err, acl.ErrInvalid)
}

// denied turns a failed check into 404 (a read or delete of a target that
// does not exist, by an agent who may read its parent: nothing leaks), 401
// for the anonymous agent, or 403.
func (h *Handler) denied(r *http.Request, t Target, subj acl.Subject, cause error) error {
	ctx := r.Context()
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodDelete:
	default:
		return deny(subj, cause)
	}
	if parent, ok := t.Key.Parent(); ok {
		if h.check(ctx, subj, need{parent, acl.Read}) == nil {
			if ok, err := h.exists(ctx, t.Key); err == nil && !ok {
				return wrap(NotFound, cause, "not found")
			}
		}
	}
	return deny(subj, cause)
}

// deny is 401 for the anonymous agent (who may log in) and 403 otherwise.
func deny(subj acl.Subject, cause error) error {
	if subj.WebID == "" {
		return wrap(Unauthenticated, cause, "authentication required")
	}
	return wrap(Forbidden, cause, "you do not have access to this resource")
}

// check runs one WAC check. The pod owner holds Control whatever the ACLs
// say, so that a bad ACL can never lock the owner out.
func (h *Handler) check(ctx context.Context, subj acl.Subject, n need) error {
	pod, root := h.rootOf(n.key)
	modes := n.modes
	if modes.Has(acl.Control) && h.isOwner(ctx, subj, pod) {
		if modes &^= acl.Control; modes == 0 {
			return nil
		}
	}
	return acl.Check(ctx, subj, modes, h.URLOf(n.key), root, h.acls.load, h.groups.members)
}

// isOwner reports whether subj owns pod.
func (h *Handler) isOwner(ctx context.Context, subj acl.Subject, pod storage.Key) bool {
	return subj.WebID != "" && pod != "" && h.owners.owner(ctx, h.store, pod) == subj.WebID
}

// rootOf returns the pod holding k and the URL of its storage root. Keys
// outside pods (the server root) are governed by the server root's ACL.
func (h *Handler) rootOf(k storage.Key) (pod storage.Key, rootURL string) {
	if p, ok := podOf(k); ok {
		return p, h.URLOf(p)
	}
	return "", h.base
}

// subject is the requester as WAC sees it: the agent's WebID, and the
// request's Origin unless it is this server's own origin (WAC §4.3: a
// server may trust its own origin).
func (h *Handler) subject(r *http.Request) acl.Subject {
	s := acl.Subject{WebID: oidc.FromContext(r.Context()).WebID, Origin: r.Header.Get("Origin")}
	if strings.EqualFold(s.Origin, h.origin) {
		s.Origin = ""
	}
	return s
}

// authorizeRead authorizes GET and HEAD with one walk over the ACLs, which
// also gives the WAC-Allow header (WAC §6): Read on the target, or Control
// on the subject of an ACL resource.
func (h *Handler) authorizeRead(w http.ResponseWriter, r *http.Request, t Target) error {
	ctx := r.Context()
	k, want := t.Key, acl.Read
	switch t.Aux {
	case ACLResource:
		k, want = t.Subject, acl.Control
	case MetaResource:
		k = t.Subject
	}
	pod, root := h.rootOf(k)
	subj := h.subject(r)
	user, public, err := acl.Allow(ctx, subj, h.URLOf(k), root, h.acls.load, h.groups.members)
	if err != nil && !isDenial(err) {
		return err
	}
	if h.isOwner(ctx, subj, pod) {
		user |= acl.Control
	}
	if t.Aux == ACLResource {
		// An ACL resource is readable and writable with Control alone.
		user, public = controlAll(user), controlAll(public)
	}
	w.Header().Set("WAC-Allow", acl.WACAllowHeader(user, public))
	if !user.Has(want) {
		w.Header().Del("WAC-Allow")
		return h.denied(r, t, subj, acl.ErrDenied)
	}
	return nil
}

// controlAll is every mode when m holds Control, else nothing.
func controlAll(m acl.Mode) acl.Mode {
	if m.Has(acl.Control) {
		return acl.All
	}
	return 0
}

// missingContainers lists the containers above key that do not exist yet,
// from the nearest existing ancestor down to the parent.
func (h *Handler) missingContainers(ctx context.Context, key storage.Key) ([]storage.Key, error) {
	var missing []storage.Key
	for c, ok := key.Parent(); ok; c, ok = c.Parent() {
		exists, err := h.exists(ctx, c)
		if err != nil {
			return nil, err
		}
		if exists || isPodRoot(c) {
			break
		}
		missing = append(missing, c)
	}
	// Reverse: outermost first.
	for i, j := 0, len(missing)-1; i < j; i, j = i+1, j-1 {
		missing[i], missing[j] = missing[j], missing[i]
	}
	return missing, nil
}

// aclCache loads and caches parsed ACL documents, by the URL of the
// resource they are attached to, including the absence of one. Writes
// through this server invalidate entries at once (invalidate).
type aclCache struct {
	h  *Handler
	mu sync.RWMutex
	m  map[string]aclEntry
}

type aclEntry struct {
	acl     *acl.ACL
	err     error
	etag    string    // of the ACL document; "" when there is none
	checked time.Time // when storage last confirmed etag
}

// maxCached bounds each cache; past it the cache starts afresh.
const maxCached = 200_000

// load implements acl.Loader over storage.
func (c *aclCache) load(ctx context.Context, resourceURL string) (*acl.ACL, error) {
	c.mu.RLock()
	e, ok := c.m[resourceURL]
	c.mu.RUnlock()
	key, err := c.h.keyOf(resourceURL)
	if err != nil {
		return nil, err
	}
	aclKey := auxKey(key, aclAux)
	if ok {
		if c.h.fresh(e.checked) {
			return e.acl, e.err
		}
		if fresh, err := c.h.confirm(ctx, aclKey, e.etag); err != nil {
			return nil, err
		} else if fresh {
			e.checked = time.Now()
			c.mu.Lock()
			c.m[resourceURL] = e
			c.mu.Unlock()
			return e.acl, e.err
		}
	}
	e = aclEntry{checked: time.Now()}
	obj, err := c.h.store.Get(ctx, aclKey)
	switch {
	case err == nil:
		e.etag = obj.Info().ETag
		e.acl, e.err = acl.ParseDocument(obj, mediaType(obj.Info().ContentType), c.h.URLOf(aclKey))
		obj.Close()
	case isNotExist(err):
	default:
		return nil, err // a storage failure is not cached
	}
	c.mu.Lock()
	if len(c.m) >= maxCached {
		clear(c.m)
	}
	c.m[resourceURL] = e
	c.mu.Unlock()
	return e.acl, e.err
}

// invalidate forgets the ACL attached to subject.
func (c *aclCache) invalidate(subject storage.Key) {
	u := c.h.URLOf(subject)
	c.mu.Lock()
	delete(c.m, u)
	c.mu.Unlock()
}

// groupCache reads and caches group documents ("aspects") for
// acl:agentGroup. Groups in this server's pods are read from storage
// directly — even when only their owner may read them, which is the usual
// case — and invalidated by writes; groups elsewhere are fetched through
// Config.FetchGroup and kept for remoteGroupTTL.
type groupCache struct {
	h     *Handler
	fetch func(ctx context.Context, docURL string) (*rdf.Graph, error)
	mu    sync.RWMutex
	m     map[string]groupEntry // by document URL
}

type groupEntry struct {
	graph   *rdf.Graph
	groups  map[string]*acl.Group // by group URL (with fragment), parsed lazily
	expires time.Time             // remote documents: when to fetch again
	key     storage.Key           // local documents: where it is stored,
	etag    string                // with which ETag ("" when missing),
	checked time.Time             // confirmed when
}

const remoteGroupTTL = 30 * time.Second

// members implements acl.Members.
func (c *groupCache) members(ctx context.Context, groupURL, webID string) (bool, error) {
	docURL, _, _ := strings.Cut(groupURL, "#")
	c.mu.RLock()
	e, ok := c.m[docURL]
	var g *acl.Group
	if ok {
		g = e.groups[groupURL]
	}
	c.mu.RUnlock()
	if ok {
		fresh := time.Now().Before(e.expires)
		if e.key != "" {
			var err error
			if fresh = c.h.fresh(e.checked); !fresh {
				if fresh, err = c.h.confirm(ctx, e.key, e.etag); err != nil {
					return false, err
				}
				if fresh {
					e.checked = time.Now()
					c.mu.Lock()
					c.m[docURL] = e
					c.mu.Unlock()
				}
			}
		}
		if fresh {
			if g == nil {
				g = c.parse(docURL, groupURL, e)
			}
			return g.Has(webID), nil
		}
	}
	graph, key, etag, err := c.read(ctx, docURL)
	local := key != ""
	if err != nil {
		if local {
			return false, err
		}
		// A group that cannot be fetched grants nothing. The miss is
		// remembered for a while, so no client can make the server fetch
		// the same URL over and over.
		c.h.log.Warn("group document not available", "url", docURL, "err", err)
		graph = &rdf.Graph{}
	}
	e = groupEntry{graph: graph, groups: map[string]*acl.Group{}, key: key, etag: etag, checked: time.Now()}
	if !local {
		e.expires = time.Now().Add(remoteGroupTTL)
	}
	c.mu.Lock()
	if len(c.m) >= maxCached {
		clear(c.m)
	}
	c.m[docURL] = e
	c.mu.Unlock()
	return c.parse(docURL, groupURL, e).Has(webID), nil
}

// parse extracts one group from a cached document and remembers it.
func (c *groupCache) parse(docURL, groupURL string, e groupEntry) *acl.Group {
	g := acl.ParseGroup(e.graph, groupURL)
	c.mu.Lock()
	if cur, ok := c.m[docURL]; ok && cur.graph == e.graph {
		cur.groups[groupURL] = g
	}
	c.mu.Unlock()
	return g
}

// read loads a group document: from storage when it is on this server
// (returning its key and ETag), else through the guarded fetcher.
func (c *groupCache) read(ctx context.Context, docURL string) (g *rdf.Graph, key storage.Key, etag string, err error) {
	if !strings.HasPrefix(docURL, c.h.base) {
		if c.fetch == nil {
			return nil, "", "", errors.New("ldp: remote groups are not enabled")
		}
		g, err = c.fetch(ctx, docURL)
		return g, "", "", err
	}
	if key, err = c.h.keyOf(docURL); err != nil {
		return nil, "", "", err
	}
	obj, err := c.h.store.Get(ctx, key)
	if err != nil {
		if isNotExist(err) {
			return &rdf.Graph{}, key, "", nil // a deleted group has no members
		}
		return nil, key, "", err
	}
	defer obj.Close()
	etag = obj.Info().ETag
	data, err := io.ReadAll(io.LimitReader(obj, c.h.maxRDF))
	if err != nil {
		return nil, key, "", err
	}
	if g, err = rdf.Parse(bytes.NewReader(data), mediaType(obj.Info().ContentType), docURL); err != nil {
		return &rdf.Graph{}, key, etag, nil // not RDF: no members
	}
	return g, key, etag, nil
}

// invalidate forgets the group document at key.
func (c *groupCache) invalidate(key storage.Key) {
	u := c.h.URLOf(key)
	c.mu.Lock()
	delete(c.m, u)
	c.mu.Unlock()
}

// ownerCache remembers who owns each pod (set when the pod is created).
type ownerCache struct {
	mu sync.RWMutex
	m  map[storage.Key]ownerEntry
}

type ownerEntry struct {
	webID   string
	expires time.Time
}

const ownerTTL = time.Minute

// owner returns the WebID of the owner of pod, or "".
func (c *ownerCache) owner(ctx context.Context, store storage.Store, pod storage.Key) string {
	c.mu.RLock()
	e, ok := c.m[pod]
	c.mu.RUnlock()
	if ok && time.Now().Before(e.expires) {
		return e.webID
	}
	webID, err := readOwner(ctx, store, pod)
	if err != nil {
		return ""
	}
	c.mu.Lock()
	if len(c.m) >= maxCached {
		clear(c.m)
	}
	c.m[pod] = ownerEntry{webID, time.Now().Add(ownerTTL)}
	c.mu.Unlock()
	return webID
}

// fresh reports whether a cached reading, confirmed by storage at checked,
// may be used without asking storage again. Writes through this process
// invalidate caches at once; with Config.Revalidate set (several processes
// share the storage), a reading older than that must be confirmed.
func (h *Handler) fresh(checked time.Time) bool {
	return h.revalidate <= 0 || time.Since(checked) < h.revalidate
}

// confirm reports whether key still has etag ("" for none) in storage.
func (h *Handler) confirm(ctx context.Context, key storage.Key, etag string) (bool, error) {
	info, err := h.store.Stat(ctx, key)
	switch {
	case err == nil:
		return info.ETag == etag, nil
	case isNotExist(err):
		return etag == "", nil
	}
	return false, err
}

// keyOf maps an absolute URL on this server to its key.
func (h *Handler) keyOf(u string) (storage.Key, error) {
	rest, ok := strings.CutPrefix(u, h.base)
	if !ok {
		return "", errorf(BadRequest, "%s is not on this server", u)
	}
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		rest = rest[:i]
	}
	k, perr := parseKey("/"+rest, "/")
	if perr != nil {
		return "", perr
	}
	return k, nil
}

// Forget drops what the Handler caches about the resource at u (an ACL
// document, a group document) because another process sharing the
// storage changed it. The notifications layer calls it for every change
// heard on the cluster bus, so an ACL change through one process takes
// effect in the others at once, not only at the next revalidation
// (Config.Revalidate remains the bound when the bus is late or down).
// URLs not on this server are ignored.
func (h *Handler) Forget(u string) {
	k, err := h.keyOf(u)
	if err != nil {
		return
	}
	h.invalidateCaches([]Change{{Key: k, URL: u}})
}

// invalidateCaches forgets cached ACLs and groups that changes touched.
func (h *Handler) invalidateCaches(changes []Change) {
	for _, c := range changes {
		if kind, subj := auxOf(c.Key); kind == ACLResource {
			h.acls.invalidate(subj)
			continue
		}
		h.groups.invalidate(c.Key)
	}
}

// FetchRDF returns a Config.FetchGroup that reads RDF documents on other
// servers through the guarded client c (which refuses private addresses
// unless configured otherwise).
func FetchRDF(c *fetch.Client) func(ctx context.Context, docURL string) (*rdf.Graph, error) {
	return func(ctx context.Context, docURL string) (*rdf.Graph, error) {
		resp, err := c.Get(ctx, docURL, "text/turtle, application/ld+json;q=0.9, application/n-triples;q=0.8")
		if err != nil {
			return nil, err
		}
		if resp.Status != http.StatusOK {
			return nil, fmt.Errorf("ldp: fetch %s: status %d", docURL, resp.Status)
		}
		return rdf.Parse(bytes.NewReader(resp.Body), mediaType(resp.Header.Get("Content-Type")), resp.URL)
	}
}
