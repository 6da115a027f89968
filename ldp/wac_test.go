package ldp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seedpod/seedpod/clients/fetch"
	"github.com/seedpod/seedpod/oidc"
	"github.com/seedpod/seedpod/storage"
	"github.com/seedpod/seedpod/storage/disk"
)

const (
	aliceID = "https://alice.example/profile#me"
	bobID   = "https://bob.example/profile#me"
)

// wacServer is a Handler over a disk store with a private pod "alice"
// owned by aliceID. Tests act as an agent by naming it in the request's
// context, through testAgent: the same interface the token verifier fills.
type wacServer struct {
	*httptest.Server
	store storage.Store
}

// asAgent is a test-only request option: the WebID the request acts as.
type asAgent string

func newWACServer(t *testing.T) *wacServer {
	t.Helper()
	st, err := disk.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := CreatePod(ctx, st, "alice", PodOptions{Owner: aliceID}); err != nil {
		t.Fatal(err)
	}
	h, err := New(Config{Store: st, BaseURL: "https://pod.example/"})
	if err != nil {
		t.Fatal(err)
	}
	// The agent comes from the test, in-process; over the wire no header
	// can claim one.
	withAgent := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id := r.Header.Get(testAgentHeader); id != "" {
			r = r.WithContext(oidc.NewContext(r.Context(), oidc.Agent{WebID: id}))
		}
		h.ServeHTTP(w, r)
	})
	ws := &wacServer{Server: httptest.NewServer(withAgent), store: st}
	t.Cleanup(ws.Close)
	return ws
}

const testAgentHeader = "X-Test-Only-Agent"

// put writes a resource straight to storage, as the server itself would.
func (ws *wacServer) put(t *testing.T, key, ct, body string) {
	t.Helper()
	ctx := context.Background()
	k := storage.Key(key)
	var ancestors []storage.Key
	for c, ok := k.Parent(); ok && c != "/"; c, ok = c.Parent() {
		ancestors = append([]storage.Key{c}, ancestors...)
	}
	for _, c := range ancestors {
		if _, err := ws.store.Put(ctx, c, nil, "", storage.Conditions{IfNoneMatch: "*"}); err != nil && !errors.Is(err, storage.ErrPrecondition) {
			t.Fatal(err)
		}
	}
	var rd *strings.Reader
	if !k.IsContainer() {
		rd = strings.NewReader(body)
	}
	var err error
	if rd == nil {
		_, err = ws.store.Put(ctx, k, nil, "", storage.Conditions{})
	} else {
		_, err = ws.store.Put(ctx, k, rd, ct, storage.Conditions{})
	}
	if err != nil {
		t.Fatal(err)
	}
}

