package main

import (
	"fmt"
	"runtime"
	"strings"
	"time"
	"unicode/utf8"
)

// report is the result of a run.
type report struct {
	cfg        config
	when       time.Time
	loadBefore string // 1-minute load average when the run started
	elapsed    time.Duration
	runs       []*targetRun
}

// find returns the run of the named target and its row for w; either is nil
// when the target or workload did not run.
func (r *report) find(name string, w workload) (*targetRun, *row) {
	for _, tr := range r.runs {
		if tr.target.name != name {
			continue
		}
		for i := range tr.rows {
			if tr.rows[i].workload == w {
				return tr, &tr.rows[i]
			}
		}
		return tr, nil
	}
	return nil, nil
}

// A goal is one of Seedpod's performance targets.
type goal struct {
	name     string
	target   string   // the row the goal is shown on
	workload workload // (ignored for start-up and memory goals)
	eval     func(r *report) verdict
}

// verdict is a goal's outcome: short is shown in the table, long below it.
type verdict struct {
	short, long string
	status      string // "ok", "MISS", "ERRORS" or "n/a"
}

const mb = 1 << 20

var goals = []goal{
	ratioGoal("Seedpod GET ≥ 50× CSS", "seedpod-disk", getDoc, "css", 50),
	ratioGoal("Seedpod GET ≥ 40% of bare net/http", "seedpod-disk", getDoc, "nethttp", 0.40),
	ratioGoal("Seedpod PUT ≥ 50% of bare fsync", "seedpod-disk", putDoc, "fsync", 0.50),
	ratioGoal("Seedpod container listing ≥ 100× CSS", "seedpod-disk", listContainer, "css", 100),
	ratioGoal("Seedpod PATCH ≥ 10× CSS", "seedpod-disk", patchDoc, "css", 10),
	flatGoal("Seedpod container listing: flat memory (peak ≤ idle + 20 MB)", "seedpod-disk", 20*mb),
	ratioGoal("Seedpod-on-MinIO GET ≥ 70% of raw minio-go GET", "seedpod-minio", getDoc, "minio-go", 0.70),
	ratioGoal("Seedpod authenticated GET (DPoP) ≥ 20× CSS", "seedpod-disk", authGet, "css", 20),
	// The stricter reading of #5 ("CSS does roughly 120/s here"): against
	// CSS's public GET, which is faster than its authenticated one.
	rateGoal("Seedpod authenticated GET ≥ 20× CSS public GET", "seedpod-disk", authGet, "css", getDoc, "css public", 20),
	selfRatioGoal("Seedpod authenticated GET ≥ 60% of its public GET", "seedpod-disk", authGet, getDoc, 0.60),
	selfRatioGoal("Seedpod-on-MinIO authenticated GET ≥ 60% of its public GET", "seedpod-minio", authGet, getDoc, 0.60),
	startGoal("Seedpod start-up < 100 ms", "seedpod-disk", 100*time.Millisecond),
	startGoal("Seedpod-on-MinIO start-up < 100 ms", "seedpod-minio", 100*time.Millisecond),
	idleGoal("Seedpod idle RSS < 30 MB", "seedpod-disk", 30*mb),
	idleGoal("Seedpod-on-MinIO idle RSS < 30 MB", "seedpod-minio", 30*mb),
}

func status(pass bool) string {
	if pass {
		return "ok"
	}
	return "MISS"
}

// ratioGoal: name's rate on w is at least want times ref's.
func ratioGoal(title, name string, w workload, ref string, want float64) goal {
	return rateGoal(title, name, w, ref, w, ref, want)
}

// selfRatioGoal: name's rate on w is at least want times its rate on ref.
func selfRatioGoal(title, name string, w, ref workload, want float64) goal {
	return rateGoal(title, name, w, name, ref, ref.String(), want)
}

// rateGoal: name's rate on w is at least want times refName's on refW;
// label names the reference in the table.
func rateGoal(title, name string, w workload, refName string, refW workload, label string, want float64) goal {
	return goal{title, name, w, func(r *report) verdict {
		_, a := r.find(name, w)
		_, b := r.find(refName, refW)
		if a == nil || b == nil || a.res.n == 0 || b.res.n == 0 {
			need := fmt.Sprintf("needs %s and %s %s", name, refName, w)
			switch {
			case refName == name:
				need = fmt.Sprintf("needs %s %s and %s", name, w, refW)
			case refW != w:
				need = fmt.Sprintf("needs %s %s and %s %s", name, w, refName, refW)
			}
			return verdict{status: "n/a", long: need}
		}
		ratio := a.res.rps / b.res.rps
		v := verdict{status: status(ratio >= want)}
		if a.res.errs > 0 || b.res.errs > 0 {
			v.status = "ERRORS"
		}
		got, wantS := fmt.Sprintf("%.0f%%", 100*ratio), fmt.Sprintf("≥%.0f%%", 100*want)
		if want >= 2 {
			got, wantS = fmt.Sprintf("%.0f×", ratio), fmt.Sprintf("≥%.0f×", want)
			if ratio < 10 {
				got = fmt.Sprintf("%.1f×", ratio)
			}
		}
		v.short = fmt.Sprintf("%s %s (%s) %s", got, label, wantS, v.status)
		v.long = fmt.Sprintf("%s: %.0f vs %.0f req/s", got, a.res.rps, b.res.rps)
		return v
	}}
}

