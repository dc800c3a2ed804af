package qemu

import (
	"fmt"

	"github.com/vmt-dev/vmt/qemu/guest"
)

// archSetup is what a guest architecture changes in a QEMU command line.
type archSetup struct {
	binary  string   // the system emulator
	machine []string // machine and CPU options
	console string   // the serial console's kernel name
	accel   string   // the accelerator, and why
	why     string
	// pc is an x86 PC machine: a kernel it boots directly gets qboot
	// and, when it can, PVH (see directBoot).
	pc bool
}

// setupArch picks the emulator, machine and accelerator of arch ("" is the
// host's). A guest of another architecture than the host's runs under TCG
// on the virt machine with the emulator's most capable CPU; binary, if
// set, replaces the emulator (vmtest's qemu_command).
func setupArch(arch, binary string) (archSetup, error) {
	if arch == "" {
		arch = guest.HostArch()
	}
	var a archSetup
	switch arch {
	case guest.ArchX86_64:
		a = archSetup{binary: "qemu-system-x86_64", console: "ttyS0", pc: true}
	case guest.ArchAArch64:
		a = archSetup{binary: "qemu-system-aarch64", machine: []string{"-M", "virt"}, console: "ttyAMA0"}
	default:
		return archSetup{}, fmt.Errorf("architecture %q is not supported: use %s or %s", arch, guest.ArchX86_64, guest.ArchAArch64)
	}
	if arch == guest.HostArch() {
		a.binary = Binary()
		a.accel, a.why = Accel()
	} else {
		a.accel, a.why = AccelTCG, arch+" is not the host's architecture"
	}
	if binary != "" {
		a.binary = binary
	}
	switch {
	case a.accel == AccelKVM:
		a.machine = append(a.machine, "-cpu", "host")
	case arch == guest.ArchAArch64:
		// QEMU's own pointer authentication is much faster to emulate
		// than the architected QARMA.
		a.machine = append(a.machine, "-cpu", "max,pauth-impdef=on")
	}
	return a, nil
}

// directBoot reports whether a PC loads the spec's kernel (not a disk
// image's) with QEMU's own firmware, not UEFI or a firmware file of the
// spec: that firmware can then be qboot, and the kernel an ELF booted by
// PVH.
func (a archSetup) directBoot(s Spec) bool {
	return a.pc && s.DiskImage == "" && !s.UEFI && s.BIOS == ""
}

// fastKernel returns the kernel to boot for the bzImage vmt chose: its
// uncompressed ELF kernel (guest.Vmlinux), which QEMU boots by PVH without
// the decompressor, seconds faster under TCG. When it cannot, the log
// says why and the bzImage boots.
func fastKernel(machine, bzImage string, log Logger) string {
	vmlinux, err := guest.Vmlinux(bzImage)
	if err != nil {
		if log != nil {
			log.Log(machine, fmt.Sprintf("booting the compressed kernel (slower): %v", err))
		}
		return bzImage
	}
	return vmlinux
}

// bootParams are kernel parameters that spare a machine's kernel work its
// guest does not need, measured to shorten boots under TCG.
func (a archSetup) bootParams(s Spec) []string {
	// The kernel tests each crypto algorithm as it registers one (0.4 s
	// of a boot); a test machine trusts its kernel's.
	params := []string{"cryptomgr.notests"}
	// Routing PCI interrupts through ACPI's interrupt links runs ACPI
	// code, 0.1 to 0.2 s a link under TCG (virtio_pci took 0.6 to 1 s to
	// load, 0.06 s without). vmt's devices are virtio ones, which
	// use MSI-X and need no routed interrupt; devices of QEMUFlags (an
	// e1000, USB or AHCI controller) may, and keep ACPI's routing.
	if a.pc && a.accel == AccelTCG && len(s.QEMUFlags) == 0 {
		params = append(params, "acpi=noirq")
	}
	return params
}