func (ws *wacServer) do(t *testing.T, agent, method, path, body string, hdr ...string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(method, ws.URL+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "text/turtle")
	}
	if agent != "" {
		req.Header.Set(testAgentHeader, agent)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// aclFor returns an ACL document for container /alice/c/ granting bob
// onContainer through acl:accessTo and onChildren through acl:default.
func aclFor(onContainer, onChildren string) string {
	var b strings.Builder
	b.WriteString("@prefix acl: <http://www.w3.org/ns/auth/acl#>.\n")
	if onContainer != "" {
		fmt.Fprintf(&b, "<#c> a acl:Authorization; acl:agent <%s>; acl:accessTo <./>; acl:mode %s.\n", bobID, onContainer)
	}
	if onChildren != "" {
		fmt.Fprintf(&b, "<#d> a acl:Authorization; acl:agent <%s>; acl:default <./>; acl:mode %s.\n", bobID, onChildren)
	}
	return b.String()
}

// TestPermissionTable is the WAC truth table: method × target × whether it
// exists × the modes bob holds on the container (parent) and, by
// inheritance, on its children → status.
func TestPermissionTable(t *testing.T) {
	const (
		R = "acl:Read"
		A = "acl:Append"
		W = "acl:Write"
		C = "acl:Control"
	)
	tests := []struct {
		name          string
		agent         string
		method, path  string
		exists        bool   // /alice/c/t exists before the request
		parent, child string // modes on /alice/c/ and inherited by its children
		want          int
	}{
		{"read existing with Read", bobID, "GET", "/alice/c/t", true, "", R, 200},
		{"read existing without Read", bobID, "GET", "/alice/c/t", true, R, A, 403},
		{"read existing anonymously", "", "GET", "/alice/c/t", true, R, R, 401},
		{"head existing with Read", bobID, "HEAD", "/alice/c/t", true, "", R, 200},
		{"read missing with Read", bobID, "GET", "/alice/c/t", false, "", R, 404},
		{"read missing, parent readable", bobID, "GET", "/alice/c/t", false, R, "", 404},
		{"read missing, nothing readable", bobID, "GET", "/alice/c/t", false, "", "", 403},
		{"read missing, anonymous", "", "GET", "/alice/c/t", false, "", "", 401},
		{"replace with Write", bobID, "PUT", "/alice/c/t", true, "", W, 204},
		{"replace with Append only", bobID, "PUT", "/alice/c/t", true, W, A, 403},
		{"create with Append on parent", bobID, "PUT", "/alice/c/t", false, A, "", 201},
		{"create with Write on parent", bobID, "PUT", "/alice/c/t", false, W, "", 201},
		{"create with Read on parent", bobID, "PUT", "/alice/c/t", false, R, W, 403},
		{"create deep: Append on parent only", bobID, "PUT", "/alice/c/x/y/t", false, A, "", 403},
		{"create deep: Append inherited too", bobID, "PUT", "/alice/c/x/y/t", false, A, A, 201},
		{"post with Append", bobID, "POST", "/alice/c/", false, A, "", 201},
		{"post with Read", bobID, "POST", "/alice/c/", false, R, "", 403},
		{"post anonymously", "", "POST", "/alice/c/", false, R, "", 401},
		{"delete with Write on both", bobID, "DELETE", "/alice/c/t", true, W, W, 204},
		{"delete with Write on target only", bobID, "DELETE", "/alice/c/t", true, R, W, 403},
		{"delete with Write on parent only", bobID, "DELETE", "/alice/c/t", true, W, R, 403},
		{"delete missing, parent readable", bobID, "DELETE", "/alice/c/t", false, "acl:Read, acl:Write", W, 404},
		{"read ACL with Control", bobID, "GET", "/alice/c/t.acl", true, "", C, 404},
		{"read ACL with Write only", bobID, "GET", "/alice/c/t.acl", true, "", W, 403},
		{"write ACL with Control", bobID, "PUT", "/alice/c/t.acl", true, "", C, 201},
		{"write ACL without Control", bobID, "PUT", "/alice/c/t.acl", true, "", "acl:Read, acl:Write", 403},
		{"read container ACL with Control", bobID, "GET", "/alice/c/.acl", true, C, "", 200},
		{"owner reads ACL without any rule", aliceID, "GET", "/alice/c/.acl", true, "", "", 200},
		{"owner writes ACL without any rule", aliceID, "PUT", "/alice/c/.acl", true, "", "", 204},
		{"owner cannot read data without a rule", aliceID, "GET", "/alice/c/t", true, "", "", 403},
		{"read description with Read on subject", bobID, "GET", "/alice/c/t.meta", true, "", R, 404},
		{"write description needs Write on subject", bobID, "PUT", "/alice/c/t.meta", true, "", A, 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := newWACServer(t)
			ws.put(t, "/alice/c/", "", "")
			ws.put(t, "/alice/c/.acl", "text/turtle", aclFor(tt.parent, tt.child))
			if tt.exists {
				ws.put(t, "/alice/c/t", "text/turtle", "<a> <b> <c> .")
			}
			body := ""
			if tt.method == "PUT" || tt.method == "POST" {
				body = "<#x> <http://ex/p> <#y> ."
				if strings.HasSuffix(tt.path, ".acl") {
					body = aclFor("", "acl:Read")
				}
			}
			resp := ws.do(t, tt.agent, tt.method, tt.path, body)
			if resp.StatusCode != tt.want {
				t.Errorf("%s %s as %q = %d, want %d", tt.method, tt.path, tt.agent, resp.StatusCode, tt.want)
			}
			if resp.StatusCode == 401 && resp.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("401 without WWW-Authenticate")
			}
		})
	}
}

