//go:build integration

package qemu_test

import (
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vmt-dev/vmt/qemu"
	"github.com/vmt-dev/vmt/qemu/qemutest"
)

// TestDefaultGuestDevices boots two default guests (the host's kernel as
// an uncompressed vmlinux by PVH, qboot, no NIC boot ROMs, no ACPI
// interrupt routing) and checks what vmt's guests rely on: a VLAN, 9p
// shares, a virtio disk, the keyboard, the serial console and screenshots.
func TestDefaultGuestDevices(t *testing.T) {
	dir := qemutest.TempDir(t)
	vlan, err := qemu.StartVLAN(1, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer vlan.Stop()
	vlans := map[int]*qemu.VLAN{1: vlan}
	src := filepath.Join(dir, "src")
	os.MkdirAll(src, 0o755)
	os.WriteFile(filepath.Join(src, "hello.txt"), []byte("from the host\n"), 0o644)
	alice := bootSpec(t, qemu.Spec{Name: "alice", NoSnapshot: true, VLANs: []int{1}, EmptyDisks: []int{16},
		SharedDirs: []qemu.SharedDir{{Source: src, Target: "/mnt/src"}}}, dir, 1, vlans)
	bob := bootSpec(t, qemu.Spec{Name: "bob", NoSnapshot: true, VLANs: []int{1}}, dir, 2, vlans)

	pingBob := "for i in 1 2 3 4 5 6 7 8 9 10; do ping -c 1 -W 2 " + qemu.MachineIP(1, 2) + " && exit 0; done; exit 1"
	if status, out := run(t, alice, pingBob); status != 0 {
		t.Errorf("alice cannot ping bob on the VLAN: %s", out)
	}
	if _, out := run(t, alice, "cat /mnt/src/hello.txt"); out != "from the host\n" {
		t.Errorf("shared dir: %q", out)
	}
	if status, out := run(t, alice, "printf disk | dd of=/dev/vda bs=512 count=1 conv=sync,fsync 2>/dev/null && head -c 4 /dev/vda"); status != 0 || out != "disk" {
		t.Errorf("virtio disk: (%d, %q)", status, out)
	}

	ctx := context.Background()
	run(t, bob, "rm -f /tmp/typed; (head -n1 /dev/tty1 > /tmp/typed) >/dev/null 2>&1 &")
	time.Sleep(500 * time.Millisecond)
	if err := bob.SendChars(ctx, "typed\n", 10*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	run(t, bob, "rm -f /tmp/serial-in; stty -F /dev/ttyS0 -echo; (head -n1 /dev/ttyS0 > /tmp/serial-in) >/dev/null 2>&1 &")
	time.Sleep(500 * time.Millisecond)
	if err := bob.SendConsole("serial\n"); err != nil {
		t.Fatal(err)
	}
	var typed, serial string
	for i := 0; i < 50 && (typed == "" || serial == ""); i++ {
		time.Sleep(200 * time.Millisecond)
		_, typed = run(t, bob, "cat /tmp/typed 2>/dev/null")
		_, serial = run(t, bob, "tr -d '\\r' < /tmp/serial-in 2>/dev/null")
	}
	if typed != "typed\n" || serial != "serial\n" {
		t.Errorf("the guest read %q from its keyboard and %q from its serial console", typed, serial)
	}

	shot := filepath.Join(t.TempDir(), "screen.png")
	if err := bob.Screenshot(ctx, shot); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if img, err := png.Decode(f); err != nil {
		t.Errorf("screenshot: %v", err)
	} else if b := img.Bounds(); b.Dx() < 320 || b.Dy() < 200 {
		t.Errorf("screenshot is %dx%d", b.Dx(), b.Dy())
	}
}

// The default guest boots its kernel's vmlinux by PVH.
func TestDefaultGuestBootsVmlinux(t *testing.T) {
	if _, err := exec.LookPath("xz"); err != nil {
		t.Fatalf("this test needs xz (Debian package xz-utils; scripts/install-deps installs it): %v", err)
	}
	cfg, err := qemu.Spec{Name: "boot"}.Config(qemutest.TempDir(t), 1, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.Index(cfg.Command, "-kernel")
	if i < 0 || !strings.Contains(cfg.Command[i+1], "/vmlinux/") {
		t.Errorf("the default guest boots %v, want its cached vmlinux", cfg.Command)
	}
}
