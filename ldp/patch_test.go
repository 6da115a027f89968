package ldp

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

const n3Prefix = "@prefix solid: <http://www.w3.org/ns/solid/terms#>.\n@prefix ex: <http://example.org/ns#>.\n"

func TestPatchConcurrentInsertsAllLand(t *testing.T) {
	ts := newTestServer(t)
	ts.do(t, "PUT", "/alice/counter", "<#s> <http://example.org/ns#seed> 0 .", "Content-Type", "text/turtle")
	var wg sync.WaitGroup
	for c := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				body := fmt.Sprintf(n3Prefix+"_:p a solid:InsertDeletePatch; solid:inserts { <#s> ex:n%d %d . }.", c*20+i, i)
				if resp, msg := ts.do(t, "PATCH", "/alice/counter", body, "Content-Type", "text/n3"); resp.StatusCode != 204 {
					t.Errorf("PATCH = %d %s", resp.StatusCode, msg)
				}
			}
		}()
	}
	wg.Wait()
	_, doc := ts.do(t, "GET", "/alice/counter", "", "Accept", "application/n-triples")
	if n := strings.Count(doc, "http://example.org/ns#n"); n != 1000 {
		t.Errorf("after 1,000 concurrent inserts the document holds %d", n)
	}
}

func TestFailedPatchLeavesDocumentByteIdentical(t *testing.T) {
	ts := newTestServer(t)
	orig := "@prefix ex: <http://example.org/ns#>.\n# a comment that a rewrite would lose\n<#a> ex:name \"Ada\"@en ; ex:n 1 .\n"
	ts.do(t, "PUT", "/alice/doc", orig, "Content-Type", "text/turtle")
	r0, before := ts.do(t, "GET", "/alice/doc", "")
	tests := []struct {
		name, ct, body string
		want           int
	}{
		{"where matches nothing", "text/n3", n3Prefix + "_:p a solid:InsertDeletePatch; solid:where { <#a> ex:missing ?x }; solid:inserts { <#a> ex:y ?x }.", 409},
		{"delete of an absent triple", "text/n3", n3Prefix + "_:p a solid:InsertDeletePatch; solid:deletes { <#a> ex:n 2 }.", 409},
		{"two patch resources", "text/n3", n3Prefix + "_:p a solid:InsertDeletePatch. _:q a solid:InsertDeletePatch.", 422},
		{"malformed", "text/n3", "this is { not n3", 400},
		{"SPARQL delete of an absent triple", "application/sparql-update", "DELETE DATA { <#a> <http://example.org/ns#n> 2 . }", 409},
		{"unsupported SPARQL", "application/sparql-update", "CLEAR ALL", 422},
		{"unknown patch type", "application/json", "{}", 415},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, msg := ts.do(t, "PATCH", "/alice/doc", tt.body, "Content-Type", tt.ct)
			if resp.StatusCode != tt.want {
				t.Errorf("PATCH = %d %q, want %d", resp.StatusCode, msg, tt.want)
			}
			r1, after := ts.do(t, "GET", "/alice/doc", "")
			if after != before || r1.Header.Get("ETag") != r0.Header.Get("ETag") {
				t.Errorf("a failed PATCH changed the document:\n%s", after)
			}
		})
	}
}

func TestPatchOfBinaryIs415(t *testing.T) {
	ts := newTestServer(t)
	ts.do(t, "PUT", "/alice/pic", "\x89PNG", "Content-Type", "image/png")
	resp, _ := ts.do(t, "PATCH", "/alice/pic", "INSERT DATA { <a> <b> <c> . }", "Content-Type", "application/sparql-update")
	if resp.StatusCode != 415 {
		t.Errorf("PATCH of a PNG = %d, want 415", resp.StatusCode)
	}
	opt, _ := ts.do(t, "OPTIONS", "/alice/pic", "")
	if opt.Header.Get("Accept-Patch") != "" || strings.Contains(opt.Header.Get("Allow"), "PATCH") {
		t.Errorf("a PNG advertises PATCH: Allow %q, Accept-Patch %q", opt.Header.Get("Allow"), opt.Header.Get("Accept-Patch"))
	}
}

func TestPatchCreatesDocumentAndContainers(t *testing.T) {
	ts := newTestServer(t)
	resp, msg := ts.do(t, "PATCH", "/alice/new/dir/doc", "INSERT DATA { <#a> <http://example.org/ns#p> \"v\" . }", "Content-Type", "application/sparql-update")
	if resp.StatusCode != 201 {
		t.Fatalf("PATCH of a missing document = %d %s, want 201", resp.StatusCode, msg)
	}
	if r, _ := ts.do(t, "GET", "/alice/new/dir/", ""); r.StatusCode != 200 {
		t.Errorf("intermediate container missing: %d", r.StatusCode)
	}
}

func TestPatchKeepsUnrelatedData(t *testing.T) {
	ts := newTestServer(t)
	orig := `@prefix ex: <http://example.org/ns#>.
<#a> ex:name "Ada"@en, "Ада"@ru ; ex:born "1815-12-10"^^<http://www.w3.org/2001/XMLSchema#date> ;
  ex:bio """A long
literal with "quotes" and a tab	here""" ; ex:knows [ ex:name "Charles" ; ex:n 1.5 ] .`
	ts.do(t, "PUT", "/alice/ada", orig, "Content-Type", "text/turtle")
	resp, msg := ts.do(t, "PATCH", "/alice/ada", n3Prefix+"_:p a solid:InsertDeletePatch; solid:inserts { <#a> ex:tag \"x\" }.", "Content-Type", "text/n3")
	if resp.StatusCode != 204 {
		t.Fatalf("PATCH = %d %s", resp.StatusCode, msg)
	}
	_, got := ts.do(t, "GET", "/alice/ada", "", "Accept", "application/n-triples")
	for _, want := range []string{`"Ada"@en`, `"Ада"@ru`, `"1815-12-10"^^<http://www.w3.org/2001/XMLSchema#date>`, `literal with \"quotes\" and a tab\there`, `"Charles"`, `"x"`} {
		if !strings.Contains(got, want) {
			t.Errorf("after PATCH the document lacks %s:\n%s", want, got)
		}
	}
}