func TestAspectMembershipGrantsAndRevokesAtOnce(t *testing.T) {
	ws := newWACServer(t)
	// The group document is private to alice: the server reads it itself.
	ws.put(t, "/alice/aspects/", "", "")
	ws.put(t, "/alice/aspects/.acl", "text/turtle", `@prefix acl: <http://www.w3.org/ns/auth/acl#>.
<#o> a acl:Authorization; acl:agent <`+aliceID+`>; acl:accessTo <./>; acl:default <./>; acl:mode acl:Read, acl:Write.`)
	friends := `@prefix vcard: <http://www.w3.org/2006/vcard/ns#>.
<#group> a vcard:Group; vcard:hasMember <` + bobID + `>.`
	ws.put(t, "/alice/aspects/friends", "text/turtle", friends)
	ws.put(t, "/alice/posts/", "", "")
	ws.put(t, "/alice/posts/.acl", "text/turtle", `@prefix acl: <http://www.w3.org/ns/auth/acl#>.
<#friends> a acl:Authorization; acl:agentGroup </alice/aspects/friends#group>;
  acl:accessTo <./>; acl:default <./>; acl:mode acl:Read.`)
	ws.put(t, "/alice/posts/1", "text/turtle", "<#p> <http://ex/says> \"hi\" .")

	if got := ws.do(t, bobID, "GET", "/alice/posts/1", "").StatusCode; got != 200 {
		t.Fatalf("member reads post: %d, want 200", got)
	}
	if got := ws.do(t, bobID, "GET", "/alice/aspects/friends", "").StatusCode; got != 403 {
		t.Errorf("member reads the private group document: %d, want 403", got)
	}
	// Alice removes bob from Friends, over HTTP: revoked at once.
	resp := ws.do(t, aliceID, "PUT", "/alice/aspects/friends", `@prefix vcard: <http://www.w3.org/2006/vcard/ns#>. <#group> a vcard:Group.`)
	if resp.StatusCode != 204 {
		t.Fatalf("alice rewrites the group: %d", resp.StatusCode)
	}
	if got := ws.do(t, bobID, "GET", "/alice/posts/1", "").StatusCode; got != 403 {
		t.Errorf("after removal, bob reads post: %d, want 403", got)
	}
	// Added again, then the group deleted: granted, then revoked.
	ws.do(t, aliceID, "PUT", "/alice/aspects/friends", friends)
	if got := ws.do(t, bobID, "GET", "/alice/posts/1", "").StatusCode; got != 200 {
		t.Errorf("after re-adding, bob reads post: %d, want 200", got)
	}
	ws.do(t, aliceID, "DELETE", "/alice/aspects/friends", "")
	if got := ws.do(t, bobID, "GET", "/alice/posts/1", "").StatusCode; got != 403 {
		t.Errorf("after deleting the group, bob reads post: %d, want 403", got)
	}
}

func TestOriginRestrictsRules(t *testing.T) {
	ws := newWACServer(t)
	ws.put(t, "/alice/c/", "", "")
	ws.put(t, "/alice/c/.acl", "text/turtle", `@prefix acl: <http://www.w3.org/ns/auth/acl#>.
<#app> a acl:Authorization; acl:agent <`+bobID+`>; acl:origin <https://app.example>;
  acl:accessTo <./>; acl:default <./>; acl:mode acl:Read.`)
	ws.put(t, "/alice/c/t", "text/turtle", "<a> <b> <c> .")
	tests := []struct {
		origin string
		want   int
	}{
		{"https://app.example", 200},
		{"https://evil.example", 403},
		{"", 200},
	}
	for _, tt := range tests {
		if got := ws.do(t, bobID, "GET", "/alice/c/t", "", "Origin", tt.origin).StatusCode; got != tt.want {
			t.Errorf("GET with Origin %q = %d, want %d", tt.origin, got, tt.want)
		}
	}
}

