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
	"github.com/seedpod/seedpod/oidc/account"
	"github.com/seedpod/seedpod/oidc/provider"
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
	natsURL := fs.String("nats", envOr("SEEDPOD_NATS", ""), "NATS server URL shared by Seedpod processes on one MinIO bucket (DPoP replay claims, change events); empty means this process runs alone (SEEDPOD_NATS)")
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
	bus, busDesc, err := openBus(ctx, *natsURL)
	if err != nil {
		return err
	}
	defer bus.Close()
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
	accounts, err := account.New(account.Config{Store: store, BaseURL: *baseURL, Logger: log})
	if err != nil {
		return err
	}
	prov, err := provider.New(provider.Config{
		Issuer: h.BaseURL(),
		Store:  store,
		Users:  accounts,
		Fetch:  guarded,
		Replay: bus,
		Logger: log,
	})
	if err != nil {
		return err
	}
	go sweepHourly(ctx, prov, log)
	// Who is calling: every request to a pod passes the Solid-OIDC
	// verifier before ldp. This server's keys and WebID profiles are read
	// in-process, never over HTTP; other issuers and WebIDs are fetched
	// through the guarded client. Used DPoP proofs are claimed on the bus,
	// so a proof replayed against another process is refused too.
	verifier, err := oidc.New(oidc.Config{
		BaseURL:     h.BaseURL(),
		Fetch:       guarded,
		Replay:      bus,
		LocalIssuer: prov.Issuer(),
		LocalKeys:   prov.PublicKeys,
		ReadLocal:   h.ReadDocument,
		Logger:      log,
	})
	if err != nil {
		return err
	}
	// The account API and the provider are outside the verifier: they
	// have their own credentials (CSS-Account-Token, client secrets).
	pp := prov.Prefixes()
	mux := routes{{accounts.Path(), accounts}, {pp[0], prov}, {pp[1], prov}, {"/", verifier.Middleware(h)}}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           ldp.CORS(mux),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(stdout, "seedpod: serving %s on %s (storage: %s, bus: %s)\n", h.BaseURL(), ln.Addr(), desc, busDesc)
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

// sweepHourly removes the provider's expired codes and refresh tokens
// until ctx ends. Every process may sweep; deletions are idempotent.
func sweepHourly(ctx context.Context, prov *provider.Provider, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := prov.Sweep(ctx); err != nil {
				log.Warn("sweeping expired provider records", "err", err)
			} else if n > 0 {
				log.Info("swept expired provider records", "count", n)
			}
		}
	}
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
