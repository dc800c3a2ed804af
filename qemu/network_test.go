//go:build integration

package qemu_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vmt-dev/vmt/qemu"
	"github.com/vmt-dev/vmt/qemu/qemutest"
)

func bootSpec(t *testing.T, spec qemu.Spec, dir string, index int, vlans map[int]*qemu.VLAN) *qemu.Machine {
	t.Helper()
	cfg, err := spec.Config(dir, index, vlans, qemutest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	return boot(t, cfg)
}

func TestVLANPingBlockUnblock(t *testing.T) {
	dir := qemutest.TempDir(t)
	vlan, err := qemu.StartVLAN(1, dir)
	if err != nil {
		t.Fatal(err)
	}
	switchPID := vlan.PID()
	defer func() {
		vlan.Stop()
		if syscall.Kill(switchPID, 0) == nil {
			t.Errorf("vde_switch (pid %d) survived Stop", switchPID)
		}
	}()
	vlans := map[int]*qemu.VLAN{1: vlan}
	specA, specB := qemutest.Spec(t, "alice"), qemutest.Spec(t, "bob")
	specA.VLANs, specB.VLANs = []int{1}, []int{1}
	alice := bootSpec(t, specA, dir, 1, vlans)
	bob := bootSpec(t, specB, dir, 2, vlans)
	ctx := context.Background()
	ping := "ping -c 1 -W 2 " + qemu.MachineIP(1, 2)
	// Generous waits where a reply is expected: under TCG on a loaded
	// host the first reply (after ARP) can take seconds.
	pingUntilReply := "for i in 1 2 3 4 5 6 7 8 9 10; do " + ping + " && exit 0; done; exit 1"
	if status, out := run(t, alice, pingUntilReply); status != 0 {
		t.Fatalf("alice cannot ping bob: %s", out)
	}
	if status, out := run(t, bob, "ip -4 addr show | grep -o '192.168.1.[0-9]*'"); status != 0 || out != qemu.MachineIP(1, 2)+"\n" {
		t.Fatalf("bob's VLAN address: %q", out)
	}
	if err := alice.Block(ctx); err != nil {
		t.Fatal(err)
	}
	if status, _ := run(t, alice, ping); status == 0 {
		t.Fatal("ping went through a blocked link")
	}
	if err := alice.Unblock(ctx); err != nil {
		t.Fatal(err)
	}
	if status, out := run(t, alice, pingUntilReply); status != 0 {
		t.Fatalf("ping after unblock: %s", out)
	}
}

func TestSharedDirsAndDisks(t *testing.T) {
	dir := qemutest.TempDir(t)
	src := filepath.Join(dir, "src")
	os.MkdirAll(src, 0o755)
	os.WriteFile(filepath.Join(src, "hello.txt"), []byte("from the host\n"), 0o640)
	spec := qemutest.Spec(t, "sharer")
	spec.SharedDirs = []qemu.SharedDir{{Source: src, Target: "/mnt/src"}}
	spec.EmptyDisks = []int{16}
	cfg, err := spec.Config(dir, 1, nil, qemutest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg.KeepState = true
	m := boot(t, cfg)
	if _, out := run(t, m, "cat /mnt/src/hello.txt; stat -c %a /mnt/src/hello.txt"); out != "from the host\n640\n" {
		t.Errorf("shared dir in the guest: %q", out)
	}
	run(t, m, "echo from the guest > /tmp/shared/out.txt")
	if data, _ := os.ReadFile(filepath.Join(m.SharedDir(), "out.txt")); string(data) != "from the guest\n" {
		t.Errorf("shared dir on the host: %q", data)
	}
	// Write to the empty disk, run again with keep-state, read it back.
	if status, out := run(t, m, "test -b /dev/vda && printf kept | dd of=/dev/vda bs=512 count=1 conv=sync,fsync 2>&1"); status != 0 {
		t.Fatalf("writing the disk: %s", out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := m.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	m.Release()
	m2 := boot(t, cfg)
	if _, out := run(t, m2, "head -c 4 /dev/vda"); out != "kept" {
		t.Errorf("disk after a keep-state restart: %q", out)
	}
}

func TestForwardPort(t *testing.T) {
	spec := qemutest.Spec(t, "server")
	m := bootSpec(t, spec, qemutest.TempDir(t), 1, nil)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close() // a free port for the forward
	run(t, m, "(echo served by the guest | nc -l -p 8000) >/dev/null 2>&1 &")
	if err := m.ForwardPort(context.Background(), port, 8000); err != nil {
		t.Fatal(err)
	}
	var got string
	for i := 0; i < 50 && !strings.Contains(got, "served"); i++ {
		time.Sleep(200 * time.Millisecond)
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			continue
		}
		c.SetDeadline(time.Now().Add(5 * time.Second))
		data, _ := io.ReadAll(c)
		c.Close()
		got = string(data)
	}
	if got != "served by the guest\n" {
		t.Errorf("through the forwarded port: %q", got)
	}
}
