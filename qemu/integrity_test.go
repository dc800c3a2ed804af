//go:build integration

package qemu_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vmt-dev/vmt/qemu"
	"github.com/vmt-dev/vmt/qemu/qemutest"
)

// TestOutputIntegrity runs 1,000 commands on each guest kind and checks
// every byte of their output: binary data with NULs and no final newline
// from 0 B to 16 MiB, and line-by-line writers. A transport that loses or
// reorders a byte fails here.
func TestOutputIntegrity(t *testing.T) {
	sizes := []int{0, 1, 2, 7, 100, 1023, 2048, 4095, 4096, 4097, 65535, 65536, 65537, 100_000, 1 << 20}
	rng := rand.New(rand.NewPCG(1, 2))
	files := map[int][]byte{}
	for _, n := range append(sizes, 4<<20, 16<<20) {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(rng.IntN(256))
		}
		files[n] = data
	}
	for _, kind := range guestKinds {
		t.Run(kind, func(t *testing.T) {
			m := sharedGuest(t, kind)
			dir := m.SharedDir()
			for n, data := range files {
				if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%d", n)), data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			// The guest reads the files once from the 9p share, into its
			// tmpfs: trials then measure the shell, not 9p.
			if status, out := run(t, m, "cp /tmp/shared/f* /tmp/"); status != 0 {
				t.Fatalf("copying the files: %d %q", status, out)
			}
			wrong, trials := 0, 0
			check := func(cmd string, want []byte) {
				trials++
				status, out, err := m.Execute(context.Background(), cmd, 5*time.Minute, nil)
				if err != nil || status != 0 || !bytes.Equal(out, want) {
					wrong++
					if wrong <= 5 {
						t.Errorf("%s: status %d, %d bytes (want %d), first difference at %d, err %v", cmd, status, len(out), len(want), firstDiff(out, want), err)
					}
				}
			}
			began := time.Now()
			for _, n := range []int{16 << 20, 16 << 20, 4 << 20, 4 << 20, 4 << 20} {
				check(fmt.Sprintf("cat /tmp/f%d", n), files[n])
			}
			for trials < 1000 {
				n := sizes[rng.IntN(len(sizes))]
				switch rng.IntN(4) {
				case 0, 1:
					check(fmt.Sprintf("cat /tmp/f%d", n), files[n])
				case 2: // a prefix, written in small blocks
					k := rng.IntN(n + 1)
					check(fmt.Sprintf("dd if=/tmp/f%d bs=512 count=%d 2>/dev/null | head -c %d", n, k/512+1, k), files[n][:k])
				case 3: // one write per line
					k := rng.IntN(3000)
					var want strings.Builder
					for i := 1; i <= k; i++ {
						fmt.Fprintf(&want, "%d\n", i)
					}
					check(fmt.Sprintf("seq 1 %d", k), []byte(want.String()))
				}
			}
			t.Logf("%d of %d trials wrong on the %s guest (%s)", wrong, trials, kind, time.Since(began).Round(time.Millisecond))
		})
	}
}

