package guest

import (
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"embed"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"strings"

	"github.com/vmt-dev/vmt/qemu/initramfs"
)

//go:embed rootfs
var rootfs embed.FS

// RequiredModules are loaded in every guest: the backdoor shell needs the
// virtio console; the rest are loaded when the kernel has them. bochs,
// the DRM driver of QEMU's standard VGA, gives tty1 a console on the
// screen (fbcon) when the kernel has no VGA text console, as when booted
// by PVH; /etc/rc loads it and its dependencies last, and in the
// background unless vmt snapshots the boot.
var (
	RequiredModules = []string{"virtio_pci", "virtio_console"}
	OptionalModules = []string{"virtio_rng", "virtio_net", "virtio_blk", "9pnet_virtio", "9p", "ext4", "e1000", "bochs"}
)

// Image is a bootable guest.
type Image struct {
	Kernel    string
	Initramfs string
	Modules   []string // loaded at boot, in order
}

// Build returns a guest for kernel k, generating (or reusing from the cache)
// its initramfs.
func Build(k Kernel) (Image, error) {
	busybox, err := FindBusybox()
	if err != nil {
		return Image{}, err
	}
	return build(k, busybox, busybox)
}

// build makes the initramfs of kernel k with a busybox and the busybox
// that lists its applets (the same one, unless the guest's cannot run
// here). A kernel without a module tree gets no modules: it must have what
// the guest needs built in.
func build(k Kernel, busybox, lister string) (Image, error) {
	var mods []initramfs.Module
	if k.ModulesDir != "" {
		tree, err := initramfs.OpenModuleTree(k.ModulesDir)
		if err != nil {
			return Image{}, err
		}
		if mods, err = tree.Resolve(RequiredModules, OptionalModules); err != nil {
			return Image{}, fmt.Errorf("kernel %s: %w", k.Image, err)
		}
	}
	key, err := inputsKey(busybox, mods)
	if err != nil {
		return Image{}, err
	}
	path, err := Cached("initramfs", key+".cpio.gz", func(path string) error {
		a, err := archive(busybox, lister, mods)
		if err != nil {
			return err
		}
		return WriteFileAtomic(path, func(f *os.File) error {
			if err := f.Chmod(0o644); err != nil {
				return err
			}
			_, err := a.WriteTo(f)
			return err
		})
	})
	img := Image{Kernel: k.Image, Initramfs: path}
	for _, m := range mods {
		img.Modules = append(img.Modules, m.Name)
	}
	return img, err
}

// FindBusybox locates a statically linked busybox: $VMT_BUSYBOX or busybox
// on PATH. A dynamic one would need its libraries inside the guest.
func FindBusybox() (string, error) {
	path := os.Getenv("VMT_BUSYBOX")
	if path == "" {
		var err error
		if path, err = exec.LookPath("busybox"); err != nil {
			return "", fmt.Errorf("busybox not found: install busybox-static (apt-get install busybox-static) or set VMT_BUSYBOX")
		}
	}
	f, err := elf.Open(path)
	if err != nil {
		return "", fmt.Errorf("busybox %s: %v", path, err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return "", fmt.Errorf("busybox %s is dynamically linked: install busybox-static (apt-get install busybox-static) or set VMT_BUSYBOX to a static one", path)
		}
	}
	return path, nil
}

// inputsKey hashes everything the initramfs is made of.
func inputsKey(busybox string, mods []initramfs.Module) (string, error) {
	h := sha256.New()
	files := []string{busybox}
	for _, m := range mods {
		files = append(files, m.Path)
	}
	for _, p := range files {
		fi, err := os.Stat(p)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d %d\n", p, fi.Size(), fi.ModTime().UnixNano())
	}
	err := fs.WalkDir(rootfs, "rootfs", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := rootfs.ReadFile(p)
		fmt.Fprintf(h, "%s %x\n", p, sha256.Sum256(data))
		return err
	})
	return hex.EncodeToString(h.Sum(nil))[:24], err
}

func archive(busybox, lister string, mods []initramfs.Module) (*initramfs.Archive, error) {
	a := initramfs.NewArchive()
	bb, err := os.ReadFile(busybox)
	if err != nil {
		return nil, err
	}
	a.AddFile("bin/busybox", 0o755, bb)
	applets, err := exec.Command(lister, "--list").Output()
	if err != nil {
		return nil, fmt.Errorf("listing busybox applets: %v", err)
	}
	for _, name := range strings.Fields(string(applets)) {
		if name != "busybox" && !strings.Contains(name, "/") {
			a.AddSymlink("bin/"+name, "busybox")
		}
	}
	a.AddSymlink("sbin", "bin")
	a.AddSymlink("usr/bin", "../bin")
	a.AddSymlink("usr/sbin", "../bin")
	a.AddSymlink("init", "bin/busybox")
	for _, d := range []string{"dev", "proc", "sys", "tmp", "run", "root", "mnt"} {
		a.AddDir(d, 0o755)
	}
	if err := a.AddModules(mods); err != nil {
		return nil, err
	}
	err = fs.WalkDir(rootfs, "rootfs", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := rootfs.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		data, err := io.ReadAll(f)
		if err != nil {
			return err
		}
		perm := uint32(0o644)
		if bytes.HasPrefix(data, []byte("#!")) {
			perm = 0o755
		}
		a.AddFile(strings.TrimPrefix(p, "rootfs/"), perm, data)
		return nil
	})
	return a, err
}
