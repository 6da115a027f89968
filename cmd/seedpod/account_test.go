package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seedpod/seedpod/oidc/account"
	"github.com/seedpod/seedpod/storage/disk"
)

func TestAccountCreate(t *testing.T) {
	data := t.TempDir()
	pwFile := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pwFile, []byte("correct horse battery\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	args := []string{"account", "create", "--email", "alice@example.org", "--password-file", pwFile, "--pod", "alice", "--data", data, "--base-url", "https://pods.example/"}
	if err := run(context.Background(), args, &out, &errOut); err != nil {
		t.Fatalf("run = %v\n%s", err, errOut.String())
	}
	for _, want := range []string{"https://pods.example/alice/", "https://pods.example/alice/profile/card#me"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	st, err := disk.New(data)
	if err != nil {
		t.Fatal(err)
	}
	svc, _ := account.NewService(st, "https://pods.example/")
	if _, err := svc.Authenticate(context.Background(), "alice@example.org", "correct horse battery"); err != nil {
		t.Errorf("cannot log in with the account made by the CLI: %v", err)
	}
	// The same pod again is refused, and so is a missing password.
	if err := run(context.Background(), args, &out, &errOut); err == nil {
		t.Errorf("creating the pod twice succeeded")
	}
	t.Setenv("SEEDPOD_PASSWORD", "")
	noPW := []string{"account", "create", "--email", "b@example.org", "--pod", "b", "--data", data}
	if err := run(context.Background(), noPW, &out, &errOut); err == nil || !strings.Contains(err.Error(), "password") {
		t.Errorf("no password: %v", err)
	}
	t.Setenv("SEEDPOD_PASSWORD", "another good one")
	if err := run(context.Background(), noPW, &out, &errOut); err != nil {
		t.Errorf("password from the environment: %v", err)
	}
}
