package qemutest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
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

// SystemdStartScript writes a NixOS-style start script run-NAME-vm into dir
// for the Debian systemd guest and returns its path. Like NixOS's
// qemu-vm.nix, the script gives the machine its own copy-on-write overlay
// ($TMPDIR/NAME.qcow2, created when missing) of the cached root image,
// mounts $SHARED_DIR at /tmp/shared and $TMPDIR/xchg at /tmp/xchg, plugs a
// virtio NIC into each VLAN's switch ($QEMU_VDE_SOCKET_N) with the address
// 192.168.N.index, and appends $QEMU_OPTS and its arguments. The hostname
// and the VLAN addresses travel on the kernel command line.
func SystemdStartScript(t testing.TB, dir, name string, index int, vlans ...int) string {
	t.Helper()
	return SystemdStartScriptWith(t, dir, name, index, nil, vlans...)
}

// SystemdStartScriptWith is SystemdStartScript for a machine of a test
// whose machines are peers, in order (the i-th has index i+1): as in
// NixOS, /etc/hosts names each by its address on the first VLAN.
func SystemdStartScriptWith(t testing.TB, dir, name string, index int, peers []string, vlans ...int) string {
	t.Helper()
	g := SystemdGuest(t)
	nics, addrs := vlanNICs(index, vlans)
	cmdline := systemdguest.Cmdline + " systemd.hostname=" + name
	if len(addrs) > 0 {
		cmdline += " vmt.addrs=" + strings.Join(addrs, ",")
	}
	if len(peers) > 0 && len(vlans) > 0 {
		var hosts []string
		for i, peer := range peers {
			hosts = append(hosts, fmt.Sprintf("%s=192.168.%d.%d", peer, vlans[0], i+1))
		}
		cmdline += " vmt.hosts=" + strings.Join(hosts, ",")
	}
	script := fmt.Sprintf(`#!/bin/sh
# A NixOS-style start script (written by qemutest) for the Debian systemd
# guest: QEMU runs as a child of this shell, not in its place.
set -e
mkdir -p "$TMPDIR/xchg"
cd "$TMPDIR"
disk="$TMPDIR/%[1]s.qcow2"
if [ ! -e "$disk" ]; then
	qemu-img create -q -f qcow2 -b '%[2]s' -F raw "$disk"
fi
qemu-system-x86_64 -name %[1]s -m 512 \
	-kernel '%[3]s' -initrd '%[4]s' -append '%[5]s' \
	-drive file="$disk",if=virtio,format=qcow2,cache=unsafe,discard=unmap \
	-virtfs local,path="${SHARED_DIR:-$TMPDIR/xchg}",security_model=none,mount_tag=shared \
	-virtfs local,path="$TMPDIR/xchg",security_model=none,mount_tag=xchg \
	-net nic,netdev=user.0,model=virtio -netdev user,id=user.0 \
	%[6]s $QEMU_OPTS "$@"
`, name, g.Root, g.Kernel, g.Initramfs, cmdline, strings.Join(nics, " "))
	path := filepath.Join(dir, "run-"+name+"-vm")
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}
