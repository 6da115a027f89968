package s3

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/seedpod/seedpod/storage"
)

// Object names. See "Layout" in the package comment.

// dirSuffix ends the name of every S3 "directory" holding the children of
// a container. Escaped segments never end in it, so no object name is ever
// also a directory name: MinIO cannot list the children of "a/" while an
// object "a" exists.
const dirSuffix = "~"

// escapeByte starts an escape: the escape byte and two upper-case hex
// digits stand for one byte of the segment.
const escapeByte = '~'

// maxNameLen is the longest object name S3 and MinIO accept, in bytes.
const maxNameLen = 1024

// maxDiskSegment is the longest segment MinIO can store: each segment of
// an object name becomes a directory name on its drives.
const maxDiskSegment = 255

// escape returns the object-name form of one key segment. It is the
// segment itself except for:
//
//   - every '~', which becomes "~7E", so that escaped segments never end in
//     dirSuffix and "~" is free to start escapes;
//   - a segment that MinIO rejects or reads as part of its own on-disk
//     format: "." or ".." once surrounding white space is trimmed (MinIO
//     trims it before checking), "xl.meta" and "xl.json" (its metadata
//     files), and names ending in "__XLDIR__" (its encoding of directory
//     objects). These get one byte escaped so MinIO no longer recognises
//     them.
func escape(seg string) string {
	t := strings.TrimFunc(seg, isMinioSpace)
	dots := t == "." || t == ".." || seg == "xl.meta" || seg == "xl.json"
	xldir := strings.HasSuffix(seg, "__XLDIR__")
	if !dots && !xldir && !strings.Contains(seg, "~") {
		return seg
	}
	var b strings.Builder
	b.Grow(len(seg) + 6)
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		if c == escapeByte || c == '.' && dots || xldir && i == len(seg)-1 {
			fmt.Fprintf(&b, "%c%02X", escapeByte, c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// isMinioSpace mirrors the white space MinIO trims from each segment
// before rejecting "." and "..": it tests single bytes, not runes.
func isMinioSpace(r rune) bool { return r < 0x80 && unicode.IsSpace(r) }

// unescape inverts escape. It reports false for a name escape cannot
// produce, such as an object written by another program.
func unescape(name string) (string, bool) {
	if !strings.Contains(name, "~") {
		return name, true
	}
	var b strings.Builder
	b.Grow(len(name))
	for i := 0; i < len(name); i++ {
		if name[i] != escapeByte {
			b.WriteByte(name[i])
			continue
		}
		if i+2 >= len(name) {
			return "", false
		}
		c, ok := unhex(name[i+1], name[i+2])
		if !ok {
			return "", false
		}
		b.WriteByte(c)
		i += 2
	}
	seg := b.String()
	return seg, escape(seg) == name
}

func unhex(h, l byte) (byte, bool) {
	x, ok1 := fromHex(h)
	y, ok2 := fromHex(l)
	return x<<4 | y, ok1 && ok2
}

func fromHex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// dir returns the prefix under which the children of container key live:
// Prefix for the root, and for "/a/b/" Prefix + "a~/b~/". The key must be a
// valid container key.
func (s *Store) dir(key storage.Key) string {
	p := strings.TrimSuffix(string(key)[1:], "/")
	if p == "" {
		return s.prefix
	}
	var b strings.Builder
	b.Grow(len(s.prefix) + len(p) + 8)
	b.WriteString(s.prefix)
	for seg := range strings.SplitSeq(p, "/") {
		b.WriteString(escape(seg))
		b.WriteString(dirSuffix + "/")
	}
	return b.String()
}

// object returns the name of the object holding key: the file itself, or
// the marker of a container. Both forms of a key ("/a" and "/a/") share
// one object, which is what makes "never both" atomic. The key must be
// valid and not the root. It fails with ErrInvalidKey if the name is too
// long for S3 or a segment too long for MinIO's drives, which only keys
// full of '~' can reach.
func (s *Store) object(key storage.Key) (string, error) {
	parent, _ := key.Parent()
	seg := escape(key.Name())
	name := s.dir(parent) + seg
	if len(name) > maxNameLen || len(seg)+len(dirSuffix) > maxDiskSegment {
		return "", fmt.Errorf("%w: object name too long for S3", storage.ErrInvalidKey)
	}
	return name, nil
}

// child returns the key of the object named name found when listing dir,
// the prefix of container parent. It reports false for names that no key
// maps to, such as objects written by other programs.
func child(parent storage.Key, dir, name string, isContainer bool) (storage.Key, bool) {
	rest, ok := strings.CutPrefix(name, dir)
	if !ok || rest == "" || strings.Contains(rest, "/") {
		return "", false
	}
	seg, ok := unescape(rest)
	if !ok {
		return "", false
	}
	key := parent + storage.Key(seg)
	if isContainer {
		key += "/"
	}
	if !storage.ValidKey(key) {
		return "", false
	}
	return key, true
}
