package spec

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

// TestClients proves the server with real third-party Solid clients: the
// scripts in spec/clients (Node.js, pinned npm packages) against the
// Community Solid Server 7.2.0 — the reference, which shows that the scripts
// themselves are right — and against Seedpod, whose disk target's root the
// suite started (not when the suite runs against an external -base-url).
// Subtests, as TestClients/SERVER/NAME:
//
//   - creds: creds.mjs creates an account, an email+password login, a pod
//     and client credentials through the CSS v7 account JSON API
//     (GET /.account/ → controls; CSS-Account-Token). Seedpod needs: the
//     account API at /.account/ (oidc/account), pods with WebID profiles.
//   - node-client: node-client.mjs — @inrupt/solid-client-authn-node logs in
//     with client credentials, @inrupt/solid-client reads and writes, and
//     universalAccess changes access (WAC ACLs). Seedpod needs: the account
//     API, the OpenID provider's client credentials grant (/.oidc/token,
//     DPoP), the token verifier, pod provisioning (owner-only root ACL,
//     public profile with solid:oidcIssuer).
//   - browser-login: browser-login.mjs — Chromium (playwright-core) logs in
//     through the server's login and consent pages into an app using
//     @inrupt/solid-client-authn-browser, which reads a private file.
//     Seedpod needs: the above, plus the authorization code flow with PKCE,
//     dynamic client registration, the login page (inputs named email and
//     password, a submit button) and the consent page (a button named or
//     valued "approve"); selectors in SELECTORS of browser-login.mjs.
//   - notifications: notifications.mjs — @inrupt/solid-client-notifications
//     receives Create, Update, Delete over WebSocketChannel2023. Seedpod
//     needs: the above (login) and ldp/notify (storage description with the
//     subscription service, subscription, websocket).
//
// and TestClients/cross-provider/… (see crossProvider). Missing
// dependencies fail the test naming the make target that installs them:
// `make clients-deps` (npm ci in spec/clients and spec/css) and `make
// chromium`.
func TestClients(t *testing.T) {
	t.Parallel()
	requireNodeDeps(t, clientsDir)
	css := startCSS(t)
	app := startApp(t)

	type server struct{ name, url, kind string }
	servers := []server{{name: "css", url: css.url, kind: "css"}}
	if disk := diskTarget(); disk != nil {
		servers = append(servers, server{name: "seedpod", url: serverRoot(disk.base), kind: "seedpod"})
	} else {
		t.Logf("no Seedpod target (the suite runs against -base-url): the client scripts run against CSS only")
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
		t.Run("css", func(t *testing.T) {
			// The same steps with both users on CSS: a check of the test
			// itself, which the Seedpod case cannot give until Seedpod has
			// accounts.
			t.Parallel()
			crossProvider(t, createUser(t, css.url), createUser(t, css.url))
		})
		if seedpodBin == "" {
			return
		}
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

// serverRoot returns the root URL of the server of a Seedpod target: its
// base is the pod B/spec/ of the server at B.
func serverRoot(base *url.URL) string {
	return base.ResolveReference(&url.URL{Path: "../"}).String()
}
