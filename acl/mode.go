package acl

import "strings"

// Mode is a set of WAC access modes (WAC #access-modes). The zero Mode grants
// nothing.
type Mode uint8

// The access modes of WAC #access-modes. Append is a subclass of Write: Parse
// expands a grant of Write to Write|Append, so Has(Append) holds whenever
// Write is granted.
const (
	Read Mode = 1 << iota
	Append
	Write
	Control

	// All is every mode this package knows.
	All = Read | Append | Write | Control
)

// modeNames lists the modes in the order WAC-Allow values are written.
var modeNames = [...]struct {
	m    Mode
	name string
}{{Read, "read"}, {Write, "write"}, {Append, "append"}, {Control, "control"}}

// Has reports whether m includes every mode of want.
func (m Mode) Has(want Mode) bool { return m&want == want }

// String returns the modes as lowercase words separated by spaces, in the
// order read write append control, e.g. "read append"; "none" for the zero
// Mode.
func (m Mode) String() string {
	if m&All == 0 {
		return "none"
	}
	return m.WACAllow()
}

// WACAllow returns m as an access-modes value of the WAC-Allow header (WAC
// #wac-allow): lowercase mode names separated by one space, in the order read
// write append control, or "" for the zero Mode. Append is listed beside
// Write, as CSS and NSS do.
func (m Mode) WACAllow() string {
	switch m & All {
	case 0:
		return ""
	case Read:
		return "read"
	case Read | Append | Write:
		return "read write append"
	case All:
		return "read write append control"
	}
	var b strings.Builder
	for _, n := range modeNames {
		if m&n.m != 0 {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(n.name)
		}
	}
	return b.String()
}

// WACAllowHeader returns the value of the WAC-Allow header (WAC #wac-allow) for
// the modes of the requesting agent and of the public, e.g.
// `user="read write append",public="read"`.
func WACAllowHeader(user, public Mode) string {
	return `user="` + user.WACAllow() + `",public="` + public.WACAllow() + `"`
}
