package notify

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// benchSubscribers is how many websocket subscribers BenchmarkFanout
// connects (the goal: 1,000 on one server).
const benchSubscribers = 1000

// BenchmarkFanout connects benchSubscribers WebSocketChannel2023 sockets,
// each its own channel on one topic, and measures how long a change takes
// to reach them (from the notification's published time to its arrival
// at each socket; p99 and max over every delivery of every change), and
// the server's RSS growth per idle subscriber. The sockets live in a
// child process (this test binary run again as a client), so the RSS
// measured is the server's alone.
//
//	go test -run XXX -bench Fanout -benchtime 20x ./ldp/notify/
func BenchmarkFanout(b *testing.B) {
	s := newStack(b, stackOpts{})
	var urls []string
	for range benchSubscribers {
		d := s.wsSubscribe(b, alice, "/alice/fan.txt")
		urls = append(urls, "ws"+strings.TrimPrefix(s.URL, "http")+strings.TrimPrefix(d["receiveFrom"].(string), "ws://pod.example"))
	}
	list := b.TempDir() + "/urls"
	if err := os.WriteFile(list, []byte(strings.Join(urls, "\n")), 0o600); err != nil {
		b.Fatal(err)
	}
	before := settledRSS(b)

	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), "NOTIFY_FANOUT_URLS="+list)
	in, _ := child.StdinPipe()
	out, _ := child.StdoutPipe()
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		b.Fatal(err)
	}
	defer child.Wait()
	defer in.Close()
	lines := bufio.NewScanner(out)
	next := func() string {
		for lines.Scan() {
			if l, ok := strings.CutPrefix(lines.Text(), "fanout: "); ok {
				return l
			}
		}
		b.Fatalf("client ended: %v", lines.Err())
		return ""
	}
	if l := next(); l != "ready" {
		b.Fatalf("client: %s", l)
	}
	// Every socket is connected when the client says ready; let the
	// server's side settle.
	time.Sleep(200 * time.Millisecond)
	after := settledRSS(b)

	var all []time.Duration
	b.ResetTimer()
	for i := range b.N {
		s.mustDo(b, map[bool]int{true: 201, false: 204}[i == 0], alice, "PUT", "/alice/fan.txt", "text/plain", strconv.Itoa(i))
		var got []time.Duration
		if err := json.Unmarshal([]byte(next()), &got); err != nil {
			b.Fatal(err)
		}
		all = append(all, got...)
	}
	b.StopTimer()
	slices.Sort(all)
	pct := func(p float64) time.Duration { return all[int(float64(len(all)-1)*p)] }
	b.ReportMetric(float64(pct(0.5).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(pct(0.99).Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(all[len(all)-1].Microseconds())/1000, "max-ms")
	b.ReportMetric(float64(after-before)/benchSubscribers/1024, "RSS-KB/sub")
	if p99 := pct(0.99); p99 > time.Second {
		b.Errorf("p99 delivery %v, goal ≤ 1s", p99)
	}
	if per := (after - before) / benchSubscribers; per > 50<<10 {
		b.Errorf("RSS grew %d bytes per idle subscriber, goal < 50 KB", per)
	}
}

// settledRSS returns this process's resident set after a GC that returns
// freed memory to the OS.
func settledRSS(b *testing.B) int64 {
	runtime.GC()
	debug.FreeOSMemory()
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	for l := range strings.SplitSeq(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	b.Fatal("no VmRSS in /proc/self/status")
	return 0
}

// TestMain runs the test binary as BenchmarkFanout's client process when
// NOTIFY_FANOUT_URLS names the list of sockets to open.
func TestMain(m *testing.M) {
	if list := os.Getenv("NOTIFY_FANOUT_URLS"); list != "" {
		if err := fanoutClient(list); err != nil {
			fmt.Fprintln(os.Stderr, "fanout client:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// fanoutClient opens the sockets listed in the file list, prints
// "fanout: ready" once all are open, then for each change one line with
// the delay of each socket's notification, until stdin closes.
func fanoutClient(list string) error {
	data, err := os.ReadFile(list)
	if err != nil {
		return err
	}
	urls := strings.Split(string(data), "\n")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	delays := make(chan time.Duration, len(urls))
	var wg sync.WaitGroup
	for _, u := range urls {
		c, _, err := websocket.Dial(ctx, u, nil)
		if err != nil {
			return fmt.Errorf("dial: %w", err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer c.CloseNow()
			for {
				_, msg, err := c.Read(ctx)
				if err != nil {
					return
				}
				at := time.Now()
				var m struct{ Published string }
				json.Unmarshal(msg, &m)
				p, _ := time.Parse(time.RFC3339Nano, m.Published)
				delays <- at.Sub(p)
			}
		}()
	}
	fmt.Println("fanout: ready")
	go func() {
		bufio.NewReader(os.Stdin).ReadString('\n') // EOF when the benchmark ends
		cancel()
	}()
	for {
		got := make([]time.Duration, 0, len(urls))
		for len(got) < len(urls) {
			select {
			case d := <-delays:
				got = append(got, d)
			case <-ctx.Done():
				wg.Wait()
				return nil
			}
		}
		line, _ := json.Marshal(got)
		fmt.Printf("fanout: %s\n", line)
	}
}
