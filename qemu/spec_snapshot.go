package qemu

import "fmt"

// snapshots makes a machine that boots a kernel directly on x86 start from
// a snapshot of its boot (see snapshot.go), unless the spec says not to,
// with the QEMU arguments and kernel parameters that takes. Disk
// images boot through firmware into a system of their own, a host root
// keeps a 9p share mounted from the start, and QEMU's vmgenid device,
// which reseeds a restored guest's random number generator, is x86 only:
// those machines boot every time.
//
// The vmgenid device needs SeaBIOS (qbootArgs leaves qboot out for it): a
// snapshot machine boots through SeaBIOS once per snapshot.
func (s Spec) snapshots(c *cmdline, cfg *Config, arch archSetup) error {
	if !s.snapshotted(arch) {
		return nil
	}
	dir, err := SnapshotDir()
	if err != nil {
		return fmt.Errorf("machine %s: %w", s.Name, err)
	}
	cfg.Snapshots, cfg.MemoryMB = dir, s.MemoryMB
	cfg.Resume = resumeCommand
	// vmt's guest leaves its 9p shares to /etc/vmt-resume, run after the
	// snapshot: QEMU cannot save a guest with a share mounted.
	c.param("vmt.defer-mounts")
	c.add("-device", "vmgenid")
	return nil
}

// snapshotted reports whether the machine starts from snapshots.
func (s Spec) snapshotted(arch archSetup) bool {
	return !s.NoSnapshot && s.DiskImage == "" && s.RootFS == "" && !s.UEFI && s.BIOS == "" && arch.pc
}
