package ldp

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/seedpod/seedpod/ldp/rdf"
	"github.com/seedpod/seedpod/oidc"
	"github.com/seedpod/seedpod/storage/disk"
)

const provBase = "https://pod.example/"

// newProvisionedServer serves a pod "alice" created for an account, with
// the test agent header of wac_test.go.
func newProvisionedServer(t *testing.T, name string) *httptest.Server {
	t.Helper()
	st, err := disk.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	owner := provBase + "alice/profile/card#me"
	if _, err := CreatePod(context.Background(), st, "alice", PodOptions{Owner: owner, Profile: &Profile{Issuer: provBase, Name: name}}); err != nil {
		t.Fatal(err)
	}
	h, err := New(Config{Store: st, BaseURL: provBase})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id := r.Header.Get(testAgentHeader); id != "" {
			r = r.WithContext(oidc.NewContext(r.Context(), oidc.Agent{WebID: id}))
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func provDo(t *testing.T, srv *httptest.Server, agent, method, path, ct, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	req.Header.Set("Accept", "text/turtle")
	if agent != "" {
		req.Header.Set(testAgentHeader, agent)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestProvisionedPodAccess(t *testing.T) {
	srv := newProvisionedServer(t, "")
	owner := provBase + "alice/profile/card#me"
	stranger := "https://other.example/profile#me"
	tests := []struct {
		agent, method, path string
		want                int
	}{
		{"", "GET", "/alice/profile/card", 200},
		{"", "GET", "/alice/settings/publicTypeIndex.ttl", 200},
		{"", "GET", "/alice/public/", 200},
		{"", "GET", "/alice/", 401},
		{"", "GET", "/alice/inbox/", 401},
		{"", "GET", "/alice/private/", 401},
		{"", "GET", "/alice/settings/prefs.ttl", 401},
		{"", "GET", "/alice/settings/privateTypeIndex.ttl", 401},
		{"", "PUT", "/alice/profile/card", 401},
		{"", "PUT", "/alice/public/x.ttl", 401},
		{stranger, "GET", "/alice/inbox/", 403},
		{stranger, "GET", "/alice/private/", 403},
		{stranger, "GET", "/alice/profile/card.acl", 403},
		{owner, "GET", "/alice/", 200},
		{owner, "GET", "/alice/inbox/", 200},
		{owner, "GET", "/alice/private/", 200},
		{owner, "GET", "/alice/settings/prefs.ttl", 200},
		{owner, "GET", "/alice/settings/privateTypeIndex.ttl", 200},
		{owner, "GET", "/alice/profile/card.acl", 200},
		{owner, "GET", "/alice/.acl", 200},
		{owner, "PUT", "/alice/private/note.ttl", 201},
		{owner, "PUT", "/alice/public/x.ttl", 201},
	}
	for _, tt := range tests {
		body := ""
		ct := ""
		if tt.method == "PUT" {
			body, ct = "<#a> <#b> <#c>.", "text/turtle"
		}
		if got, msg := provDo(t, srv, tt.agent, tt.method, tt.path, ct, body); got != tt.want {
			t.Errorf("%s %s as %q = %d (%s), want %d", tt.method, tt.path, tt.agent, got, msg, tt.want)
		}
	}
	// Anyone may post to the inbox, but not read what was posted.
	status, _ := provDo(t, srv, "", "POST", "/alice/inbox/", "text/turtle", "<#n> a <https://www.w3.org/ns/activitystreams#Note>.")
	if status != 201 {
		t.Fatalf("anonymous POST to the inbox = %d, want 201", status)
	}
	if got, _ := provDo(t, srv, stranger, "POST", "/alice/inbox/", "text/turtle", "<#n> a <#x>."); got != 201 {
		t.Errorf("POST to the inbox as a stranger = %d, want 201", got)
	}
	if got, _ := provDo(t, srv, "", "DELETE", "/alice/inbox/", "", ""); got != 401 {
		t.Errorf("anonymous DELETE of the inbox = %d, want 401", got)
	}
}

func TestProvisionedProfile(t *testing.T) {
	srv := newProvisionedServer(t, `Alice "Al" Liddell`)
	status, body := provDo(t, srv, "", "GET", "/alice/profile/card", "", "")
	if status != 200 {
		t.Fatalf("GET profile = %d", status)
	}
	g, err := rdf.Parse(strings.NewReader(body), "text/turtle", provBase+"alice/profile/card")
	if err != nil {
		t.Fatalf("profile does not parse: %v\n%s", err, body)
	}
	const (
		me     = provBase + "alice/profile/card#me"
		doc    = provBase + "alice/profile/card"
		rdfTyp = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
		foaf   = "http://xmlns.com/foaf/0.1/"
		solid  = "http://www.w3.org/ns/solid/terms#"
		pim    = "http://www.w3.org/ns/pim/space#"
	)
	want := []rdf.Triple{
		{S: rdf.IRI(me), P: rdf.IRI(rdfTyp), O: rdf.IRI(foaf + "Person")},
		{S: rdf.IRI(me), P: rdf.IRI(rdfTyp), O: rdf.IRI("http://schema.org/Person")},
		{S: rdf.IRI(me), P: rdf.IRI(solid + "oidcIssuer"), O: rdf.IRI(provBase)},
		{S: rdf.IRI(me), P: rdf.IRI(pim + "storage"), O: rdf.IRI(provBase + "alice/")},
		{S: rdf.IRI(me), P: rdf.IRI("http://www.w3.org/ns/ldp#inbox"), O: rdf.IRI(provBase + "alice/inbox/")},
		{S: rdf.IRI(me), P: rdf.IRI(pim + "preferencesFile"), O: rdf.IRI(provBase + "alice/settings/prefs.ttl")},
		{S: rdf.IRI(me), P: rdf.IRI(solid + "publicTypeIndex"), O: rdf.IRI(provBase + "alice/settings/publicTypeIndex.ttl")},
		{S: rdf.IRI(me), P: rdf.IRI(foaf + "name"), O: rdf.Literal{Value: `Alice "Al" Liddell`}},
		{S: rdf.IRI(doc), P: rdf.IRI(rdfTyp), O: rdf.IRI(foaf + "PersonalProfileDocument")},
		{S: rdf.IRI(doc), P: rdf.IRI(foaf + "maker"), O: rdf.IRI(me)},
		{S: rdf.IRI(doc), P: rdf.IRI(foaf + "primaryTopic"), O: rdf.IRI(me)},
	}
	for _, tr := range want {
		if !slices.Contains(g.Triples, tr) {
			t.Errorf("profile lacks %v\n%s", tr, body)
		}
	}
	owner := me
	_, prefs := provDo(t, srv, owner, "GET", "/alice/settings/prefs.ttl", "", "")
	pg, err := rdf.Parse(strings.NewReader(prefs), "text/turtle", provBase+"alice/settings/prefs.ttl")
	if err != nil {
		t.Fatal(err)
	}
	if tr := (rdf.Triple{S: rdf.IRI(me), P: rdf.IRI(solid + "privateTypeIndex"), O: rdf.IRI(provBase + "alice/settings/privateTypeIndex.ttl")}); !slices.Contains(pg.Triples, tr) {
		t.Errorf("prefs lack %v\n%s", tr, prefs)
	}
	for path, class := range map[string]string{"publicTypeIndex.ttl": "ListedDocument", "privateTypeIndex.ttl": "UnlistedDocument"} {
		_, b := provDo(t, srv, owner, "GET", "/alice/settings/"+path, "", "")
		ig, err := rdf.Parse(strings.NewReader(b), "text/turtle", provBase+"alice/settings/"+path)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []string{"TypeIndex", class} {
			if tr := (rdf.Triple{S: rdf.IRI(provBase + "alice/settings/" + path), P: rdf.IRI(rdfTyp), O: rdf.IRI(solid + c)}); !slices.Contains(ig.Triples, tr) {
				t.Errorf("%s lacks %v", path, tr)
			}
		}
	}
	// The ACLs name the owner relatively, so the pod can move hosts.
	_, rootACL := provDo(t, srv, owner, "GET", "/alice/.acl", "", "")
	if strings.Contains(rootACL, provBase) {
		t.Errorf("root ACL has an absolute IRI:\n%s", rootACL)
	}
}

func TestProvisionRefusesForeignOwner(t *testing.T) {
	st, err := disk.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_, err = CreatePod(ctx, st, "bob", PodOptions{Owner: "https://x.example/profile#me", Profile: &Profile{Issuer: provBase}})
	if err == nil {
		t.Fatal("CreatePod with an owner outside the pod succeeded")
	}
	_, err = CreatePod(ctx, st, "Bad.Name", PodOptions{})
	if !errors.Is(err, ErrBadPodName) {
		t.Errorf("CreatePod(Bad.Name) = %v, want ErrBadPodName", err)
	}
}

func TestTurtleString(t *testing.T) {
	for in, want := range map[string]string{
		"plain":      `"plain"`,
		`q"b\`:       `"q\"b\\"`,
		"a\nb\tc\r":  `"a\nb\tc\r"`,
		"x\x01\x7fy": `"x\u0001\u007Fy"`,
		"日本":         `"日本"`,
	} {
		if got := turtleString(in); got != want {
			t.Errorf("turtleString(%q) = %s, want %s", in, got, want)
		}
		g, err := rdf.Parse(strings.NewReader("<a> <b> "+turtleString(in)+"."), "text/turtle", "http://x/")
		if err != nil || len(g.Triples) != 1 || g.Triples[0].O.(rdf.Literal).Value != in {
			t.Errorf("turtleString(%q) does not round-trip: %v", in, err)
		}
	}
}
