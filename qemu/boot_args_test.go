package qemu_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmt-dev/vmt/qemu"
	"github.com/vmt-dev/vmt/qemu/qemutest"
)

// The boot shortcuts go to machines whose kernel QEMU loads on a PC, and
// not to those booting through firmware or of another architecture.
func TestBootShortcuts(t *testing.T) {
	qboot := "/usr/share/qemu/qboot.rom"
	kernel := "/boot/vmlinuz-test" // declared kernels are passed as they are
	bios := filepath.Join(t.TempDir(), "bios.bin")
	if err := os.WriteFile(bios, []byte("firmware"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		spec      qemu.Spec
		want, not []string
	}{
		{"declared kernel", qemu.Spec{Kernel: kernel, NoSnapshot: true},
			[]string{"-bios " + qboot, "mac=52:54:00:12:34:56,romfile=", "cryptomgr.notests", "acpi=noirq", "-kernel " + kernel}, nil},
		// qboot never starts a kernel with a vmgenid device.
		{"from a snapshot", qemu.Spec{Kernel: kernel},
			[]string{"romfile=", "acpi=noirq", "vmgenid"}, []string{"-bios"}},
		{"vmgenid of the user", qemu.Spec{Kernel: kernel, NoSnapshot: true, QEMUFlags: []string{"-device", "vmgenid"}},
			nil, []string{"-bios"}},
		{"firmware file", qemu.Spec{Kernel: kernel, BIOS: bios},
			[]string{"-bios " + bios}, []string{"romfile=", qboot}},
		{"devices of the user", qemu.Spec{Kernel: kernel, NoSnapshot: true, QEMUFlags: []string{"-device", "e1000"}},
			[]string{"-bios " + qboot}, []string{"acpi=noirq"}},
		{"aarch64", qemu.Spec{Kernel: kernel, Arch: "aarch64"},
			[]string{"romfile=", "cryptomgr.notests"}, []string{"-bios", "acpi=noirq"}},
	} {
		c.spec.Name = "boot"
		cfg, err := c.spec.Config(qemutest.TempDir(t), 1, nil, nil)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		line := strings.Join(cfg.Command, " ")
		for _, w := range c.want {
			if _, err := os.Stat(qboot); err != nil && strings.HasSuffix(w, qboot) {
				continue // SeaBIOS boots the machine
			}
			if !strings.Contains(line, w) {
				t.Errorf("%s: %q missing from %s", c.name, w, line)
			}
		}
		for _, n := range c.not {
			if strings.Contains(line, n) {
				t.Errorf("%s: %q in %s", c.name, n, line)
			}
		}
	}
}
