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
		a = archSetup{binary: "qemu-system-x86_64", console: "ttyS0"}
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
