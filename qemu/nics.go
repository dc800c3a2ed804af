package qemu

import (
	"regexp"
	"strings"
)

// nic is a guest network card as QEMU's `info network` lists it.
type nic struct {
	// Name is what set_link takes: the device id, or QEMU's own name
	// (virtio-net-pci.1) for a device given none.
	Name string
	// Backends are the types of the host sides the card reaches ("user",
	// "vde", "socket", "tap", ...): its peer, or every backend on its hub.
	// None means it is plugged into nothing.
	Backends []string
}

// onVLAN reports whether the card reaches anything but user-mode
// networking: that is a network block and unblock must cut.
func (n nic) onVLAN() bool {
	for _, b := range n.Backends {
		if !userNetworking[b] {
			return true
		}
	}
	return false
}

// userNetworking are the backends that connect a guest to the host
// alone, not to other guests.
var userNetworking = map[string]bool{"user": true, "passt": true}

// netClient matches a client in `info network`: "NAME: index=I,type=T,...".
// A name has no space or control character, so that it is one argument
// of set_link.
var netClient = regexp.MustCompile(`^([^\x00-\x20\x7f]+?): index=\d+,type=([^,\s]*)`)

// parseNICs reads the reply to the HMP command `info network`. QEMU
// prints the hubs first ("hub N", then one " \ PORT: CLIENT" line per
// port), then each card not on a hub with its peer on the next line
// (" \ CLIENT"), and netdevs without a peer on lines of their own; a
// multiqueue card appears once per queue, and a client's filters follow
// it as a "filters:" line and "  - " lines.
func parseNICs(info string) []nic {
	var (
		nics  []nic
		index = map[string]int{} // position in nics by name
		hub   []netPort          // the ports of the hub being read
		inHub bool
		last  = -1 // the card a peer line belongs to, -1 for none
	)
	add := func(name string) int {
		if i, ok := index[name]; ok {
			return i
		}
		index[name] = len(nics)
		nics = append(nics, nic{Name: name})
		return len(nics) - 1
	}
	endHub := func() {
		// Every card on a hub reaches every backend on it.
		var backends []string
		for _, p := range hub {
			if p.typ != "nic" {
				backends = append(backends, p.typ)
			}
		}
		for _, p := range hub {
			if p.typ == "nic" {
				i := add(p.name)
				nics[i].Backends = append(nics[i].Backends, backends...)
			}
		}
		hub, inHub = nil, false
	}
	for _, line := range strings.Split(strings.ReplaceAll(info, "\r", ""), "\n") {
		if rest, ok := strings.CutPrefix(line, ` \ `); ok {
			switch {
			case inHub:
				// " \ PORT: CLIENT", or " \ PORT" for a port with no peer.
				if _, client, ok := strings.Cut(rest, ": "); ok {
					if m := netClient.FindStringSubmatch(client); m != nil {
						hub = append(hub, netPort{name: m[1], typ: m[2]})
					}
				}
			case last >= 0:
				if m := netClient.FindStringSubmatch(rest); m != nil {
					nics[last].Backends = append(nics[last].Backends, m[2])
				}
			}
			continue
		}
		if line == "filters:" || strings.HasPrefix(line, "  - ") {
			continue // the filters of the client above
		}
		if inHub {
			endHub()
		}
		last = -1
		if strings.HasPrefix(line, "hub ") {
			inHub = true
			continue
		}
		if m := netClient.FindStringSubmatch(line); m != nil && m[2] == "nic" {
			last = add(m[1])
		}
	}
	if inHub {
		endHub()
	}
	return nics
}

type netPort struct{ name, typ string }

// describeNICs says what a machine without a VLAN NIC has instead.
func describeNICs(nics []nic) string {
	if len(nics) == 0 {
		return "QEMU lists no network card"
	}
	var parts []string
	for _, n := range nics {
		if len(n.Backends) == 0 {
			parts = append(parts, n.Name+" (plugged into nothing)")
		} else {
			parts = append(parts, n.Name+" ("+strings.Join(n.Backends, ", ")+")")
		}
	}
	return "its network cards: " + strings.Join(parts, ", ")
}
