package spec

import (
	"fmt"
	"net/http"
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