// flatGoal: listing the container raises name's RSS by at most limit over
// its idle RSS.
func flatGoal(title, name string, limit int64) goal {
	return goal{title, name, listContainer, func(r *report) verdict {
		tr, a := r.find(name, listContainer)
		if a == nil || a.peakRSS == 0 {
			return verdict{status: "n/a", long: "needs " + name + " " + listContainer.String()}
		}
		growth := a.peakRSS - tr.idleRSS
		v := verdict{status: status(growth <= limit)}
		v.short = fmt.Sprintf("%+.1f MB over idle %s", float64(growth)/mb, v.status)
		v.long = fmt.Sprintf("peak %s, idle %s (%+.1f MB)", fmtMB(a.peakRSS), fmtMB(tr.idleRSS), float64(growth)/mb)
		return v
	}}
}

func startGoal(title, name string, limit time.Duration) goal {
	return goal{title, name, -1, func(r *report) verdict {
		tr, _ := r.find(name, getDoc)
		if tr == nil || tr.startup == 0 {
			return verdict{status: "n/a", long: "needs " + name}
		}
		v := verdict{status: status(tr.startup < limit)}
		v.long = fmtMillis(tr.startup)
		v.short = v.status
		return v
	}}
}

func idleGoal(title, name string, limit int64) goal {
	return goal{title, name, -1, func(r *report) verdict {
		tr, _ := r.find(name, getDoc)
		if tr == nil || tr.idleRSS == 0 {
			return verdict{status: "n/a", long: "needs " + name}
		}
		v := verdict{status: status(tr.idleRSS < limit)}
		v.long = fmtMB(tr.idleRSS)
		v.short = v.status
		return v
	}}
}

