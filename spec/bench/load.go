package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// A worker issues one request at a time for one closed-loop load worker. A
// worker is used by one goroutine only.
type worker interface {
	// do performs one request and reads the whole response. It returns a
	// *statusError for a non-2xx status and any other error for a failure.
	do(ctx context.Context) error
	close()
}

// A client makes the workers of one workload.
type client interface {
	newWorker(id int) worker
}

// statusError is a response outside 2xx, or other than 200 where only 200
// will do.
type statusError struct{ code int }

// errNoProofs ends a worker: the workload's DPoP proofs are all used.
var errNoProofs = errors.New("DPoP proofs used up")

func (e *statusError) Error() string { return fmt.Sprintf("HTTP %d", e.code) }

// loadSpec bounds one workload run.
type loadSpec struct {
	workers  int
	warmup   time.Duration
	duration time.Duration
	max      int // measured requests, at most
}

// loadResult is what a workload run measured. Only requests started after
// the warm-up count towards n, rps and the latencies; errs counts every
// failed request, warm-up included.
type loadResult struct {
	n        int
	total    int           // requests completed, warm-up included
	elapsed  time.Duration // warm-up end → last measured completion
	rps      float64
	p50, p99 time.Duration
	max      time.Duration
	errs     int
	firstErr string
}

// runLoad drives c with spec.workers closed-loop workers: each sends a
// request, waits for the whole response, and sends the next, until the
// warm-up plus duration has passed or spec.max measured requests were sent.
func runLoad(ctx context.Context, c client, spec loadSpec) loadResult {
	start := time.Now()
	warmEnd := start.Add(spec.warmup)
	end := warmEnd.Add(spec.duration)
	var (
		started  atomic.Int64 // measured requests started
		errs     atomic.Int64
		total    atomic.Int64
		mu       sync.Mutex
		lats     []time.Duration
		lastDone time.Time
		firstErr string
		wg       sync.WaitGroup
	)
	for i := range spec.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := c.newWorker(i)
			defer w.close()
			var mine []time.Duration
			var done time.Time
			for ctx.Err() == nil {
				t0 := time.Now()
				if t0.After(end) {
					break
				}
				measured := !t0.Before(warmEnd)
				if measured && started.Add(1) > int64(spec.max) {
					break
				}
				err := w.do(ctx)
				if errors.Is(err, errNoProofs) {
					break
				}
				done = time.Now()
				total.Add(1)
				if err != nil {
					if errs.Add(1) == 1 {
						mu.Lock()
						firstErr = err.Error()
						mu.Unlock()
					}
					if !errors.As(err, new(*statusError)) {
						// Don't spin on a refused or broken connection.
						time.Sleep(10 * time.Millisecond)
					}
				}
				if measured {
					mine = append(mine, done.Sub(t0))
				}
			}
			mu.Lock()
			lats = append(lats, mine...)
			if done.After(lastDone) {
				lastDone = done
			}
			mu.Unlock()
		}()
	}
	wg.Wait()

	r := loadResult{n: len(lats), total: int(total.Load()), errs: int(errs.Load()), firstErr: firstErr}
	if r.n == 0 {
		return r
	}
	r.elapsed = lastDone.Sub(warmEnd)
	r.rps = float64(r.n) / r.elapsed.Seconds()
	slices.Sort(lats)
	r.p50 = percentile(lats, 50)
	r.p99 = percentile(lats, 99)
	r.max = lats[len(lats)-1]
	return r
}

// percentile returns the nearest-rank p-th percentile of sorted.
func percentile(sorted []time.Duration, p int) time.Duration {
	i := (len(sorted)*p + 99) / 100 // ceil(n·p/100)
	return sorted[max(i-1, 0)]
}

// httpRequest describes the requests of one HTTP workload. path returns the
// request path of worker id's seq-th request; its body is body or, if
// appendBody is set, what appendBody appends to dst for that request.
type httpRequest struct {
	method      string
	path        func(id, seq int) string
	accept      string
	contentType string
	body        []byte
	appendBody  func(dst []byte, id, seq int) []byte
	auth        *requestAuth // if set, every request is sent as a user
	only200     bool         // any status but 200 is an error, not just non-2xx
}

// requestAuth authenticates requests as Solid clients do: the access token
// in Authorization and a DPoP proof of its own in DPoP (RFC 9449 §7.1).
type requestAuth struct {
	authorization string     // "DPoP " + the access token
	proofs        *proofPool // one for each request, even a retried one
}

// failed reports whether status code is an error for r.
func (r *httpRequest) failed(code int) bool {
	if r.only200 {
		return code != http.StatusOK
	}
	return code/100 != 2
}

