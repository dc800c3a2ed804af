package guest

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHostKernelPicksNewest(t *testing.T) {
	boot := t.TempDir()
	for _, v := range []string{"5.10.0-28-amd64", "6.1.0-9-amd64", "6.1.0-10-amd64", "4.19.0-1-amd64"} {
		os.WriteFile(filepath.Join(boot, "vmlinuz-"+v), []byte("kernel"), 0o644)
	}
	k, err := hostKernel("", boot, "/lib/modules")
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(k.Image) != "vmlinuz-6.1.0-10-amd64" || k.ModulesDir != "/lib/modules/6.1.0-10-amd64" {
		t.Errorf("got %+v", k)
	}
	k, err = hostKernel(filepath.Join(boot, "vmlinuz-5.10.0-28-amd64"), boot, "/lib/modules")
	if err != nil || filepath.Base(k.Image) != "vmlinuz-5.10.0-28-amd64" {
		t.Errorf("VMT_KERNEL not honoured: %+v, %v", k, err)
	}
}

// A $VMT_KERNEL at ROOT/boot/vmlinuz-V takes its modules from
// ROOT/lib/modules/V when they are there (a Nix build has no /lib/modules).
func TestHostKernelModulesBeside(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "boot"), 0o755)
	os.MkdirAll(filepath.Join(root, "lib", "modules", "6.1.0-nix"), 0o755)
	image := filepath.Join(root, "boot", "vmlinuz-6.1.0-nix")
	os.WriteFile(image, []byte("kernel"), 0o644)
	k, err := hostKernel(image, "/boot", "/lib/modules")
	if err != nil || k.ModulesDir != filepath.Join(root, "lib", "modules", "6.1.0-nix") {
		t.Errorf("modules beside the kernel: %+v, %v", k, err)
	}
}

func TestHostKernelErrors(t *testing.T) {
	empty := t.TempDir()
	if _, err := hostKernel("", empty, "/lib/modules"); err == nil || !strings.Contains(err.Error(), "install one (apt-get install linux-image-amd64) or set VMT_KERNEL") {
		t.Errorf("no kernel: %v", err)
	}
	if _, err := hostKernel(filepath.Join(empty, "vmlinuz-x"), empty, "/lib/modules"); err == nil || !strings.Contains(err.Error(), "set VMT_KERNEL") {
		t.Errorf("missing VMT_KERNEL file: %v", err)
	}
	os.WriteFile(filepath.Join(empty, "vmlinuz-6.1.0-1-amd64"), nil, 0o600)
	saved := openKernel
	defer func() { openKernel = saved }()
	openKernel = func(path string) (io.Closer, error) {
		return nil, &fs.PathError{Op: "open", Path: path, Err: fs.ErrPermission}
	}
	_, err := hostKernel("", empty, "/lib/modules")
	if err == nil || !strings.Contains(err.Error(), "not readable by this user") || !strings.Contains(err.Error(), "chmod 0644") {
		t.Errorf("root-only kernel: %v", err)
	}
}

func TestFindBusyboxRejectsDynamic(t *testing.T) {
	t.Setenv("VMT_BUSYBOX", "/bin/sh") // dynamically linked on Debian
	if _, err := FindBusybox(); err == nil || !strings.Contains(err.Error(), "dynamically linked") {
		t.Errorf("got %v", err)
	}
	t.Setenv("VMT_BUSYBOX", "")
	t.Setenv("PATH", t.TempDir())
	if _, err := FindBusybox(); err == nil || !strings.Contains(err.Error(), "apt-get install busybox-static") {
		t.Errorf("got %v", err)
	}
}
