package ldp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"

	"github.com/seedpod/seedpod/storage"
)

// podName is what a pod may be called: it becomes the first path segment
// of every URL in the pod, so it stays plain.
var podName = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$`)

// ErrPodExists is returned by CreatePod for a name already taken.
var ErrPodExists = errors.New("ldp: pod exists")

// ErrBadPodName is returned (wrapped, with the rule) by CreatePod for a
// name that ValidPodName refuses.
var ErrBadPodName = errors.New("ldp: bad pod name")

// PodNameRule says in words what ValidPodName accepts, for messages.
const PodNameRule = "use 1-63 lowercase letters, digits and inner hyphens"

// ValidPodName reports whether name may name a pod: 1-63 lowercase ASCII
// letters, digits and hyphens, neither first nor last a hyphen (so never a
// dot: top-level names starting with "." are the server's own).
func ValidPodName(name string) bool { return podName.MatchString(name) }

// PodOptions say who may do what in a new pod.
type PodOptions struct {
	// Public grants everyone (foaf:Agent) full access, for demos and tests.
	Public bool
	// Owner, if set, is a WebID given Read, Write and Control.
	Owner string
	// Profile, if set, provisions the pod for its owner as Solid apps
	// expect (see provision.go): a WebID profile at profile/card, an
	// inbox, settings with type indexes, public/ and private/. Owner is
	// then required.
	Profile *Profile
}

// CreatePod creates the pod name at /name/ with its root ACL. It is the
// only way a top-level container comes to exist.
func CreatePod(ctx context.Context, store storage.Store, name string, opt PodOptions) (storage.Key, error) {
	if !podName.MatchString(name) {
		return "", fmt.Errorf("%w %q: %s", ErrBadPodName, name, PodNameRule)
	}
	if opt.Profile != nil && opt.Owner == "" {
		return "", errors.New("ldp: a provisioned pod needs an owner")
	}
	if opt.Owner != "" {
		if u, err := url.Parse(opt.Owner); err != nil || !u.IsAbs() || strings.ContainsAny(opt.Owner, "<>\"{}|^`\\ ") {
			return "", fmt.Errorf("ldp: owner %q is not an absolute WebID URL", opt.Owner)
		}
	}
	root := storage.Key("/" + name + "/")
	if _, err := store.Put(ctx, root, nil, "", storage.Conditions{IfNoneMatch: "*"}); err != nil {
		if errors.Is(err, storage.ErrPrecondition) || errors.Is(err, storage.ErrExist) {
			return "", fmt.Errorf("%w: %s", ErrPodExists, name)
		}
		return "", fmt.Errorf("ldp: create pod %s: %w", name, err)
	}
	if opt.Owner != "" {
		if err := writeOwner(ctx, store, root, opt.Owner); err != nil {
			return "", fmt.Errorf("ldp: create pod %s: %w", name, err)
		}
	}
	if opt.Profile != nil {
		// The documents come before the root ACL: until it exists nobody
		// but the owner (who holds Control) can reach the pod.
		if err := provision(ctx, store, root, opt); err != nil {
			return "", fmt.Errorf("ldp: create pod %s: %w", name, err)
		}
	}
	acl := rootACL(root, opt)
	if _, err := store.Put(ctx, auxKey(root, aclAux), strings.NewReader(acl), "text/turtle", storage.Conditions{}); err != nil {
		return "", fmt.Errorf("ldp: create pod %s: %w", name, err)
	}
	return root, nil
}

// rootACL is the ACL document of a new pod root. IRIs are relative, so the
// pod can move to another host.
func rootACL(root storage.Key, opt PodOptions) string {
	var b strings.Builder
	b.WriteString("@prefix acl: <http://www.w3.org/ns/auth/acl#>.\n@prefix foaf: <http://xmlns.com/foaf/0.1/>.\n")
	if opt.Owner != "" {
		fmt.Fprintf(&b, "\n<#owner> a acl:Authorization;\n  acl:agent <%s>;\n  acl:accessTo <./>;\n  acl:default <./>;\n  acl:mode acl:Read, acl:Write, acl:Control.\n", ownerRef(root, opt, ""))
	}
	if opt.Public {
		b.WriteString("\n<#public> a acl:Authorization;\n  acl:agentClass foaf:Agent;\n  acl:accessTo <./>;\n  acl:default <./>;\n  acl:mode acl:Read, acl:Write, acl:Control.\n")
	}
	return b.String()
}

// ownersKey is the internal container recording who owns each pod. Keys
// under "/.internal/" are never served over HTTP.
const ownersKey = storage.Key("/.internal/owners/")

// writeOwner records webID as the owner of pod.
func writeOwner(ctx context.Context, store storage.Store, pod storage.Key, webID string) error {
	for _, c := range []storage.Key{"/.internal/", ownersKey} {
		if _, err := store.Put(ctx, c, nil, "", storage.Conditions{IfNoneMatch: "*"}); err != nil && !errors.Is(err, storage.ErrPrecondition) {
			return err
		}
	}
	_, err := store.Put(ctx, ownersKey+storage.Key(pod.Name()), strings.NewReader(webID), "text/plain", storage.Conditions{})
	return err
}

// readOwner returns the WebID that owns pod, or "" if none is recorded.
func readOwner(ctx context.Context, store storage.Store, pod storage.Key) (string, error) {
	obj, err := store.Get(ctx, ownersKey+storage.Key(pod.Name()))
	if err != nil {
		if errors.Is(err, storage.ErrNotExist) {
			return "", nil
		}
		return "", err
	}
	defer obj.Close()
	b, err := io.ReadAll(io.LimitReader(obj, 4096))
	return strings.TrimSpace(string(b)), err
}