// hasBody reports whether the requests carry a body.
func (r *httpRequest) hasBody() bool { return r.body != nil || r.appendBody != nil }

// bodyFor returns the body of worker id's seq-th request, built in scratch
// when it varies.
func (r *httpRequest) bodyFor(scratch []byte, id, seq int) []byte {
	if r.appendBody != nil {
		return r.appendBody(scratch[:0], id, seq)
	}
	return r.body
}

// rawClient gives each worker its own keep-alive TCP connection, writes
// prebuilt HTTP/1.1 requests and parses responses with readResponse, so that
// the load generator takes as little as it can of the cores it shares with
// the server.
type rawClient struct {
	addr    string // host:port to dial
	host    string // the Host header
	req     httpRequest
	timeout time.Duration
}

func (c *rawClient) newWorker(id int) worker { return &rawWorker{c: c, id: id} }

type rawWorker struct {
	c       *rawClient
	id, seq int
	conn    net.Conn
	br      *bufio.Reader
	used    bool // the connection has carried a response
	buf     []byte
	body    []byte // scratch for a varying body
}

func (w *rawWorker) do(ctx context.Context) error {
	defer func() { w.seq++ }()
	for attempt := 0; ; attempt++ {
		// Built again for a retry: it takes a new DPoP proof.
		var err error
		if w.buf, err = w.appendRequest(w.buf[:0]); err != nil {
			return err
		}
		err = w.roundTrip(ctx)
		if err == nil || errors.As(err, new(*statusError)) {
			return err
		}
		// The server may close an idle keep-alive connection just as we
		// reuse it; retry that once on a fresh connection, as net/http does.
		reused := w.used
		w.reset()
		if !reused || attempt > 0 || ctx.Err() != nil {
			return err
		}
	}
}

func (w *rawWorker) roundTrip(ctx context.Context) error {
	if w.conn == nil {
		d := net.Dialer{Timeout: w.c.timeout}
		conn, err := d.DialContext(ctx, "tcp", w.c.addr)
		if err != nil {
			return err
		}
		w.conn, w.br, w.used = conn, bufio.NewReaderSize(conn, 16<<10), false
	}
	w.conn.SetDeadline(time.Now().Add(w.c.timeout))
	if _, err := w.conn.Write(w.buf); err != nil {
		return err
	}
	code, closeConn, err := readResponse(w.br)
	if err != nil {
		return err
	}
	w.used = true
	if closeConn {
		w.reset()
	}
	if w.c.req.failed(code) {
		return &statusError{code}
	}
	return nil
}

// appendRequest appends the worker's next request to b; it fails with
// errNoProofs when the request needs a DPoP proof and none is left.
func (w *rawWorker) appendRequest(b []byte) ([]byte, error) {
	r := &w.c.req
	b = append(b, r.method...)
	b = append(b, ' ')
	b = append(b, r.path(w.id, w.seq)...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, w.c.host...)
	b = append(b, "\r\nUser-Agent: seedpod-bench\r\n"...)
	if r.accept != "" {
		b = append(b, "Accept: "...)
		b = append(b, r.accept...)
		b = append(b, "\r\n"...)
	}
	if r.auth != nil {
		proof, ok := r.auth.proofs.take()
		if !ok {
			return b, errNoProofs
		}
		b = append(b, "Authorization: "...)
		b = append(b, r.auth.authorization...)
		b = append(b, "\r\nDPoP: "...)
		b = append(b, proof...)
		b = append(b, "\r\n"...)
	}
	if !r.hasBody() {
		return append(b, "\r\n"...), nil
	}
	w.body = r.bodyFor(w.body, w.id, w.seq)
	b = append(b, "Content-Type: "...)
	b = append(b, r.contentType...)
	b = append(b, "\r\nContent-Length: "...)
	b = strconv.AppendInt(b, int64(len(w.body)), 10)
	b = append(b, "\r\n\r\n"...)
	return append(b, w.body...), nil
}

func (w *rawWorker) reset() {
	if w.conn != nil {
		w.conn.Close()
		w.conn, w.br = nil, nil
	}
}

func (w *rawWorker) close() { w.reset() }

// transportClient sends through a shared net/http Client whose Transport
// keeps an idle connection per worker. It cross-checks rawClient.
type transportClient struct {
	base string // http://host:port
	req  httpRequest
	hc   *http.Client
}

func newTransportClient(addr, host string, req httpRequest, workers int, timeout time.Duration) *transportClient {
	tr := loopbackTransport(addr, timeout)
	tr.MaxIdleConns = 2 * workers
	tr.MaxIdleConnsPerHost = 2 * workers
	return &transportClient{base: "http://" + host, req: req, hc: &http.Client{Transport: tr, Timeout: timeout}}
}

