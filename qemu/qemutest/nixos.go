package qemutest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmt-dev/vmt/qemu"
)

// NixOSStartScript writes a start script run-NAME-vm into dir for a guest
// that follows the NixOS contract and nothing more: its backdoor shell
// runs on a raw hvc0 terminal with stdout on that terminal (the kernel
// parameter vmt.nixos-shell), and the script runs QEMU the way a shell
// wrapper does, without exec. Like NixOS's qemu-vm.nix it mounts
// $SHARED_DIR at /tmp/shared and $TMPDIR/xchg at /tmp/xchg, and plugs a
// virtio NIC into each VLAN's switch ($QEMU_VDE_SOCKET_N) with the
// address 192.168.N.index. It returns the script's path.
func NixOSStartScript(t testing.TB, dir, name string, index int, vlans ...int) string {
	t.Helper()
	return NixOSStartScriptWith(t, dir, name, index, nil, vlans...)
}

// HidePorts is a kernel parameter of the test guest that hides vmt's
// virtio ports from the engine, as on a guest without sysfs: command
// output then travels on the terminal.
const HidePorts = "vmt.hide-ports"

// NixOSStartScriptWith is NixOSStartScript with more kernel parameters.
func NixOSStartScriptWith(t testing.TB, dir, name string, index int, params []string, vlans ...int) string {
	t.Helper()
	img := Image(t)
	nics, addrs := vlanNICs(index, vlans)
	cmdline := fmt.Sprintf("console=ttyS0 panic=-1 quiet vmt.nixos-shell vmt.hostname=%s vmt.mounts=shared:/tmp/shared,xchg:/tmp/xchg", name)
	if len(addrs) > 0 {
		cmdline += " vmt.addrs=" + strings.Join(addrs, ",")
	}
	if len(params) > 0 {
		cmdline += " " + strings.Join(params, " ")
	}
	script := fmt.Sprintf(`#!/bin/sh
# A NixOS-style start script (written by qemutest): QEMU runs as a child
# of this shell, not in its place.
set -e
mkdir -p "$TMPDIR/xchg"
cd "$TMPDIR"
qemu-system-x86_64 -name %s -m 256 \
	-kernel %s -initrd %s -append '%s' \
	-virtfs local,path="${SHARED_DIR:-$TMPDIR/xchg}",security_model=none,mount_tag=shared \
	-virtfs local,path="$TMPDIR/xchg",security_model=none,mount_tag=xchg \
	-net nic,netdev=user.0,model=virtio -netdev user,id=user.0 \
	%s $QEMU_OPTS "$@"
`, name, img.Kernel, img.Initramfs, cmdline, strings.Join(nics, " "))
	path := filepath.Join(dir, "run-"+name+"-vm")
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// vlanNICs gives a start script's QEMU arguments for one virtio NIC on each
// VLAN and the guest's addresses on them (see qemu.StartScriptNIC).
func vlanNICs(index int, vlans []int) (nics, addrs []string) {
	for _, n := range vlans {
		nic, addr := qemu.StartScriptNIC(n, index)
		nics = append(nics, nic)
		addrs = append(addrs, addr)
	}
	return nics, addrs
}
