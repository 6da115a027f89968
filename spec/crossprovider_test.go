package spec

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// crossProvider checks Solid-OIDC across identity providers: owner a keeps
// a private file in their pod; friend b, whose WebID and identity provider
// may be on another server, logs in there with client credentials
// (@inrupt/solid-client-authn-node, via fetch-as.mjs) and presents that
// provider's DPoP-bound token to a's server. b is refused (403) until a
// writes an ACL granting b's WebID Read (with a's own token), may then read
// but not write, and is refused again once the grant is removed. Anonymous
// requests get 401 throughout.
//
// On Seedpod (TestClients/cross-provider/seedpod: a Seedpod owner, a CSS
// friend) it needs: the account API, the OpenID provider's client
// credentials grant, WAC on ACLs written by the owner, and the token
// verifier accepting another provider's tokens — discovering the issuer's
// keys and checking the issuer against b's WebID profile, both fetched from
// CSS through the SSRF guard, which `--fetch-allow <CSS origin>` opens for
// exactly that origin.
func crossProvider(t *testing.T, a, b clientUser) {
	var rnd [4]byte
	rand.Read(rnd[:])
	res := a.Pod + "shared-" + hex.EncodeToString(rnd[:]) + "/note.txt"
	content := "for my friend " + hex.EncodeToString(rnd[:])
	t.Logf("owner %s (issuer %s), friend %s (issuer %s), resource %s", a.WebID, a.Issuer, b.WebID, b.Issuer, res)

	out := fetchAs(t, a, fetchReq{Method: "PUT", URL: res, Headers: map[string]string{"Content-Type": "text/plain"}, Body: content},
		fetchReq{Method: "HEAD", URL: res})
	wantFetchStatus(t, "owner's PUT", out[0], 200, 201, 204)
	wantFetchStatus(t, "owner's HEAD", out[1], 200)
	acl := linkTarget(t, out[1], res, "acl")

	anonymous := func() {
		t.Helper()
		resp, err := http.Get(res)
		if err != nil {
			t.Fatal(err)
		}
		drain(resp.Body)
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("anonymous GET %s: %s, want 401", res, resp.Status)
		}
	}
	anonymous()
	out = fetchAs(t, b, fetchReq{Method: "GET", URL: res})
	wantFetchStatus(t, "friend's GET before the grant", out[0], 403)

	putACL := func(friend bool) {
		t.Helper()
		doc := fmt.Sprintf(`@prefix acl: <http://www.w3.org/ns/auth/acl#>.
<#owner> a acl:Authorization; acl:agent <%s>; acl:accessTo <%s>; acl:mode acl:Read, acl:Write, acl:Control.
`, a.WebID, res)
		if friend {
			doc += fmt.Sprintf("<#friend> a acl:Authorization; acl:agent <%s>; acl:accessTo <%s>; acl:mode acl:Read.\n", b.WebID, res)
		}
		out := fetchAs(t, a, fetchReq{Method: "PUT", URL: acl, Headers: map[string]string{"Content-Type": "text/turtle"}, Body: doc})
		wantFetchStatus(t, "owner's PUT of the ACL", out[0], 200, 201, 204, 205)
	}
	putACL(true)
	out = fetchAs(t, b, fetchReq{Method: "GET", URL: res},
		fetchReq{Method: "PUT", URL: res, Headers: map[string]string{"Content-Type": "text/plain"}, Body: "overwritten"})
	wantFetchStatus(t, "friend's GET with the grant", out[0], 200)
	if out[0].Body != content {
		t.Errorf("friend's GET with the grant read %q, want %q", out[0].Body, content)
	}
	wantFetchStatus(t, "friend's PUT with a Read grant", out[1], 403)
	anonymous()

	putACL(false)
	out = fetchAs(t, b, fetchReq{Method: "GET", URL: res})
	wantFetchStatus(t, "friend's GET after the grant is removed", out[0], 403)
	out = fetchAs(t, a, fetchReq{Method: "GET", URL: res})
	wantFetchStatus(t, "owner's GET", out[0], 200)
	if out[0].Body != content {
		t.Errorf("owner's GET read %q, want %q (the friend's PUT must not have changed it)", out[0].Body, content)
	}
}

// A fetchReq is one request for fetch-as.mjs.
type fetchReq struct {
	Method  string            `json:"method"`
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    string            `json:"body,omitempty"`
}

// A fetchRes is what fetch-as.mjs reports of a response.
type fetchRes struct {
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"`
	req     fetchReq
}

// fetchAs sends reqs, in order, as user u logged in with client credentials
// at u's issuer, and returns the responses.
func fetchAs(t testing.TB, u clientUser, reqs ...fetchReq) []fetchRes {
	t.Helper()
	in, err := json.Marshal(map[string]any{"issuer": u.Issuer, "id": u.ID, "secret": u.Secret, "requests": reqs})
	if err != nil {
		t.Fatal(err)
	}
	var out []fetchRes
	b, _, took := runNodeQuiet(t, 30*time.Second, string(in), "fetch-as.mjs")
	if json.Unmarshal(b, &out) != nil || len(out) != len(reqs) {
		t.Fatalf("fetch-as.mjs printed %s, want %d responses", b, len(reqs))
	}
	for i := range out {
		out[i].req = reqs[i]
		t.Logf("as %s: %s %s → %d (fetch-as.mjs, %v)", u.WebID, reqs[i].Method, reqs[i].URL, out[i].Status, took)
	}
	return out
}

// wantFetchStatus fails t unless r's status is one of want.
func wantFetchStatus(t testing.TB, what string, r fetchRes, want ...int) {
	t.Helper()
	if !slices.Contains(want, r.Status) {
		body := r.Body
		if len(body) > 300 {
			body = body[:300] + "…"
		}
		t.Fatalf("%s: %s %s answered %d, want %v; body: %s", what, r.req.Method, r.req.URL, r.Status, want, body)
	}
}

// linkTarget returns the single target of r's Link rel=rel, resolved
// against the request URL u.
func linkTarget(t testing.TB, r fetchRes, u, rel string) string {
	t.Helper()
	base, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	var ts []string
	for _, l := range parseLinks(http.Header{"Link": {r.Headers["link"]}}, base) {
		if l.has(rel, "") {
			ts = append(ts, l.uri)
		}
	}
	if len(ts) != 1 {
		t.Fatalf("%s %s: Link rel=%q targets %q, want one; Link: %s", r.req.Method, u, rel, ts, r.Headers["link"])
	}
	return ts[0]
}

// startSeedpodFetching serves a new, empty Seedpod on disk whose SSRF guard
// lets it fetch from the origin of allowURL (--fetch-allow), for the
// cross-provider test, and returns its root URL; t's cleanup stops it.
func startSeedpodFetching(t testing.TB, allowURL string) string {
	t.Helper()
	origin := strings.TrimSuffix(allowURL, "/")
	sp, err := serveSeedpod(seedpodBin, backend{name: "cross-provider", flags: []string{
		"--s3-endpoint=", "--data", filepath.Join(t.TempDir(), "data"), "--fetch-allow", origin,
	}})
	if err != nil {
		t.Fatalf("starting Seedpod with --fetch-allow %s (this flag comes with the accounts and OpenID provider work): %v", origin, err)
	}
	t.Cleanup(func() {
		sp.stop()
		if t.Failed() {
			t.Logf("--- seedpod serve log (cross-provider) ---\n%s", sp.log.String())
		}
	})
	return sp.target.serverRoot()
}
