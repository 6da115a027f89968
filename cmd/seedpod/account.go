package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/seedpod/seedpod/oidc/account"
)

// runAccount administers accounts:
// `account create --email E --password-file F --pod NAME`.
func runAccount(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const usageLine = "usage: seedpod account create --email EMAIL (--password-file FILE | SEEDPOD_PASSWORD) --pod NAME [--name NAME] [--base-url URL] [storage flags]"
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprintln(stderr, usageLine)
		return errors.New("account: unknown or missing subcommand")
	}
	fs := flag.NewFlagSet("account create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf storeFlags
	sf.register(fs)
	email := fs.String("email", "", "email address to log in with")
	passwordFile := fs.String("password-file", "", "file holding the password (first line); else $SEEDPOD_PASSWORD")
	pod := fs.String("pod", "", "name of the pod to create")
	name := fs.String("name", "", "the person's name, written in the public profile (optional)")
	baseURL := fs.String("base-url", envOr("SEEDPOD_BASE_URL", "http://localhost:3000/"), "external URL of the server: the issuer and the base of the pod and WebID (SEEDPOD_BASE_URL)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("account create: unexpected argument %q", fs.Arg(0))
	}
	if *email == "" || *pod == "" {
		fmt.Fprintln(stderr, usageLine)
		return errors.New("account create: --email and --pod are required")
	}
	password, err := readPassword(*passwordFile)
	if err != nil {
		return err
	}
	store, _, err := sf.open(ctx)
	if err != nil {
		return err
	}
	svc, err := account.NewService(store, *baseURL)
	if err != nil {
		return err
	}
	a, err := svc.SignUp(ctx, account.SignUpRequest{Email: *email, Password: password, Pod: *pod, Name: *name})
	if err != nil {
		return fmt.Errorf("account create: %w", err)
	}
	fmt.Fprintf(stdout, "created account for %s\npod:   %s\nWebID: %s\n", *email, a.Pods[0].URL, a.WebIDs[0].WebID)
	return nil
}

// readPassword reads the password from the first line of file, or from
// $SEEDPOD_PASSWORD when no file is given; never from a flag, which other
// users of the machine could read in the process list.
func readPassword(file string) (string, error) {
	if file == "" {
		if pw, ok := os.LookupEnv("SEEDPOD_PASSWORD"); ok && pw != "" {
			return pw, nil
		}
		return "", errors.New("account create: give the password with --password-file FILE or $SEEDPOD_PASSWORD")
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("account create: %w", err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimSuffix(line, "\r"), nil
}
