//go:build integration

package qemu_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vmt-dev/vmt/qemu"
	"github.com/vmt-dev/vmt/qemu/qemutest"
)

// snapLog records a machine's engine messages, and passes them on to the
// test's log.
type snapLog struct {
	*qemutest.Logger
	mu   sync.Mutex
	msgs []string
}

func (l *snapLog) Log(machine, msg string) {
	l.mu.Lock()
	l.msgs = append(l.msgs, msg)
	l.mu.Unlock()
	l.Logger.Log(machine, msg)
}

// saw reports whether a message contained s.
func (l *snapLog) saw(s string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, m := range l.msgs {
		if strings.Contains(m, s) {
			return true
		}
	}
	return false
}

// snapshotMachine makes a machine of spec in a run directory of its own,
// its snapshots in snapshots, and boots it; it returns the machine, its
// log and the time from Connect to its first command's answer.
func snapshotMachine(t *testing.T, spec qemu.Spec, snapshots string, index int, vlans map[int]*qemu.VLAN, runDir string) (*qemu.Machine, *snapLog, time.Duration) {
	t.Helper()
	log := &snapLog{Logger: qemutest.NewLogger(t)}
	cfg, err := spec.Config(runDir, index, vlans, log)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Snapshots == "" {
		t.Fatalf("machine %s has no snapshots", spec.Name)
	}
	cfg.Snapshots = snapshots
	m, took := startMachine(t, cfg)
	return m, log, took
}

// newSnapshotMachine makes a machine of spec as snapshotMachine does, and
// does not start it.
func newSnapshotMachine(t *testing.T, spec qemu.Spec, snapshots string, index int, vlans map[int]*qemu.VLAN, runDir string) *qemu.Machine {
	t.Helper()
	cfg, err := spec.Config(runDir, index, vlans, qemutest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Snapshots = snapshots
	m, err := qemu.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Release() })
	return m
}

// startMachine makes the machine of cfg, released when the test ends, and
// returns it with the time its first command took to answer.
func startMachine(t *testing.T, cfg qemu.Config) (*qemu.Machine, time.Duration) {
	t.Helper()
	m, err := qemu.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Release() })
	began := time.Now()
	if status, out := run(t, m, "true"); status != 0 {
		t.Fatalf("true: %d %s", status, out)
	}
	return m, time.Since(began)
}

// TestSnapshotIdentityOnVLAN boots two machines on a VLAN, which takes
// their snapshots, then starts them again in another run directory: each
// restored machine has its own hostname, MAC and VLAN address, reaches
// the other, has the host's time, its shares mounted, and fresh entropy
// and boot ID.
func TestSnapshotIdentityOnVLAN(t *testing.T) {
	snapshots := t.TempDir()
	names := []string{"snap-alice", "snap-bob"}
	specs := make([]qemu.Spec, len(names))
	for i, name := range names {
		specs[i] = qemu.Spec{Name: name, MemoryMB: 256, VLANs: []int{1}}
	}
	random := map[string][]string{}
	for pass := 1; pass <= 3; pass++ {
		dir := qemutest.TempDir(t)
		vlan, err := qemu.StartVLAN(1, dir)
		if err != nil {
			t.Fatal(err)
		}
		vlans := map[int]*qemu.VLAN{1: vlan}
		var machines []*qemu.Machine
		for i, spec := range specs {
			m, log, took := snapshotMachine(t, spec, snapshots, i+1, vlans, dir)
			machines = append(machines, m)
			want := "snapshot: taken"
			if pass > 1 {
				want = "snapshot: restored"
			}
			if !log.saw(want) {
				t.Fatalf("pass %d: %s: no %q in its log", pass, spec.Name, want)
			}
			t.Logf("pass %d: %s answered its first command %.2f s after Connect", pass, spec.Name, took.Seconds())
			checkIdentity(t, m, spec.Name, i+1, true)
			status, out := run(t, m, "cat /proc/sys/kernel/random/boot_id && od -An -tx1 -N16 /dev/urandom")
			if status != 0 {
				t.Fatal(out)
			}
			random[spec.Name] = append(random[spec.Name], out)
		}
		ping := "for i in 1 2 3 4 5 6 7 8 9 10; do ping -c 1 -W 2 " + qemu.MachineIP(1, 2) + " && exit 0; done; exit 1"
		if status, out := run(t, machines[0], ping); status != 0 {
			t.Fatalf("pass %d: alice cannot ping bob: %s", pass, out)
		}
		for _, m := range machines {
			m.Release()
		}

		// Started and never spoken to, a restored machine runs all the
		// same, as a booted one does: bob answers alice's ping.
		bob := newSnapshotMachine(t, specs[1], snapshots, 2, vlans, dir)
		if err := bob.Start(); err != nil {
			t.Fatal(err)
		}
		alice, _, _ := snapshotMachine(t, specs[0], snapshots, 1, vlans, dir)
		if status, out := run(t, alice, "ping -c 1 -W 20 "+qemu.MachineIP(1, 2)); status != 0 {
			t.Errorf("pass %d: alice cannot ping bob, started and not spoken to: %s", pass, out)
		}
		alice.Release()
		bob.Release()
		vlan.Stop()
	}
	for name, reads := range random {
		old, restored := strings.Fields(reads[1]), strings.Fields(reads[2])
		if old[0] == restored[0] {
			t.Errorf("%s has the same boot ID after two restores of one snapshot: %s", name, old[0])
		}
		if strings.Join(old[1:], "") == strings.Join(restored[1:], "") {
			t.Errorf("%s read the same random bytes after two restores of one snapshot: %s", name, reads[1])
		}
	}
}

