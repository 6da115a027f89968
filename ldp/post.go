package ldp

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/seedpod/seedpod/storage"
)

// post creates a new child of the target container and answers 201 with
// its Location (Solid Protocol §5.3). The Slug header names it when it is
// a safe single segment; otherwise, or when the name is taken, the server
// picks a fresh one. `Link: <ldp:BasicContainer>; rel="type"` creates a
// container.
func (h *Handler) post(w http.ResponseWriter, r *http.Request, t Target) error {
	ctx := r.Context()
	if !t.Key.IsContainer() {
		if ok, err := h.exists(ctx, t.Key); err != nil {
			return err
		} else if ok {
			return errorf(MethodNotAllowed, "POST is only allowed on containers")
		}
		return errorf(NotFound, "not found")
	}
	if t.Key == "/" {
		return errorf(Forbidden, "pods are created by the server, not by POST")
	}
	if err := checkNames(t.Key + "x"); err != nil {
		return err
	}
	if _, err := h.store.Stat(ctx, t.Key); err != nil {
		return notFound(err)
	}
	if err := h.checkLength(r); err != nil {
		return err
	}
	container := wantsContainer(r.Header.Values("Link"))
	name := h.freeName(ctx, t.Key, safeSlug(r.Header.Get("Slug")))
	key := storage.Key(string(t.Key) + name)
	if container {
		key += "/"
	}
	child := Target{Key: key, URL: h.URLOf(key)}
	var info storage.Info
	if container {
		meta, metaType, err := h.containerBody(w, r, child)
		if err != nil {
			return err
		}
		if info, err = h.store.Put(ctx, key, nil, "", storage.Conditions{IfNoneMatch: "*"}); err != nil {
			return postConflict(err)
		}
		if meta != nil {
			mk := auxKey(key, metaAux)
			if _, err := h.store.Put(ctx, mk, bytes.NewReader(meta), metaType, storage.Conditions{}); err != nil {
				return err
			}
		}
	} else {
		ct, err := contentType(r)
		if err != nil {
			return err
		}
		body := &bodyReader{r: http.MaxBytesReader(w, r.Body, h.maxBody)}
		var src io.Reader = body
		if isRDF(ct) {
			data, _, err := h.readRDF(w, r, child.URL, ct)
			if err != nil {
				return err
			}
			src = bytes.NewReader(data)
		}
		if info, err = h.store.Put(ctx, key, src, ct, storage.Conditions{IfNoneMatch: "*"}); err != nil {
			if body.err != nil {
				return body.err
			}
			return postConflict(err)
		}
	}
	h.notify(ctx, Change{Kind: Created, Key: key, URL: child.URL, ETag: info.ETag})
	w.Header().Set("Location", child.URL)
	w.Header().Set("ETag", quoteETag(info.ETag))
	w.WriteHeader(http.StatusCreated)
	return nil
}

// postConflict explains a lost race for a name that was free a moment ago.
func postConflict(err error) error {
	if errors.Is(err, storage.ErrPrecondition) || errors.Is(err, storage.ErrExist) {
		return wrap(Conflict, err, "the chosen name was taken concurrently; try again")
	}
	return err
}

// wantsContainer reports whether the Link headers of a POST ask for a
// container.
func wantsContainer(links []string) bool {
	for _, l := range links {
		for part := range strings.SplitSeq(l, ",") {
			target, params, _ := strings.Cut(part, ";")
			target = strings.Trim(strings.TrimSpace(target), "<>")
			if (target == nsLDP+"BasicContainer" || target == nsLDP+"Container") &&
				strings.Contains(strings.ReplaceAll(params, " ", ""), `rel="type"`) {
				return true
			}
		}
	}
	return false
}

// safeSlug returns the name a Slug header asks for, or "" when it is not a
// safe single segment: no slash, backslash or NUL, not "." or "..", valid
// UTF-8, not too long, and not an auxiliary name such as ".acl" (those
// need Control and are never created by POST).
func safeSlug(slug string) string {
	slug = strings.TrimSpace(slug)
	if dec, err := url.PathUnescape(slug); err == nil {
		slug = dec
	}
	slug = strings.TrimSuffix(slug, "/")
	switch {
	case slug == "", slug == ".", slug == "..",
		strings.ContainsAny(slug, "/\\\x00"),
		!utf8.ValidString(slug),
		len(slug) > storage.MaxSegment-8,
		isReservedName(slug):
		return ""
	}
	return slug
}

// freeName returns slug if neither form of it exists in the target
// container, else a fresh unguessable name.
func (h *Handler) freeName(ctx context.Context, parent storage.Key, slug string) string {
	if slug == "" {
		return uuid.NewString()
	}
	for _, k := range []storage.Key{parent + storage.Key(slug), parent + storage.Key(slug) + "/"} {
		if ok, err := h.exists(ctx, k); err != nil || ok {
			return uuid.NewString()
		}
	}
	return slug
}
