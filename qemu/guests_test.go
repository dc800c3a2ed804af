//go:build integration

package qemu_test

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/vmt-dev/vmt/qemu"
	"github.com/vmt-dev/vmt/qemu/qemutest"
)

// guestKinds are the guests the engine's guarantees are tested on: vmt's
// own (a declared machine whose backdoor writes to vmt.data itself) and a
// NixOS-style one (a start script that does not exec QEMU, a backdoor on
// a raw hvc0 terminal and nothing else).
var guestKinds = []string{"vmt", "nixos"}

// shared guests, one per kind, booted once for the tests that only run
// commands.
var (
	sharedMu     sync.Mutex
	sharedGuests = map[string]*qemu.Machine{}
	sharedDirs   []string
)

// sharedGuest returns the running shared guest of kind.
func sharedGuest(t testing.TB, kind string) *qemu.Machine {
	t.Helper()
	if kind == "vmt" {
		return sharedMachine(t)
	}
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if m := sharedGuests[kind]; m != nil {
		return m
	}
	dir, err := os.MkdirTemp("", "vmt")
	if err != nil {
		t.Fatal(err)
	}
	sharedDirs = append(sharedDirs, dir)
	m := newNixOSGuest(t, dir, "nixos")
	if err := m.Connect(context.Background()); err != nil {
		m.Release()
		t.Fatalf("booting the shared NixOS-style guest: %v", err)
	}
	sharedGuests[kind] = m
	return m
}

// newNixOSGuest makes (without starting) a machine from a NixOS-style
// start script written into dir.
func newNixOSGuest(t testing.TB, dir, name string, vlans ...int) *qemu.Machine {
	t.Helper()
	script := qemutest.NixOSStartScript(t, dir, name, 1, vlans...)
	m, err := qemu.New(qemu.Config{StartScript: script, TmpDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// releaseSharedGuests stops the shared guests at the end of the tests.
func releaseSharedGuests() {
	sharedMu.Lock()
	defer sharedMu.Unlock()
	for _, m := range sharedGuests {
		m.Release()
	}
	for _, d := range sharedDirs {
		os.RemoveAll(d)
	}
}
