//go:build integration

package qemu_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vmt-dev/vmt/qemu"
	"github.com/vmt-dev/vmt/qemu/qemutest"
)

// Block and unblock on machines vmt did not declare: NixOS-style start
// scripts whose VLAN NICs have no ids of vmt's choosing, on two VLANs.
func TestBlockStartScriptMachinesOnTwoVLANs(t *testing.T) {
	dir := qemutest.TempDir(t)
	for _, nr := range []int{1, 2} {
		v, err := qemu.StartVLAN(nr, dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(v.Stop)
		t.Setenv(fmt.Sprintf("QEMU_VDE_SOCKET_%d", nr), v.Dir)
	}
	var machines []*qemu.Machine
	for i, name := range []string{"alice", "bob"} {
		m, err := qemu.New(qemu.Config{
			StartScript: qemutest.NixOSStartScript(t, dir, name, i+1, 1, 2),
			TmpDir:      dir,
			Log:         qemutest.NewLogger(t),
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { m.Release() })
		if err := m.Start(); err != nil { // both boot at once
			t.Fatal(err)
		}
		machines = append(machines, m)
	}
	ctx := context.Background()
	for _, m := range machines {
		if err := m.Connect(ctx); err != nil {
			t.Fatal(err)
		}
	}
	alice, bob := machines[0], machines[1]
	ping := func(ip string) string { return "ping -c 1 -W 2 " + ip }
	// Where a reply is expected, several tries: under TCG on a loaded host
	// the first one (after ARP) can take seconds.
	reachable := func(from *qemu.Machine, ip string) bool {
		status, _ := run(t, from, "for i in 1 2 3 4 5 6 7 8 9 10; do "+ping(ip)+" && exit 0; done; exit 1")
		return status == 0
	}
	unreachable := func(from *qemu.Machine, ip string) bool {
		status, _ := run(t, from, ping(ip))
		return status != 0
	}
	for _, nr := range []int{1, 2} {
		if !reachable(alice, qemu.MachineIP(nr, 2)) {
			t.Fatalf("alice cannot ping bob on VLAN %d", nr)
		}
	}

	began := time.Now()
	if err := alice.Block(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("block took %s", time.Since(began))
	for _, nr := range []int{1, 2} {
		if !unreachable(alice, qemu.MachineIP(nr, 2)) {
			t.Errorf("alice reaches bob on VLAN %d while blocked", nr)
		}
	}
	if !unreachable(bob, qemu.MachineIP(2, 1)) {
		t.Error("bob reaches the blocked alice on VLAN 2")
	}

	if err := alice.Unblock(ctx); err != nil {
		t.Fatal(err)
	}
	for _, nr := range []int{1, 2} {
		if !reachable(alice, qemu.MachineIP(nr, 2)) {
			t.Errorf("alice cannot ping bob on VLAN %d after unblock", nr)
		}
	}
	if !reachable(bob, qemu.MachineIP(1, 1)) {
		t.Error("bob cannot ping alice on VLAN 1 after unblock")
	}
}

// A machine with user-mode networking alone has nothing to block: the
// error says so and lists what it has. QEMU answers on its monitor long
// before the guest is up, so the guest need not boot.
func TestBlockWithoutVLAN(t *testing.T) {
	dir := qemutest.TempDir(t)
	m, err := qemu.New(qemu.Config{
		StartScript: qemutest.NixOSStartScript(t, dir, "loner", 1),
		TmpDir:      dir,
		Log:         qemutest.NewLogger(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Release()
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, block := range []func(context.Context) error{m.Block, m.Unblock} {
		err := block(ctx)
		if err == nil {
			t.Fatal("block/unblock of a machine without a VLAN NIC succeeded")
		}
		t.Log(err)
		for _, want := range []string{"machine loner has no VLAN NIC to", "virtio-net-pci.0 (user)"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("the error lacks %q: %v", want, err)
			}
		}
	}
}