// TestTerminalOutputIsExactOrAnError runs commands on a NixOS-style guest
// where the engine finds no vmt.data port, so output travels on the
// terminal, which drops bytes when the host falls behind: every command
// returns its exact output or fails saying so, never short output.
func TestTerminalOutputIsExactOrAnError(t *testing.T) {
	dir := qemutest.TempDir(t)
	script := qemutest.NixOSStartScriptWith(t, dir, "terminal", 1, []string{qemutest.HidePorts})
	m, err := qemu.New(qemu.Config{StartScript: script, TmpDir: dir, Log: qemutest.NewLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Release() })
	if err := m.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	data := make([]byte, 64<<10)
	for i := range data {
		data[i] = byte(rng.IntN(256))
	}
	if err := os.WriteFile(filepath.Join(m.SharedDir(), "f"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	cut := 0
	for i := range 100 {
		k := []int{0, 1, 100, 4097, 64 << 10}[i%5]
		status, out, err := m.Execute(context.Background(), fmt.Sprintf("head -c %d /tmp/shared/f", k), time.Minute, nil)
		switch {
		case err != nil && strings.Contains(err.Error(), "cut in transit"):
			cut++
		case err != nil || status != 0:
			t.Fatalf("head -c %d: (%d, %v)", k, status, err)
		case !bytes.Equal(out, data[:k]):
			t.Fatalf("head -c %d: %d bytes, wrong from byte %d, and no error", k, len(out), firstDiff(out, data[:k]))
		}
	}
	t.Logf("100 commands on the terminal: %d cut in transit and reported, the others exact", cut)
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestDeadShellIsAnError kills the backdoor shell mid-command: the command
// and every later one fail within a second, naming the machine, and the
// machine boots again after crash() and start().
func TestDeadShellIsAnError(t *testing.T) {
	for _, kind := range guestKinds {
		t.Run(kind, func(t *testing.T) {
			m := bootKind(t, kind)
			// QEMU sends VSERPORT_CHANGE at most once a second: the close
			// of a shell that dies within a second of opening vmt.alive
			// is reported when that second ends. A guest restored from a
			// snapshot (the vmt kind) reports vmt.alive closed and open
			// again as it resumes: two seconds.
			time.Sleep(2 * time.Second)
			began := time.Now()
			_, _, err := m.Execute(context.Background(), "echo partial; kill -9 $$; sleep 600", 0, nil)
			if err == nil || !strings.Contains(err.Error(), "machine "+m.Name()) || !strings.Contains(err.Error(), "shell exited") {
				t.Fatalf("got %v, want the shell's death naming the machine", err)
			}
			if d := time.Since(began); d > time.Second {
				t.Errorf("the death was noticed after %s", d)
			}
			began = time.Now()
			if _, _, err := m.Execute(context.Background(), "echo again", 0, nil); err == nil || time.Since(began) > time.Second {
				t.Errorf("a later command: %v after %s, want an error at once", err, time.Since(began))
			}
			restart(t, m)
		})
	}
}

// TestDeadGuestIsAnError stops QEMU behind the engine's back, idle and
// mid-command, and panics the guest kernel: each is an error within a
// second that names the machine, and the machine can be started again.
func TestDeadGuestIsAnError(t *testing.T) {
	for _, kind := range guestKinds {
		t.Run(kind, func(t *testing.T) {
			m := bootKind(t, kind)
			ctx := context.Background()

			// Idle: QEMU quits between two commands.
			if _, err := m.SendMonitorCommand(ctx, "quit"); err != nil && !errors.Is(err, context.Canceled) {
				t.Logf("quit: %v", err) // the monitor may close before it answers
			}
			time.Sleep(time.Second)
			began := time.Now()
			_, _, err := m.Execute(ctx, "echo hello", 0, nil)
			if err == nil || !strings.Contains(err.Error(), "machine "+m.Name()) || !strings.Contains(err.Error(), "QEMU exited") {
				t.Fatalf("after QEMU quit: %v", err)
			}
			if d := time.Since(began); d > time.Second {
				t.Errorf("the dead QEMU was reported after %s", d)
			}
			restart(t, m)

			// Mid-command: the guest kernel panics while a command runs.
			began = time.Now()
			_, _, err = m.Execute(ctx, "sleep 1; echo c >/proc/sysrq-trigger; sleep 600", 0, nil)
			if err == nil || !strings.Contains(err.Error(), "machine "+m.Name()) {
				t.Fatalf("after a kernel panic: %v", err)
			}
			if d := time.Since(began); d > 6*time.Second {
				t.Errorf("the panic was reported after %s", d)
			}
			restart(t, m)
		})
	}
}

// bootKind boots a fresh guest of kind for a test that breaks it.
func bootKind(t *testing.T, kind string) *qemu.Machine {
	t.Helper()
	var m *qemu.Machine
	if kind == "vmt" {
		var err error
		if m, err = qemu.New(qemutest.Config(t, "breakable")); err != nil {
			t.Fatal(err)
		}
	} else {
		m = newNixOSGuest(t, qemutest.TempDir(t), "breakable")
	}
	t.Cleanup(func() { m.Release() })
	if err := m.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	return m
}

// restart crashes and starts m, and checks that it answers again.
func restart(t *testing.T, m *qemu.Machine) {
	t.Helper()
	if err := m.Crash(); err != nil {
		t.Fatal(err)
	}
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	if status, out := run(t, m, "echo back"); status != 0 || out != "back\n" {
		t.Fatalf("after a restart: (%d, %q)", status, out)
	}
}
