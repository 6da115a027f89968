package testproc

import (
	"os/exec"
	"syscall"
)

// SetProcAttr makes the kernel kill the server if the test binary dies
// without stopping it (a panic, a timeout, ^C), so no server outlives its
// tests.
func SetProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// alive reports whether process pid exists.
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || err == syscall.EPERM
}
