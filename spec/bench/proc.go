package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// process is a server the bench started, in its own process group so that
// stop also ends the children of a wrapper script (CSS's node), or one that
// another package started for us (MinIO, through miniotest).
type process struct {
	name    string
	pid     int
	cmd     *exec.Cmd // nil if another package started the process
	stopFn  func()    // stops it then
	logPath string
	started time.Time // just before exec
	waitErr chan error
}

// startProcess execs argv with extra environment variables, logging to
// dir/name.log.
func startProcess(dir, name string, env []string, argv ...string) (*process, error) {
	logPath := filepath.Join(dir, name+".log")
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	p := &process{name: name, cmd: cmd, logPath: logPath, waitErr: make(chan error, 1)}
	p.started = time.Now()
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p.pid = cmd.Process.Pid
	go func() {
		p.waitErr <- cmd.Wait()
		logf.Close()
	}()
	return p, nil
}

// stop ends the process group with SIGTERM, then SIGKILL after a grace
// period.
func (p *process) stop() {
	if p.cmd == nil {
		p.stopFn()
		return
	}
	pgid := p.pid
	syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-p.waitErr:
	case <-time.After(5 * time.Second):
		syscall.Kill(-pgid, syscall.SIGKILL)
		<-p.waitErr
	}
	// A wrapper's children may outlive it for a moment; don't leave strays.
	syscall.Kill(-pgid, syscall.SIGKILL)
}

// exited reports whether the process has already ended, with its error.
func (p *process) exited() (bool, error) {
	if p.cmd == nil {
		if err := syscall.Kill(p.pid, 0); errors.Is(err, syscall.ESRCH) {
			return true, err
		}
		return false, nil
	}
	select {
	case err := <-p.waitErr:
		p.waitErr <- err
		return true, err
	default:
		return false, nil
	}
}

// logTail returns the last lines of the process's log, for error messages.
func (p *process) logTail() string {
	if p.logPath == "" {
		return "(no log)"
	}
	b, _ := os.ReadFile(p.logPath)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > 15 {
		lines = lines[len(lines)-15:]
	}
	return strings.Join(lines, "\n")
}

// waitReady polls ok until it reports true, and returns the time from exec
// to that first success: the start-up time.
func (p *process) waitReady(ctx context.Context, limit time.Duration, ok func(context.Context) bool) (time.Duration, error) {
	deadline := time.Now().Add(limit)
	for {
		if ok(ctx) {
			return time.Since(p.started), nil
		}
		if done, err := p.exited(); done {
			return 0, fmt.Errorf("%s exited during start-up (%v); log:\n%s", p.name, err, p.logTail())
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("%s not ready after %v; log:\n%s", p.name, limit, p.logTail())
		}
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		time.Sleep(time.Millisecond)
	}
}

// httpOK returns a readiness probe: a GET of url, dialing addr, answered
// with 2xx. Each probe uses a new connection, so the first success is a
// real one.
func httpOK(addr, url string) func(context.Context) bool {
	tr := loopbackTransport(addr, 2*time.Second)
	tr.DisableKeepAlives = true
	hc := &http.Client{Timeout: 2 * time.Second, Transport: tr}
	return func(ctx context.Context) bool {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return false
		}
		req.Header.Set("Accept", "text/turtle")
		resp, err := hc.Do(req)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode/100 == 2
	}
}

// freeAddr returns a loopback host:port that was free a moment ago.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// Memory. RSS is summed over a process and its descendants (node under
// CSS's start script). Peak RSS of a workload is the larger of VmHWM, reset
// through /proc/PID/clear_refs before the workload, and VmRSS sampled every
// 50 ms during it.

// treePIDs returns pid and its descendants.
func treePIDs(pid int) []int {
	children := map[int][]int{}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...; comm may hold spaces and parentheses.
		i := bytes.LastIndexByte(b, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(b[i+1:]))
		if len(f) < 2 {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		children[ppid] = append(children[ppid], child)
	}
	out := []int{pid}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i]]...)
	}
	return out
}

// cpuTime returns the user plus system CPU time p's process tree has used.
func (p *process) cpuTime() time.Duration {
	var ticks int64
	for _, pid := range treePIDs(p.pid) {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			continue
		}
		i := bytes.LastIndexByte(b, ')')
		if i < 0 {
			continue
		}
		// After "pid (comm)": state ppid pgrp session tty tpgid flags minflt
		// cminflt majflt cmajflt utime stime.
		f := strings.Fields(string(b[i+1:]))
		if len(f) < 13 {
			continue
		}
		u, _ := strconv.ParseInt(f[11], 10, 64)
		s, _ := strconv.ParseInt(f[12], 10, 64)
		ticks += u + s
	}
	return time.Duration(ticks) * time.Second / clockTicks
}

// clockTicks is USER_HZ, the unit of /proc/PID/stat times: 100 on every
// Linux architecture we run on.
const clockTicks = 100

// statusKB reads a "Field:   N kB" line of /proc/PID/status.
func statusKB(pid int, field string) int64 {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

// rss returns the resident set of p's process tree, in bytes.
func (p *process) rss() int64 { return sumKB(treePIDs(p.pid), "VmRSS") }

// sumKB sums a status field over pids, in bytes.
func sumKB(pids []int, field string) int64 {
	var kb int64
	for _, pid := range pids {
		kb += statusKB(pid, field)
	}
	return kb << 10
}

// memWatch measures the peak RSS of a process tree over a workload.
type memWatch struct {
	p    *process
	pids []int
	peak int64
	stop chan struct{}
	wg   sync.WaitGroup
}

func watchMemory(p *process) *memWatch {
	m := &memWatch{p: p, stop: make(chan struct{})}
	if p == nil {
		return m
	}
	m.pids = treePIDs(p.pid)
	for _, pid := range m.pids {
		// "5" resets VmHWM to the current RSS (Linux ≥ 4.0).
		os.WriteFile("/proc/"+strconv.Itoa(pid)+"/clear_refs", []byte("5"), 0)
	}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			// The tree is walked once, at the start: scanning /proc
			// every 50 ms would take CPU from the server.
			m.peak = max(m.peak, sumKB(m.pids, "VmRSS"))
			select {
			case <-m.stop:
				return
			case <-t.C:
			}
		}
	}()
	return m
}

// done stops the sampling and returns the peak RSS in bytes (0 without a
// process).
func (m *memWatch) done() int64 {
	if m.p == nil {
		return 0
	}
	close(m.stop)
	m.wg.Wait()
	return max(m.peak, sumKB(m.pids, "VmHWM"))
}
