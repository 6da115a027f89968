//go:build !linux

package miniotest

import "os/exec"

// setProcAttr does nothing here: only Linux can tie the server's life to
// the test binary's.
func setProcAttr(cmd *exec.Cmd) {}
