package main

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// idleSettle is how long a server idles after start-up before its idle RSS
// is read.
const idleSettle = 500 * time.Millisecond

// row is one workload's measurement on one target.
type row struct {
	workload workload
	res      loadResult
	peakRSS  int64
	cpu      time.Duration // server CPU time per request
	extraCPU time.Duration // the same for instance.extra (MinIO under Seedpod)
	s3       string        // S3 requests per request, by API, when instance.s3 is set
	note     string        // shown below the table
}

// targetRun is everything measured on one target.
type targetRun struct {
	target  target
	startup time.Duration
	idleRSS int64
	seeded  time.Duration
	busy    float64 // share of the CPUs busy just before the target started
	rows    []row
	err     error // the target could not be started, seeded or kept up
}

// runBench runs cfg.targets one after another, each alone on the machine.
// It returns the report even when a target failed, together with an error
// naming the failures.
func runBench(ctx context.Context, cfg config) (*report, error) {
	dir, err := os.MkdirTemp(cfg.workDir, "seedpod-bench-*")
	if err != nil {
		return nil, err
	}
	b := &bench{cfg: cfg, dir: dir, idleBudget: cfg.waitIdle}
	if cfg.keep {
		b.logf("data and server logs in %s", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	lastMinio := -1
	for i, name := range cfg.targets {
		if name == "seedpod-minio" || name == "minio-go" {
			lastMinio = i
		}
	}
	defer b.stopMinio()

	rep := &report{cfg: cfg, when: time.Now(), loadBefore: loadAvg()}
	var failed []string
	for i, name := range cfg.targets {
		if ctx.Err() != nil {
			break
		}
		tr := b.runTarget(ctx, targets[name])
		rep.runs = append(rep.runs, tr)
		if tr.err != nil {
			failed = append(failed, name)
			b.logf("%s: FAILED: %v", name, tr.err)
		}
		if i == lastMinio {
			b.stopMinio()
		}
	}
	rep.elapsed = time.Since(rep.when)
	if ctx.Err() != nil {
		return rep, ctx.Err()
	}
	if len(failed) > 0 {
		return rep, fmt.Errorf("targets failed: %v", failed)
	}
	return rep, nil
}

func (b *bench) stopMinio() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.minIO != nil && b.minIO.proc != nil {
		b.minIO.proc.stop()
	}
	b.minIO = nil
}

// runTarget starts t, seeds it, runs each of its workloads and stops it.
func (b *bench) runTarget(ctx context.Context, t target) *targetRun {
	tr := &targetRun{target: t}
	tr.busy = b.waitIdle(ctx)
	b.logf("%s: starting (CPUs %.0f%% busy)", t.name, 100*tr.busy)
	inst, err := t.start(ctx, b)
	if err != nil {
		tr.err = err
		return tr
	}
	defer inst.stop()
	tr.startup = inst.startup
	if inst.idleRSS == 0 && inst.proc != nil {
		time.Sleep(idleSettle)
		inst.idleRSS = inst.proc.rss()
	}
	tr.idleRSS = inst.idleRSS
	b.logf("%s: up in %s, idle RSS %s", t.name, fmtMillis(tr.startup), fmtMB(tr.idleRSS))
	if inst.seed {
		t0 := time.Now()
		if err := seedPod(ctx, inst, b.cfg.children); err != nil {
			tr.err = err
			return tr
		}
		tr.seeded = time.Since(t0)
		b.logf("%s: seeded 1 doc, %d children and %d documents to patch in %v", t.name, b.cfg.children, patchDocs, tr.seeded.Round(time.Millisecond))
	}
	for i, w := range inst.workloads {
		if !slices.Contains(b.cfg.workloads, w) {
			continue
		}
		if i > 0 {
			time.Sleep(b.cfg.pause) // let the server finish the last workload's work
		}
		spec := b.cfg.loadSpec(w)
		var (
			c      client
			proofs *proofPool
			trial  loadResult
		)
		switch {
		case w == authGet:
			// The user is made only now: hashing its password takes the
			// server tens of MB for a while, which would count in the
			// other workloads' peak RSS.
			t0 := time.Now()
			if inst.user, err = seedUser(ctx, inst); err != nil {
				tr.err = err
				return tr
			}
			b.logf("%s: made user %s and its private document in %v", t.name, inst.user.WebID, time.Since(t0).Round(time.Millisecond))
			if c, proofs, trial, err = b.authClient(ctx, t.name, inst, spec); err != nil {
				tr.rows = append(tr.rows, row{workload: w, res: trial})
				tr.err = err
				return tr
			}
		case inst.newClient != nil:
			c = inst.newClient(b.cfg, w)
		default:
			c = newHTTPClient(b.cfg, inst, httpRequestFor(w, spec.workers), spec.workers)
		}
		mem := watchMemory(inst.proc)
		cpu0, extra0 := cpuOf(inst.proc), cpuOf(inst.extra)
		var s30 map[string]float64
		if inst.s3 != nil {
			s30, _ = inst.s3.requests(ctx)
		}
		res := runLoad(ctx, c, spec)
		if trial.errs > 0 {
			res.errs += trial.errs
			if res.firstErr == "" {
				res.firstErr = trial.firstErr
			}
		}
		if proofs != nil && proofs.used() == len(proofs.proofs) && res.elapsed < spec.duration {
			b.logf("%s: %s: the DPoP proofs ran out %v before the end; the rate is over the shorter run", t.name, w, (spec.duration - res.elapsed).Round(time.Millisecond))
		}
		r := row{workload: w, res: res, peakRSS: mem.done()}
		if proofs != nil {
			r.note = fmt.Sprintf("%d DPoP proofs signed in %v before the run (after a trial of %d requests), %d sent",
				len(proofs.proofs), proofs.took.Round(time.Millisecond), trial.total, proofs.used())
		}
		if res.total > 0 {
			r.cpu = (cpuOf(inst.proc) - cpu0) / time.Duration(res.total)
			r.extraCPU = (cpuOf(inst.extra) - extra0) / time.Duration(res.total)
			if s30 != nil {
				s31, err := inst.s3.requests(ctx)
				if err != nil {
					b.logf("%s: %v", t.name, err)
				}
				r.s3 = perRequest(s30, s31, res.total)
			}
		}
		tr.rows = append(tr.rows, r)
		b.logf("%s: %-13s %9.0f req/s  p50 %s  p99 %s  errors %d  peak RSS %s  CPU/req %s",
			t.name, w, res.rps, fmtMillis(res.p50), fmtMillis(res.p99), res.errs, fmtMB(r.peakRSS), fmtMicros(r.cpu))
		if r.s3 != "" {
			b.logf("%s: %s: MinIO requests per request: %s", t.name, w, r.s3)
		}
		if res.firstErr != "" {
			b.logf("%s: %s: first error: %s", t.name, w, res.firstErr)
		}
		if inst.proc != nil {
			if done, err := inst.proc.exited(); done {
				tr.err = fmt.Errorf("%s exited during %s (%v); log:\n%s", t.name, w, err, inst.proc.logTail())
				return tr
			}
		}
	}
	return tr
}

// perRequest formats the S3 requests made between two counts, per request
// of the workload: "2.00 (GetObject 1.00, HeadObject 1.00)".
func perRequest(before, after map[string]float64, n int) string {
	var all float64
	var parts []string
	for _, api := range slices.Sorted(maps.Keys(after)) {
		d := after[api] - before[api]
		if d/float64(n) < 0.005 {
			continue
		}
		all += d
		parts = append(parts, fmt.Sprintf("%s %.2f", api, d/float64(n)))
	}
	return fmt.Sprintf("%.2f (%s)", all/float64(n), strings.Join(parts, ", "))
}

// cpuOf returns p's CPU time so far, or 0 for no process.
func cpuOf(p *process) time.Duration {
	if p == nil {
		return 0
	}
	return p.cpuTime()
}

// loadSpec returns the bounds of workload w.
func (c config) loadSpec(w workload) loadSpec {
	s := loadSpec{warmup: c.warmup, duration: c.duration}
	switch w {
	case getDoc:
		s.workers, s.max = c.getWorkers, c.maxGet
	case listContainer:
		s.workers, s.max = c.listWorkers, c.maxList
	case putDoc:
		s.workers, s.max = c.putWorkers, c.maxPut
	case patchDoc:
		s.workers, s.max = c.patchWorkers, c.maxPatch
	case authGet:
		s.workers, s.max = c.getWorkers, c.maxGet
	}
	return s
}

// busyThreshold is the CPU use, by others, above which a measurement is
// noisy: the report marks such targets.
const busyThreshold = 0.15

// waitIdle waits, within what is left of cfg.waitIdle for the whole run,
// until the CPUs are idle enough, and returns the share that was busy.
func (b *bench) waitIdle(ctx context.Context) float64 {
	sample := time.Second
	if b.cfg.waitIdle == 0 {
		sample = 200 * time.Millisecond // just to report it
	}
	var lastLog time.Time
	for {
		t0 := time.Now()
		busy := cpuBusy(sample)
		if busy <= busyThreshold || b.idleBudget <= 0 || ctx.Err() != nil {
			return busy
		}
		if time.Since(lastLog) >= 15*time.Second {
			b.logf("CPUs %.0f%% busy: waiting for a quieter machine (%v of -wait-idle left)", 100*busy, b.idleBudget.Round(time.Second))
			lastLog = time.Now()
		}
		b.idleBudget -= time.Since(t0)
	}
}

// cpuBusy returns the share of all CPUs that was not idle over d.
func cpuBusy(d time.Duration) float64 {
	idle0, total0 := cpuTimes()
	time.Sleep(d)
	idle1, total1 := cpuTimes()
	if total1 <= total0 {
		return 0
	}
	return 1 - float64(idle1-idle0)/float64(total1-total0)
}

// cpuTimes returns the idle (with iowait) and total jiffies of /proc/stat.
func cpuTimes() (idle, total int64) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal ...
	for i, v := range f[1:] {
		n, _ := strconv.ParseInt(v, 10, 64)
		if i < 8 {
			total += n
		}
		if i == 3 || i == 4 {
			idle += n
		}
	}
	return idle, total
}

// loadAvg returns the 1-minute load average: the bench wants a quiet
// machine, and the report says whether it had one.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}
