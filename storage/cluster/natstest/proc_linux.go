package natstest

import (
	"os/exec"
	"syscall"
)

// setProcAttr makes the kernel kill nats-server if the test binary dies
// without stopping it (a panic, a timeout, ^C), so no server outlives its
// tests.
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// alive reports whether process pid exists.
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || err == syscall.EPERM
}
