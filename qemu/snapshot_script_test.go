//go:build integration

package qemu_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vmt-dev/vmt/qemu"
	"github.com/vmt-dev/vmt/qemu/qemutest"
)

// scriptMachine starts the start script's machine in runDir with its
// snapshots in snapshots, and runs a first command; it returns the
// machine, its log and the time the first command took to answer (a probe
// of the script included).
func scriptMachine(t *testing.T, script, runDir, snapshots string) (*qemu.Machine, *snapLog, time.Duration) {
	t.Helper()
	log := &snapLog{Logger: qemutest.NewLogger(t)}
	m, took := startMachine(t, qemu.Config{StartScript: script, TmpDir: runDir, Snapshots: snapshots, Log: log})
	return m, log, took
}

// TestSnapshotSystemdStartScripts starts two machines of the Debian
// systemd guest from their NixOS-style start scripts on a VLAN, three
// times, each time in a run directory of its own: the first start takes
// the snapshots, the others restore them. Each time every machine is
// itself (hostname, MAC, VLAN address, its peer by name), has the host's
// clock, its 9p shares mounted both ways, a root file system as the boot
// left it (its services up, nothing a previous restore wrote), and fresh
// entropy.
func TestSnapshotSystemdStartScripts(t *testing.T) {
	snapshots := t.TempDir()
	names := []string{"snapsrv", "snapcli"}
	random := map[string][]string{}
	for pass := 1; pass <= 3; pass++ {
		dir := qemutest.TempDir(t)
		vlan, err := qemu.StartVLAN(1, dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Setenv("QEMU_VDE_SOCKET_1", vlan.Dir)
		var machines []*qemu.Machine
		for i, name := range names {
			script := qemutest.SystemdStartScriptWith(t, dir, name, i+1, names, 1)
			m, log, took := scriptMachine(t, script, dir, snapshots)
			machines = append(machines, m)
			want := "snapshot: taken"
			if pass > 1 {
				want = "snapshot: restored"
			}
			if !log.saw(want) {
				t.Fatalf("pass %d: %s: no %q in its log", pass, name, want)
			}
			t.Logf("pass %d: %s answered its first command %.2f s after it was made", pass, name, took.Seconds())
			checkSystemdIdentity(t, m, name, i+1)
			status, out := run(t, m, "od -An -tx1 -N16 /dev/urandom")
			if status != 0 {
				t.Fatal(out)
			}
			random[name] = append(random[name], strings.TrimSpace(out))
			if pass > 1 {
				if status, out := run(t, m, "dmesg | grep -c 'crng reseeded due to virtual machine fork'"); status != 0 {
					t.Errorf("pass %d: %s: the kernel did not reseed on the restore: %s", pass, name, out)
				}
			}
		}
		if status, out := run(t, machines[0], "busybox ping -c 1 -W 5 snapcli"); status != 0 {
			t.Fatalf("pass %d: snapsrv cannot ping snapcli: %s", pass, out)
		}
		for _, m := range machines {
			m.Release()
		}
		vlan.Stop()
	}
	for name, reads := range random {
		if reads[1] == reads[2] {
			t.Errorf("%s read the same random bytes after two restores of one snapshot: %s", name, reads[1])
		}
	}
}

// checkSystemdIdentity checks a machine of the systemd guest after a boot
// or a restore, and leaves a file on its disk that the next restore must
// not have.
func checkSystemdIdentity(t *testing.T, m *qemu.Machine, name string, index int) {
	t.Helper()
	if status, out := run(t, m, "hostname"); status != 0 || out != name+"\n" {
		t.Errorf("%s: hostname %q", name, out)
	}
	mac := fmt.Sprintf("52:54:00:12:01:%02x", index)
	_, out := run(t, m, "for d in /sys/class/net/*; do [ \"$(cat $d/address)\" = "+mac+" ] && ip -4 -o addr show dev ${d##*/}; done; true")
	if !strings.Contains(out, qemu.MachineIP(1, index)+"/24") {
		t.Errorf("%s: no NIC with MAC %s and address %s: %q", name, mac, qemu.MachineIP(1, index), out)
	}
	checkClock(t, m, name)
	marker := "shared-" + strconv.FormatInt(time.Now().UnixNano(), 10)
	if err := os.WriteFile(filepath.Join(m.SharedDir(), marker), []byte("from the host"), 0o644); err != nil {
		t.Fatal(err)
	}
	if status, out := run(t, m, "cat /tmp/shared/"+marker+" && echo from the guest >/tmp/xchg/"+marker); status != 0 || out != "from the host" {
		t.Errorf("%s: /tmp/shared: %d %q", name, status, out)
	}
	if data, err := os.ReadFile(filepath.Join(m.StateDir(), "xchg", marker)); err != nil || string(data) != "from the guest\n" {
		t.Errorf("%s: /tmp/xchg on the host: %q %v", name, data, err)
	}
	// The boot finished before the snapshot: only the unit that fails on
	// purpose failed, and the web service answers.
	if _, out := run(t, m, "systemctl is-system-running; systemctl --failed --plain --no-legend | cut -d' ' -f1"); out != "degraded\nvmt-broken.service\n" {
		t.Errorf("%s: system state %q", name, out)
	}
	if status, out := run(t, m, "busybox wget -qO- http://localhost/"); status != 0 || !strings.Contains(out, "hello") {
		t.Errorf("%s: web service: %d %q", name, status, out)
	}
	if status, out := run(t, m, "test ! -e /var/lib/vmt-restored && touch /var/lib/vmt-restored && sync"); status != 0 {
		t.Errorf("%s: the root file system has a file an earlier start wrote, or cannot be written: %s", name, out)
	}
}

// TestSnapshotNixOSStyleStartScript restores a machine of a start script
// that mounts its 9p shares at boot (as NixOS's qemu-vm.nix does): they
// are unmounted for the snapshot and mounted again after the restore. A
// machine QEMU refuses to save (a device that cannot migrate, added by
// $QEMU_OPTS) boots every time, with its shares mounted.
func TestSnapshotNixOSStyleStartScript(t *testing.T) {
	snapshots := t.TempDir()
	check := func(m *qemu.Machine) {
		t.Helper()
		if status, out := run(t, m, "grep -c ' 9p ' /proc/mounts; ls /run/vmt-9p-mounts 2>/dev/null; [ ! -s /run/vmt-9p-mounts ]"); status != 0 || out != "2\n" && out != "2\n/run/vmt-9p-mounts\n" {
			t.Errorf("9p mounts after the start: %d %q", status, out)
		}
		checkIdentity(t, m, "nixstyle", 1, false)
	}
	start := func(want string, probed bool) {
		t.Helper()
		dir := qemutest.TempDir(t)
		m, log, took := scriptMachine(t, qemutest.NixOSStartScript(t, dir, "nixstyle", 1), dir, snapshots)
		if !log.saw(want) {
			t.Fatalf("no %q in the log", want)
		}
		if log.saw("ran the start script with QEMU paused") != probed {
			t.Errorf("%s: the start script ran with QEMU paused: %v, want %v", want, !probed, probed)
		}
		t.Logf("%s: first command %.2f s after the machine was made", want, took.Seconds())
		check(m)
		m.Release()
	}
	start("snapshot: taken", true)
	start("snapshot: restored", false) // the command line noted

	// A note that no longer matches what the script runs is found out
	// when QEMU starts: the machine starts again, reads the command line
	// again and restores its snapshot.
	notes, _ := filepath.Glob(filepath.Join(snapshots, "script-*.json"))
	if len(notes) != 1 {
		t.Fatalf("notes of start scripts: %v", notes)
	}
	data, err := os.ReadFile(notes[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(notes[0], []byte(strings.Replace(string(data), `"-m","256"`, `"-m","256","-no-hpet"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	start("reading the script's QEMU command line again", true)
	start("snapshot: restored", false)

	t.Setenv("QEMU_OPTS", "-object memory-backend-ram,id=shm0,size=1M -device ivshmem-plain,memdev=shm0")
	for _, want := range []string{"boots every time", "this machine cannot have one (QEMU refused"} {
		dir := qemutest.TempDir(t)
		m, log, _ := scriptMachine(t, qemutest.NixOSStartScript(t, dir, "nixstyle", 1), dir, snapshots)
		if !log.saw(want) || log.saw("snapshot: restored") {
			t.Fatalf("no %q in the log, or a restore", want)
		}
		check(m)
		m.Release()
	}
}

// TestSnapshotScriptThatRemakesItsDisk has a start script that makes its
// disk anew on every start: the disk a restore puts back is gone when QEMU
// starts, so the machine boots, says why, and boots every time.
func TestSnapshotScriptThatRemakesItsDisk(t *testing.T) {
	snapshots := t.TempDir()
	img := qemutest.Image(t)
	write := func(dir string) string {
		script := filepath.Join(dir, "run-remade-vm")
		body := fmt.Sprintf(`#!/bin/sh
set -e
cd "$TMPDIR"
rm -f remade.qcow2
qemu-img create -q -f qcow2 remade.qcow2 64M
exec qemu-system-x86_64 -m 256 -kernel %s -initrd %s -append 'console=ttyS0 panic=-1 quiet vmt.hostname=remade' \
	-drive file="$TMPDIR/remade.qcow2",if=virtio,format=qcow2 "$@"
`, img.Kernel, img.Initramfs)
		if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
		return script
	}
	for _, want := range []string{"the start script makes remade.qcow2 anew on every start", "this machine cannot have one (the start script makes remade.qcow2 anew"} {
		dir := qemutest.TempDir(t)
		m, log, _ := scriptMachine(t, write(dir), dir, snapshots)
		if !log.saw(want) {
			t.Fatalf("no %q in the log", want)
		}
		if status, out := run(t, m, "hostname && [ -b /dev/vda ]"); status != 0 || out != "remade\n" {
			t.Errorf("after the start: %d %q", status, out)
		}
		m.Release()
	}
}