// checkIdentity checks what makes a machine itself after a boot or a
// restore: its name, the VLAN NIC's MAC and address, the clock, shares.
func checkIdentity(t *testing.T, m *qemu.Machine, name string, index int, onVLAN1 bool) {
	t.Helper()
	if status, out := run(t, m, "hostname"); status != 0 || out != name+"\n" {
		t.Errorf("%s: hostname %q", name, out)
	}
	if onVLAN1 {
		mac := fmt.Sprintf("52:54:01:00:01:%02x", index)
		_, out := run(t, m, "for d in /sys/class/net/*; do [ \"$(cat $d/address)\" = "+mac+" ] && ip -4 -o addr show dev ${d##*/}; done; true")
		if !strings.Contains(out, qemu.MachineIP(1, index)+"/24") {
			t.Errorf("%s: no NIC with MAC %s and address %s: %q", name, mac, qemu.MachineIP(1, index), out)
		}
	}
	checkClock(t, m, name)
	marker := "shared-" + name + "-" + strconv.FormatInt(time.Now().UnixNano(), 10)
	if err := os.WriteFile(filepath.Join(m.SharedDir(), marker), []byte("from the host"), 0o644); err != nil {
		t.Fatal(err)
	}
	if status, out := run(t, m, "cat /tmp/shared/"+marker+" && grep -c ' /tmp/xchg 9p ' /proc/mounts"); status != 0 || out != "from the host1\n" {
		t.Errorf("%s: shares after start: %d %q", name, status, out)
	}
}

// checkClock checks that the guest's clock is the host's, within 2 s.
func checkClock(t *testing.T, m *qemu.Machine, name string) {
	t.Helper()
	status, out := run(t, m, "date +%s")
	guest, err := strconv.ParseInt(strings.TrimSpace(out), 10, 64)
	if status != 0 || err != nil {
		t.Fatalf("%s: date: %q", name, out)
	}
	if skew := time.Now().Unix() - guest; skew < -2 || skew > 2 {
		t.Errorf("%s: the guest's clock is %d s off the host's", name, skew)
	}
}

