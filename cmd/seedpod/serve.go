package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/seedpod/seedpod/clients/fetch"
	"github.com/seedpod/seedpod/ldp"
	"github.com/seedpod/seedpod/oidc"
)

// runServe serves pods until ctx is cancelled, then shuts down gracefully.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf storeFlags
	sf.register(fs)
	listen := fs.String("listen", envOr("SEEDPOD_LISTEN", "127.0.0.1:3000"), "address to listen on (SEEDPOD_LISTEN)")
	baseURL := fs.String("base-url", envOr("SEEDPOD_BASE_URL", "http://localhost:3000/"), "external URL of the server; every identifier is built from it (SEEDPOD_BASE_URL)")
	var fetchAllow listFlag
	fs.Var(&fetchAllow, "fetch-allow", "origin (scheme://host:port) that server-side fetches may reach although its address is private; repeatable (SEEDPOD_FETCH_ALLOW, comma-separated)")
	maxBody := fs.Int64("max-body", envInt("SEEDPOD_MAX_BODY", 256<<20), "largest request body in bytes; larger ones get 413 (SEEDPOD_MAX_BODY)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("serve: unexpected argument %q", fs.Arg(0))
	}
	if env := envOr("SEEDPOD_FETCH_ALLOW", ""); env != "" && len(fetchAllow) == 0 {
		for o := range strings.SplitSeq(env, ",") {
			fetchAllow = append(fetchAllow, strings.TrimSpace(o))
		}
	}
	guarded, err := fetch.New(fetch.Config{Allow: fetchAllow})
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	store, desc, err := sf.open(ctx)
	if err != nil {
		return err
	}
	h, err := ldp.New(ldp.Config{
		Store:        store,
		BaseURL:      *baseURL,
		MaxBodyBytes: *maxBody,
		FetchGroup:   ldp.FetchRDF(guarded),
		Revalidate:   sf.revalidate(),
		Logger:       log,
	})
	if err != nil {
		return err
	}
	// Who is calling: every request passes the Solid-OIDC verifier before
	// ldp. This server's WebID profiles are read from storage, never over
	// HTTP; other issuers and WebIDs are fetched through the guarded
	// client. Replay is nil, so used DPoP proofs are remembered in this
	// process only.
	// TODO(coordinator): with several processes on one MinIO, pass the
	// cluster Bus (--nats) as Replay, and the provider's public keys as
	// LocalKeys once oidc/provider serves tokens (#5).
	verifier, err := oidc.New(oidc.Config{
		BaseURL:     h.BaseURL(),
		Fetch:       guarded,
		LocalIssuer: h.BaseURL(),
		ReadLocal:   h.ReadDocument,
		Logger:      log,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           ldp.CORS(verifier.Middleware(h)),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(stdout, "seedpod: serving %s on %s (storage: %s)\n", h.BaseURL(), ln.Addr(), desc)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// envInt is envOr for integers; a malformed value keeps the default.
func envInt(name string, def int64) int64 {
	if v, err := strconv.ParseInt(envOr(name, ""), 10, 64); err == nil {
		return v
	}
	return def
}
