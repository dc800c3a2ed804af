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
	state := cfg.stateDir()
	arch, err := setupArch(s.Arch, s.QEMUBinary)
	if err != nil {
		return Config{}, fmt.Errorf("machine %s: %w", s.Name, err)
	}
	if log != nil {
		log.Log(s.Name, fmt.Sprintf("accelerator %s: %s", arch.accel, arch.why))
	}
	args := append([]string{arch.binary}, arch.machine...)
	args = append(args, "-accel", arch.accel, "-m", strconv.Itoa(s.MemoryMB), "-smp", strconv.Itoa(s.Cores))
	params := append([]string{"console=" + arch.console, "panic=-1", "quiet", "vmt.hostname=" + s.Name}, s.KernelParams...)
	switch {
	case s.RootFS != "" && s.DiskImage != "":
		return Config{}, fmt.Errorf("machine %s: give a root file system or a disk image, not both", s.Name)
	case s.RootFS != "":
		kernel, initrd, err := s.hostRootImage()
		if err != nil {
			return Config{}, err
		}
		rootArgs, rootParams, err := s.hostRootArgs()
		if err != nil {
			return Config{}, err
		}
		args = append(append(args, "-kernel", kernel, "-initrd", initrd), rootArgs...)
		params = append(params, rootParams...)
	case s.DiskImage != "":
		overlay := filepath.Join(state, "root.qcow2")
		cfg.Disks = append(cfg.Disks, Disk{Path: overlay, Backing: s.DiskImage})
		args = append(args, "-drive", "file="+overlay+",if=virtio,format=qcow2")
		if err := s.imageTarget(&cfg); err != nil {
			return Config{}, err
		}
	default:
		kernel, initrd := s.Kernel, s.Initrd
		if kernel == "" {
			img, err := DefaultImage()
			if err != nil {
				return Config{}, fmt.Errorf("machine %s: %w", s.Name, err)
			}
			kernel, initrd = img.Kernel, img.Initramfs
		}
		args = append(args, "-kernel", kernel)
		if initrd != "" {
			args = append(args, "-initrd", initrd)
		}
	}
	fwArgs, fwDisks, err := firmwareArgs(s.Name, s.UEFI, s.BIOS, state)
	if err != nil {
		return Config{}, err
	}
	args = append(args, fwArgs...)
	cfg.Disks = append(cfg.Disks, fwDisks...)
	for i, size := range s.EmptyDisks {
		path := filepath.Join(state, fmt.Sprintf("empty%d.qcow2", i))
		cfg.Disks = append(cfg.Disks, Disk{Path: path, SizeMB: size})
		args = append(args, "-drive", "file="+path+",if=virtio,format=qcow2")
	}
	// The shared dir and the machine's xchg dir, as NixOS guests mount them.
	shares := append([]SharedDir{{Source: cfg.SharedDir, Target: "/tmp/shared"}, {Source: filepath.Join(state, "xchg"), Target: "/tmp/xchg"}}, s.SharedDirs...)
	cfg.MakeDirs = append(cfg.MakeDirs, filepath.Join(state, "xchg"))
	var mounts []string
	for i, d := range shares {
		source, err := filepath.Abs(d.Source)
		if err != nil {
			return Config{}, err
		}
		d.Source = source
		if strings.ContainsAny(d.Source, ",") || strings.ContainsAny(d.Target, ", :\t\n\"'*?[\\") || !strings.HasPrefix(d.Target, "/") {
			return Config{}, fmt.Errorf("machine %s: shared dir %s -> %s: the target must be an absolute guest path without spaces, quotes, ':', ',' or glob characters, and the source may not contain ','", s.Name, d.Source, d.Target)
		}
		tag := "share" + strconv.Itoa(i)
		virtfs := "local,path=" + d.Source + ",security_model=none,mount_tag=" + tag
		if d.ReadOnly {
			virtfs += ",readonly=on"
		}
		args = append(args, "-virtfs", virtfs)
		mounts = append(mounts, tag+":"+d.Target)
	}
	params = append(params, "vmt.mounts="+strings.Join(mounts, ","))
	userNet := "user,id=" + userNetdev
	for _, f := range s.ForwardPorts {
		userNet += fmt.Sprintf(",hostfwd=tcp:127.0.0.1:%d-:%d", f.HostPort, f.GuestPort)
	}
	switch {
	case s.NoNetwork && len(s.ForwardPorts) > 0:
		return Config{}, fmt.Errorf("machine %s: forwarded ports need the user-mode network", s.Name)
	case s.NoNetwork:
		args = append(args, "-nic", "none") // else QEMU adds a NIC of its own
	default:
		args = append(args, "-netdev", userNet, "-device", "virtio-net-pci,netdev="+userNetdev+",mac=52:54:00:12:34:56")
	}
	var addrs []string
	for _, n := range s.VLANs {
		sw, ok := switches[n]
		if !ok {
			return Config{}, fmt.Errorf("machine %s: vlan %d has no switch", s.Name, n)
		}
		mac := fmt.Sprintf("52:54:01:00:%02x:%02x", n, index) // distinct from the user NIC's 52:54:00:12:34:56
		args = append(args,
			"-netdev", fmt.Sprintf("vde,id=vlan%d,sock=%s", n, sw.Dir),
			"-device", fmt.Sprintf("virtio-net-pci,netdev=vlan%d,mac=%s,id=%s", n, mac, nicID(n)))
		addrs = append(addrs, mac+"="+MachineIP(n, index)+"/24")
	}
	if len(addrs) > 0 {
		params = append(params, "vmt.addrs="+strings.Join(addrs, ","))
	}
	if s.DiskImage == "" {
		args = append(args, "-append", strings.Join(params, " "))
	}
	cfg.Command = append(args, s.QEMUFlags...)
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
