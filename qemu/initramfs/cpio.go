package initramfs

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
)

// File modes written into the archive.
const (
	modeDir     = 0o040000
	modeFile    = 0o100000
	modeSymlink = 0o120000
)

// entry is one archive member.
type entry struct {
	mode uint32
	data []byte // file contents or symlink target
}

// Archive collects files, directories and symlinks and writes them as a
// gzip-compressed newc cpio archive. Parent directories are created
// implicitly; entries are written in path order so output is reproducible.
type Archive struct {
	entries map[string]entry
}

// NewArchive returns an empty archive.
func NewArchive() *Archive {
	return &Archive{entries: map[string]entry{}}
}

// AddDir adds a directory with the given permission bits.
func (a *Archive) AddDir(name string, perm uint32) {
	a.add(name, entry{mode: modeDir | perm&0o7777})
}

// AddFile adds a regular file.
func (a *Archive) AddFile(name string, perm uint32, data []byte) {
	a.add(name, entry{mode: modeFile | perm&0o7777, data: data})
}

// AddSymlink adds a symbolic link pointing at target.
func (a *Archive) AddSymlink(name, target string) {
	a.add(name, entry{mode: modeSymlink | 0o777, data: []byte(target)})
}

// Has reports whether name is in the archive.
func (a *Archive) Has(name string) bool {
	_, ok := a.entries[clean(name)]
	return ok
}

func clean(name string) string {
	return strings.TrimPrefix(path.Clean("/"+name), "/")
}

func (a *Archive) add(name string, e entry) {
	name = clean(name)
	for dir := path.Dir(name); dir != "." && dir != "/"; dir = path.Dir(dir) {
		if _, ok := a.entries[dir]; !ok {
			a.entries[dir] = entry{mode: modeDir | 0o755}
		}
	}
	a.entries[name] = e
}

// WriteTo writes the gzip-compressed archive to w.
func (a *Archive) WriteTo(w io.Writer) (int64, error) {
	cw := &countingWriter{w: w}
	zw, err := gzip.NewWriterLevel(cw, gzip.BestSpeed)
	if err != nil {
		return 0, err
	}
	bw := bufio.NewWriter(zw)
	names := make([]string, 0, len(a.entries))
	for name := range a.entries {
		names = append(names, name)
	}
	sort.Strings(names)
	ino := uint32(1)
	for _, name := range names {
		e := a.entries[name]
		if err := writeEntry(bw, ino, name, e.mode, e.data); err != nil {
			return cw.n, err
		}
		ino++
	}
	if err := writeEntry(bw, 0, "TRAILER!!!", 0, nil); err != nil {
		return cw.n, err
	}
	if err := bw.Flush(); err != nil {
		return cw.n, err
	}
	err = zw.Close()
	return cw.n, err
}

// writeEntry writes one newc header, the name and the data, each padded to
// four bytes as the format requires.
func writeEntry(w *bufio.Writer, ino uint32, name string, mode uint32, data []byte) error {
	nlink := uint32(1)
	if mode&0o170000 == modeDir {
		nlink = 2
	}
	hdr := fmt.Sprintf("070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		ino, mode, 0, 0, nlink, 0, len(data), 0, 0, 0, 0, len(name)+1, 0)
	if _, err := w.WriteString(hdr); err != nil {
		return err
	}
	w.WriteString(name)
	w.WriteByte(0)
	pad(w, len(hdr)+len(name)+1)
	w.Write(data)
	return pad(w, len(data))
}

func pad(w *bufio.Writer, n int) error {
	for ; n%4 != 0; n++ {
		if err := w.WriteByte(0); err != nil {
			return err
		}
	}
	return nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
