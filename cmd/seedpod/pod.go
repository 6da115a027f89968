package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/seedpod/seedpod/ldp"
)

// runPod administers pods: `pod create NAME [--public] [--owner WEBID]`.
func runPod(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprintln(stderr, "usage: seedpod pod create NAME [--public] [--owner WEBID] [storage flags]")
		return errors.New("pod: unknown or missing subcommand")
	}
	fs := flag.NewFlagSet("pod create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf storeFlags
	sf.register(fs)
	public := fs.Bool("public", false, "let everyone read and write the pod (demos and tests)")
	owner := fs.String("owner", "", "WebID given Read, Write and Control")
	baseURL := fs.String("base-url", envOr("SEEDPOD_BASE_URL", "http://localhost:3000/"), "external URL of the server, to print the pod's URL (SEEDPOD_BASE_URL)")
	// Accept the name before or after the flags.
	rest := args[1:]
	var name string
	if len(rest) > 0 && rest[0] != "" && rest[0][0] != '-' {
		name, rest = rest[0], rest[1:]
	}
	if err := fs.Parse(rest); err != nil {
		return err
	}
	if name == "" && fs.NArg() == 1 {
		name = fs.Arg(0)
	} else if fs.NArg() > 0 {
		return fmt.Errorf("pod create: unexpected argument %q", fs.Arg(0))
	}
	if name == "" {
		return errors.New("pod create: a pod NAME is required")
	}
	store, _, err := sf.open(ctx)
	if err != nil {
		return err
	}
	root, err := ldp.CreatePod(ctx, store, name, ldp.PodOptions{Public: *public, Owner: *owner})
	if err != nil {
		return err
	}
	h, err := ldp.New(ldp.Config{Store: store, BaseURL: *baseURL})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created pod %s\n", h.URLOf(root))
	return nil
}
