package main

import (
	"github.com/seedpod/seedpod/clients/pod"

	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"time"
)

// The authenticated workload (authget): its owner GETs a private ~2 KB
// document in the owner's pod, each request with the access token and a
// fresh DPoP proof, as Solid clients send them.

// privatePath is the authenticated workload's document, relative to the
// user's pod: publicDoc again, readable by the owner only, by the pod's
// default ACL.
const privatePath = "private.ttl"

// seedUser makes inst's user through the account API and writes the
// private document with the user's token, then checks that an anonymous
// GET of it is refused with 401, the owner's is answered with 200, and the
// same GET again with the same proof is refused with 401: the server
// checks every proof's jti, so each 200 of the run stands for a fresh
// proof verified.
func seedUser(ctx context.Context, inst *instance) (*pod.User, error) {
	hc := &http.Client{Timeout: time.Minute, Transport: loopbackTransport(inst.addr, time.Minute)}
	root := inst.url("/")
	u, err := pod.SignUp(ctx, hc, root)
	if err != nil {
		return nil, err
	}
	doc := u.Pod + privatePath
	if !strings.HasPrefix(doc, root) {
		return nil, fmt.Errorf("seed user: pod %s is not on %s", u.Pod, root)
	}
	if code, msg, err := send(ctx, u, hc, http.MethodPut, doc, publicDoc); err != nil {
		return nil, err
	} else if code/100 != 2 {
		return nil, fmt.Errorf("seed user: PUT %s as its owner: HTTP %d: %s", doc, code, msg)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, doc, nil)
	if err != nil {
		return nil, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		return nil, fmt.Errorf("seed user: anonymous GET %s: %s, want 401: the document is not private", doc, resp.Status)
	}
	proof, err := u.Proof(http.MethodGet, doc, time.Now())
	if err != nil {
		return nil, err
	}
	code, body, err := sendProof(ctx, u, hc, http.MethodGet, doc, nil, proof)
	if err != nil {
		return nil, err
	}
	if code != http.StatusOK || len(body) < len(publicDoc)/2 {
		return nil, fmt.Errorf("seed user: GET %s as its owner: HTTP %d, %d bytes; want 200 and about %d bytes", doc, code, len(body), len(publicDoc))
	}
	if code, _, err = sendProof(ctx, u, hc, http.MethodGet, doc, nil, proof); err != nil {
		return nil, err
	} else if code != http.StatusUnauthorized {
		return nil, fmt.Errorf("seed user: GET %s with a replayed DPoP proof: HTTP %d, want 401", doc, code)
	}
	return u, nil
}

// send makes one request as u, with a fresh proof, and returns the status
// and body.
func send(ctx context.Context, u *pod.User, hc *http.Client, method, target string, body []byte) (int, []byte, error) {
	proof, err := u.Proof(method, target, time.Now())
	if err != nil {
		return 0, nil, err
	}
	return sendProof(ctx, u, hc, method, target, body, proof)
}

// sendProof makes one request as u with the given proof.
func sendProof(ctx context.Context, u *pod.User, hc *http.Client, method, target string, body []byte, proof string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, target, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "DPoP "+u.Token)
	req.Header.Set("DPoP", proof)
	req.Header.Set("Accept", "text/turtle")
	if body != nil {
		req.Header.Set("Content-Type", "text/turtle")
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, bytes.TrimSpace(b), err
}

// authRequest returns the authenticated workload's requests on inst, each
// taking its proof from proofs.
func authRequest(inst *instance, proofs *proofPool) httpRequest {
	path := strings.TrimPrefix(inst.user.Pod, inst.url("")) + privatePath
	return httpRequest{method: http.MethodGet, accept: "text/turtle", only200: true,
		path: func(int, int) string { return path },
		auth: &requestAuth{authorization: "DPoP " + inst.user.Token, proofs: proofs}}
}

// authClient prepares the authenticated workload on inst. A short run on
// a small pool of proofs (spec's warm-up is not enough: the pool must be
// signed before it) measures the rate; then it signs a pool large enough
// for the warm-up and the run at 1.5 times that rate, within
// cfg.maxProofs and spec.max. If the pool still runs out, the run ends
// early, as at spec.max. It returns the short run's result too.
func (b *bench) authClient(ctx context.Context, name string, inst *instance, spec loadSpec) (client, *proofPool, loadResult, error) {
	htu := inst.user.Pod + privatePath
	run := spec.warmup + spec.duration
	budget := maxProofAge - run - 5*time.Second
	if budget <= 0 {
		return nil, nil, loadResult{}, fmt.Errorf("authget: warm-up plus duration (%v) too long: proofs older than %v would be refused", run, maxProofAge)
	}
	calib, err := signProofs(ctx, inst.user, http.MethodGet, htu, b.cfg.calibProofs, budget)
	if err != nil {
		return nil, nil, loadResult{}, err
	}
	c := newHTTPClient(b.cfg, inst, authRequest(inst, calib), spec.workers)
	res := runLoad(ctx, c, loadSpec{workers: spec.workers, duration: b.cfg.calibrate, max: len(calib.proofs)})
	if res.n == 0 || res.errs == res.total {
		return nil, nil, res, fmt.Errorf("authget: no authenticated GET succeeded (%d errors, first: %s)", res.errs, res.firstErr)
	}
	rate := res.rps * float64(res.n-res.errs) / float64(res.n)
	n := int(math.Ceil(1.5*rate*run.Seconds())) + 4*spec.workers
	n = min(n, b.cfg.maxProofs, int(math.Ceil(1.5*rate*spec.warmup.Seconds()))+spec.max+spec.workers)
	pool, err := signProofs(ctx, inst.user, http.MethodGet, htu, n, budget)
	if err != nil {
		return nil, nil, res, err
	}
	b.logf("%s: authget: %.0f req/s in a %v trial; signed %d DPoP proofs in %v for the run",
		name, rate, b.cfg.calibrate, len(pool.proofs), pool.took.Round(time.Millisecond))
	return newHTTPClient(b.cfg, inst, authRequest(inst, pool), spec.workers), pool, res, nil
}
