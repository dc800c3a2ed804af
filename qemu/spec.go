package qemu

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/vmt-dev/vmt/qemu/guest"
)

// Spec declares a machine by its options, named after NixOS's qemu-vm.nix.
// With no Kernel and no DiskImage the machine boots the default guest: the
// host's kernel with an initramfs vmt generates.
type Spec struct {
	Name         string
	MemoryMB     int    // memory_size; default DefaultMemoryMB
	Cores        int    // default 1
	Kernel       string // kernel image; Initrd and KernelParams go with it
	Initrd       string
	KernelParams []string
	// DiskImage is a bootable disk image, used through a qcow2 overlay. Such
	// a guest configures itself: vmt passes no kernel command line, so its
	// hostname, 9p shares (tags share0, share1, ...) and VLAN addresses are
	// its own business.
	DiskImage    string
	EmptyDisks   []int       // sizes in MiB: /dev/vda, /dev/vdb, ... (after the root disk of a DiskImage)
	SharedDirs   []SharedDir // 9p shares
	VLANs        []int       // one NIC per VLAN, plugged into that VLAN's switch
	ForwardPorts []PortForward
	QEMUFlags    []string // appended as they are
	// RootFS is a host directory shared read-only over 9p as the root of
	// the guest's shell, "/" for the host's own (vmtest's rootfs): its
	// programs run in the guest, and SharedDirs are mounted inside it. The
	// kernel (Kernel, else the host's) boots with vmt's initramfs.
	RootFS string
	// Arch is the guest's architecture: x86_64 or aarch64 (virt machine,
	// TCG on another host); default the host's.
	Arch string
	// QEMUBinary replaces the system emulator of Arch.
	QEMUBinary string
	// NoNetwork leaves the user-mode network out.
	NoNetwork bool
	// UEFI boots the machine with OVMF (see FindOVMF) instead of SeaBIOS,
	// its variable store a copy-on-write overlay in the state dir.
	UEFI bool
	// BIOS is a firmware file given to QEMU as -bios (vmtest's vm.bios);
	// it replaces OVMF when UEFI is set too.
	BIOS string
	// NoSnapshot boots the machine on every start; by default a kernel
	// machine on x86 starts from a snapshot of its boot (see snapshots).
	NoSnapshot bool
}

// DefaultMemoryMB is a machine's memory when its spec gives none: the
// default of create_machine's memory_size, as NixOS's
// virtualisation.memorySize has it (a runtime test holds the two equal).
const DefaultMemoryMB = 1024

// SharedDir shares a host directory with the guest over 9p.
type SharedDir struct {
	Source   string // host path
	Target   string // mount point in the guest
	ReadOnly bool
}

// PortForward forwards a host TCP port to a guest port on user networking.
type PortForward struct {
	HostPort, GuestPort int
}

// MachineIP returns the address a machine has on a VLAN: 192.168.VLAN.INDEX,
// INDEX being the machine's 1-based position among the test's machines, as
// in NixOS tests.
func MachineIP(vlan, index int) string {
	return fmt.Sprintf("192.168.%d.%d", vlan, index)
}

// nicID names the QEMU device of a machine's NIC on vlan, so that `info
// network` says which VLAN a card is on.
func nicID(vlan int) string { return "nic-vlan" + strconv.Itoa(vlan) }

// userNetdev is the id of the user-mode network, for hostfwd_add.
const userNetdev = "user0"

// Config turns the spec into an engine configuration. index is the
// machine's 1-based position (its VLAN address), switches the running VLANs.
func (s Spec) Config(tmpDir string, index int, switches map[int]*VLAN, log Logger) (Config, error) {
	if s.Name == "" {
		return Config{}, fmt.Errorf("a declared machine needs a name")
	}
	if s.Kernel != "" && s.DiskImage != "" {
		return Config{}, fmt.Errorf("machine %s: give a kernel or a disk image, not both", s.Name)
	}
	if index < 1 || index > 254 {
		return Config{}, fmt.Errorf("machine %s: machine number %d is out of range (1 to 254: it is the last byte of the VLAN address)", s.Name, index)
	}
	// QEMU runs in the state dir: make host paths absolute.
	for _, p := range []*string{&s.Kernel, &s.Initrd, &s.DiskImage} {
		if *p != "" {
			abs, err := filepath.Abs(*p)
			if err != nil {
				return Config{}, err
			}
			*p = abs
		}
	}
	if s.MemoryMB == 0 {
		s.MemoryMB = DefaultMemoryMB
	}
	if s.Cores == 0 {
		s.Cores = 1
	}
	cfg := Config{Name: s.Name, TmpDir: tmpDir, Log: log}
	cfg.setDirs()
	arch, err := setupArch(s.Arch, s.QEMUBinary)
	if err != nil {
		return Config{}, fmt.Errorf("machine %s: %w", s.Name, err)
	}
	if log != nil {
		log.Log(s.Name, fmt.Sprintf("accelerator %s: %s", arch.accel, arch.why))
	}
	c := &cmdline{args: append([]string{arch.binary}, arch.machine...)}
	c.add("-accel", arch.accel, "-m", strconv.Itoa(s.MemoryMB), "-smp", strconv.Itoa(s.Cores))
	c.param("console="+arch.console, "panic=-1", "quiet", "vmt.hostname="+s.Name)
	c.param(arch.bootParams(s)...)
	c.param(s.KernelParams...)
	for _, part := range []func() error{
		func() error { return s.boot(c, &cfg, arch, log) },
		func() error { return s.storage(c, &cfg) },
		func() error { return s.network(c, index, switches) },
		func() error { return s.snapshots(c, &cfg, arch) },
	} {
		if err := part(); err != nil {
			return Config{}, err
		}
	}
	c.add(s.QEMUFlags...)
	if arch.directBoot(s) && s.kernelBoot() {
		// Last, as it depends on every device the machine has.
		c.add(qbootArgs(arch.binary, c.args)...)
	}
	if s.DiskImage == "" {
		c.add("-append", strings.Join(c.params, " "))
	}
	cfg.Command = c.args
	return cfg, cfg.validate()
}

// DefaultImage is the guest of machines that name no kernel: the host's
// kernel ($VMT_KERNEL or the newest /boot/vmlinuz-*) with a generated
// initramfs.
func DefaultImage() (guest.Image, error) {
	k, err := guest.HostKernel()
	if err != nil {
		return guest.Image{}, err
	}
	return guest.Build(k)
}