func TestWACAllowHeader(t *testing.T) {
	ws := newWACServer(t)
	ws.put(t, "/alice/c/", "", "")
	ws.put(t, "/alice/c/.acl", "text/turtle", `@prefix acl: <http://www.w3.org/ns/auth/acl#>.
<#pub> a acl:Authorization; acl:agentClass <http://xmlns.com/foaf/0.1/Agent>; acl:accessTo <./>; acl:default <./>; acl:mode acl:Read.
<#bob> a acl:Authorization; acl:agent <`+bobID+`>; acl:accessTo <./>; acl:default <./>; acl:mode acl:Write.`)
	ws.put(t, "/alice/c/t", "text/turtle", "<a> <b> <c> .")
	resp := ws.do(t, bobID, "GET", "/alice/c/t", "")
	if got, want := resp.Header.Get("WAC-Allow"), `user="read write append",public="read"`; got != want {
		t.Errorf("WAC-Allow = %q, want %q", got, want)
	}
}

func TestMalformedStoredACLDenies(t *testing.T) {
	ws := newWACServer(t)
	ws.put(t, "/alice/c/", "", "")
	ws.put(t, "/alice/c/.acl", "text/turtle", aclFor("", "acl:Read"))
	ws.put(t, "/alice/c/t", "text/turtle", "<a> <b> <c> .")
	// A broken own ACL must not fall back to the container's grants.
	ws.put(t, "/alice/c/t.acl", "text/turtle", "this is not turtle")
	if got := ws.do(t, bobID, "GET", "/alice/c/t", "").StatusCode; got == 200 {
		t.Errorf("GET under a malformed ACL = 200, want a denial")
	}
}

func TestMalformedACLIsRefusedOnWrite(t *testing.T) {
	ws := newWACServer(t)
	resp := ws.do(t, aliceID, "PUT", "/alice/.acl", "<#x> a <http://www.w3.org/ns/auth/acl#Authorization>; <http://www.w3.org/ns/auth/acl#mode> \"Read\" .")
	if resp.StatusCode != 400 {
		t.Errorf("PUT of an ACL with a literal mode = %d, want 400", resp.StatusCode)
	}
}

// TestRemoteGroupGoesThroughTheGuard serves a group document from another
// (loopback) server: refused by the SSRF guard by default, so the group
// grants nothing, and used once that origin is allowed by configuration.
func TestRemoteGroupGoesThroughTheGuard(t *testing.T) {
	remote := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/turtle")
		fmt.Fprintf(w, "<#team> <http://www.w3.org/2006/vcard/ns#hasMember> <%s> .", bobID)
	}))
	defer remote.Close()
	for _, tt := range []struct {
		name  string
		allow []string
		want  int
	}{
		{"private address refused", nil, 403},
		{"allowed origin", []string{remote.URL}, 200},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := disk.New(t.TempDir())
			ctx := context.Background()
			CreatePod(ctx, st, "alice", PodOptions{Owner: aliceID})
			guard, err := fetch.New(fetch.Config{Allow: tt.allow, Timeout: 2 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			h, _ := New(Config{Store: st, BaseURL: "https://pod.example/", FetchGroup: FetchRDF(guard)})
			st.Put(ctx, "/alice/.acl", strings.NewReader(`@prefix acl: <http://www.w3.org/ns/auth/acl#>.
<#team> a acl:Authorization; acl:agentGroup <`+remote.URL+`/team#team>; acl:accessTo <./>; acl:default <./>; acl:mode acl:Read.`), "text/turtle", storage.Conditions{})
			st.Put(ctx, "/alice/doc", strings.NewReader("<a> <b> <c> ."), "text/turtle", storage.Conditions{})
			req := httptest.NewRequest("GET", "/alice/doc", nil)
			req = req.WithContext(oidc.NewContext(req.Context(), oidc.Agent{WebID: bobID}))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.want {
				t.Errorf("GET as a member of a remote group = %d, want %d", rec.Code, tt.want)
			}
		})
	}
}

