package guest

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Architectures vmt boots guests of, by the names uname -m and vmtest use.
const (
	ArchX86_64  = "x86_64"
	ArchAArch64 = "aarch64"
)

// HostArch is the architecture vmt itself runs on.
func HostArch() string {
	if runtime.GOARCH == "arm64" {
		return ArchAArch64
	}
	return ArchX86_64
}

// debianArch is Debian's name of an architecture.
func debianArch(arch string) (string, error) {
	switch arch {
	case ArchX86_64:
		return "amd64", nil
	case ArchAArch64:
		return "arm64", nil
	}
	return "", fmt.Errorf("architecture %q is not supported: use %s or %s", arch, ArchX86_64, ArchAArch64)
}

// BuildFor returns a guest of architecture arch for kernel k. On the host's
// architecture it is Build's guest; for another one the busybox is
// Debian's busybox-static of that architecture, fetched into the cache.
// A kernel without a module tree (k.ModulesDir empty) gets no modules.
func BuildFor(k Kernel, arch string) (Image, error) {
	lister, err := FindBusybox()
	if err != nil {
		return Image{}, err
	}
	busybox, err := BusyboxFor(arch)
	if err != nil {
		return Image{}, err
	}
	return build(k, busybox, lister)
}

// BusyboxFor returns a static busybox for arch: FindBusybox's on the
// host's architecture, else Debian's busybox-static of arch, downloaded
// with apt-get and unpacked with dpkg -x into the cache on first use.
func BusyboxFor(arch string) (string, error) {
	if arch == HostArch() {
		return FindBusybox()
	}
	deb, err := debianArch(arch)
	if err != nil {
		return "", err
	}
	cache, err := CacheDir()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(cache, "busybox", deb)
	path := filepath.Join(dir, "bin", "busybox")
	err = withLock(filepath.Join(cache, "busybox"), deb, func() error {
		if _, err := os.Stat(path); err == nil {
			return nil
		}
		tmp, err := os.MkdirTemp(filepath.Join(cache, "busybox"), deb+".tmp")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		pkg := "busybox-static:" + deb
		if err := run(tmp, "apt-get", "download", pkg); err != nil {
			return fmt.Errorf("downloading %s: %w (as root: dpkg --add-architecture %s && apt-get update)", pkg, err, deb)
		}
		debs, _ := filepath.Glob(filepath.Join(tmp, "*.deb"))
		if len(debs) != 1 {
			return fmt.Errorf("apt-get download %s left %d .deb files, want 1", pkg, len(debs))
		}
		unpacked := filepath.Join(tmp, "root")
		if err := run(tmp, "dpkg", "-x", debs[0], unpacked); err != nil {
			return fmt.Errorf("unpacking %s: %w", debs[0], err)
		}
		os.RemoveAll(dir)
		return os.Rename(unpacked, dir)
	})
	return path, err
}

// KernelAt returns the kernel image at path with its module tree, when it
// has one: /lib/modules/VERSION, or lib/modules/VERSION beside the boot/
// directory of an unpacked package. VERSION comes from a vmlinuz-VERSION
// name or from an x86 bzImage's header. A kernel built by hand usually has
// none, and then has what the guest needs built in.
func KernelAt(path string) (Kernel, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return Kernel{}, err
	}
	f, err := os.Open(abs)
	if err != nil {
		return Kernel{}, fmt.Errorf("kernel %s: %w", path, err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || fi.IsDir() {
		return Kernel{}, fmt.Errorf("kernel %s is not a file", path)
	}
	k := Kernel{Image: abs}
	versions := []string{}
	if v, ok := strings.CutPrefix(filepath.Base(abs), "vmlinuz-"); ok {
		versions = append(versions, v)
	}
	if v := bzImageVersion(f); v != "" {
		versions = append(versions, v)
	}
	for _, v := range versions {
		for _, dir := range []string{
			filepath.Join(filepath.Dir(filepath.Dir(abs)), "lib", "modules", v),
			filepath.Join("/lib/modules", v),
		} {
			if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
				k.ModulesDir = dir
				return k, nil
			}
		}
	}
	return k, nil
}

// bzImageVersion reads the release of an x86 bzImage from its setup
// header: "HdrS" at 0x202, the string's offset less 0x200 at 0x20e. It
// returns "" for anything else.
func bzImageVersion(r io.ReaderAt) string {
	hdr := make([]byte, 0x210)
	if _, err := r.ReadAt(hdr, 0); err != nil || string(hdr[0x202:0x206]) != "HdrS" {
		return ""
	}
	off := int64(hdr[0x20e]) | int64(hdr[0x20f])<<8
	buf := make([]byte, 256)
	n, _ := r.ReadAt(buf, off+0x200)
	s := buf[:n]
	if i := bytes.IndexAny(s, " \x00"); i >= 0 {
		s = s[:i]
	}
	return string(s)
}
