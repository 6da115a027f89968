package cluster

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckSubject(t *testing.T) {
	tests := []struct {
		s             string
		subject, patt bool // valid as a subject, as a pattern
	}{
		{"a", true, true},
		{"pod.changed", true, true},
		{"A-b_9.x", true, true},
		{"a.*", false, true},
		{"*.b.*", false, true},
		{">", false, true},
		{"a.b.>", false, true},
		{"", false, false},
		{".", false, false},
		{"a.", false, false},
		{".a", false, false},
		{"a..b", false, false},
		{"a b", false, false},
		{"a/b", false, false},
		{"ü", false, false},
		{"a*", false, false},
		{"a>", false, false},
		{"**", false, false},
		{">.a", false, false},
		{"a.>.b", false, false},
		{"a.\x00", false, false},
	}
	for _, tt := range tests {
		if err := CheckSubject(tt.s); (err == nil) != tt.subject || err != nil && !errors.Is(err, ErrInvalidSubject) {
			t.Errorf("CheckSubject(%q) = %v, want valid %v", tt.s, err, tt.subject)
		}
		if err := CheckPattern(tt.s); (err == nil) != tt.patt || err != nil && !errors.Is(err, ErrInvalidSubject) {
			t.Errorf("CheckPattern(%q) = %v, want valid %v", tt.s, err, tt.patt)
		}
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, subject string
		want             bool
	}{
		{"a", "a", true},
		{"a", "b", false},
		{"a", "a.b", false},
		{"a.b", "a", false},
		{"a.*", "a.b", true},
		{"a.*", "a", false},
		{"a.*", "a.b.c", false},
		{"*", "a", true},
		{"*.*", "a", false},
		{"a.>", "a.b", true},
		{"a.>", "a.b.c", true},
		{"a.>", "a", false},
		{">", "a", true},
		{">", "a.b.c", true},
		{"*.b.>", "a.b.c.d", true},
		{"*.b.>", "a.c.c.d", false},
		{"a.*.c", "a.b.c", true},
		{"a.*.c", "a.b.d", false},
		{"ab", "a", false},
		{"a", "ab", false},
	}
	for _, tt := range tests {
		if got := Match(tt.pattern, tt.subject); got != tt.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tt.pattern, tt.subject, got, tt.want)
		}
	}
}

// FuzzMatch checks that Match agrees with a plain token-by-token reading
// of the pattern, for every valid pattern and subject.
func FuzzMatch(f *testing.F) {
	f.Add("a.*.>", "a.b.c")
	f.Add(">", "x")
	f.Add("*.b", "a.b")
	f.Fuzz(func(t *testing.T, pattern, subject string) {
		if CheckPattern(pattern) != nil || CheckSubject(subject) != nil {
			return
		}
		p, s := strings.Split(pattern, "."), strings.Split(subject, ".")
		want := true
		for i, tok := range p {
			if tok == ">" {
				want = want && len(s) > i
				break
			}
			if i >= len(s) || tok != "*" && tok != s[i] {
				want = false
				break
			}
			if i == len(p)-1 && len(s) != len(p) {
				want = false
			}
		}
		if got := Match(pattern, subject); got != want {
			t.Errorf("Match(%q, %q) = %v, want %v", pattern, subject, got, want)
		}
	})
}
