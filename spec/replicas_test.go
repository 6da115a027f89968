package spec

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Replicas: several Seedpod processes serving one MinIO bucket behave as
// one server. These tests start a second `seedpod serve` on the bucket of
// the MinIO target. They are about Seedpod's own deployment, so against an
// external server (-base-url) there is nothing to run.

// startReplica serves the MinIO target's bucket from a second process.
func startReplica(t *testing.T) (a, b *target) {
	t.Helper()
	if seedpodBin == "" {
		t.Log("no Seedpod MinIO target in this run (external server): replicas are Seedpod's own")
		return nil, nil
	}
	sp, err := serveSeedpod(seedpodBin, minioBackend)
	if err != nil {
		t.Fatalf("starting a second seedpod on the same bucket: %v", err)
	}
	t.Cleanup(sp.stop)
	return minioTarget, sp.target
}

// TestReplicasPatchConcurrently: 50 clients each send 20 N3 inserts to one
// document, alternating between two processes; all 1,000 land.
func TestReplicasPatchConcurrently(t *testing.T) {
	a, b := startReplica(t)
	if a == nil {
		return
	}
	doc := unique(t, "doc")
	if r := a.do(t, "PUT", a.url(doc), []byte("<#s> <http://example.org/ns#seed> 0 ."), "Content-Type", "text/turtle"); r.StatusCode != 201 {
		t.Fatalf("PUT: %v", r)
	}
	const clients, each = 50, 20
	var wg sync.WaitGroup
	errs := make(chan string, clients*each)
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				srv := a
				if (c+i)%2 == 1 {
					srv = b
				}
				body := fmt.Sprintf(`@prefix solid: <http://www.w3.org/ns/solid/terms#>.
_:p a solid:InsertDeletePatch; solid:inserts { <#s> <http://example.org/ns#n%d> %d . }.`, c*each+i, c*each+i)
				r := srv.do(t, "PATCH", srv.url(doc), []byte(body), "Content-Type", "text/n3")
				if r.StatusCode >= 300 {
					errs <- r.String()
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("PATCH failed: %s", e)
	}
	for _, srv := range []*target{a, b} {
		r := srv.do(t, "GET", srv.url(doc), nil, "Accept", "application/n-triples")
		n := strings.Count(string(r.body), "http://example.org/ns#n")
		if n != clients*each {
			t.Errorf("%s holds %d inserted triples, want %d", srv.base, n, clients*each)
		}
	}
}

// TestReplicasIfMatchRace: two writers with the same ETag, one on each
// process: exactly one wins, the other gets 412.
func TestReplicasIfMatchRace(t *testing.T) {
	a, b := startReplica(t)
	if a == nil {
		return
	}
	for round := range 10 {
		doc := unique(t, fmt.Sprint("race", round))
		r := a.do(t, "PUT", a.url(doc), []byte("<#a> <#b> 0 ."), "Content-Type", "text/turtle")
		etag := r.Header.Get("ETag")
		if r.StatusCode != 201 || etag == "" {
			t.Fatalf("PUT: %v", r)
		}
		var wg sync.WaitGroup
		statuses := make([]int, 2)
		for i, srv := range []*target{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				body := fmt.Sprintf("<#a> <#b> %d .", i+1)
				statuses[i] = srv.do(t, "PUT", srv.url(doc), []byte(body), "Content-Type", "text/turtle", "If-Match", etag).StatusCode
			}()
		}
		wg.Wait()
		won := 0
		for _, s := range statuses {
			switch s {
			case http.StatusNoContent, http.StatusOK:
				won++
			case http.StatusPreconditionFailed:
			default:
				t.Errorf("round %d: status %d, want 2xx or 412", round, s)
			}
		}
		if won != 1 {
			t.Errorf("round %d: statuses %v: want exactly one winner", round, statuses)
		}
	}
}

