package qemu

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// OVMF is a UEFI firmware for x86_64 guests: read-only code and the
// template of its variable store, a pair of the same flash size.
type OVMF struct {
	Code string
	Vars string
}

// OVMFCandidates are the firmware pairs FindOVMF tries, in order: where
// Debian and Ubuntu (ovmf), Fedora (edk2-ovmf) and Arch (edk2-ovmf) put
// them. Secure-boot builds are left out: they need SMM and enrolled keys.
var OVMFCandidates = []OVMF{
	{"/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_VARS_4M.fd"},             // Debian 12, Ubuntu 22.04+
	{"/usr/share/OVMF/OVMF_CODE.fd", "/usr/share/OVMF/OVMF_VARS.fd"},                   // Debian, Ubuntu (2 MB build)
	{"/usr/share/edk2/ovmf/OVMF_CODE.fd", "/usr/share/edk2/ovmf/OVMF_VARS.fd"},         // Fedora
	{"/usr/share/edk2/x64/OVMF_CODE.4m.fd", "/usr/share/edk2/x64/OVMF_VARS.4m.fd"},     // Arch
	{"/usr/share/edk2/x64/OVMF_CODE.fd", "/usr/share/edk2/x64/OVMF_VARS.fd"},           // Arch (older)
	{"/usr/share/edk2-ovmf/x64/OVMF_CODE.fd", "/usr/share/edk2-ovmf/x64/OVMF_VARS.fd"}, // Arch (older still)
	{"/usr/share/qemu/ovmf-x86_64-code.bin", "/usr/share/qemu/ovmf-x86_64-vars.bin"},   // openSUSE
}

// FindOVMF returns the UEFI firmware for UEFI machines: $VMT_OVMF_CODE
// and $VMT_OVMF_VARS when set (both), else the first of OVMFCandidates
// installed.
func FindOVMF() (OVMF, error) {
	code, vars := os.Getenv("VMT_OVMF_CODE"), os.Getenv("VMT_OVMF_VARS")
	if code != "" || vars != "" {
		if code == "" || vars == "" {
			return OVMF{}, fmt.Errorf("UEFI firmware: set both VMT_OVMF_CODE and VMT_OVMF_VARS (the code and the variable store template of one OVMF build), or neither")
		}
		for _, p := range []string{code, vars} {
			if _, err := os.Stat(p); err != nil {
				return OVMF{}, fmt.Errorf("UEFI firmware from VMT_OVMF_CODE/VMT_OVMF_VARS: %v", err)
			}
		}
		return OVMF{Code: code, Vars: vars}, nil
	}
	return FindOVMFIn(OVMFCandidates)
}

// FindOVMFIn returns the first pair of candidates whose both files exist.
func FindOVMFIn(candidates []OVMF) (OVMF, error) {
	var tried []string
	for _, c := range candidates {
		if fileExists(c.Code) && fileExists(c.Vars) {
			return c, nil
		}
		tried = append(tried, c.Code+" + "+filepath.Base(c.Vars))
	}
	return OVMF{}, fmt.Errorf("no UEFI firmware (OVMF) found; tried:\n  %s\ninstall it (Debian/Ubuntu: apt-get install ovmf; Fedora: dnf install edk2-ovmf; Arch: pacman -S edk2-ovmf), set VMT_OVMF_CODE and VMT_OVMF_VARS, or give the machine a firmware file (bios)",
		strings.Join(tried, "\n  "))
}

func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}

