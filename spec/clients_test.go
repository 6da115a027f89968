package spec

import (
	"net/http"
	"testing"
	"time"
)

// TestClients proves the server with real third-party Solid clients: the
// scripts in spec/clients (Node.js, pinned npm packages), each as a subtest
// TestClients/SERVER/NAME. When the suite tests Seedpod, they run against
// Seedpod (the root of the disk target's server) and against a Community
// Solid Server 7.2.0 started here (spec/css/start.sh: accounts enabled),
// the reference that shows the scripts themselves are right and the
// identity provider of the cross-provider test. Against an external server
// (-base-url; `make spec-css` runs CSS so) they run against that server's
// root, whose account API they use.
//
//   - creds: creds.mjs creates an account, an email+password login, a pod
//     and client credentials through the CSS v7 account JSON API
//     (GET /.account/ → controls; CSS-Account-Token); the new WebID's
//     profile is publicly readable. Seedpod needs: the account API at
//     /.account/ (oidc/account) and pod provisioning.
//   - node-client: node-client.mjs — @inrupt/solid-client-authn-node logs in
//     with client credentials, @inrupt/solid-client reads and writes, and
//     universalAccess changes access (WAC ACLs). Seedpod needs: the above,
//     the OpenID provider's client credentials grant (/.oidc/token, DPoP),
//     the token verifier, and pods with an owner-only root ACL and a public
//     profile naming the issuer as solid:oidcIssuer.
//   - browser-login: browser-login.mjs — Chromium (playwright-core) logs in
//     through the server's login and consent pages into an app using
//     @inrupt/solid-client-authn-browser, which reads a private file.
//     Seedpod needs: the above, plus the authorization code flow with PKCE,
//     dynamic client registration, the login page (inputs named email and
//     password, a submit button) and the consent page (decision=allow); the
//     selectors are in SELECTORS of browser-login.mjs.
//   - notifications: notifications.mjs — @inrupt/solid-client-notifications
//     receives Create, Update and Delete over WebSocketChannel2023. Seedpod
//     needs: the above (login) and ldp/notify (the storage description
//     listing the subscription service, subscription, websocket).
//
// and TestClients/cross-provider/… (see crossProvider). A missing
// dependency fails the test, naming the make target that installs it:
// `make clients-deps` (npm ci in spec/clients and spec/css) or `make
// chromium`.
func TestClients(t *testing.T) {
	t.Parallel()
	requireNodeDeps(t, clientsDir)
	app := startApp(t)

	type server struct{ name, url, kind string }
	var servers []server
	var css *cssServer
	if disk := diskTarget(); disk != nil {
		css = startCSS(t)
		servers = []server{{"css", css.url, "css"}, {"seedpod", disk.serverRoot(), "seedpod"}}
	} else {
		for _, tg := range targets {
			servers = append(servers, server{tg.name, tg.serverRoot(), tg.name})
		}
	}
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			t.Run("creds", func(t *testing.T) {
				u := createUser(t, s.url)
				resp, err := http.Get(u.WebID)
				if err != nil {
					t.Fatal(err)
				}
				drain(resp.Body)
				if resp.StatusCode != http.StatusOK {
					t.Errorf("anonymous GET of the new WebID %s: %s, want 200 (profiles are public)", u.WebID, resp.Status)
				}
			})
			t.Run("node-client", func(t *testing.T) {
				runNode(t, time.Minute, "", "node-client.mjs", s.url)
			})
			t.Run("browser-login", func(t *testing.T) {
				requireChromium(t)
				runNode(t, 45*time.Second, "", "browser-login.mjs", s.url, app, s.kind)
			})
			t.Run("notifications", func(t *testing.T) {
				runNode(t, time.Minute, "", "notifications.mjs", s.url)
			})
		})
	}
	t.Run("cross-provider", func(t *testing.T) {
		t.Parallel()
		if css == nil {
			// External server: both users on it, a check of the steps.
			for _, s := range servers {
				t.Run(s.name, func(t *testing.T) {
					t.Parallel()
					crossProvider(t, createUser(t, s.url), createUser(t, s.url))
				})
			}
			return
		}
		t.Run("css", func(t *testing.T) {
			// The same steps with both users on CSS: a check of the test
			// itself, which the Seedpod case cannot give until Seedpod has
			// accounts.
			t.Parallel()
			crossProvider(t, createUser(t, css.url), createUser(t, css.url))
		})
		t.Run("seedpod", func(t *testing.T) {
			t.Parallel()
			sp := startSeedpodFetching(t, css.url)
			crossProvider(t, createUser(t, sp), createUser(t, css.url))
		})
	})
}

// diskTarget returns the Seedpod target on disk storage, or nil when the
// suite runs against an external server.
func diskTarget() *target {
	for _, s := range targets {
		if s.name == "disk" && seedpodBin != "" {
			return s
		}
	}
	return nil
}
