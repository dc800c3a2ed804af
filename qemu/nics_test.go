package qemu

import (
	"reflect"
	"strings"
	"testing"
)

// infoNetwork are replies to `info network` captured from QEMU 7.2.
var infoNetwork = []struct {
	name string
	info string
	want []nic
	vlan []string // the cards block and unblock change
}{{
	// A machine declared by create_machine (Spec.Config): user networking
	// and two VLAN NICs with device ids.
	name: "declared",
	info: "virtio-net-pci.0: index=0,type=nic,model=virtio-net-pci,macaddr=52:54:00:12:34:56\r\n" +
		" \\ user0: index=0,type=user,net=10.0.2.0,restrict=off\r\n" +
		"nic-vlan1: index=0,type=nic,model=virtio-net-pci,macaddr=52:54:01:00:01:01\r\n" +
		" \\ vlan1: index=0,type=vde,sock=/tmp/nicsx/sw1,fd=8\r\n" +
		"nic-vlan2: index=0,type=nic,model=virtio-net-pci,macaddr=52:54:01:00:02:01\r\n" +
		" \\ vlan2: index=0,type=vde,sock=/tmp/nicsx/sw2,fd=11\r\n",
	want: []nic{
		{"virtio-net-pci.0", []string{"user"}},
		{"nic-vlan1", []string{"vde"}},
		{"nic-vlan2", []string{"vde"}},
	},
	vlan: []string{"nic-vlan1", "nic-vlan2"},
}, {
	// A NixOS start script: `-net nic,netdev=user.0` and VLAN NICs without
	// ids, which QEMU names itself (the NixOS driver's virtio-net-pci.1).
	name: "nixos",
	info: "virtio-net-pci.0: index=0,type=nic,model=virtio-net-pci,macaddr=52:54:00:12:34:56\n" +
		" \\ user.0: index=0,type=user,net=10.0.2.0,restrict=off\n" +
		"virtio-net-pci.1: index=0,type=nic,model=virtio-net-pci,macaddr=52:54:00:12:01:01\n" +
		" \\ vlan1: index=0,type=vde,sock=/tmp/nicsx/sw1,fd=8\n" +
		"virtio-net-pci.2: index=0,type=nic,model=virtio-net-pci,macaddr=52:54:00:12:02:01\n" +
		" \\ vlan2: index=0,type=vde,sock=/tmp/nicsx/sw2,fd=11\n",
	want: []nic{
		{"virtio-net-pci.0", []string{"user"}},
		{"virtio-net-pci.1", []string{"vde"}},
		{"virtio-net-pci.2", []string{"vde"}},
	},
	vlan: []string{"virtio-net-pci.1", "virtio-net-pci.2"},
}, {
	// Legacy -net options put cards and backends on hubs: hub 0 has user
	// networking and a vde switch, hub 5 no backend; virtio-net-pci.2 is
	// plugged into nothing.
	name: "hubs",
	info: "hub 0\n" +
		" \\ hub0port3: #net384: index=0,type=user,net=10.0.2.0,restrict=off\n" +
		" \\ hub0port2: e1000.0: index=0,type=nic,model=e1000,macaddr=52:54:00:12:34:56\n" +
		" \\ hub0port1: #net109: index=0,type=vde,sock=/tmp/nicsx/sw1,fd=9\n" +
		" \\ hub0port0: virtio-net-pci.0: index=0,type=nic,model=virtio-net-pci,macaddr=52:54:00:12:01:01\n" +
		"hub 5\n" +
		" \\ hp2\n" +
		" \\ hp1: virtio-net-pci.1: index=0,type=nic,model=virtio-net-pci,macaddr=52:54:00:12:34:58\n" +
		"u2: index=0,type=user,net=10.0.2.0,restrict=off\n" +
		"e1000.1: index=0,type=nic,model=e1000,macaddr=52:54:00:12:34:57\n" +
		" \\ s1: index=0,type=socket,\n" +
		"virtio-net-pci.2: index=0,type=nic,model=virtio-net-pci,macaddr=52:54:00:12:34:59",
	want: []nic{
		{"e1000.0", []string{"user", "vde"}},
		{"virtio-net-pci.0", []string{"user", "vde"}},
		{"virtio-net-pci.1", nil},
		{"e1000.1", []string{"socket"}},
		{"virtio-net-pci.2", nil},
	},
	vlan: []string{"e1000.0", "virtio-net-pci.0", "e1000.1"},
}, {
	// A filter on a backend, a multicast socket, user networking and a tap.
	name: "filters and taps",
	info: "e1000.0: index=0,type=nic,model=e1000,macaddr=52:54:00:12:01:01\n" +
		" \\ vlan1: index=0,type=vde,sock=/tmp/nicsx/sw1,fd=8\n" +
		"filters:\n" +
		"  - f0: type=filter-buffer,interval=1000,position=tail,status=on,insert=behind,netdev=vlan1,queue=all\n" +
		"mcnic: index=0,type=nic,model=virtio-net-pci,macaddr=52:54:00:12:34:56\n" +
		" \\ mc: index=0,type=socket,socket: mcast=230.0.0.1:1234\n" +
		"usernic: index=0,type=nic,model=virtio-net-pci,macaddr=52:54:00:12:34:57\n" +
		" \\ u1: index=0,type=user,net=10.0.2.0,restrict=off\n" +
		"virtio-net-pci.2: index=0,type=nic,model=virtio-net-pci,macaddr=52:54:00:12:34:58\n" +
		" \\ t0: index=0,type=tap,ifname=vmttap0,script=no,downscript=no\n",
	want: []nic{
		{"e1000.0", []string{"vde"}},
		{"mcnic", []string{"socket"}},
		{"usernic", []string{"user"}},
		{"virtio-net-pci.2", []string{"tap"}},
	},
	vlan: []string{"e1000.0", "mcnic", "virtio-net-pci.2"},
}, {
	// A multiqueue card is listed once per queue.
	name: "multiqueue",
	info: "mq0: index=0,type=nic,model=virtio-net-pci,macaddr=52:54:00:12:34:56\n" +
		" \\ t0: index=0,type=tap,ifname=vmttap1,script=no,downscript=no\n" +
		"mq0: index=1,type=nic,\n" +
		" \\ t0: index=1,type=tap,ifname=vmttap1,script=no,downscript=no\n" +
		"virtio-net-pci.2: index=0,type=nic,model=virtio-net-pci,macaddr=52:54:00:12:34:57\n",
	want: []nic{
		{"mq0", []string{"tap", "tap"}},
		{"virtio-net-pci.2", nil},
	},
	vlan: []string{"mq0"},
}, {
	// The test guest's start script with no VLAN: nothing to block.
	name: "user only",
	info: "virtio-net-pci.0: index=0,type=nic,model=virtio-net-pci,macaddr=52:54:00:12:34:56\n" +
		" \\ user.0: index=0,type=user,net=10.0.2.0,restrict=off\n",
	want: []nic{{"virtio-net-pci.0", []string{"user"}}},
}, {
	name: "no network",
	info: "",
}}

