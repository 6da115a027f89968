package cluster_test

import (
	"testing"

	"github.com/seedpod/seedpod/storage/cluster"
	"github.com/seedpod/seedpod/storage/cluster/clustertest"
)

// newLocal returns one Local twice: a process alone is its own deployment.
func newLocal(tb testing.TB) []cluster.Bus {
	l := cluster.NewLocal()
	tb.Cleanup(func() { l.Close() })
	return []cluster.Bus{l, l}
}

func TestLocal(t *testing.T) {
	clustertest.Run(t, newLocal)
}

func BenchmarkLocal(b *testing.B) {
	clustertest.Bench(b, newLocal)
}
