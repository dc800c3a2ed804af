package guest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// Kernel is a bootable kernel image and its module tree.
type Kernel struct {
	Image      string // vmlinuz path
	ModulesDir string // /lib/modules/VERSION of that kernel
}

// DebianKernel returns the kernel of the Debian package pkg (e.g.
// "linux-image-amd64", a metapackage, resolved to the versioned package it
// depends on), downloaded with apt-get and unpacked with dpkg -x into the
// cache on first use.
func DebianKernel(pkg string) (Kernel, error) {
	cache, err := CacheDir()
	if err != nil {
		return Kernel{}, err
	}
	real, err := resolveMetapackage(pkg)
	if err != nil {
		return Kernel{}, err
	}
	dir := filepath.Join(cache, "kernels", real)
	var k Kernel
	err = withLock(filepath.Join(cache, "kernels"), real, func() error {
		if k, err = findKernel(dir); err == nil {
			return nil
		}
		tmp, err := os.MkdirTemp(filepath.Join(cache, "kernels"), real+".tmp")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		if err := run(tmp, "apt-get", "download", real); err != nil {
			return fmt.Errorf("downloading kernel package %s: %w (run 'apt-get update' as root first)", real, err)
		}
		debs, _ := filepath.Glob(filepath.Join(tmp, "*.deb"))
		if len(debs) != 1 {
			return fmt.Errorf("apt-get download %s left %d .deb files, want 1", real, len(debs))
		}
		unpacked := filepath.Join(tmp, "root")
		if err := run(tmp, "dpkg", "-x", debs[0], unpacked); err != nil {
			return fmt.Errorf("unpacking %s: %w", debs[0], err)
		}
		os.RemoveAll(dir)
		if err := os.Rename(unpacked, dir); err != nil {
			return err
		}
		k, err = findKernel(dir)
		return err
	})
	return k, err
}

// resolveMetapackage follows a kernel metapackage to the linux-image package
// it depends on; a versioned package name is returned unchanged.
func resolveMetapackage(pkg string) (string, error) {
	out, err := exec.Command("apt-cache", "depends", "--important", pkg).Output()
	if err != nil {
		return "", fmt.Errorf("looking up kernel package %s with apt-cache: %v (is this Debian with 'apt-get update' done?)", pkg, err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		dep, ok := strings.CutPrefix(strings.TrimSpace(line), "Depends: ")
		if ok && strings.HasPrefix(dep, "linux-image-") {
			return dep, nil
		}
	}
	return pkg, nil
}

// findKernel locates boot/vmlinuz-* and lib/modules/* under an unpacked package.
func findKernel(root string) (Kernel, error) {
	images, _ := filepath.Glob(filepath.Join(root, "boot", "vmlinuz-*"))
	if len(images) == 0 {
		return Kernel{}, fmt.Errorf("no boot/vmlinuz-* under %s", root)
	}
	version := strings.TrimPrefix(filepath.Base(images[0]), "vmlinuz-")
	mods := filepath.Join(root, "lib", "modules", version)
	if _, err := os.Stat(mods); err != nil {
		return Kernel{}, fmt.Errorf("kernel %s has no modules at %s", images[0], mods)
	}
	return Kernel{Image: images[0], ModulesDir: mods}, nil
}

// HostKernel returns the kernel named by $VMT_KERNEL, else the newest
// /boot/vmlinuz-*, with its modules under /lib/modules.
func HostKernel() (Kernel, error) {
	return hostKernel(os.Getenv("VMT_KERNEL"), "/boot", "/lib/modules")
}

func hostKernel(explicit, bootDir, modulesRoot string) (Kernel, error) {
	image := explicit
	if image == "" {
		images, _ := filepath.Glob(filepath.Join(bootDir, "vmlinuz-*"))
		if len(images) == 0 {
			return Kernel{}, fmt.Errorf("no kernel found in %s: install one (apt-get install linux-image-amd64) or set VMT_KERNEL to a vmlinuz file", bootDir)
		}
		sort.Slice(images, func(i, j int) bool { return versionLess(images[i], images[j]) })
		image = images[len(images)-1]
	}
	f, err := openKernel(image)
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return Kernel{}, fmt.Errorf("kernel %s is not readable by this user (some distributions make it root-only): run 'sudo chmod 0644 %s' or set VMT_KERNEL to a readable copy", image, image)
		}
		return Kernel{}, fmt.Errorf("kernel %s: %w (set VMT_KERNEL to a vmlinuz file)", image, err)
	}
	f.Close()
	version := strings.TrimPrefix(filepath.Base(image), "vmlinuz-")
	mods := filepath.Join(modulesRoot, version)
	if explicit != "" {
		// $VMT_KERNEL's modules may lie beside it (boot/vmlinuz-V and
		// lib/modules/V, as nix/vmt-test.nix lays them out): a Nix build
		// sandbox has no /lib/modules.
		beside := filepath.Join(filepath.Dir(filepath.Dir(image)), "lib", "modules", version)
		if fi, err := os.Stat(beside); err == nil && fi.IsDir() {
			mods = beside
		}
	}
	return Kernel{Image: image, ModulesDir: mods}, nil
}

// openKernel opens a kernel image; tests replace it to play an unprivileged user.
var openKernel = func(path string) (io.Closer, error) { return os.Open(path) }

// versionLess orders kernel file names by their dotted numeric version.
func versionLess(a, b string) bool {
	fa, fb := splitVersion(a), splitVersion(b)
	for i := 0; i < len(fa) && i < len(fb); i++ {
		if fa[i] != fb[i] {
			return fa[i] < fb[i]
		}
	}
	return len(fa) < len(fb)
}

func splitVersion(s string) []int {
	var out []int
	n, digits := 0, false
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n, digits = n*10+int(r-'0'), true
			continue
		}
		if digits {
			out = append(out, n)
		}
		n, digits = 0, false
	}
	if digits {
		out = append(out, n)
	}
	return out
}

func run(dir, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %v: %s", name, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return nil
}