// String renders the report: one table of targets × workloads with the
// ratios against the goals, then the goals one per line.
func (r *report) String() string {
	var b strings.Builder
	c := r.cfg
	fmt.Fprintf(&b, "Seedpod bench, %s, %d CPUs (load average %s at start), %s, client %s\n",
		r.when.Format("2006-01-02 15:04"), runtime.NumCPU(), r.loadBefore, runtime.Version(), c.client)
	fmt.Fprintf(&b, "per workload: %v warm-up + %v (or max %d GET / %d PUT / %d listing / %d PATCH requests); workers GET %d, PUT %d, listing %d, PATCH %d;\n"+
		"container of %d children; PATCH: N3 Patch inserting one new triple, round-robin over %d documents;\n"+
		"GET 2KB doc DPoP: the owner GETs the same document, private, with its DPoP-bound access token and a fresh\n"+
		"DPoP proof per request (new jti, iat, ath), signed before the run (see below), as many workers as GET\n\n",
		c.warmup, c.duration, c.maxGet, c.maxPut, c.maxList, c.maxPatch, c.getWorkers, c.putWorkers, c.listWorkers, c.patchWorkers, c.children, patchDocs)

	verdicts := make([]verdict, len(goals))
	for i, g := range goals {
		verdicts[i] = g.eval(r)
	}
	t := [][]string{{"target", "workload", "req/s", "p50", "p99", "errors", "peak RSS", "CPU/req", "start-up", "idle RSS", "vs goal"}}
	for _, tr := range r.runs {
		name, shown := tr.target.name, tr.target.name
		if tr.busy > busyThreshold {
			shown += " *"
		}
		startup, idle := fmtMillis(tr.startup), fmtMB(tr.idleRSS)
		for i, g := range goals {
			if g.target == name && g.workload == -1 && verdicts[i].status != "n/a" {
				if strings.Contains(g.name, "start-up") {
					startup += " " + verdicts[i].short
				} else {
					idle += " " + verdicts[i].short
				}
			}
		}
		if tr.err != nil && len(tr.rows) == 0 {
			t = append(t, []string{shown, "FAILED: " + firstLine(tr.err.Error()), "", "", "", "", "", "", startup, idle, ""})
			continue
		}
		for j, row := range tr.rows {
			var vs []string
			for i, g := range goals {
				if g.target == name && g.workload == row.workload && verdicts[i].short != "" {
					vs = append(vs, verdicts[i].short)
				}
			}
			errs := fmt.Sprint(row.res.errs)
			if row.res.errs > 0 {
				errs += " !"
			}
			cells := []string{shown, row.workload.String(), fmtRate(row.res.rps),
				fmtMillis(row.res.p50), fmtMillis(row.res.p99), errs, fmtMB(row.peakRSS), fmtMicros(row.cpu), "", "", strings.Join(vs, "; ")}
			if row.extraCPU > 0 {
				cells[7] += fmt.Sprintf(" +%s", fmtMicros(row.extraCPU))
			}
			if j == 0 {
				cells[8], cells[9] = startup, idle
			} else {
				cells[0] = ""
			}
			t = append(t, cells)
		}
		if tr.err != nil {
			t = append(t, []string{"", "FAILED: " + firstLine(tr.err.Error()), "", "", "", "", "", "", "", "", ""})
		}
	}
	writeTable(&b, t, map[int]bool{2: true, 3: true, 4: true, 5: true, 6: true, 7: true})

	b.WriteString("\nGoals\n")
	for i, g := range goals {
		fmt.Fprintf(&b, "  %-6s %-62s %s\n", verdicts[i].status, g.name, verdicts[i].long)
	}
	b.WriteString("\n")
	for _, tr := range r.runs {
		fmt.Fprintf(&b, "  %-13s %s; CPUs %.0f%% busy before start\n", tr.target.name, tr.target.desc, 100*tr.busy)
		for _, row := range tr.rows {
			if row.s3 != "" {
				fmt.Fprintf(&b, "  %-13s   %s: MinIO requests per request: %s\n", "", row.workload, row.s3)
			}
			if row.note != "" {
				fmt.Fprintf(&b, "  %-13s   %s: %s\n", "", row.workload, row.note)
			}
			if row.res.firstErr != "" {
				fmt.Fprintf(&b, "  %-13s   %s: %d errors, first: %s\n", "", row.workload, row.res.errs, firstLine(row.res.firstErr))
			}
		}
	}
	fmt.Fprintf(&b, "\n* the machine was over %.0f%% busy before this target started: its numbers are low and noisy.\n", 100*busyThreshold)
	b.WriteString("requests/s counts requests started after the warm-up; peak RSS is the largest of VmHWM (reset per workload)\n" +
		"and VmRSS sampled every 50 ms, over the server's process tree; CPU/req is the server's user+system CPU time per\n" +
		"request (warm-up included; \"+N\" is MinIO's under seedpod-minio); start-up is exec → first 2xx GET; idle RSS\n" +
		"is read 0.5 s after start-up, before seeding. The load generator shares the machine's cores with the server.\n")
	fmt.Fprintf(&b, "DPoP: the user is made through the account API (CSS v7's) and logged in with client credentials; a %v\n"+
		"trial sizes a pool of proofs, 1.5× what the trial's rate needs for warm-up + run (at most %d), signed on all\n"+
		"cores just before the run, each sent once: the server verifies every one (it refuses a replayed jti). The user\n"+
		"is made just before: its peak RSS includes what hashing the user's password took (Seedpod: about 40 MB).\n"+
		"CSS runs on http://localhost:PORT/ (its verifier takes http WebIDs on localhost only); the clients dial 127.0.0.1.\n",
		c.calibrate, c.maxProofs)
	fmt.Fprintf(&b, "total time %v\n", r.elapsed.Round(time.Second))
	return b.String()
}

// writeTable writes rows as aligned columns; right-aligned columns are
// marked in right.
func writeTable(b *strings.Builder, rows [][]string, right map[int]bool) {
	width := map[int]int{}
	for _, r := range rows {
		for i, c := range r {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	for k, r := range rows {
		var line strings.Builder
		for i, c := range r {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			if right[i] {
				line.WriteString(pad + c)
			} else {
				line.WriteString(c + pad)
			}
			line.WriteString("  ")
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
		if k == 0 {
			total := 0
			for i := range r {
				total += width[i] + 2
			}
			b.WriteString(strings.Repeat("-", total-2) + "\n")
		}
	}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

func fmtMillis(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case d == 0:
		return "-"
	case ms < 10:
		return fmt.Sprintf("%.2f ms", ms)
	case ms < 100:
		return fmt.Sprintf("%.1f ms", ms)
	default:
		return fmt.Sprintf("%.0f ms", ms)
	}
}

func fmtRate(rps float64) string {
	switch {
	case rps == 0:
		return "0"
	case rps < 1:
		return fmt.Sprintf("%.2f", rps)
	case rps < 10:
		return fmt.Sprintf("%.1f", rps)
	default:
		return fmt.Sprintf("%.0f", rps)
	}
}

func fmtMicros(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	us := float64(d) / float64(time.Microsecond)
	if us >= 1000 {
		return fmt.Sprintf("%.1f ms", us/1000)
	}
	return fmt.Sprintf("%.0f µs", us)
}

func fmtMB(n int64) string {
	if n == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f MB", float64(n)/mb)
}
