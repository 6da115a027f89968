package natstest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

func connect(t *testing.T, s *Server) *nats.Conn {
	t.Helper()
	nc, err := nats.Connect(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	return nc
}

func TestStartWithJetStream(t *testing.T) {
	s := Start(t)
	if !strings.Contains(s.URL, "@127.0.0.1:") {
		t.Errorf("URL = %q, want a loopback address", s.URL)
	}
	nc := connect(t, s)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	bucket := strings.TrimSuffix(Namespace(), ".")
	kv, err := js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: bucket, Storage: jetstream.MemoryStorage})
	if err != nil {
		t.Fatal(err)
	}
	defer js.DeleteKeyValue(ctx, bucket)
	if _, err := kv.Create(ctx, "k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	if e, err := kv.Get(ctx, "k"); err != nil || string(e.Value()) != "v" {
		t.Fatalf("Get = %v, %v", e, err)
	}
}

func TestWrongTokenRefused(t *testing.T) {
	s := Start(t)
	_, port, _ := strings.Cut(strings.TrimPrefix(s.URL, "nats://"), "@")
	if nc, err := nats.Connect("nats://wrong@" + port); err == nil {
		nc.Close()
		t.Fatal("connected with a wrong token")
	}
}

func TestStopRestart(t *testing.T) {
	s := Start(t)
	nc := connect(t, s)
	s.Stop()
	if err := nc.FlushTimeout(time.Second); err == nil {
		t.Error("Flush succeeded with the server stopped")
	}
	s.Restart(t)
	deadline := time.Now().Add(30 * time.Second)
	for nc.FlushTimeout(time.Second) != nil {
		if time.Now().After(deadline) {
			t.Fatal("client did not reconnect to the restarted server")
		}
	}
}

func TestMissingBinary(t *testing.T) {
	t.Setenv(EnvBinary, "/nonexistent/nats-server")
	_, _, err := StartMain()
	if err == nil || !strings.Contains(err.Error(), "make nats") {
		t.Errorf("StartMain with a missing binary = %v, want an error saying to run make nats", err)
	}
}