// TestReplicasSeeACLChanges: an ACL written through one process governs
// requests to the other within a second or so (the processes revalidate
// cached ACLs by ETag).
func TestReplicasSeeACLChanges(t *testing.T) {
	a, b := startReplica(t)
	if a == nil {
		return
	}
	doc := unique(t, "private")
	if r := a.do(t, "PUT", a.url(doc), []byte("<#a> <#b> <#c> ."), "Content-Type", "text/turtle"); r.StatusCode != 201 {
		t.Fatalf("PUT: %v", r)
	}
	if r := b.do(t, "GET", b.url(doc), nil); r.StatusCode != 200 {
		t.Fatalf("public GET through the replica: %v", r)
	}
	// Through a: the document's own ACL grants only Control to nobody
	// anonymous can be, so anonymous reads are denied.
	acl := `@prefix acl: <http://www.w3.org/ns/auth/acl#>.
<#owner> a acl:Authorization; acl:agent <https://owner.example/profile#me>; acl:accessTo <./` + doc + `>; acl:mode acl:Read, acl:Write, acl:Control.`
	if r := a.do(t, "PUT", a.url(doc+".acl"), []byte(acl), "Content-Type", "text/turtle"); r.StatusCode >= 300 {
		t.Fatalf("PUT ACL: %v", r)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		r := b.do(t, "GET", b.url(doc), nil)
		if r.StatusCode == http.StatusUnauthorized {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("5 s after the ACL change through one process, the other still answers %d", r.StatusCode)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestReplicasShareLoginsAndRefuseReplays: a token issued through one
// process works on the other (signing keys live in storage), and a DPoP
// proof used at one process is refused at the other (proofs are claimed
// on the shared NATS bus), RFC 9449 §11.1.
func TestReplicasShareLoginsAndRefuseReplays(t *testing.T) {
	a, _ := startReplica(t)
	if a == nil {
		return
	}
	// c shares a's base URL (and so its issuer), as replicas behind one
	// load balancer do; b of startReplica has a base URL of its own.
	c := startReplicaWithBase(t, a)
	owner := a.newUser(t)
	doc := owner.pod + unique(t, "replay")
	owner.as.mustPut(t, doc, "text/turtle", []byte(exampleTurtle))
	send := func(s *target, proof string) *response {
		return s.do(t, http.MethodGet, doc, nil, "Authorization", "DPoP "+owner.login.Token, "DPoP", proof)
	}
	fresh := func() string { return dpopProof(t, owner, http.MethodGet, doc) }

	// The token from a's provider, with a fresh proof, reads through c.
	if r := send(c, fresh()); r.StatusCode != http.StatusOK {
		t.Fatalf("the token of one process, at the other: %v", r)
	}
	// A proof first used at a, replayed at c; and one used at c, replayed
	// at a; and one replayed at the same process.
	p := fresh()
	if r := send(a, p); r.StatusCode != http.StatusOK {
		t.Fatalf("fresh proof at a: %v", r)
	}
	if r := send(c, p); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("proof used at a, replayed at c: %v, want 401", r)
	}
	p = fresh()
	if r := send(c, p); r.StatusCode != http.StatusOK {
		t.Fatalf("fresh proof at c: %v", r)
	}
	if r := send(a, p); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("proof used at c, replayed at a: %v, want 401", r)
	}
	if r := send(c, p); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("proof replayed at the same process: %v, want 401", r)
	}
}

// startReplicaWithBase serves the MinIO target's bucket from one more
// process that has a's base URL, as replicas behind one load balancer do,
// and returns a target whose requests name a's URLs but reach the new
// process.
func startReplicaWithBase(t *testing.T, a *target) *target {
	t.Helper()
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	args := append([]string{"serve", "--listen", addr, "--base-url", a.serverRoot(),
		"--max-body", strconv.Itoa(seedpodMaxBody)}, append(minioBackend.flags, minioBackend.serveFlags...)...)
	sp := &seedpod{cmd: exec.Command(seedpodBin, args...), log: &lockedBuffer{}, exited: make(chan struct{})}
	sp.cmd.Stdout, sp.cmd.Stderr = sp.log, sp.log
	if err := sp.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { sp.cmd.Wait(); close(sp.exited) }()
	t.Cleanup(sp.stop)
	if err := waitReady("http://"+addr+"/", sp.exited, 30*time.Second); err != nil {
		t.Fatalf("replica with base %s: %v\n%s", a.serverRoot(), err, sp.log.String())
	}
	c, err := newTarget("minio-replica", a.base.String())
	if err != nil {
		t.Fatal(err)
	}
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	c.client = &http.Client{
		Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return dialer.DialContext(ctx, network, addr)
		}},
		CheckRedirect: a.client.CheckRedirect,
		Timeout:       a.client.Timeout,
	}
	return c
}

// TestReplicasHearACLChangesAtOnce: an ACL change through one process
// reaches the WAC caches of another through the NATS bus, well before the
// 1 s revalidation by ETag would catch it.
func TestReplicasHearACLChangesAtOnce(t *testing.T) {
	a, _ := startReplica(t)
	if a == nil {
		return
	}
	c := startReplicaWithBase(t, a)
	doc := unique(t, "acl-bus")
	if r := a.do(t, "PUT", a.url(doc), []byte("<#a> <#b> <#c> ."), "Content-Type", "text/turtle"); r.StatusCode != 201 {
		t.Fatalf("PUT: %v", r)
	}
	// Warm c's cache: from now on, revalidation alone would keep the old
	// (public) ACL for a second.
	warm := time.Now()
	if r := c.do(t, "GET", a.url(doc), nil); r.StatusCode != 200 {
		t.Fatalf("public GET through the replica: %v", r)
	}
	acl := `@prefix acl: <http://www.w3.org/ns/auth/acl#>.
<#owner> a acl:Authorization; acl:agent <https://owner.example/profile#me>; acl:accessTo <./` + doc + `>; acl:mode acl:Read, acl:Write, acl:Control.`
	if r := a.do(t, "PUT", a.url(doc+".acl"), []byte(acl), "Content-Type", "text/turtle"); r.StatusCode >= 300 {
		t.Fatalf("PUT ACL: %v", r)
	}
	for {
		r := c.do(t, "GET", a.url(doc), nil)
		if r.StatusCode == http.StatusUnauthorized {
			return
		}
		if time.Since(warm) > 900*time.Millisecond {
			t.Fatalf("%v after warming its cache, the replica still answers %d: the ACL change did not arrive over the bus", time.Since(warm), r.StatusCode)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
