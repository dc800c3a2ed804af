package runtime

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
)

// copyTree copies the file or directory src of one root to dst of
// another, keeping permission bits. Symbolic links are copied as links
// when keepLinks is set (host to guest) and refused otherwise: a link a
// guest made must never land on the host, where it could point anywhere.
// Both sides go through os.Root, so neither a ".." nor a symbolic link
// planted by a guest can make it read or write outside the two roots.
func copyTree(from *os.Root, src string, to *os.Root, dst string, keepLinks bool) error {
	fi, err := from.Lstat(src)
	if err != nil {
		return err
	}
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		if !keepLinks {
			return fmt.Errorf("%s is a symbolic link, and links from a guest are not copied to the host", src)
		}
		target, err := from.Readlink(src)
		if err != nil {
			return err
		}
		return to.Symlink(target, dst)
	case fi.IsDir():
		if err := to.Mkdir(dst, 0o700); err != nil && !os.IsExist(err) {
			return err
		}
		dir, err := from.Open(src)
		if err != nil {
			return err
		}
		names, err := dir.Readdirnames(-1)
		dir.Close()
		if err != nil {
			return err
		}
		for _, name := range names {
			if err := copyTree(from, path.Join(src, name), to, path.Join(dst, name), keepLinks); err != nil {
				return err
			}
		}
		return to.Chmod(dst, fi.Mode().Perm())
	case fi.Mode().IsRegular():
		return copyFile(from, src, to, dst, fi.Mode().Perm())
	}
	return fmt.Errorf("%s is neither a file, a directory nor a symbolic link", src)
}

func copyFile(from *os.Root, src string, to *os.Root, dst string, perm fs.FileMode) error {
	in, err := from.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := to.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return to.Chmod(dst, perm)
}
