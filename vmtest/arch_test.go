//go:build integration

package vmtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmt-dev/vmt/qemu/guest"
)

// TestRunAArch64 boots Debian's arm64 kernel under TCG (virt machine)
// with an arm64 busybox root file system: vmtest's arch and rootfs.
func TestRunAArch64(t *testing.T) {
	if _, err := exec.LookPath("qemu-system-aarch64"); err != nil {
		t.Fatalf("qemu-system-aarch64 is needed (scripts/install-deps installs qemu-system-arm): %v", err)
	}
	k, err := guest.DebianKernel("linux-image-arm64:arm64")
	if err != nil {
		t.Fatalf("the arm64 kernel (scripts/install-deps adds the arm64 architecture to apt): %v", err)
	}
	work := t.TempDir()
	root := busyboxRoot(t, guest.ArchAArch64, work)
	x := NewTarget()
	x.Name, x.Kernel, x.RootFS, x.Arch = "arm64", k.Image, root, guest.ArchAArch64
	x.Command = "uname -m > arch && cat arch"
	results, out := runTargets(t, []Target{x}, Options{Workdir: work, Verbose: testing.Verbose()})
	if r := results[0]; r.Outcome != Passed || out != "aarch64\n" {
		t.Errorf("result %s (%v), output %q; want aarch64", r, r.Err, out)
	}
	if data, _ := os.ReadFile(filepath.Join(work, "arch")); string(data) != "aarch64\n" {
		t.Errorf("the guest's file on the host: %q", data)
	}
}

// busyboxRoot makes a root file system of a static busybox for arch, its
// applets linked in /bin, the mount points the guest needs, and the
// working directory work.
func busyboxRoot(t *testing.T, arch, work string) string {
	bb, err := guest.BusyboxFor(arch)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(bb)
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	for _, d := range []string{"bin", "proc", "sys", "dev", "tmp", "run", work} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(root, "bin", "busybox"), data, 0o755); err != nil {
		t.Fatal(err)
	}
	// The host's busybox lists the applets: the guest's cannot run here.
	host, err := guest.FindBusybox()
	if err != nil {
		t.Fatal(err)
	}
	list, err := exec.Command(host, "--list").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range strings.Fields(string(list)) {
		if name != "busybox" {
			os.Symlink("busybox", filepath.Join(root, "bin", name))
		}
	}
	for _, l := range []string{"sbin", "usr/bin", "usr/sbin"} {
		os.MkdirAll(filepath.Dir(filepath.Join(root, l)), 0o755)
		os.Symlink("/bin", filepath.Join(root, l))
	}
	return root
}
