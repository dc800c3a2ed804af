package qemu

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/vmt-dev/vmt/qemu/guest"
)

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
	cache, err := guest.CacheDir()
	if err != nil {
		return fmt.Errorf("machine %s: %w", s.Name, err)
	}
	cfg.Snapshots, cfg.MemoryMB = filepath.Join(cache, "snapshots"), s.MemoryMB
	cfg.Resume = resumeCommand
	// vmt's guest leaves its 9p shares to /etc/vmt-resume, run after the
	// snapshot: QEMU cannot save a guest with a share mounted.
	c.param("vmt.defer-mounts")
	c.add("-device", "vmgenid")
	return nil
}

// resumeCommand sets the guest's clock to now and, in vmt's guest, mounts
// the shares it left (/etc/vmt-resume); any other guest gets its clock set.
func resumeCommand(now time.Time) string {
	return fmt.Sprintf("if [ -x /etc/vmt-resume ]; then /etc/vmt-resume %[1]d; else date -s @%[1]d >/dev/null; fi", now.Unix())
}

// snapshotted reports whether the machine starts from snapshots.
func (s Spec) snapshotted(arch archSetup) bool {
	return !s.NoSnapshot && s.DiskImage == "" && s.RootFS == "" && !s.UEFI && s.BIOS == "" && arch.pc
}
