package rdf

import "testing"

// RFC 3986 §5.4: reference resolution examples, base "http://a/b/c/d;p?q".
func TestResolveIRIRFC3986Examples(t *testing.T) {
	const base = "http://a/b/c/d;p?q"
	tests := []struct{ ref, want string }{
		// §5.4.1 normal examples
		{"g:h", "g:h"},
		{"g", "http://a/b/c/g"},
		{"./g", "http://a/b/c/g"},
		{"g/", "http://a/b/c/g/"},
		{"/g", "http://a/g"},
		{"//g", "http://g"},
		{"?y", "http://a/b/c/d;p?y"},
		{"g?y", "http://a/b/c/g?y"},
		{"#s", "http://a/b/c/d;p?q#s"},
		{"g#s", "http://a/b/c/g#s"},
		{"g?y#s", "http://a/b/c/g?y#s"},
		{";x", "http://a/b/c/;x"},
		{"g;x", "http://a/b/c/g;x"},
		{"g;x?y#s", "http://a/b/c/g;x?y#s"},
		{"", "http://a/b/c/d;p?q"},
		{".", "http://a/b/c/"},
		{"./", "http://a/b/c/"},
		{"..", "http://a/b/"},
		{"../", "http://a/b/"},
		{"../g", "http://a/b/g"},
		{"../..", "http://a/"},
		{"../../", "http://a/"},
		{"../../g", "http://a/g"},
		// §5.4.2 abnormal examples
		{"../../../g", "http://a/g"},
		{"../../../../g", "http://a/g"},
		{"/./g", "http://a/g"},
		{"/../g", "http://a/g"},
		{"g.", "http://a/b/c/g."},
		{".g", "http://a/b/c/.g"},
		{"g..", "http://a/b/c/g.."},
		{"..g", "http://a/b/c/..g"},
		{"./../g", "http://a/b/g"},
		{"./g/.", "http://a/b/c/g/"},
		{"g/./h", "http://a/b/c/g/h"},
		{"g/../h", "http://a/b/c/h"},
		{"g;x=1/./y", "http://a/b/c/g;x=1/y"},
		{"g;x=1/../y", "http://a/b/c/y"},
		{"g?y/./x", "http://a/b/c/g?y/./x"},
		{"g?y/../x", "http://a/b/c/g?y/../x"},
		{"g#s/./x", "http://a/b/c/g#s/./x"},
		{"g#s/../x", "http://a/b/c/g#s/../x"},
		{"http:g", "http:g"}, // strict parsers
	}
	for _, tt := range tests {
		if got := resolveIRI(base, tt.ref); got != tt.want {
			t.Errorf("resolveIRI(%q, %q) = %q, want %q", base, tt.ref, got, tt.want)
		}
	}
}

func TestResolveIRISolidCases(t *testing.T) {
	tests := []struct{ base, ref, want string }{
		{"https://pod.example/alice/profile/card", "", "https://pod.example/alice/profile/card"},
		{"https://pod.example/alice/profile/card", "#me", "https://pod.example/alice/profile/card#me"},
		{"https://pod.example/alice/profile/card#x", "#me", "https://pod.example/alice/profile/card#me"},
		{"https://pod.example/alice/profile/card", "../x", "https://pod.example/alice/x"},
		{"https://pod.example/alice/", "notes/é", "https://pod.example/alice/notes/é"},
		{"https://pod.example", "a", "https://pod.example/a"},
		{"", "#me", "#me"},
	}
	for _, tt := range tests {
		if got := resolveIRI(tt.base, tt.ref); got != tt.want {
			t.Errorf("resolveIRI(%q, %q) = %q, want %q", tt.base, tt.ref, got, tt.want)
		}
	}
}

func TestRelativeIRIResolvesBack(t *testing.T) {
	bases := []string{
		"https://pod.example/alice/profile/card",
		"https://pod.example/alice/",
		"https://pod.example/alice/doc?x=1",
		"https://pod.example/alice/card#me",
		"https://pod.example",
	}
	iris := []string{
		"https://pod.example/alice/profile/card",
		"https://pod.example/alice/profile/card#me",
		"https://pod.example/alice/profile/",
		"https://pod.example/alice/profile/a/b",
		"https://pod.example/alice/profile/a:b",
		"https://pod.example/alice/",
		"https://pod.example/alice/doc?x=1",
		"https://pod.example/alice/doc",
		"https://pod.example/alice/./x",
		"https://pod.example/",
		"https://other.example/alice/",
		"urn:x:y",
	}
	for _, base := range bases {
		for _, iri := range iris {
			rel := relativeIRI(base, iri)
			if got := resolveIRI(base, rel); got != iri {
				t.Errorf("relativeIRI(%q, %q) = %q, which resolves to %q", base, iri, rel, got)
			}
		}
	}
	if got := relativeIRI("https://pod.example/alice/card", "https://pod.example/alice/card#me"); got != "#me" {
		t.Errorf("relativeIRI(card, card#me) = %q, want #me", got)
	}
	if got := relativeIRI("https://pod.example/alice/", "https://pod.example/alice/notes/a.ttl"); got != "notes/a.ttl" {
		t.Errorf("relativeIRI(alice/, alice/notes/a.ttl) = %q, want notes/a.ttl", got)
	}
}
