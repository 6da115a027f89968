package miniotest

import (
	"os/exec"
	"syscall"
)

// setProcAttr makes the kernel kill MinIO if the test binary dies without
// stopping it (a panic, a timeout, ^C), so no server outlives its tests.
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