// firmwareArgs returns the QEMU arguments of a machine's firmware and the
// disk it needs: with bios, that file as -bios; with uefi, OVMF as two
// pflash drives, the code read-only and the variables in a qcow2 overlay
// over OVMF's template in the machine's state dir (so each machine has its
// own, kept with its state). Neither: QEMU's default, SeaBIOS (or
// qboot, for a kernel QEMU loads: see qbootArgs).
func firmwareArgs(name string, uefi bool, bios, state string) ([]string, []Disk, error) {
	if bios != "" {
		abs, err := filepath.Abs(bios)
		if err != nil {
			return nil, nil, err
		}
		if !fileExists(abs) {
			return nil, nil, fmt.Errorf("machine %s: firmware file (bios) %s: no such file", name, abs)
		}
		return []string{"-bios", abs}, nil, nil
	}
	if !uefi {
		return nil, nil, nil
	}
	fw, err := FindOVMF()
	if err != nil {
		return nil, nil, fmt.Errorf("machine %s: %w", name, err)
	}
	for _, p := range []string{fw.Code, fw.Vars} {
		if strings.Contains(p, ",") {
			return nil, nil, fmt.Errorf("machine %s: UEFI firmware path %s contains ',' (QEMU cannot take it in -drive)", name, p)
		}
	}
	vars := filepath.Join(state, "efivars.qcow2")
	return []string{
		"-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + fw.Code,
		"-drive", "if=pflash,format=qcow2,unit=1,file=" + vars,
	}, []Disk{{Path: vars, Backing: fw.Vars}}, nil
}

// qbootArgs returns -bios qboot for a machine booting a kernel directly,
// given its other QEMU arguments: qboot, from QEMU's data directory,
// hands over to the kernel some 0.3 s sooner than SeaBIOS under TCG,
// which sets up BIOS services, VGA and boot ROMs that such a guest does
// not use. Having no VGA BIOS, it leaves the display uninitialised
// (screenshots show QEMU's notice of that); the guest's consoles are
// unaffected. Without qboot, or with a device qboot cannot boot among
// the arguments (see qbootHangsOn), it returns nothing: SeaBIOS boots
// the machine.
func qbootArgs(binary string, args []string) []string {
	for _, arg := range args {
		for _, device := range qbootHangsOn {
			if strings.Contains(arg, device) {
				return nil
			}
		}
	}
	// QEMU's data directory is share/qemu beside its bin directory (a
	// distribution's /usr, /usr/local, a Nix store path); wrappers may
	// live elsewhere, so /usr/share/qemu comes last.
	candidates := []string{"/usr/share/qemu/qboot.rom"}
	if path, err := exec.LookPath(binary); err == nil {
		if real, err := filepath.EvalSymlinks(path); err == nil {
			candidates = append([]string{filepath.Join(filepath.Dir(filepath.Dir(real)), "share", "qemu", "qboot.rom")}, candidates...)
		}
	}
	for _, rom := range candidates {
		if fileExists(rom) {
			return []string{"-bios", rom}
		}
	}
	return nil
}

// qbootHangsOn are the devices whose firmware tables ask the firmware to
// write an address back to QEMU, which qboot does not do: with either,
// it never starts the kernel (QEMU 7.2). A machine booting from a
// snapshot has vmgenid (spec_snapshot.go), so SeaBIOS.
var qbootHangsOn = []string{"vmgenid", "vmcoreinfo"}

// imageTarget checks a disk-image machine's image and gives the machine a
// guest agent port: an image guest answers on the backdoor or through
// qemu-ga, whichever it has (see Machine.Connect).
func (s Spec) imageTarget(cfg *Config) error {
	fi, err := os.Stat(s.DiskImage)
	switch {
	case err != nil && os.IsNotExist(err):
		return fmt.Errorf("machine %s: disk image %s: no such file", s.Name, s.DiskImage)
	case err != nil:
		return fmt.Errorf("machine %s: disk image: %w", s.Name, err)
	case fi.IsDir():
		return fmt.Errorf("machine %s: disk image %s is a directory, not an image file", s.Name, s.DiskImage)
	}
	// The overlay's backing format comes from the image's content, not
	// its name: a qcow2 image called disk.img is common.
	format, err := imageFormat(s.DiskImage)
	if err != nil {
		return fmt.Errorf("machine %s: disk image: %w", s.Name, err)
	}
	for i := range cfg.Disks {
		if cfg.Disks[i].Backing == s.DiskImage {
			cfg.Disks[i].BackingFormat = format
		}
	}
	cfg.GuestAgent = true
	return nil
}

// imageFormat tells a qcow2 image (by its magic) from a raw one.
func imageFormat(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	magic := make([]byte, 4)
	if n, _ := io.ReadFull(f, magic); n == 4 && string(magic) == "QFI\xfb" {
		return "qcow2", nil
	}
	return "raw", nil
}
