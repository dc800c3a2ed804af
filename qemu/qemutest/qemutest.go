// Package qemutest gives tests a small real guest: a Debian kernel
// (linux-image-amd64, fetched with apt-get download and unpacked with
// dpkg -x) and a busybox initramfs, built once and cached.
package qemutest

import (
	"os"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/vmt-dev/vmt/qemu"
	"github.com/vmt-dev/vmt/qemu/guest"
)

// KernelPackage is the Debian package the test guest's kernel comes from.
const KernelPackage = "linux-image-amd64"

var (
	once   sync.Once
	image  guest.Image
	imgErr error
)

// Image returns the test guest, building it on first use. A test that
// cannot have it fails: the guest is part of the test suite.
func Image(t testing.TB) guest.Image {
	t.Helper()
	once.Do(func() {
		var k guest.Kernel
		if k, imgErr = guest.DebianKernel(KernelPackage); imgErr == nil {
			image, imgErr = guest.Build(k)
		}
	})
	if imgErr != nil {
		t.Fatalf("building the test guest: %v", imgErr)
	}
	return image
}

// Spec declares a test machine booting the test guest.
func Spec(t testing.TB, name string) qemu.Spec {
	img := Image(t)
	return qemu.Spec{Name: name, Kernel: img.Kernel, Initrd: img.Initramfs, MemoryMB: 256}
}

// Config returns a machine configuration for the test guest, with its state
// under a short temporary directory (socket paths must stay short).
func Config(t testing.TB, name string) qemu.Config {
	cfg, err := Spec(t, name).Config(TempDir(t), 1, nil, NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TempDir returns a short temporary directory removed when t ends.
func TempDir(t testing.TB) string {
	dir, err := os.MkdirTemp("", "vmt")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// Logger sends a machine's messages and serial lines to the test log
// until the test ends (a machine may outlive it by a moment).
type Logger struct {
	t    testing.TB
	done atomic.Bool
}

// NewLogger returns a Logger for t.
func NewLogger(t testing.TB) *Logger {
	l := &Logger{t: t}
	t.Cleanup(func() { l.done.Store(true) })
	return l
}

func (l *Logger) Log(machine, msg string) {
	if !l.done.Load() {
		l.t.Logf("%s: %s", machine, msg)
	}
}

func (l *Logger) Serial(machine, line string) {
	if !l.done.Load() {
		l.t.Logf("%s # %s", machine, line)
	}
}
