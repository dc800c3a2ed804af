//go:build integration

package guest

import (
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestVmlinuxOfHostKernel extracts the host's kernel, as the default
// guest boots it.
func TestVmlinuxOfHostKernel(t *testing.T) {
	k, err := HostKernel()
	if err != nil {
		t.Fatalf("no host kernel: %v", err)
	}
	if _, err := exec.LookPath("xz"); err != nil {
		t.Fatalf("this test needs xz (Debian package xz-utils; scripts/install-deps installs it): %v", err)
	}
	t.Setenv("VMT_CACHE_DIR", t.TempDir())
	vmlinux, err := Vmlinux(k.Image)
	if err != nil {
		t.Fatal(err)
	}
	f, err := elf.Open(vmlinux)
	if err != nil {
		t.Fatalf("%s: %v", vmlinux, err)
	}
	f.Close()
	again, err := Vmlinux(k.Image)
	if err != nil || again != vmlinux {
		t.Errorf("second call: %s, %v; want the cached %s", again, err, vmlinux)
	}
}

func TestVmlinuxErrors(t *testing.T) {
	t.Setenv("VMT_CACHE_DIR", t.TempDir())
	dir := t.TempDir()
	gzipped := dir + "/vmlinuz-gzip"
	if err := os.WriteFile(gzipped, fakeBzImage([]byte("\x1f\x8b\x08\x00 gzip data"), 10), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Vmlinux(gzipped); err == nil || !strings.Contains(err.Error(), "not xz-compressed") {
		t.Errorf("gzip kernel: %v", err)
	}
	if _, err := exec.LookPath("xz"); err != nil {
		t.Fatalf("this test needs xz (Debian package xz-utils; scripts/install-deps installs it): %v", err)
	}
	// A valid xz stream whose content is not an ELF kernel.
	xz := exec.Command("xz", "--stdout")
	xz.Stdin = strings.NewReader("not a kernel")
	stream, err := xz.Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		size uint32
		want string
	}{
		{5, "xz gave 12 bytes, the bzImage says 5"},
		{12, "its vmlinux"},
	} {
		path := fmt.Sprintf("%s/vmlinuz-size%d", dir, c.size)
		if err := os.WriteFile(path, fakeBzImage(stream, c.size), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Vmlinux(path); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("size %d: error %v, want one saying %q", c.size, err, c.want)
		}
	}
	noXZ := dir + "/vmlinuz-no-xz"
	if err := os.WriteFile(noXZ, fakeBzImage(stream, 12), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", t.TempDir())
	if _, err := Vmlinux(noXZ); err == nil || !strings.Contains(err.Error(), "xz not found") {
		t.Errorf("without xz: %v", err)
	}
}