// TestSnapshotStaleAndBroken changes what a snapshot depends on (the
// kernel file), which takes a new one, then breaks the snapshot's state,
// which boots normally, says why, and leaves a machine that works.
func TestSnapshotStaleAndBroken(t *testing.T) {
	snapshots := t.TempDir()
	img := qemutest.Image(t)
	kernel := filepath.Join(t.TempDir(), "vmlinuz")
	data, err := os.ReadFile(img.Kernel)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(kernel, data, 0o644); err != nil {
		t.Fatal(err)
	}
	spec := qemu.Spec{Name: "stale", MemoryMB: 256, Kernel: kernel, Initrd: img.Initramfs}
	boot := func(want string) *qemu.Machine {
		t.Helper()
		m, log, _ := snapshotMachine(t, spec, snapshots, 1, nil, qemutest.TempDir(t))
		if !log.saw(want) {
			t.Fatalf("no %q in the machine's log", want)
		}
		checkIdentity(t, m, spec.Name, 1, false)
		m.Release()
		return m
	}
	boot("snapshot: taken")
	boot("snapshot: restored")
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(kernel, later, later); err != nil {
		t.Fatal(err)
	}
	boot("snapshot: none yet")
	entries, _ := os.ReadDir(snapshots)
	var states []string
	for _, e := range entries {
		if p := filepath.Join(snapshots, e.Name(), "state"); e.IsDir() && fileExists(p) {
			states = append(states, p)
		}
	}
	if len(states) != 2 {
		t.Fatalf("want the old and the new snapshot, have %v", entries)
	}
	for _, p := range states {
		if err := os.WriteFile(p, []byte("not a migration stream"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	boot("booting normally")
	boot("snapshot: none yet")
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// BenchmarkRestore is the time from the start to the answer of the first
// command of a machine restored from its snapshot:
//   - default: vmt's default guest with create_machine's default memory
//     (BenchmarkColdBoot/default is the same guest booted);
//   - systemd: the Debian systemd guest from its NixOS-style start script,
//     the probe of the script included; s-booted is the same machine
//     booted, measured once.
func BenchmarkRestore(b *testing.B) {
	b.Run("default", func(b *testing.B) {
		snapshots := b.TempDir()
		spec := qemu.Spec{Name: "first-command", MemoryMB: qemu.DefaultMemoryMB}
		first := func() time.Duration {
			cfg, err := spec.Config(qemutest.TempDir(b), 1, nil, qemutest.NewLogger(b))
			if err != nil {
				b.Fatal(err)
			}
			cfg.Snapshots = snapshots
			return firstCommand(b, cfg)
		}
		first() // takes the snapshot
		b.ResetTimer()
		var total time.Duration
		for i := 0; i < b.N; i++ {
			total += first()
		}
		b.ReportMetric(total.Seconds()/float64(b.N), "s/first-command")
	})
	b.Run("systemd", func(b *testing.B) {
		first := func(snapshots string) time.Duration {
			dir := qemutest.TempDir(b)
			script := qemutest.SystemdStartScript(b, dir, "first-command", 1)
			return firstCommand(b, qemu.Config{StartScript: script, TmpDir: dir, Snapshots: snapshots})
		}
		// The benchmark runs more than once: the boot is measured once,
		// the snapshot kept where vmt keeps them.
		systemdBootOnce.Do(func() { systemdBooted = first("") })
		snapshots, err := qemu.SnapshotDir()
		if err != nil {
			b.Fatal(err)
		}
		first(snapshots) // takes the snapshot if there is none
		b.ResetTimer()
		var total time.Duration
		for i := 0; i < b.N; i++ {
			total += first(snapshots)
		}
		b.ReportMetric(total.Seconds()/float64(b.N), "s/first-command")
		b.ReportMetric(systemdBooted.Seconds(), "s-booted")
	})
}

var (
	systemdBootOnce sync.Once
	systemdBooted   time.Duration
)

// firstCommand makes the machine of cfg and returns the time its first
// command took to answer, the start included.
func firstCommand(b *testing.B, cfg qemu.Config) time.Duration {
	b.Helper()
	m, err := qemu.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer m.Release()
	began := time.Now()
	status, out, err := m.Execute(context.Background(), "echo ready", time.Minute, nil)
	took := time.Since(began)
	if err != nil || status != 0 || string(out) != "ready\n" {
		b.Fatalf("first command: %d %q %v", status, out, err)
	}
	return took
}

// TestSnapshotRefused gives the machine a device QEMU cannot migrate (a
// peer-mode ivshmem): the first start says QEMU refused and records it, the
// next one says so at once; both machines work.
func TestSnapshotRefused(t *testing.T) {
	snapshots := t.TempDir()
	spec := qemu.Spec{Name: "refused", MemoryMB: 256,
		QEMUFlags: []string{"-object", "memory-backend-ram,id=shm0,size=1M", "-device", "ivshmem-plain,memdev=shm0"}}
	_, log, _ := snapshotMachine(t, spec, snapshots, 1, nil, qemutest.TempDir(t))
	if !log.saw("QEMU refused") || !log.saw("boots every time") {
		t.Fatal("the first start does not say QEMU refused the snapshot")
	}
	refusals, _ := filepath.Glob(filepath.Join(snapshots, "*.refused"))
	if len(refusals) != 1 {
		t.Fatalf("refusals recorded: %v", refusals)
	}
	_, log, _ = snapshotMachine(t, spec, snapshots, 1, nil, qemutest.TempDir(t))
	if !log.saw("this machine cannot have one (QEMU refused") || log.saw("snapshot: restored") {
		t.Fatal("the second start does not say it boots because QEMU refused before")
	}
	if entries, _ := os.ReadDir(snapshots); len(entries) != 1 {
		t.Errorf("the snapshot directory holds more than the refusal: %v", entries)
	}
}
