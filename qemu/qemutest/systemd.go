package qemutest

import (
	"sync"
	"testing"

	"github.com/vmt-dev/vmt/qemu/systemdguest"
)

var (
	systemdOnce  sync.Once
	systemdGuest systemdguest.Guest
	systemdErr   error
)

// SystemdGuest returns the Debian systemd guest, building it on first use
// (a minute or two the first time, then cached). A test that cannot have
// it fails: the guest is part of the test suite.
func SystemdGuest(t testing.TB) systemdguest.Guest {
	t.Helper()
	systemdOnce.Do(func() { systemdGuest, systemdErr = systemdguest.Build() })
	if systemdErr != nil {
		t.Fatalf("building the systemd test guest: %v", systemdErr)
	}
	return systemdGuest
}

// SystemdStartScript writes the start script run-NAME-vm of the Debian
// systemd guest into dir for the machine with the given index on vlans,
// and returns its path (see systemdguest.Guest.WriteStartScript).
func SystemdStartScript(t testing.TB, dir, name string, index int, vlans ...int) string {
	t.Helper()
	return SystemdStartScriptWith(t, dir, name, index, nil, vlans...)
}

// SystemdStartScriptWith is SystemdStartScript for a machine of a test
// whose machines are peers, in order (the i-th has index i+1): as in
// NixOS, /etc/hosts names each by its address on the first VLAN.
func SystemdStartScriptWith(t testing.TB, dir, name string, index int, peers []string, vlans ...int) string {
	t.Helper()
	path, err := SystemdGuest(t).WriteStartScript(dir, systemdguest.Machine{Name: name, Index: index, VLANs: vlans, Peers: peers})
	if err != nil {
		t.Fatal(err)
	}
	return path
}
