package spec

import (
	"path/filepath"
)

// storageBackends returns the storage backends Seedpod is tested on, with
// the services they need started, and a function that stops those services.
func storageBackends(dir string) ([]backend, func(), error) {
	disk := backend{name: "disk", flags: []string{"--s3-endpoint=", "--data", filepath.Join(dir, "disk")}}
	return []backend{disk}, func() {}, nil
}