// TestRevalidationSeesChangesFromAnotherProcess runs two Handlers over one
// store, as two processes sharing MinIO do: a change through one reaches
// the other's cached ACL within Config.Revalidate.
func TestRevalidationSeesChangesFromAnotherProcess(t *testing.T) {
	st, _ := disk.New(t.TempDir())
	ctx := context.Background()
	CreatePod(ctx, st, "alice", PodOptions{Owner: aliceID})
	st.Put(ctx, "/alice/doc", strings.NewReader("<a> <b> <c> ."), "text/turtle", storage.Conditions{})
	grant := func(mode string) {
		if _, err := st.Put(ctx, "/alice/.acl", strings.NewReader(`@prefix acl: <http://www.w3.org/ns/auth/acl#>.
<#b> a acl:Authorization; acl:agent <`+bobID+`>; acl:accessTo <./>; acl:default <./>; acl:mode `+mode+`.`), "text/turtle", storage.Conditions{}); err != nil {
			t.Fatal(err)
		}
	}
	grant("acl:Read")
	other, _ := New(Config{Store: st, BaseURL: "https://pod.example/", Revalidate: 20 * time.Millisecond})
	get := func() int {
		req := httptest.NewRequest("GET", "/alice/doc", nil)
		req = req.WithContext(oidc.NewContext(req.Context(), oidc.Agent{WebID: bobID}))
		rec := httptest.NewRecorder()
		other.ServeHTTP(rec, req)
		return rec.Code
	}
	if got := get(); got != 200 {
		t.Fatalf("bob reads with Read granted: %d", got)
	}
	grant("acl:Append") // written behind the other handler's back
	time.Sleep(30 * time.Millisecond)
	if got := get(); got != 403 {
		t.Errorf("after revocation through another process, bob reads: %d, want 403", got)
	}
}

// countingStore counts Stat calls, to see how often caches ask storage.
type countingStore struct {
	storage.Store
	mu    sync.Mutex
	stats int
}

func (c *countingStore) Stat(ctx context.Context, k storage.Key) (storage.Info, error) {
	c.mu.Lock()
	c.stats++
	c.mu.Unlock()
	return c.Store.Stat(ctx, k)
}

// TestRevalidationAsksStorageOncePerWindow: with Revalidate set, a hot
// path confirms each cached ACL at most once per window, not per request.
func TestRevalidationAsksStorageOncePerWindow(t *testing.T) {
	st, _ := disk.New(t.TempDir())
	ctx := context.Background()
	CreatePod(ctx, st, "alice", PodOptions{Public: true})
	st.Put(ctx, "/alice/doc", strings.NewReader("<a> <b> <c> ."), "text/turtle", storage.Conditions{})
	cs := &countingStore{Store: st}
	h, _ := New(Config{Store: cs, BaseURL: "https://pod.example/", Revalidate: 50 * time.Millisecond})
	get := func() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/alice/doc", nil))
		if rec.Code != 200 {
			t.Fatalf("GET = %d", rec.Code)
		}
	}
	get()
	time.Sleep(60 * time.Millisecond)
	cs.stats = 0
	for range 100 {
		get()
	}
	// Two ACL lookups (the document's own, absent, and the pod's) are
	// confirmed once each after the window passed.
	if cs.stats > 2 {
		t.Errorf("100 GETs after the window made %d Stat calls, want at most 2", cs.stats)
	}
}
