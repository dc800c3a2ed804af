package qemu

import (
	"context"
	"fmt"
	"strings"
)

// Block takes the links of the machine's VLAN NICs down, as if their
// cables were pulled; user-mode networking stays up.
func (m *Machine) Block(ctx context.Context) error { return m.setLinks(ctx, "block", "off") }

// Unblock brings the VLAN links back up.
func (m *Machine) Unblock(ctx context.Context) error { return m.setLinks(ctx, "unblock", "on") }

// setLinks sets the link of every VLAN NIC. The NICs are asked of QEMU
// each time: a start script plugs in what it likes, under names vmt
// cannot know beforehand.
func (m *Machine) setLinks(ctx context.Context, verb, state string) error {
	info, err := m.SendMonitorCommand(ctx, "info network")
	if err != nil {
		return err
	}
	nics := parseNICs(info)
	var vlan []string
	for _, n := range nics {
		if n.onVLAN() {
			vlan = append(vlan, n.Name)
		}
	}
	if len(vlan) == 0 {
		return fmt.Errorf("machine %s has no VLAN NIC to %s (%s): plug it into a VLAN with create_machine(..., vlans=[N]) or a -netdev vde in its start script", m.cfg.Name, verb, describeNICs(nics))
	}
	for _, nic := range vlan {
		out, err := m.SendMonitorCommand(ctx, "set_link "+nic+" "+state)
		if err != nil {
			return err
		}
		if out = strings.TrimSpace(out); out != "" {
			return fmt.Errorf("machine %s: set_link %s %s: %s", m.cfg.Name, nic, state, out)
		}
	}
	return nil
}

// ForwardPort forwards host TCP port hostPort (on 127.0.0.1) to guestPort
// over user-mode networking.
func (m *Machine) ForwardPort(ctx context.Context, hostPort, guestPort int) error {
	out, err := m.SendMonitorCommand(ctx, fmt.Sprintf("hostfwd_add %s tcp:127.0.0.1:%d-:%d", userNetdev, hostPort, guestPort))
	if err == nil && strings.TrimSpace(out) != "" {
		err = fmt.Errorf("%s", strings.TrimSpace(out))
	}
	if err != nil {
		return fmt.Errorf("machine %s: forwarding host port %d to guest port %d: %w", m.cfg.Name, hostPort, guestPort, err)
	}
	return nil
}
