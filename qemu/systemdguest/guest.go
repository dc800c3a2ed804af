package systemdguest

import "github.com/vmt-dev/vmt/qemu/guest"

// KernelPackage is the Debian package the guest's kernel comes from.
const KernelPackage = "linux-image-amd64"

// Guest is a bootable systemd guest: boot Kernel with Initramfs and the
// raw ext4 image Root as /dev/vda (read-only: give each machine its own
// copy-on-write overlay).
type Guest struct {
	Kernel    string
	Initramfs string
	Root      string
}

// Cmdline is the kernel command line the guest needs, before the
// per-machine parameters (systemd.hostname=NAME, vmt.addrs=MAC=ADDR/PREFIX,...).
const Cmdline = "console=ttyS0 root=/dev/vda panic=-1 systemd.show_status=auto"

// Build returns the guest, building and caching what is missing: the
// kernel package, the initramfs and the root filesystem image.
func Build() (Guest, error) {
	k, err := guest.DebianKernel(KernelPackage)
	if err != nil {
		return Guest{}, err
	}
	initrd, err := Initramfs(k)
	if err != nil {
		return Guest{}, err
	}
	root, err := RootImage()
	if err != nil {
		return Guest{}, err
	}
	return Guest{Kernel: k.Image, Initramfs: initrd, Root: root}, nil
}
