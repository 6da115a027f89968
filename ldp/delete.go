package ldp

import (
	"net/http"

	"github.com/seedpod/seedpod/storage"
)

// delete removes a resource and its auxiliary resources (Solid Protocol
// §5.4). The server root, a pod root and a pod root's ACL cannot be
// deleted (405); a container must be empty, its own auxiliary resources
// aside (409).
func (h *Handler) delete(w http.ResponseWriter, r *http.Request, t Target) error {
	ctx := r.Context()
	switch {
	case t.Key == "/", isPodRoot(t.Key):
		return errorf(MethodNotAllowed, "the root of a storage cannot be deleted")
	case t.Aux == ACLResource && isPodRoot(t.Subject):
		return errorf(MethodNotAllowed, "the ACL of a storage root cannot be deleted")
	}
	cond, err := conditions(r)
	if err != nil {
		return err
	}
	if cond.IfMatch == "*" {
		cond.IfMatch = ""
	}
	if t.Key.IsContainer() {
		if _, err := h.store.Stat(ctx, t.Key); err != nil {
			return notFound(err)
		}
		for info, err := range h.store.List(ctx, t.Key) {
			if err != nil {
				return notFound(err)
			}
			if _, subj := auxOf(info.Key); subj != t.Key {
				return errorf(Conflict, "the container is not empty: delete its contents first")
			}
		}
		// Its own auxiliary resources go first, so the container is empty.
		if err := h.deleteAux(r, t.Key); err != nil {
			return err
		}
		if err := h.store.Delete(ctx, t.Key, cond); err != nil {
			return notFound(err)
		}
	} else {
		if err := h.store.Delete(ctx, t.Key, cond); err != nil {
			return notFound(err)
		}
		if t.Aux == NotAux {
			if err := h.deleteAux(r, t.Key); err != nil {
				return err
			}
		}
	}
	h.notify(ctx, Change{Kind: Deleted, Key: t.Key, URL: t.URL})
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// deleteAux removes the auxiliary resources of subject, if any (Solid
// Protocol §4.3: deleting a subject deletes its auxiliaries).
func (h *Handler) deleteAux(r *http.Request, subject storage.Key) error {
	for _, a := range auxiliaries {
		k := auxKey(subject, a)
		if err := h.store.Delete(r.Context(), k, storage.Conditions{}); err != nil && !isNotExist(err) {
			return err
		}
	}
	return nil
}

// options answers OPTIONS with what the target supports. CORS preflights
// are answered earlier, by the CORS middleware.
func (h *Handler) options(w http.ResponseWriter, r *http.Request, t Target) error {
	ct := ""
	if !t.Key.IsContainer() {
		if info, err := h.store.Stat(r.Context(), t.Key); err == nil {
			ct = info.ContentType
		}
	}
	h.setResourceHeaders(w.Header(), t, ct)
	w.WriteHeader(http.StatusNoContent)
	return nil
}
