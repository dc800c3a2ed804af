package qemu

import (
	"fmt"
	"strings"
)

// network adds the user-mode network (with the forwarded ports) and one
// NIC on each of the machine's VLANs, whose addresses vmt's guest sets
// from vmt.addrs.
func (s Spec) network(c *cmdline, index int, switches map[int]*VLAN) error {
	// Network boot ROMs serve only firmware that boots from a disk or the
	// network, not a kernel QEMU loads.
	nicROM := ""
	if s.kernelBoot() {
		nicROM = ",romfile="
	}
	userNet := "user,id=" + userNetdev
	for _, f := range s.ForwardPorts {
		userNet += fmt.Sprintf(",hostfwd=tcp:127.0.0.1:%d-:%d", f.HostPort, f.GuestPort)
	}
	switch {
	case s.NoNetwork && len(s.ForwardPorts) > 0:
		return fmt.Errorf("machine %s: forwarded ports need the user-mode network", s.Name)
	case s.NoNetwork:
		c.add("-nic", "none") // else QEMU adds a NIC of its own
	default:
		c.add("-netdev", userNet, "-device", "virtio-net-pci,netdev="+userNetdev+",mac=52:54:00:12:34:56"+nicROM)
	}
	var addrs []string
	for _, n := range s.VLANs {
		sw, ok := switches[n]
		if !ok {
			return fmt.Errorf("machine %s: vlan %d has no switch", s.Name, n)
		}
		mac := fmt.Sprintf("52:54:01:00:%02x:%02x", n, index) // distinct from the user NIC's 52:54:00:12:34:56
		c.add("-netdev", fmt.Sprintf("vde,id=vlan%d,sock=%s", n, sw.Dir),
			"-device", fmt.Sprintf("virtio-net-pci,netdev=vlan%d,mac=%s,id=%s%s", n, mac, nicID(n), nicROM))
		addrs = append(addrs, mac+"="+MachineIP(n, index)+"/24")
	}
	if len(addrs) > 0 {
		c.param("vmt.addrs=" + strings.Join(addrs, ","))
	}
	return nil
}
