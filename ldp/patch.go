package ldp

import (
	"bytes"
	"context"
	"errors"
	"hash/maphash"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/seedpod/seedpod/acl"
	"github.com/seedpod/seedpod/ldp/patch"
	"github.com/seedpod/seedpod/ldp/rdf"
	"github.com/seedpod/seedpod/storage"
)

// acceptPatch is the Accept-Patch header of RDF documents (Solid Protocol
// §5.3.1).
const acceptPatch = "text/n3, application/sparql-update"

// maxPatchAttempts bounds how often a PATCH is retried when another writer
// changed the document between its read and its write.
const maxPatchAttempts = 64

// parsePatch reads and parses a PATCH body. It runs before authorization,
// since the modes a patch needs depend on what it does (Solid Protocol
// §5.3.1: Read for a where clause, Append to insert, Read and Write to
// delete). A patch that does nothing still needs Append.
func (h *Handler) parsePatch(w http.ResponseWriter, r *http.Request, t Target) (*patch.Patch, acl.Mode, error) {
	if r.Header.Get("Content-Type") == "" {
		return nil, 0, errorf(BadRequest, "a Content-Type header is required (%s)", acceptPatch)
	}
	if err := h.checkLength(r); err != nil {
		return nil, 0, err
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, min(h.maxRDF, h.maxBody)))
	if err != nil {
		return nil, 0, bodyError(err)
	}
	p, err := patch.Parse(bytes.NewReader(data), r.Header.Get("Content-Type"), t.URL)
	switch {
	case errors.Is(err, patch.ErrUnsupportedType):
		return nil, 0, wrap(UnsupportedMediaType, err, "PATCH accepts "+acceptPatch)
	case errors.Is(err, patch.ErrInvalid):
		return nil, 0, wrap(Unprocessable, err, err.Error())
	case err != nil:
		return nil, 0, wrap(BadRequest, err, "malformed patch: "+err.Error())
	}
	var modes acl.Mode
	read, appendMode, write := p.Modes()
	if read {
		modes |= acl.Read
	}
	if appendMode {
		modes |= acl.Append
	}
	if write {
		modes |= acl.Write
	}
	if modes == 0 {
		modes = acl.Append
	}
	return p, modes, nil
}

// patch applies p to the RDF document t, creating it (and its containers)
// if missing. It reads, applies and writes back conditionally on the ETag
// it read, retrying when another writer got in between, so that concurrent
// patches, through this process or another sharing the storage, are never
// lost. A patch that fails leaves the document as it was.
func (h *Handler) patch(w http.ResponseWriter, r *http.Request, t Target, p *patch.Patch) error {
	ctx := r.Context()
	cond, err := conditions(r)
	if err != nil {
		return err
	}
	// Patches of one document through this process take turns, so that
	// they do not make each other retry.
	unlock := h.locks.lock(t.Key)
	defer unlock()
	var changes []Change
	for attempt := 1; ; attempt++ {
		g, info, existed, err := h.loadGraph(ctx, t)
		if err != nil {
			return err
		}
		if err := checkConditions(cond, existed, info.ETag); err != nil {
			return err
		}
		if err := p.Apply(g); err != nil {
			if errors.Is(err, patch.ErrTooComplex) {
				return wrap(Unprocessable, err, err.Error())
			}
			return wrap(Conflict, err, err.Error())
		}
		if t.Aux == ACLResource {
			if _, err := acl.Parse(g); err != nil {
				return wrap(Unprocessable, err, "the patched document would not be a valid ACL: "+err.Error())
			}
		}
		ct := info.ContentType
		if !existed {
			ct = rdf.Turtle
		}
		var buf bytes.Buffer
		if err := rdf.Write(&buf, g, mediaType(ct), t.URL); err != nil {
			return wrap(Internal, err, "RDF could not be serialised")
		}
		if !existed && attempt == 1 {
			if changes, err = h.ensureParent(ctx, t.Key); err != nil {
				return err
			}
		}
		sc := storage.Conditions{IfNoneMatch: "*"}
		if existed {
			sc = storage.Conditions{IfMatch: info.ETag}
		}
		newInfo, err := h.store.Put(ctx, t.Key, &buf, ct, sc)
		if errors.Is(err, storage.ErrPrecondition) && attempt < maxPatchAttempts {
			// Another writer changed the document since we read it.
			backoff(ctx, attempt)
			continue
		}
		if err != nil {
			return err
		}
		h.written(ctx, w, t, existed, newInfo.ETag, changes)
		return nil
	}
}

// loadGraph reads and parses the RDF document t; a missing one is empty.
func (h *Handler) loadGraph(ctx context.Context, t Target) (*rdf.Graph, storage.Info, bool, error) {
	obj, err := h.store.Get(ctx, t.Key)
	if isNotExist(err) {
		return &rdf.Graph{}, storage.Info{}, false, nil
	}
	if err != nil {
		return nil, storage.Info{}, false, err
	}
	defer obj.Close()
	info := obj.Info()
	if !isRDF(info.ContentType) {
		return nil, info, true, errorf(UnsupportedMediaType, "only RDF documents can be patched; this one is %s", info.ContentType)
	}
	g, err := rdf.Parse(io.LimitReader(obj, h.maxRDF), mediaType(info.ContentType), t.URL)
	if err != nil {
		return nil, info, true, wrap(Internal, err, "stored RDF could not be read")
	}
	return g, info, true, nil
}

// checkConditions applies If-Match and If-None-Match to the state a
// PATCH read.
func checkConditions(c storage.Conditions, exists bool, etag string) error {
	switch {
	case c.IfMatch != "" && !exists,
		c.IfMatch != "" && c.IfMatch != "*" && c.IfMatch != etag,
		c.IfNoneMatch == "*" && exists,
		c.IfNoneMatch != "" && c.IfNoneMatch != "*" && exists && c.IfNoneMatch == etag:
		return errorf(PreconditionFailed, "precondition failed")
	}
	return nil
}

// backoff waits a little longer after each lost race, with jitter, so
// that writers in several processes spread out.
func backoff(ctx context.Context, attempt int) {
	d := time.Duration(rand.IntN(attempt*2+1)) * time.Millisecond
	d = min(d, 50*time.Millisecond)
	select {
	case <-time.After(d):
	case <-ctx.Done():
	}
}

// keyLocks is a fixed set of mutexes picked by a hash of the key.
type keyLocks struct {
	seed maphash.Seed
	mu   [256]sync.Mutex
}

func newKeyLocks() *keyLocks { return &keyLocks{seed: maphash.MakeSeed()} }

// lock locks key's mutex and returns its unlock.
func (l *keyLocks) lock(k storage.Key) func() {
	m := &l.mu[maphash.String(l.seed, string(k))%uint64(len(l.mu))]
	m.Lock()
	return m.Unlock
}
