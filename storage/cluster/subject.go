package cluster

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidSubject is returned for a subject or pattern that breaks the
// syntax of CheckSubject or CheckPattern.
var ErrInvalidSubject = errors.New("cluster: invalid subject")

// CheckSubject reports whether subject can be published to: one or more
// non-empty tokens of [A-Za-z0-9_-], separated by dots. It returns nil or
// an error wrapping ErrInvalidSubject.
func CheckSubject(subject string) error {
	return check(subject, false)
}

// CheckPattern reports whether pattern can be subscribed to: a subject
// (see CheckSubject) in which a token may also be "*", matching any one
// token, and the last token may be ">", matching one or more tokens. It
// returns nil or an error wrapping ErrInvalidSubject.
func CheckPattern(pattern string) error {
	return check(pattern, true)
}

func check(s string, pattern bool) error {
	if s == "" {
		return fmt.Errorf("%w: empty", ErrInvalidSubject)
	}
	for rest := s; ; {
		tok, after, more := strings.Cut(rest, ".")
		switch {
		case tok == "":
			return fmt.Errorf("%w %q: empty token", ErrInvalidSubject, s)
		case pattern && tok == "*":
		case pattern && tok == ">":
			if more {
				return fmt.Errorf("%w %q: \">\" is not the last token", ErrInvalidSubject, s)
			}
		default:
			for i := 0; i < len(tok); i++ {
				if !tokenByte(tok[i]) {
					return fmt.Errorf("%w %q: byte %q", ErrInvalidSubject, s, tok[i])
				}
			}
		}
		if !more {
			return nil
		}
		rest = after
	}
}

func tokenByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-'
}

// Match reports whether subject matches pattern, both valid.
func Match(pattern, subject string) bool {
	for {
		ptok, prest, pmore := strings.Cut(pattern, ".")
		if ptok == ">" {
			return true // ">" is last and subject has a token left
		}
		stok, srest, smore := strings.Cut(subject, ".")
		if ptok != "*" && ptok != stok {
			return false
		}
		if !pmore || !smore {
			return pmore == smore
		}
		pattern, subject = prest, srest
	}
}
