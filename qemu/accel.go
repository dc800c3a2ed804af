package qemu

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/vmt-dev/vmt/internal/reaper"
	"github.com/vmt-dev/vmt/qemu/guest"
	"github.com/vmt-dev/vmt/qemu/initramfs"
)

// Accelerators vmt knows.
const (
	AccelKVM = "kvm"
	AccelTCG = "tcg"
)

// probeTimeout bounds the KVM probe; a working KVM boots it in about a second.
const probeTimeout = 20 * time.Second

var (
	accelOnce   sync.Once
	accelChoice string
	accelReason string
)

// Accel returns the accelerator to use and why: $VMT_ACCEL when set,
// otherwise KVM only if a real Linux guest boots under it. /dev/kvm opening
// proves little: on some nested hosts guests die or hang under it. The
// probe's verdict is cached for the host's boot.
func Accel() (string, string) {
	accelOnce.Do(func() { accelChoice, accelReason = chooseAccel() })
	return accelChoice, accelReason
}

func chooseAccel() (string, string) {
	switch v := os.Getenv("VMT_ACCEL"); v {
	case AccelKVM, AccelTCG:
		return v, "set by VMT_ACCEL"
	case "":
	default:
		return AccelTCG, fmt.Sprintf("VMT_ACCEL=%q is neither kvm nor tcg; using tcg", v)
	}
	f, err := os.OpenFile("/dev/kvm", os.O_RDWR, 0)
	if err != nil {
		return AccelTCG, "/dev/kvm is not usable"
	}
	f.Close()
	cacheFile := accelCacheFile()
	if cacheFile != "" {
		// Processes starting together (parallel test binaries) probe once.
		os.MkdirAll(filepath.Dir(cacheFile), 0o755)
		if lock, err := os.OpenFile(cacheFile+".lock", os.O_CREATE|os.O_RDWR, 0o644); err == nil {
			defer lock.Close()
			syscall.Flock(int(lock.Fd()), syscall.LOCK_EX)
		}
	}
	if data, err := os.ReadFile(cacheFile); err == nil {
		if choice, reason, ok := strings.Cut(strings.TrimSpace(string(data)), " "); ok {
			return choice, reason + " (probed earlier this boot)"
		}
	}
	choice, reason := probeKVM()
	if cacheFile != "" {
		os.WriteFile(cacheFile, []byte(choice+" "+reason+"\n"), 0o644)
	}
	return choice, reason
}

func accelCacheFile() string {
	boot, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	dir, derr := guest.CacheDir()
	if err != nil || derr != nil {
		return ""
	}
	return filepath.Join(dir, "accel-"+strings.TrimSpace(string(boot)))
}

// probeKVM boots a kernel under KVM with an init that prints a word and
// powers off.
func probeKVM() (string, string) {
	kernel := probeKernel()
	busybox, err := guest.FindBusybox()
	if kernel == "" || err != nil {
		return AccelTCG, "KVM not probed (no kernel or static busybox to probe with); set VMT_ACCEL=kvm to force it"
	}
	dir, err := os.MkdirTemp("", "vmt-accel-")
	if err != nil {
		return AccelTCG, "KVM not probed: " + err.Error()
	}
	defer os.RemoveAll(dir)
	bb, err := os.ReadFile(busybox)
	if err != nil {
		return AccelTCG, "KVM not probed: " + err.Error()
	}
	a := initramfs.NewArchive()
	a.AddFile("bin/busybox", 0o755, bb)
	a.AddFile("init", 0o755, []byte("#!/bin/busybox sh\n/bin/busybox echo vmt-kvm-ok\n/bin/busybox poweroff -f\n"))
	initrd := filepath.Join(dir, "initrd")
	f, err := os.Create(initrd)
	if err != nil {
		return AccelTCG, "KVM not probed: " + err.Error()
	}
	_, err = a.WriteTo(f)
	f.Close()
	if err != nil {
		return AccelTCG, "KVM not probed: " + err.Error()
	}
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, Binary(), "-accel", "kvm", "-cpu", "host", "-m", "256", "-nodefaults",
		"-display", "none", "-no-reboot", "-kernel", kernel, "-initrd", initrd,
		"-append", "console=ttyS0 panic=-1 quiet", "-serial", "stdio")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := reaper.Start(cmd); err != nil {
		return AccelTCG, "KVM probe could not start QEMU: " + err.Error()
	}
	err = cmd.Wait()
	reaper.KillGroup(cmd.Process.Pid)
	switch {
	case ctx.Err() != nil:
		return AccelTCG, fmt.Sprintf("/dev/kvm opens but a guest did not boot under KVM within %s", probeTimeout)
	case err != nil || !bytes.Contains(out.Bytes(), []byte("vmt-kvm-ok")):
		return AccelTCG, "/dev/kvm opens but a guest died under KVM: " + lastLine(out.String())
	}
	return AccelKVM, "a probe guest booted under KVM"
}

// probeKernel finds a kernel to probe with: the host's, else one the test
// guest cache holds.
func probeKernel() string {
	if k, err := guest.HostKernel(); err == nil {
		return k.Image
	}
	if dir, err := guest.CacheDir(); err == nil {
		if images, _ := filepath.Glob(filepath.Join(dir, "kernels", "*", "boot", "vmlinuz-*")); len(images) > 0 {
			return images[0]
		}
	}
	return ""
}

// Binary is the QEMU system emulator: $VMT_QEMU or qemu-system-x86_64.
func Binary() string {
	if b := os.Getenv("VMT_QEMU"); b != "" {
		return b
	}
	return "qemu-system-x86_64"
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
