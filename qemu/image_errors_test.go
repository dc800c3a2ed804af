package qemu_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmt-dev/vmt/qemu"
	"github.com/vmt-dev/vmt/qemu/qemutest"
)

// A UEFI machine without OVMF says where it looked and what to install.
func TestImageMissingOVMF(t *testing.T) {
	_, err := qemu.FindOVMFIn([]qemu.OVMF{{Code: "/nonexistent/OVMF_CODE.fd", Vars: "/nonexistent/OVMF_VARS.fd"}})
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/OVMF_CODE.fd") || !strings.Contains(err.Error(), "apt-get install ovmf") {
		t.Errorf("FindOVMFIn with nothing installed: %v", err)
	}
	img := filepath.Join(t.TempDir(), "disk.img")
	os.WriteFile(img, make([]byte, 1<<20), 0o644)
	t.Setenv("VMT_OVMF_CODE", "/nonexistent/code.fd")
	t.Setenv("VMT_OVMF_VARS", "/nonexistent/vars.fd")
	_, err = qemu.Spec{Name: "uefi", DiskImage: img, UEFI: true}.Config(qemutest.TempDir(t), 1, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/code.fd") {
		t.Errorf("UEFI machine with VMT_OVMF_CODE missing: %v", err)
	}
	_, err = qemu.Spec{Name: "bios", DiskImage: img, BIOS: "/nonexistent/bios.bin"}.Config(qemutest.TempDir(t), 1, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/bios.bin") {
		t.Errorf("machine with a missing firmware file: %v", err)
	}
}

// A missing disk image is named before anything starts.
func TestImageMissingFile(t *testing.T) {
	_, err := qemu.Spec{Name: "img", DiskImage: "/nonexistent/image.qcow2"}.Config(qemutest.TempDir(t), 1, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/image.qcow2: no such file") {
		t.Errorf("missing disk image: %v", err)
	}
	_, err = qemu.Spec{Name: "img", DiskImage: t.TempDir()}.Config(qemutest.TempDir(t), 1, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("a directory as disk image: %v", err)
	}
}
