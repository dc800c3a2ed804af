package qemu

import "fmt"

// StartScriptNIC gives what a NixOS-style start script (run-NAME-vm, as
// qemu-vm.nix writes them) puts on the QEMU command line for the machine
// with the given index on VLAN vlan: a virtio NIC on the VLAN's switch,
// found through $QEMU_VDE_SOCKET_<vlan> when the script runs, and the
// address NixOS gives the machine there, as MAC=192.168.VLAN.INDEX/24
// (the form the test guests read from vmt.addrs= on their kernel command
// line).
func StartScriptNIC(vlan, index int) (qemuArgs, addr string) {
	mac := fmt.Sprintf("52:54:00:12:%02x:%02x", vlan, index)
	qemuArgs = fmt.Sprintf(`-netdev vde,id=vlan%d,sock="$QEMU_VDE_SOCKET_%d" -device virtio-net-pci,netdev=vlan%d,mac=%s`, vlan, vlan, vlan, mac)
	return qemuArgs, mac + "=" + MachineIP(vlan, index) + "/24"
}
