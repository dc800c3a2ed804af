package systemdguest

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/vmt-dev/vmt/qemu/guest"
)

// builderVersion changes whenever the way the image is built changes in a
// way its other inputs do not show; it is part of the cache key.
const builderVersion = "systemdguest-1"

// Suite is the Debian release the guest is built from.
const Suite = "bookworm"

// Packages are installed on top of mmdebstrap's minbase variant.
var Packages = []string{
	"systemd-sysv", "udev", "dbus", "dbus-user-session", "libpam-systemd",
	"iproute2", "netcat-openbsd", "busybox", "procps",
}

// ImageSize is the size of the ext4 image (a sparse file; the root
// filesystem uses about a fifth of it, the rest is room for tests).
const ImageSize = "1G"

// tree holds the files written into the root filesystem; tree/usr/local/lib/vmt/setup
// runs inside it once and is removed.
//
//go:embed tree
var tree embed.FS

// dpkgOptions keep documentation and translations out of the image.
var dpkgOptions = []string{
	"path-exclude=/usr/share/doc/*",
	"path-exclude=/usr/share/man/*",
	"path-exclude=/usr/share/info/*",
	"path-exclude=/usr/share/locale/*",
	"path-include=/usr/share/locale/locale.alias",
}

// RootImage returns the path of the raw ext4 root filesystem image,
// building it on first use (a minute or two: mmdebstrap downloads the
// packages from the Debian mirror apt is configured with). It is built
// once under a lock and renamed into place when complete.
func RootImage() (string, error) {
	key, err := rootKey()
	if err != nil {
		return "", err
	}
	cache, err := guest.CacheDir()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(cache, "systemd")
	path := filepath.Join(dir, "rootfs-"+key+".img")
	err = guest.WithLock(dir, "rootfs-"+key, func() error {
		if _, err := os.Stat(path); err == nil {
			return nil
		}
		return buildRoot(dir, path)
	})
	if err != nil {
		return "", fmt.Errorf("building the systemd guest's root filesystem: %w", err)
	}
	return path, nil
}

// rootKey hashes every input of the root filesystem.
func rootKey() (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%s\n%s\n%s\n", builderVersion, Suite, strings.Join(Packages, ","), strings.Join(dpkgOptions, ","), ImageSize)
	err := fs.WalkDir(tree, "tree", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := tree.ReadFile(p)
		fmt.Fprintf(h, "%s %x\n", p, sha256.Sum256(data))
		return err
	})
	return hex.EncodeToString(h.Sum(nil))[:24], err
}

func buildRoot(dir, path string) error {
	for _, tool := range []struct{ name, pkg string }{{"mmdebstrap", "mmdebstrap"}, {"mke2fs", "e2fsprogs"}} {
		if _, err := exec.LookPath(tool.name); err != nil {
			return fmt.Errorf("%s not found: install %s (apt-get install %s, or scripts/install-deps)", tool.name, tool.pkg, tool.pkg)
		}
	}
	if os.Geteuid() != 0 {
		// mmdebstrap's directory output and mke2fs -d keep file owners only
		// when run as root.
		return errors.New("building it needs root once (mmdebstrap and mke2fs -d keep file owners only as root): run the tests as root, or build it as root with the same VMT_CACHE_DIR")
	}
	tmp, err := os.MkdirTemp(dir, "build.")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	files := filepath.Join(tmp, "files")
	if err := writeTree(files); err != nil {
		return err
	}
	root := filepath.Join(tmp, "root")
	args := []string{"--variant=minbase", "--include=" + strings.Join(Packages, ",")}
	for _, o := range dpkgOptions {
		args = append(args, "--dpkgopt="+o)
	}
	args = append(args,
		"--customize-hook=sync-in "+files+" /",
		`--customize-hook=chroot "$1" /usr/local/lib/vmt/setup`,
		`--customize-hook=rm "$1/usr/local/lib/vmt/setup"`,
		Suite, root)
	if err := run("mmdebstrap", args...); err != nil {
		return fmt.Errorf("%w (mmdebstrap needs the Debian mirror apt uses to be reachable)", err)
	}
	img := filepath.Join(tmp, "rootfs.img")
	if err := run("mke2fs", "-q", "-t", "ext4", "-L", "nixos", "-d", root, img, ImageSize); err != nil {
		return err
	}
	if err := os.Chmod(img, 0o644); err != nil {
		return err
	}
	return os.Rename(img, path)
}

// writeTree writes the embedded files into dir: scripts executable.
func writeTree(dir string) error {
	return fs.WalkDir(tree, "tree", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, strings.TrimPrefix(p, "tree"))
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		data, err := tree.ReadFile(p)
		if err != nil {
			return err
		}
		perm := os.FileMode(0o644)
		if bytes.HasPrefix(data, []byte("#!")) {
			perm = 0o755
		}
		if err := os.WriteFile(dst, data, perm); err != nil {
			return err
		}
		return os.Chmod(dst, perm) // whatever the umask
	})
}

func run(name string, args ...string) error {
	cmd := exec.Command(name, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		tail := out.String()
		if len(tail) > 4000 {
			tail = "..." + tail[len(tail)-4000:]
		}
		return fmt.Errorf("%s: %v:\n%s", name, err, strings.TrimSpace(tail))
	}
	return nil
}
