package main

import (
	"github.com/seedpod/seedpod/clients/pod"

	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Signing a DPoP proof costs the client about as much CPU as the server
// spends answering a GET, and the load generator shares the two cores with
// the server. So the authenticated workload signs its proofs before the
// run, one per request, in a proofPool: each has a jti of its own and is
// sent once, since a server refuses a jti it has seen (RFC 9449 §11.1), and
// each is verified by the server in full, as a fresh proof. A proof is
// accepted only while its iat is within the server's window (Seedpod: 60 s
// either way; CSS: 120 s), so the pool is signed just before the run and
// the signing time is bounded by maxProofAge.

// maxProofAge bounds the age of the oldest proof of a pool when the run
// ends: Seedpod accepts a proof's iat up to 60 s in the past.
const maxProofAge = 45 * time.Second

// proofPool holds DPoP proofs signed ahead of a run.
type proofPool struct {
	proofs []string
	next   atomic.Int64
	oldest time.Time // when the first proof was signed
	took   time.Duration
}

// take returns the next unused proof, or false once all are used.
func (p *proofPool) take() (string, bool) {
	i := p.next.Add(1) - 1
	if i >= int64(len(p.proofs)) {
		return "", false
	}
	return p.proofs[i], true
}

// used returns how many proofs were taken.
func (p *proofPool) used() int { return min(int(p.next.Load()), len(p.proofs)) }

// signProofs signs n proofs of u for method and htu, issued now, on all
// the CPUs; it stops early, with fewer, once budget has passed.
func signProofs(ctx context.Context, u *pod.User, method, htu string, n int, budget time.Duration) (*proofPool, error) {
	p := &proofPool{proofs: make([]string, n), oldest: time.Now()}
	deadline := p.oldest.Add(budget)
	var (
		claimed  atomic.Int64
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil && time.Now().Before(deadline) {
				i := claimed.Add(1) - 1
				if i >= int64(n) {
					return
				}
				s, err := u.Proof(method, htu, time.Now())
				if err != nil {
					errOnce.Do(func() { firstErr = err })
					return
				}
				p.proofs[i] = s
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// Every claimed index below n was signed.
	p.proofs = p.proofs[:min(int(claimed.Load()), n)]
	p.took = time.Since(p.oldest)
	return p, nil
}
