//go:build !linux

package disk

import "os"

// listDir reads a directory for List through its Root.
type listDir struct {
	*os.File
	root *os.Root
}

// openListDir returns a listDir for directory d, opened in root. The
// caller closes both.
func openListDir(root *os.Root, d *os.File) (listDir, error) {
	f, err := root.Open(".")
	return listDir{f, root}, err
}

// readMeta reads the header of file name in the directory.
func (d listDir) readMeta(name string, buf []byte) (meta, error) {
	f, err := d.root.Open(name)
	if err != nil {
		return meta{}, err
	}
	defer f.Close()
	m, _, err := readHeader(f, buf)
	return m, err
}
