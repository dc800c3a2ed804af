package guest

import (
	"fmt"
	"strconv"
)

// Options shape the QEMU command line of a guest.
type Options struct {
	Hostname   string
	Accel      string // "kvm" or "tcg"
	MemoryMB   int    // default 256
	Cores      int    // default 1
	KernelArgs string // appended to the kernel command line
}

// Command returns a QEMU command line (binary first) booting img. The
// machine engine appends its own sockets and devices.
func (img Image) Command(qemu string, o Options) []string {
	if o.MemoryMB == 0 {
		o.MemoryMB = 256
	}
	if o.Cores == 0 {
		o.Cores = 1
	}
	args := []string{qemu, "-accel", o.Accel}
	if o.Accel == "kvm" {
		args = append(args, "-cpu", "host")
	}
	cmdline := fmt.Sprintf("console=ttyS0 panic=-1 quiet vmt.hostname=%s", o.Hostname)
	if o.KernelArgs != "" {
		cmdline += " " + o.KernelArgs
	}
	return append(args,
		"-m", strconv.Itoa(o.MemoryMB),
		"-smp", strconv.Itoa(o.Cores),
		"-kernel", img.Kernel,
		"-initrd", img.Initramfs,
		"-append", cmdline,
		"-nic", "user,model=virtio-net-pci",
	)
}