// loopbackTransport returns a Transport that dials addr whatever host a
// URL names: a target's URLs may say localhost:PORT (CSS accepts http
// WebIDs only on localhost), while the server listens on 127.0.0.1 only.
func loopbackTransport(addr string, timeout time.Duration) *http.Transport {
	d := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy: nil, // loopback only, never through a proxy
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return d.DialContext(ctx, network, addr)
		},
		IdleConnTimeout:    90 * time.Second,
		DisableCompression: true,
	}
}

func (c *transportClient) newWorker(id int) worker { return &transportWorker{c: c, id: id} }

type transportWorker struct {
	c       *transportClient
	id, seq int
}

func (w *transportWorker) do(ctx context.Context) error {
	r := &w.c.req
	var body io.Reader
	if r.hasBody() {
		body = bytes.NewReader(r.bodyFor(nil, w.id, w.seq))
	}
	req, err := http.NewRequestWithContext(ctx, r.method, w.c.base+r.path(w.id, w.seq), body)
	if err != nil {
		return err
	}
	w.seq++
	req.Header.Set("User-Agent", "seedpod-bench")
	if r.auth != nil {
		proof, ok := r.auth.proofs.take()
		if !ok {
			return errNoProofs
		}
		req.Header.Set("Authorization", r.auth.authorization)
		req.Header.Set("DPoP", proof)
	}
	if r.accept != "" {
		req.Header.Set("Accept", r.accept)
	}
	if r.hasBody() {
		req.Header.Set("Content-Type", r.contentType)
	}
	resp, err := w.c.hc.Do(req)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	if r.failed(resp.StatusCode) {
		return &statusError{resp.StatusCode}
	}
	return nil
}

func (w *transportWorker) close() {}

// newHTTPClient returns the client cfg.client names for inst.
func newHTTPClient(cfg config, inst *instance, req httpRequest, workers int) client {
	if cfg.client == "transport" {
		return newTransportClient(inst.addr, inst.hostname(), req, workers, cfg.timeout)
	}
	return &rawClient{addr: inst.addr, host: inst.hostname(), req: req, timeout: cfg.timeout}
}

// readResponse reads one HTTP/1.1 response from br and discards its body,
// without allocating: net/http's parser costs the load generator more than
// a bare server spends on the request. It handles Content-Length, chunked
// bodies and bodies delimited by the connection's end, and reports whether
// the connection must be closed.
func readResponse(br *bufio.Reader) (code int, closeConn bool, err error) {
	line, err := br.ReadSlice('\n')
	if err != nil {
		return 0, false, err
	}
	// HTTP/1.1 200 OK
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return 0, false, fmt.Errorf("malformed status line %q", line)
	}
	code, err = strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, false, fmt.Errorf("malformed status line %q", line)
	}
	closeConn = line[7] == '0' // HTTP/1.0
	length, chunked := int64(-1), false
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return 0, false, err
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			break
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return 0, false, fmt.Errorf("malformed header %q", line)
		}
		value = bytes.TrimSpace(value)
		switch {
		case asciiEqualFold(name, "content-length"):
			if length, err = strconv.ParseInt(string(value), 10, 64); err != nil {
				return 0, false, fmt.Errorf("malformed Content-Length %q", value)
			}
		case asciiEqualFold(name, "transfer-encoding"):
			chunked = asciiEqualFold(value, "chunked")
		case asciiEqualFold(name, "connection"):
			if asciiEqualFold(value, "close") {
				closeConn = true
			}
		}
	}
	switch {
	case code/100 == 1 || code == http.StatusNoContent || code == http.StatusNotModified:
		// No body.
	case chunked:
		err = discardChunked(br)
	case length >= 0:
		_, err = br.Discard(int(length))
	case code == http.StatusResetContent:
		// No content is allowed (RFC 9110, 15.3.6), framed or not.
	default:
		_, err = io.Copy(io.Discard, br)
		closeConn = true
	}
	return code, closeConn, err
}

func discardChunked(br *bufio.Reader) error {
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return err
		}
		line = bytes.TrimRight(line, "\r\n")
		if i := bytes.IndexByte(line, ';'); i >= 0 {
			line = line[:i]
		}
		n, err := strconv.ParseInt(string(bytes.TrimSpace(line)), 16, 64)
		if err != nil || n < 0 {
			return fmt.Errorf("malformed chunk size %q", line)
		}
		if n == 0 {
			// Trailers, then the empty line.
			for {
				line, err := br.ReadSlice('\n')
				if err != nil {
					return err
				}
				if len(bytes.TrimRight(line, "\r\n")) == 0 {
					return nil
				}
			}
		}
		if _, err := br.Discard(int(n) + 2); err != nil { // data and CRLF
			return err
		}
	}
}

func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}
