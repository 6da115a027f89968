//go:build !linux

package natstest

import "os/exec"

// setProcAttr does nothing here: only Linux can tie the server's life to
// the test binary's.
func setProcAttr(cmd *exec.Cmd) {}

// alive reports true: without a portable check, assume every process
// still runs, so nothing is removed.
func alive(pid int) bool { return true }
