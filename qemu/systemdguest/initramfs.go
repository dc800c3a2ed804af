package systemdguest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"

	"github.com/vmt-dev/vmt/qemu/guest"
	"github.com/vmt-dev/vmt/qemu/initramfs"
)

// Modules are loaded by the initramfs before systemd starts: the root disk
// (virtio_blk, ext4 and the crc32c it asks the crypto API for, which no
// module dependency names) and what the NixOS contract needs (the virtio console
// for hvc0, 9p for xchg and shared, virtio_net for VLANs). The root
// filesystem carries no kernel modules, so nothing else is loaded later.
var Modules = []string{
	"virtio_pci", "virtio_blk", "crc32c_generic", "ext4", "virtio_console", "virtio_net",
	"9pnet_virtio", "9p", "virtio_rng",
}

// OptionalModules are loaded when the kernel has them as modules.
var OptionalModules = []string{"autofs4"}

// initScript mounts the root disk and hands over to systemd. The kernel
// parameter root= names the disk (default /dev/vda).
const initScript = `#!/bin/sh
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
while read -r m; do
	insmod "/lib/modules/$m.ko" || echo "vmt-initramfs: could not load module $m"
done < /etc/modules
root=/dev/vda
for p in $(cat /proc/cmdline); do
	case $p in root=/dev/*) root=${p#root=} ;; esac
done
i=0
while [ ! -b "$root" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
mkdir -p /newroot
if ! mount -t ext4 -o rw "$root" /newroot; then
	# init exiting panics the kernel (panic=-1: QEMU ends at once), so a
	# test fails now rather than at its boot timeout.
	echo "vmt-initramfs: cannot mount the root disk $root"
	exit 1
fi
umount /proc /sys
mount --move /dev /newroot/dev
exec switch_root /newroot /sbin/init
`

// Initramfs returns the path of the initramfs for kernel k, building and
// caching it on first use.
func Initramfs(k guest.Kernel) (string, error) {
	busybox, err := guest.FindBusybox()
	if err != nil {
		return "", err
	}
	t, err := initramfs.OpenModuleTree(k.ModulesDir)
	if err != nil {
		return "", err
	}
	mods, err := t.Resolve(Modules, OptionalModules)
	if err != nil {
		return "", fmt.Errorf("kernel %s cannot boot the systemd guest: %w", k.Image, err)
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n", builderVersion, initScript)
	for _, p := range append([]string{busybox}, modulePaths(mods)...) {
		fi, err := os.Stat(p)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d %d\n", p, fi.Size(), fi.ModTime().UnixNano())
	}
	key := hex.EncodeToString(h.Sum(nil))[:24]
	return guest.Cached("systemd", "initramfs-"+key+".cpio", func(path string) error {
		a, err := archive(busybox, mods)
		if err != nil {
			return err
		}
		return guest.WriteFileAtomic(path, func(f *os.File) error {
			if err := f.Chmod(0o644); err != nil {
				return err
			}
			_, err := a.WriteTo(f)
			return err
		})
	})
}

func modulePaths(mods []initramfs.Module) []string {
	var out []string
	for _, m := range mods {
		out = append(out, m.Path)
	}
	return out
}

func archive(busybox string, mods []initramfs.Module) (*initramfs.Archive, error) {
	a := initramfs.NewArchive()
	bb, err := os.ReadFile(busybox)
	if err != nil {
		return nil, err
	}
	a.AddFile("bin/busybox", 0o755, bb)
	for _, applet := range []string{"sh", "mount", "umount", "insmod", "mkdir", "sleep", "cat", "switch_root"} {
		a.AddSymlink("bin/"+applet, "busybox")
	}
	for _, d := range []string{"dev", "proc", "sys", "newroot"} {
		a.AddDir(d, 0o755)
	}
	if err := a.AddModules(mods); err != nil {
		return nil, err
	}
	a.AddFile("init", 0o755, []byte(initScript))
	return a, nil
}
