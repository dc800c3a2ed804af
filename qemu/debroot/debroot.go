// Package debroot builds the root filesystems of vmt's Debian test guests:
// mmdebstrap's minbase variant with extra packages, the files of an
// embedded tree, and a setup script run inside once, written to an ext4
// image with mke2fs -d. Nothing is mounted. Images are cached under
// guest.CacheDir() by a hash of every input, built once under a lock and
// renamed into place when complete. Building needs root, since only then
// do mmdebstrap's directory output and mke2fs -d keep file owners.
package debroot

import (
	"bytes"
	"crypto/sha256"
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

// SetupScript is the path, in a Root's Tree, of the script run inside the
// root filesystem once and then removed.
const SetupScript = "usr/local/lib/vmt/setup"

// Root describes one root filesystem image.
type Root struct {
	// What names it in errors: "the systemd guest's root filesystem".
	What string
	// Version changes whenever the way the image is built changes in a
	// way the other fields do not show; it is part of the cache key.
	Version string
	// CacheDir is the subdirectory of the cache the image goes into.
	CacheDir string
	Suite    string   // the Debian release
	Packages []string // installed on top of mmdebstrap's minbase
	// Tree holds the files written into the root filesystem, under a
	// top directory "tree"; scripts (#!) become executable.
	Tree fs.FS
	// Label and Size are the ext4 filesystem's label and mke2fs size
	// ("1G", "768M"); the image is sparse.
	Label, Size string
}

// dpkgOptions keep documentation and translations out of the image.
var dpkgOptions = []string{
	"path-exclude=/usr/share/doc/*",
	"path-exclude=/usr/share/man/*",
	"path-exclude=/usr/share/info/*",
	"path-exclude=/usr/share/locale/*",
	"path-include=/usr/share/locale/locale.alias",
}

// Tool is a program a build runs, with the Debian package that has it.
type Tool struct{ Name, Package string }

// tools are what building a root filesystem runs.
var tools = []Tool{{"mmdebstrap", "mmdebstrap"}, {"mke2fs", "e2fsprogs"}}

// CheckTools names the first missing tool with the package to install.
func CheckTools(tools []Tool) error {
	for _, t := range tools {
		if _, err := exec.LookPath(t.Name); err != nil {
			return fmt.Errorf("%s not found: install %s (apt-get install %s, or scripts/install-deps)", t.Name, t.Package, t.Package)
		}
	}
	return nil
}

// Image returns the path of the raw ext4 image, building it on first use
// (a minute or two: mmdebstrap downloads the packages from the Debian
// mirror apt is configured with).
func (r Root) Image() (string, error) {
	key, err := r.Key()
	if err != nil {
		return "", err
	}
	path, err := guest.Cached(r.CacheDir, "rootfs-"+key+".ext4", func(path string) error {
		return r.build(filepath.Dir(path), path)
	})
	if err != nil {
		return "", fmt.Errorf("building %s: %w", r.What, err)
	}
	return path, nil
}

// Key hashes every input of the image.
func (r Root) Key() (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%s\n%s\n%s %s\n", r.Version, r.Suite, strings.Join(r.Packages, ","), strings.Join(dpkgOptions, ","), r.Label, r.Size)
	err := fs.WalkDir(r.Tree, "tree", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(r.Tree, p)
		fmt.Fprintf(h, "%s %x\n", p, sha256.Sum256(data))
		return err
	})
	return hex.EncodeToString(h.Sum(nil))[:24], err
}

func (r Root) build(dir, path string) error {
	if err := CheckTools(tools); err != nil {
		return err
	}
	if os.Geteuid() != 0 {
		return errors.New("building it needs root once (mmdebstrap and mke2fs -d keep file owners only as root): run the tests as root, or build it as root with the same VMT_CACHE_DIR")
	}
	tmp, err := os.MkdirTemp(dir, "build.")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	files := filepath.Join(tmp, "files")
	if err := r.writeTree(files); err != nil {
		return err
	}
	root := filepath.Join(tmp, "root")
	args := []string{"--variant=minbase", "--include=" + strings.Join(r.Packages, ",")}
	for _, o := range dpkgOptions {
		args = append(args, "--dpkgopt="+o)
	}
	args = append(args, "--customize-hook=sync-in "+files+" /")
	if _, err := fs.Stat(r.Tree, "tree/"+SetupScript); err == nil {
		args = append(args,
			`--customize-hook=chroot "$1" /`+SetupScript,
			`--customize-hook=rm "$1/`+SetupScript+`"`)
	}
	args = append(args, r.Suite, root)
	if err := Run("mmdebstrap", args...); err != nil {
		return fmt.Errorf("%w (mmdebstrap needs the Debian mirror apt uses to be reachable)", err)
	}
	img := filepath.Join(tmp, "rootfs.ext4")
	if err := Run("mke2fs", "-q", "-t", "ext4", "-L", r.Label, "-d", root, img, r.Size); err != nil {
		return err
	}
	if err := os.Chmod(img, 0o644); err != nil {
		return err
	}
	return os.Rename(img, path)
}

// writeTree writes the tree's files into dir: scripts executable.
func (r Root) writeTree(dir string) error {
	return fs.WalkDir(r.Tree, "tree", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, strings.TrimPrefix(p, "tree"))
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		data, err := fs.ReadFile(r.Tree, p)
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

// Run runs a build tool; its error carries the end of the tool's output.
func Run(name string, args ...string) error {
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
