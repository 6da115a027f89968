package spec

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/seedpod/seedpod/clients/pod"
)

// Users of the server under test, made the way a script or the Solid
// conformance harness makes them: through the account JSON API of the
// Community Solid Server v7 (which Seedpod implements too), then logged in
// with client credentials and DPoP (Solid-OIDC §5, RFC 9449), by
// clients/pod. Nothing here knows which server it talks to.

// A user is an account with one pod on the target, and a target whose
// client sends every request as that user.
type user struct {
	webID string
	pod   string    // the pod's root container URL
	as    *target   // requests sent through as carry the user's token
	login *pod.User // the user's access token and DPoP key
}

// newUser creates an account with a fresh pod on s and logs it in with
// client credentials.
func (s *target) newUser(t testing.TB) *user {
	t.Helper()
	u, err := pod.SignUp(context.Background(), s.client, s.serverRoot())
	if err != nil {
		t.Fatal(err)
	}
	as, err := newTarget(s.name, s.base.String())
	if err != nil {
		t.Fatal(err)
	}
	as.maxBody = s.maxBody
	as.client = &http.Client{
		Transport:     u.Transport(http.DefaultTransport),
		CheckRedirect: s.client.CheckRedirect,
		Timeout:       s.client.Timeout,
	}
	return &user{webID: u.WebID, pod: u.Pod, as: as, login: u}
}

// serverRoot is the root of the server holding the base container: where
// the account API, the provider and /.well-known live.
func (s *target) serverRoot() string {
	return (&url.URL{Scheme: s.base.Scheme, Host: s.base.Host, Path: "/"}).String()
}

// dpopProof signs a fresh DPoP proof (RFC 9449 §4.2) of u for method and
// htu, for tests that send it themselves.
func dpopProof(t testing.TB, u *user, method, htu string) string {
	t.Helper()
	p, err := u.login.Proof(method, htu, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return p
}