func TestParseNICs(t *testing.T) {
	for _, c := range infoNetwork {
		t.Run(c.name, func(t *testing.T) {
			got := parseNICs(c.info)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("parseNICs:\n got %q\nwant %q", got, c.want)
			}
			var vlan []string
			for _, n := range got {
				if n.onVLAN() {
					vlan = append(vlan, n.Name)
				}
			}
			if !reflect.DeepEqual(vlan, c.vlan) {
				t.Errorf("VLAN NICs: got %q, want %q", vlan, c.vlan)
			}
		})
	}
}

func FuzzParseNICs(f *testing.F) {
	for _, c := range infoNetwork {
		f.Add(c.info)
	}
	f.Add("hub 0\n \\ p: n: index=0,type=nic,\n \\ \\ : index=0,type=\n")
	f.Fuzz(func(t *testing.T, info string) {
		nics := parseNICs(info)
		lf := strings.ReplaceAll(info, "\r", "")
		seen := map[string]bool{}
		for _, n := range nics {
			// Each card once, by a name set_link can take: one word of the
			// listing.
			if seen[n.Name] || n.Name == "" || strings.ContainsFunc(n.Name, func(r rune) bool { return r <= ' ' || r == 0x7f }) || !strings.Contains(lf, n.Name+": index=") {
				t.Fatalf("card %q of %q", n.Name, nics)
			}
			seen[n.Name] = true
		}
		// Line endings do not matter.
		crlf := strings.ReplaceAll(lf, "\n", "\r\n")
		if again := parseNICs(crlf); !reflect.DeepEqual(again, nics) {
			t.Fatalf("CRLF changes the cards: %q vs %q", again, nics)
		}
	})
}
