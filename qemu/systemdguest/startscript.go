package systemdguest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/vmt-dev/vmt/qemu"
)

// Machine is one machine of a test, booted from the guest.
type Machine struct {
	Name string
	// Index is the machine's 1-based position among the test's machines:
	// the last byte of its VLAN addresses.
	Index int
	VLANs []int
	// Peers names the test's machines in order (the i-th has index i+1):
	// as in NixOS, the guest's /etc/hosts names each by its address on
	// the first VLAN.
	Peers []string
}

// WriteStartScript writes the NixOS-style start script run-NAME-vm for m
// into dir and returns its path. Like NixOS's qemu-vm.nix, the script runs
// QEMU as its child, gives the machine its own copy-on-write overlay
// ($TMPDIR/NAME.qcow2, created when missing) of the read-only root image,
// mounts $SHARED_DIR at /tmp/shared and $TMPDIR/xchg at /tmp/xchg, plugs a
// virtio NIC into each VLAN's switch ($QEMU_VDE_SOCKET_N), and appends
// $QEMU_OPTS and its arguments. The hostname, VLAN addresses and peers
// travel on the kernel command line.
func (g Guest) WriteStartScript(dir string, m Machine) (string, error) {
	if m.Name == "" || strings.ContainsAny(m.Name, "/ \t\n'\"$\\`") {
		return "", fmt.Errorf("machine name %q: use letters, digits, '-' and '_'", m.Name)
	}
	if m.Index < 1 || m.Index > 254 {
		return "", fmt.Errorf("machine %s: index %d is out of range (1 to 254: it is the last byte of the VLAN address)", m.Name, m.Index)
	}
	cmdline := Cmdline + " systemd.hostname=" + m.Name
	var nics, addrs []string
	for _, n := range m.VLANs {
		nic, addr := qemu.StartScriptNIC(n, m.Index)
		nics = append(nics, nic)
		addrs = append(addrs, addr)
	}
	if len(addrs) > 0 {
		cmdline += " vmt.addrs=" + strings.Join(addrs, ",")
	}
	if len(m.Peers) > 0 && len(m.VLANs) > 0 {
		var hosts []string
		for i, peer := range m.Peers {
			hosts = append(hosts, peer+"="+qemu.MachineIP(m.VLANs[0], i+1))
		}
		cmdline += " vmt.hosts=" + strings.Join(hosts, ",")
	}
	script := fmt.Sprintf(`#!/bin/sh
# A NixOS-style start script for vmt's Debian systemd guest: QEMU runs as
# a child of this shell, not in its place.
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
`, m.Name, g.Root, g.Kernel, g.Initramfs, cmdline, strings.Join(nics, " "))
	path := filepath.Join(dir, "run-"+m.Name+"-vm")
	return path, os.WriteFile(path, []byte(script), 0o755)
}
