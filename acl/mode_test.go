package acl

import "testing"

func TestModeStrings(t *testing.T) {
	tests := []struct {
		m             Mode
		str, wacAllow string
	}{
		{0, "none", ""},
		{Read, "read", "read"},
		{Append, "append", "append"},
		{Read | Append, "read append", "read append"},
		{Write | Append, "write append", "write append"},
		{Read | Write | Append, "read write append", "read write append"},
		{Control, "control", "control"},
		{Read | Control, "read control", "read control"},
		{All, "read write append control", "read write append control"},
		{All | 0xf0, "read write append control", "read write append control"},
		{0xf0, "none", ""},
	}
	for _, tt := range tests {
		if got := tt.m.String(); got != tt.str {
			t.Errorf("Mode(%#x).String() = %q, want %q", uint8(tt.m), got, tt.str)
		}
		if got := tt.m.WACAllow(); got != tt.wacAllow {
			t.Errorf("Mode(%#x).WACAllow() = %q, want %q", uint8(tt.m), got, tt.wacAllow)
		}
	}
}

func TestModeHas(t *testing.T) {
	if !(Write | Append).Has(Append) || (Append).Has(Write) || !Read.Has(0) || Read.Has(Read|Append) {
		t.Error("Has is wrong")
	}
}

func TestWACAllowHeader(t *testing.T) {
	if got, want := WACAllowHeader(All, 0), `user="read write append control",public=""`; got != want {
		t.Errorf("WACAllowHeader = %s, want %s", got, want)
	}
}
